"""A testimony with protected witness fields, and the strings that must never be found in clear anywhere
docket stores or exports (imported by tests/protect and tests/web)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docket.protect.keys import KEY_ENV, KEY_FILE_ENV, Keyring, create_key_file

WITNESS = {"witness_name": "Marina Polyakova", "contact": "+7 (916) 555-12-34", "relation": "mother"}
TEXT = (
    "Testimony about IK-6 in Kopeysk\n\n"
    "Marina Polyakova says that her son was recruited by Wagner in IK-6 in Kopeysk in October 2022 and "
    "that prison staff beat him when he refused. Polyakova can be reached at 8 916 555 12 34.\n\n"
    "Марина Полякова рассказала, что её сына избили сотрудники колонии ИК-6 в Копейске в октябре 2022 года. "
    "Поляковой угрожали, а Полякову вызывали на допрос.\n"
)
META = {"title": "Testimony: IK-6, Kopeysk", "language": "en", "published": "2022-11-02", "protected": WITNESS}
FRONT_MATTER_TEXT = (
    "---\ntitle: Testimony from Zaporizhzhia\npublished: 2023-03-05\nprotected:\n"
    "  witness: Oleksandr Kovalchuk\n  phone: \"+380 67 123 45 67\"\n---\n\n"
    "# Testimony from Zaporizhzhia\n\n"
    "Oleksandr Kovalchuk, 41, says he was detained at a checkpoint near Vasylivka in March 2023 and held in "
    "a basement for eleven days, where he was beaten. Kovalchuk's wife called +380671234567 for days.\n"
)
# Never to be found in clear: the names, every spelling, case ending and stem of the surnames, and the phone
# numbers. (Bare first names are common words of seeded entity keys, "oleksandr" of "Alexandra ...".)
FORBIDDEN = (
    "Marina Polyakova", "Марина Полякова", "Polyakova", "polyakov", "Полякова", "Поляковой", "Полякову", "поляков",
    "555-12-34", "555 12 34", "5551234", "Oleksandr Kovalchuk", "Kovalchuk", "123 45 67", "1234567",
)


def write_testimonies(folder: Path) -> tuple[Path, Path]:
    """A text testimony with a sidecar carrying its protected fields, and a Markdown one with them in its
    front matter."""
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / "testimony-ik6.txt"
    txt.write_text(TEXT, "utf-8")
    (folder / "testimony-ik6.txt.meta.json").write_text(json.dumps(META, ensure_ascii=False), "utf-8")
    md = folder / "testimony-zaporizhzhia.md"
    md.write_text(FRONT_MATTER_TEXT, "utf-8")
    return txt, md


def use_new_key(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Keyring:
    """A fresh key in a key file outside the data dir, named by $DOCKET_KEY_FILE (as an operator would)."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = folder / "protection.key"
    keyring = create_key_file(path)
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    return keyring


def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def leaks(data: bytes) -> list[str]:
    """The forbidden strings found in ``data`` (UTF-8, and for ASCII ones any case)."""
    lowered = data.lower()
    found = []
    for word in FORBIDDEN:
        raw = word.encode("utf-8")
        if raw in data or (word.isascii() and raw.lower() in lowered):
            found.append(word)
    return found

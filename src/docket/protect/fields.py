"""Which protected values a testimony carries: the ``protected`` object of a sidecar or front matter.

Keys are brought to their canonical names (``data/protection.yaml``: "witness" and "фио" are
``witness_name``); unknown keys are kept as given. Nested objects and lists are flattened
(``{"contact": {"phone": ...}}`` gives ``contact.phone``); a bare string or list marks its values
protected under the name ``protected``. Nothing marked protected is ever dropped: a value that is not
text is kept as its JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from docket.data import load_yaml

PROTECTED_KEY = "protected"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    match: tuple[str, ...]


@cache
def config() -> dict[str, Any]:
    return load_yaml("protection.yaml")


@cache
def known_fields() -> dict[str, FieldSpec]:
    return {
        name: FieldSpec(name, spec.get("label") or name, tuple(spec.get("match") or config()["default_match"]))
        for name, spec in config()["fields"].items()
    }


@cache
def _aliases() -> dict[str, str]:
    out = {}
    for name, spec in config()["fields"].items():
        for alias in [name, *(spec.get("aliases") or [])]:
            out[_key(alias)] = name
    return out


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("_", " ").replace("-", " ").split())


def canonical_name(name: str) -> str:
    return _aliases().get(_key(name), name.strip() or PROTECTED_KEY)


def spec_of(name: str) -> FieldSpec:
    base = name.split(".", 1)[0]
    known = known_fields().get(base)
    return known or FieldSpec(name, name, tuple(config()["default_match"]))


def label_of(name: str) -> str:
    known = known_fields().get(name)
    return known.label if known else name.replace("_", " ")


def protected_values(raw: Any) -> dict[str, str]:
    """Field name -> value (non-empty text) of a ``protected`` object, string or list."""
    out: dict[str, str] = {}
    _flatten(raw, "", out)
    return out


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    if value is None or value is False or value is True:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            name = canonical_name(str(k)) if not prefix else f"{prefix}.{str(k).strip()}"
            _flatten(v, name, out)
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value, 1):
            _flatten(item, f"{prefix or PROTECTED_KEY}.{i}" if len(value) > 1 else prefix, out)
        return
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.strip()
    if text:
        name = prefix or PROTECTED_KEY
        while name in out:  # two keys with one canonical name (witness, name): keep both
            name += "+"
        out[name] = text


def merge(*sources: dict[str, str]) -> dict[str, str]:
    """Values from several places (front matter, sidecar, parent e-mail), later ones winning a name."""
    out: dict[str, str] = {}
    for values in sources:
        for name, value in values.items():
            if name in out and out[name] != value:
                extra = name
                while extra in out:
                    extra += "+"
                out[extra] = out[name]
            out[name] = value
    return out

"""Which documents a media file belongs to. The first rule that finds a document decides:

1. ``attachment``: a file attached to an e-mail belongs to that e-mail's document.
2. ``telegram``: a file a Telegram export names in a message's ``photo`` or ``file`` (relative to the
   export's folder) belongs to that message's document. Exports are looked for in the media file's folder
   and the one above it (Telegram Desktop puts photos in ``photos/``, videos in ``video_files/``).
3. ``same-stem``: a file beside a report whose name it starts with, followed by nothing or by ``.``, ``_``,
   ``-`` or a space (``report.txt``: ``report.jpg``, ``report_1.jpg``, ``report-clip.mp4``) belongs to that
   report's documents.
4. ``folder``: a file in a folder that holds exactly one report belongs to that report's documents.

A report is a file of a document format (text, Markdown, HTML, PDF, e-mail; not a Telegram export, not a
sidecar) in the same folder; its documents are found in the store by the SHA-256 of its bytes, so the rule
holds wherever and in whatever order the files were ingested. Documents not (yet) in the store get no link;
re-running ``docket ingest`` or ``docket media add`` on the folder adds the links then. Media with no rule
that applies stay unlinked until a reviewer attaches them to an incident (``docket media attach``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from docket.ingest import read_source, source_for
from docket.ingest.sidecar import is_sidecar
from docket.store.schema import documents

REPORT_EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".eml", ".msg"}
STEM_SEPARATORS = (".", "_", "-", " ")
TELEGRAM_MAX = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Target:
    target_type: str  # document | incident
    target_id: str
    relation: str


@dataclass
class Linker:
    """Applies the rules; remembers what it read of each folder for the rest of a run."""

    _reports: dict[Path, list[tuple[Path, str]]] = field(default_factory=dict)
    _telegram: dict[Path, dict[Path, list[str]]] = field(default_factory=dict)

    def targets(self, conn: Connection, path: Path | None, attached_to: list[str] | None = None) -> list[Target]:
        if attached_to:
            return [Target("document", d, "attachment") for d in _existing(conn, attached_to)]
        if path is None:
            return []
        path = path.resolve()
        for folder in (path.parent, path.parent.parent):
            posts = self._telegram_posts(folder).get(path)
            if posts and (found := _existing(conn, posts)):
                return [Target("document", d, "telegram") for d in found]
        reports = self._reports_in(path.parent)
        stem = [sha for report, sha in reports if _same_stem(path.name, report)]
        if stem and (docs := _documents_of(conn, stem)):
            return [Target("document", d, "same-stem") for d in docs]
        if len(reports) == 1 and (docs := _documents_of(conn, [reports[0][1]])):
            return [Target("document", d, "folder") for d in docs]
        return []

    def _reports_in(self, folder: Path) -> list[tuple[Path, str]]:
        if folder not in self._reports:
            found = []
            for p in sorted(folder.iterdir()) if folder.is_dir() else []:
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in REPORT_EXTENSIONS and not is_sidecar(p):
                    found.append((p, _sha256(p)))
            self._reports[folder] = found
        return self._reports[folder]

    def _telegram_posts(self, folder: Path) -> dict[Path, list[str]]:
        """Media path (resolved) → ids of the Telegram posts naming it, for the exports in ``folder``."""
        if folder not in self._telegram:
            posts: dict[Path, list[str]] = {}
            for export in sorted(folder.glob("*.json")) if folder.is_dir() else []:
                if is_sidecar(export) or not export.is_file() or export.stat().st_size > TELEGRAM_MAX:
                    continue
                for doc in read_source(source_for(export)).documents:
                    named = doc.meta.get("media") if doc.format == "telegram" else None
                    for rel in named or []:
                        posts.setdefault((folder / rel).resolve(), []).append(doc.id)
            self._telegram[folder] = posts
        return self._telegram[folder]


def _same_stem(media_name: str, report: Path) -> bool:
    stem, name = report.stem.casefold(), Path(media_name).stem.casefold()
    return name == stem or any(name.startswith(stem + sep) for sep in STEM_SEPARATORS)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _existing(conn: Connection, document_ids: list[str]) -> list[str]:
    rows = conn.execute(select(documents.c.id).where(documents.c.id.in_(document_ids), documents.c.status == "ok"))
    return sorted(r.id for r in rows)


def _documents_of(conn: Connection, shas: list[str]) -> list[str]:
    """The documents read from these originals (not their attachments' documents)."""
    rows = conn.execute(
        select(documents.c.id).where(
            documents.c.blob_sha256.in_(shas), documents.c.parent_id.is_(None), documents.c.status == "ok"
        )
    )
    return sorted(r.id for r in rows)

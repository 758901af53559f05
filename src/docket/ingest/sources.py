"""Walking the paths given to ``ingest``: files and folders, recursively, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docket.ingest.sidecar import is_sidecar, load_sidecar


@dataclass
class Source:
    """One file to ingest."""

    path: Path
    name: str  # file name: Document.name and the export's "document"
    sidecar: dict | None = None  # parsed NAME.meta.json beside it, if any
    sidecar_error: str | None = None  # why a sidecar that exists could not be used


def source_for(path: Path | str) -> Source:
    path = Path(path)
    sidecar, error = load_sidecar(path)
    return Source(path=path, name=path.name, sidecar=sidecar, sidecar_error=error)


def iter_sources(paths: Iterable[Path | str]) -> Iterator[Source]:
    """Every file under ``paths`` (files or folders), folders walked recursively and sorted.

    Sidecars and hidden files or folders found while walking are skipped; a file named explicitly is
    yielded unless it is a sidecar.  Paths are checked before anything is yielded: a missing one raises
    ``FileNotFoundError`` naming it.
    """
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
    return _walk(roots)


def _walk(roots: list[Path]) -> Iterator[Source]:
    seen: set[Path] = set()
    for root in roots:
        for path in _files_under(root):
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield source_for(path)


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        if not is_sidecar(root):
            yield root
        return
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or is_sidecar(path) or not path.is_file():
                continue
            found.append(path)
    yield from sorted(found, key=lambda p: p.relative_to(root).parts)

"""What reading one file gives: its identity (name, hash, size, type), documents, embedded files, or an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docket.model import Document


@dataclass
class ReadResult:
    name: str
    sha256: str
    size: int
    media_type: str
    documents: list[Document] = field(default_factory=list)  # status "ok" documents read from it
    children: list[ReadResult] = field(default_factory=list)  # embedded files (e-mail attachments)
    data: bytes | None = None  # bytes of an embedded child; None for files on disk
    error: str | None = None  # set when the file could not be read: names the file and the reason
    path: Path | None = None
    protected: dict[str, str] = field(default_factory=dict)  # protected values its sidecar gives (docket.protect)

    @property
    def ok(self) -> bool:
        return self.error is None

    def all_documents(self) -> list[Document]:
        """Documents of this file and, depth first, of its embedded files."""
        docs = list(self.documents)
        for child in self.children:
            docs.extend(child.all_documents())
        return docs

"""What ingesting gives back: one outcome per source, and the report of a whole run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SourceOutcome:
    name: str
    status: str  # added | skipped | failed
    message: str = ""
    documents: int = 0
    failed_documents: int = 0
    claims: int = 0
    incidents: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    # With Dask workers: seconds the writer waited for prepared sources (near 0: the writer is the bottleneck).
    waited_seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def documents(self) -> int:
        return sum(o.documents for o in self.outcomes)

    @property
    def claims(self) -> int:
        return sum(o.claims for o in self.outcomes)

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} sources: {self.count('added')} added, {self.count('skipped')} skipped, "
            f"{self.count('failed')} failed; {self.documents} documents, {self.claims} claims"
        )


Progress = Callable[[SourceOutcome, int, int], None]

"""Export stage: the register as JSONL (the contract in shared/docs/incident-format.md) or CSV."""

from docket.export.records import incident_records
from docket.export.writers import write_csv, write_jsonl

__all__ = ["incident_records", "write_csv", "write_jsonl"]

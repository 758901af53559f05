"""Link stage: near-copies, canonical entities, incident resolution and corroboration.

``link_new_document`` is called by the ingest writer (``docket.record``) inside its write transaction,
``link_document`` for a document stored earlier.
"""

from docket.link.linker import (
    Linked,
    explain_corroboration,
    incident_sources,
    link_document,
    link_new_document,
    refresh,
    unmerge,
)

__all__ = [
    "Linked",
    "explain_corroboration",
    "incident_sources",
    "link_document",
    "link_new_document",
    "refresh",
    "unmerge",
]

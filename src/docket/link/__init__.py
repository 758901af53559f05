"""Link stage: near-copies, canonical entities, incident resolution and corroboration.

``link_document`` is called by the pipeline inside its per-document transaction.
"""

from docket.link.linker import explain_corroboration, incident_sources, link_document, refresh, unmerge

__all__ = ["explain_corroboration", "incident_sources", "link_document", "refresh", "unmerge"]

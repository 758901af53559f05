"""Ingest: files and folders to Documents, one reader per format, originals identified by SHA-256.

``iter_sources(paths)`` walks files and folders; ``read_source(source)`` reads one file and never raises
for bad input: the ``ReadResult`` then carries an ``error`` naming the file and the reason.
"""

from docket.ingest.read import read_bytes, read_source
from docket.ingest.result import ReadResult
from docket.ingest.sources import Source, iter_sources, source_for

__all__ = ["ReadResult", "Source", "iter_sources", "read_bytes", "read_source", "source_for"]

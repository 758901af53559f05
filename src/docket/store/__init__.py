"""Store: tables, migrations, blobs by SHA-256, and the repositories that read and write them."""

from docket.store.blobstore import BlobError, BlobStore, LocalBlobStore
from docket.store.store import Store

__all__ = ["BlobError", "BlobStore", "LocalBlobStore", "Store"]

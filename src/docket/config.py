"""Where docket keeps its data: command-line option, else environment, else a default."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "DOCKET_DATA_DIR"
DATABASE_URL_ENV = "DOCKET_DATABASE_URL"
DEFAULT_DATA_DIR = Path("docket-data")
DATABASE_FILE = "docket.sqlite"
BLOB_DIR = "blobs"
DEFAULT_ACTOR_ENV = "DOCKET_ACTOR"
BLOB_URL_ENV = "DOCKET_BLOB_URL"  # originals in object storage: s3://bucket/prefix
S3_ENDPOINT_ENV = "DOCKET_S3_ENDPOINT_URL"  # an S3-compatible server other than AWS


def resolve_data_dir(option: Path | str | None = None) -> Path:
    if option:
        return Path(option)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


def resolve_database_url(option: str | None = None) -> str | None:
    return option or os.environ.get(DATABASE_URL_ENV) or None


def resolve_blob_url(option: str | None = None) -> str | None:
    """Where originals go: ``--blob-url``, else ``$DOCKET_BLOB_URL``; None: the data dir's ``blobs/``."""
    return option or os.environ.get(BLOB_URL_ENV) or None


def default_actor() -> str:
    """Who the custody chain names for actions run from this shell."""
    return os.environ.get(DEFAULT_ACTOR_ENV) or os.environ.get("USER") or "docket"

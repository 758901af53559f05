"""``docket serve --workers N``: N server processes, each building the application from the environment.

One process runs Python on one core at a time; the pages' work (decoding rows, rendering) is Python, so
a machine's other cores serve requests only from other processes. uvicorn starts the workers and imports
``app_from_env`` in each; the options the command line was given travel in ``$DOCKET_SERVE_OPTIONS``.
Each worker keeps its own cache of list results (``docket.web.memo``) and its own login rate limit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from docket.store import Store
from docket.web import create_app

OPTIONS_ENV = "DOCKET_SERVE_OPTIONS"


def export_options(**options: Any) -> None:
    """Put the command line's options where the workers find them."""
    os.environ[OPTIONS_ENV] = json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in options.items()})


def app_from_env() -> Starlette:
    options = json.loads(os.environ[OPTIONS_ENV])
    store = Store.open(Path(options["data_dir"]), options.get("database_url"), options.get("blob_url"))
    return create_app(store, force_https=bool(options.get("https")), public=bool(options.get("public")))

"""Dask worker plugins for ``docket.parallel`` (a module of their own: importing it imports distributed)."""

from __future__ import annotations

import os
from typing import Any

from distributed import WorkerPlugin


class YieldCPU(WorkerPlugin):
    """A local worker runs at a lower CPU priority (``nice``) than the ingesting process, so on a machine
    they share, the writer (the bottleneck) and its database server are not queued behind extraction."""

    name = "docket-yield-cpu"

    def __init__(self, nice: int) -> None:
        self.nice = nice

    def setup(self, worker: Any) -> None:
        os.setpriority(os.PRIO_PROCESS, 0, max(self.nice, os.getpriority(os.PRIO_PROCESS, 0)))

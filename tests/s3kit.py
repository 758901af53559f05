"""A real S3-compatible HTTP server for the object-storage tests: moto's server, started in-process on a
free local port (``ThreadedMotoServer``); every test gets a bucket of its own."""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass
from typing import Any

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "docket-test",
    "AWS_SECRET_ACCESS_KEY": "docket-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass
class Bucket:
    endpoint: str
    name: str
    url: str  # s3://name/prefix: what DOCKET_BLOB_URL names
    fs: Any  # an s3fs file system on the server, for looking at (and tampering with) objects

    def objects(self) -> list[str]:
        return sorted(p for p in self.fs.find(self.name) if "/tmp/" not in p)


class S3Server:
    def __init__(self) -> None:
        self._server: Any = None
        self.endpoint = ""
        self._names = itertools.count(1)

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def bucket(self, prefix: str = "originals") -> Bucket:
        import s3fs

        name = f"docket-test-{os.getpid()}-{next(self._names)}"
        fs = s3fs.S3FileSystem(endpoint_url=self.endpoint, skip_instance_cache=True, use_listings_cache=False)
        fs.mkdir(name)
        return Bucket(self.endpoint, name, f"s3://{name}/{prefix}", fs)

"""`docket serve` as a command: the public site from two worker processes over real HTTP."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

from dbkit import private_copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8")


def test_serve_public_with_two_workers(built_store, tmp_path, new_database, monkeypatch):
    store = private_copy(built_store, tmp_path, new_database, monkeypatch)
    store.close()
    port = _free_port()
    docket = Path(sys.executable).with_name("docket")
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(docket), "--data-dir", str(store.data_dir), "serve", "--public", "--workers", "2",
                             "--port", str(port), "--no-access-log"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(port, "/incidents")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert status == 200 and "Verified incidents" in body and "Log in" not in body
        assert [_get(port, path)[0] for path in ("/login", "/api/me", "/documents")] == [404, 404, 404]
        assert _get(port, "/api/incidents")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    assert "docket serving the public site" in (tmp_path / "serve.log").read_text()

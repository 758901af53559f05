"""What the browser tests share: Debian's Chromium and its flags, a real server on loopback, logging in."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import uvicorn
from webkit import PASSWORD

from docket.store import Store
from docket.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class Server:
    def __init__(self, store: Store, *, public: bool = False) -> None:
        self.store = store
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(store, public=public), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(200):  # wait (bounded) until it listens
            if self.server.started:
                break
            time.sleep(0.05)
        assert self.server.started, "the server started"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def log_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/incidents")
    assert "/login" in page.url
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/incidents$"))

"""Who is asking, and may they: signed session cookies, CSRF tokens, the login rate limit, and the
table of routes and the permission each needs.

Every route of the application is listed in ``ROUTE_PERMISSIONS`` (``None``: open to anyone); the app
refuses to start with a route missing from it, and the tests walk the table for every role.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docket.review.accounts import ADMIN, READ, REVIEW, TESTIFY

SESSION_COOKIE = "docket_session"
LOGIN_COOKIE = "docket_login"  # binds the login form's CSRF token to this browser before a session exists
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_FILE = "web-secret"

# route name -> permission it needs (None: public). Names are Starlette route names.
ROUTE_PERMISSIONS: dict[str, str | None] = {
    # public
    "home": None,
    "login": None,
    "login_submit": None,
    "logout": None,
    "static": None,
    "vendor": None,
    "openapi": None,
    "api_docs": None,
    # pages: reading
    "incidents": READ,
    "incident": READ,
    "documents": READ,
    "document": READ,
    "blob": READ,
    "entities": READ,
    "entity": READ,
    "timeline": READ,
    "map": READ,
    "map_data": READ,
    "export": READ,
    # pages: review
    "incident_status": REVIEW,
    "incident_edit": REVIEW,
    "incident_revert": REVIEW,
    "incident_note": REVIEW,
    "incident_merge": REVIEW,
    "incident_split": REVIEW,
    "merge_undo": REVIEW,
    "incident_media": REVIEW,  # attach media evidence (docket.web.evidence)
    "incident_media_detach": REVIEW,
    # pages: testimonies with protected witness fields (docket.web.witness); seeing the fields takes the
    # "protected" permission, checked where they would show
    "testimony_form": TESTIFY,
    "testimony_add": TESTIFY,
    # pages: administration
    "admin_users": ADMIN,
    "admin_user_add": ADMIN,
    "admin_user_role": ADMIN,
    "admin_token_add": ADMIN,
    "admin_token_revoke": ADMIN,
    # REST API
    "api_incidents": READ,
    "api_incident": READ,
    "api_incident_history": READ,
    "api_documents": READ,
    "api_document": READ,
    "api_entities": READ,
    "api_entity": READ,
    "api_search": READ,
    "api_timeline": READ,
    "api_export": READ,
    "api_me": READ,
    "api_review": REVIEW,
    "api_edit": REVIEW,
    "api_note": REVIEW,
    "api_merge": REVIEW,
    "api_split": REVIEW,
    "api_unmerge": REVIEW,
    "api_media_attach": REVIEW,
    "api_media_detach": REVIEW,
}

# ``docket serve --public``: the only routes the public site has (``docket.web.public``), open to anyone;
# their handlers show verified incidents only and nothing protected or internal.
PUBLIC_PERMISSIONS: dict[str, str | None] = {
    name: None
    for name in ("home", "static", "vendor", "incidents", "incident", "document", "blob", "timeline", "map",
                 "map_data", "export", "api_incidents", "api_incident", "api_search", "api_export", "api_timeline")
}


def load_secret(data_dir: Path) -> bytes:
    """The key that signs cookies: ``DOCKET_WEB_SECRET``, else a random one kept in the data dir (0600)."""
    env = os.environ.get("DOCKET_WEB_SECRET")
    if env:
        return env.encode("utf-8")
    path = data_dir / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


@dataclass(frozen=True)
class Signer:
    key: bytes

    def mac(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()

    def sign(self, purpose: str, value: str) -> str:
        return f"{value}.{self.mac(purpose, value)}"

    def unsign(self, purpose: str, signed: str | None) -> str | None:
        if not signed or "." not in signed:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(mac, self.mac(purpose, value)) else None


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed logins per ``window`` seconds per client address and per user name."""

    attempts: int = 5
    window: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until another try is allowed (0: allowed now)."""
        with self._lock:
            waits = []
            for key in keys:
                q = self._recent(key)
                if len(q) >= self.attempts:
                    waits.append(int(self.window - (self.clock() - q[0])) + 1)
            return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'; connect-src 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}

"""The web application's frame: who is asking, may they, CSRF, templates, errors, security headers.

Handlers are plain functions ``handler(web, ctx) -> Response`` run in a worker thread (the store is
synchronous); ``Web.endpoint`` wraps each one with the checks every route gets, looked up by the
route's name in ``security.ROUTE_PERMISSIONS``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket.review import accounts
from docket.review.accounts import User
from docket.store import Store
from docket.web import formats, security
from docket.web.security import LoginLimiter, Signer

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
ASSETS_ENV = "DOCKET_WEB_ASSETS"
MAX_BODY = 2_000_000


def assets_dir() -> Path:
    """Where ``npm ci`` put the front-end libraries (``make setup``)."""
    env = os.environ.get(ASSETS_ENV)
    return Path(env) if env else HERE / "assets" / "node_modules"


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass
class Ctx:
    """One request as a handler sees it."""

    request: Request
    name: str
    user: User | None = None
    csrf: str | None = None
    session_token: str | None = None
    via_token: bool = False
    form: FormData | None = None
    body: Any = None
    body_error: bool = False
    cookies_out: list[tuple[str, str | None, int]] = field(default_factory=list)

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api_") or self.name == "openapi"

    def can(self, permission: str) -> bool:
        return self.user is not None and self.user.can(permission)

    def param(self, name: str) -> str | None:
        if self.form is not None and name in self.form:
            value = self.form.get(name)
            return value if isinstance(value, str) else None
        return self.request.query_params.get(name)

    def params(self) -> Any:
        return self.request.query_params

    def form_list(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]


Handler = Callable[["Web", Ctx], Response]


class Web:
    def __init__(
        self, store: Store, *, force_https: bool = False, limiter: LoginLimiter | None = None, public: bool = False,
    ) -> None:
        self.store = store
        # The public site (``docket serve --public``): no login, read-only, verified incidents only.
        self.public = public
        self.permissions = security.PUBLIC_PERMISSIONS if public else security.ROUTE_PERMISSIONS
        self.signer = Signer(security.load_secret(store.data_dir))
        self.limiter = limiter or LoginLimiter()
        self.force_https = force_https
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["tojson_text"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1, sort_keys=True)
        self.env.globals["quote"] = lambda v: quote(str(v), safe="")
        self.env.globals.update(formats.GLOBALS)

    def detail(self, fetch: Callable[[Connection, str], dict[str, Any] | None], key: str, what: str) -> dict[str, Any]:
        """``fetch(conn, key)`` in a read transaction; a 404 naming ``what`` when there is no such thing."""
        with self.store.read() as conn:
            found = fetch(conn, key)
        if found is None:
            raise HTTPError(404, f"no {what} {key}")
        return found

    # -- responses ---------------------------------------------------------------------------------

    def secure(self, request: Request) -> bool:
        return self.force_https or request.url.scheme == "https"

    def render(self, ctx: Ctx, template: str, http_status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("title", "docket")
        html = self.env.get_template(template).render(
            user=ctx.user, csrf=ctx.csrf, ctx=ctx, request=ctx.request, can=ctx.can, path=ctx.request.url.path,
            public=self.public, **values
        )
        return HTMLResponse(html, status_code=http_status)

    def error(self, ctx: Ctx, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if ctx.is_api or ctx.request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        response = self.render(ctx, "error.html", http_status=status, message=message, status_code=status, title=f"{status}")
        if headers:
            response.headers.update(headers)
        return response

    def set_cookie(self, response: Response, request: Request, name: str, value: str | None, max_age: int) -> None:
        if value is None:
            response.delete_cookie(name, path="/", secure=self.secure(request), httponly=True, samesite="lax")
        else:
            response.set_cookie(name, value, max_age=max_age, path="/", secure=self.secure(request), httponly=True, samesite="lax")

    # -- identity ----------------------------------------------------------------------------------

    def identify(self, ctx: Ctx) -> None:
        if self.public:
            return  # the public site knows no one: no session, no token
        header = ctx.request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
            with self.store.read() as conn:
                ctx.user = accounts.user_for_token(conn, token)
            ctx.via_token = ctx.user is not None
            if ctx.user is None:
                raise HTTPError(401, "invalid or revoked API token")
            return
        signed = ctx.request.cookies.get(security.SESSION_COOKIE)
        token = self.signer.unsign("session", signed)
        if token:
            with self.store.read() as conn:
                found = accounts.session_user(conn, token)
            if found:
                ctx.user, ctx.csrf = found
                ctx.session_token = token

    def check_csrf(self, ctx: Ctx) -> None:
        if ctx.request.method in ("GET", "HEAD", "OPTIONS") or ctx.via_token:
            return
        sent = ctx.request.headers.get(security.CSRF_HEADER)
        if not sent and ctx.form is not None:
            value = ctx.form.get(security.CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if ctx.name == "login_submit":
            pre = self.signer.unsign("login", ctx.request.cookies.get(security.LOGIN_COOKIE))
            expected = self.signer.mac("login-csrf", pre) if pre else None
        else:
            expected = ctx.csrf
        if not security.same(sent, expected):
            raise HTTPError(403, "the form's CSRF token is missing or stale: reload the page and try again")

    # -- the wrapper every route gets -------------------------------------------------------------

    def endpoint(self, name: str, handler: Handler) -> Callable[[Request], Any]:
        if name not in self.permissions:
            raise RuntimeError(f"route {name!r} has no entry in ROUTE_PERMISSIONS")
        permission = self.permissions[name]

        async def run(request: Request) -> Response:
            ctx = Ctx(request, name)
            if request.method == "POST":
                try:
                    too_large = int(request.headers.get("content-length") or 0) > MAX_BODY
                except ValueError:
                    too_large = False
                if too_large:
                    return self.error(ctx, 413, "request too large")
                kind = request.headers.get("content-type", "")
                try:
                    if kind.startswith("application/json"):
                        ctx.body = await request.json()
                    elif kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                        ctx.form = await request.form(max_files=0, max_fields=1000)
                except Exception:  # a body that does not parse as it says: refused after the identity checks
                    ctx.body_error = True
            return await run_in_threadpool(self.dispatch, ctx, permission, handler)

        run.__name__ = name
        return run

    def dispatch(self, ctx: Ctx, permission: str | None, handler: Handler) -> Response:
        try:
            self.identify(ctx)
            if permission is not None:
                if ctx.user is None:
                    if ctx.is_api:
                        raise HTTPError(401, "log in or send an API token (Authorization: Bearer ...)")
                    target = ctx.request.url.path + (f"?{ctx.request.url.query}" if ctx.request.url.query else "")
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
                if not ctx.user.can(permission):
                    raise HTTPError(403, f"your role ({ctx.user.role}) may not do this")
            self.check_csrf(ctx)
            if ctx.body_error:
                raise HTTPError(400, "the request body does not parse")
            response = handler(self, ctx)
        except HTTPError as exc:
            headers = exc.headers or ({"WWW-Authenticate": "Bearer"} if exc.status == 401 else None)
            response = self.error(ctx, exc.status, exc.message, headers)
        for cookie, value, max_age in ctx.cookies_out:
            self.set_cookie(response, ctx.request, cookie, value, max_age)
        if ctx.user is not None or permission is not None:
            response.headers.setdefault("cache-control", "no-store")
        return response

    # -- login ---------------------------------------------------------------------------------------

    def login_csrf(self, ctx: Ctx) -> str:
        """The login form's CSRF token, bound to a pre-session cookie (set here when missing)."""
        pre = self.signer.unsign("login", ctx.request.cookies.get(security.LOGIN_COOKIE))
        if not pre:
            pre = secrets.token_urlsafe(24)
            ctx.cookies_out.append((security.LOGIN_COOKIE, self.signer.sign("login", pre), 3600))
        return self.signer.mac("login-csrf", pre)


class SecurityHeaders:
    """Adds the security headers (CSP without inline script or style, nosniff, no framing) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in security.SECURITY_HEADERS.items():
                    if key.encode() not in present:
                        headers.append((key.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def int_id(value: str) -> int:
    """A numeric id from a path (merge, token), or 404: never a number the database cannot hold."""
    try:
        number = int(value)
    except ValueError:
        raise HTTPError(404, "no such id") from None
    if not 0 < number < 2**31:
        raise HTTPError(404, "no such id")
    return number


def safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/incidents"
    return target

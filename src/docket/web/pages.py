"""Server-rendered pages: login, incidents, documents, entities, timeline, map, review forms, users."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.responses import RedirectResponse, Response, StreamingResponse

from docket import custody
from docket.export.records import consistent, incident_records
from docket.export.writers import write_csv
from docket.review import accounts, actions
from docket.review.accounts import PROTECTED, ROLE_ORDER, AccountError
from docket.review.actions import ReviewError
from docket.store.register import get_incident
from docket.web import listing, public, queries, security, witness
from docket.web.app import Ctx, HTTPError, Web, int_id, safe_next

DONE = {
    "confirm": "Confirmed: the incident is now verified.",
    "dispute": "Disputed.",
    "reject": "Rejected.",
    "edit": "Field saved; the machine's value is kept beside it.",
    "revert": "Reviewer value removed; the machine's value shows again.",
    "note": "Note attached.",
    "merge": "Merged.",
    "split": "Split: this is the new incident.",
    "unmerge": "Merge undone.",
    "attach-media": "Media attached to this incident as evidence.",
    "detach-media": "Media detached from this incident.",
    "testimony": "Testimony stored: its protected fields are sealed, and the text shows [protected] where they occurred.",
    "testimony-again": "This testimony was entered before (the same text): here it is.",
}


def filters(web: Web, ctx: Ctx) -> queries.Filters:
    """The list's filters from the query string; on the public site, verified incidents only."""
    flt = queries.Filters.from_params(ctx.params())
    return public.scoped(flt) if web.public else flt


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def write(web: Web, fn: Callable[[Any], Any]) -> Any:
    """Run ``fn(conn)`` in one write transaction; a review or account error is the user's (400)."""
    try:
        with web.store.write() as conn:
            return fn(conn)
    except (ReviewError, AccountError) as exc:
        raise HTTPError(400, str(exc)) from None


def _url_with(base: str, params: dict[str, str]) -> Callable[..., str]:
    def url(**changes: Any) -> str:
        merged = {k: v for k, v in params.items() if v}
        for k, v in changes.items():
            if v is None or v == "":
                merged.pop(k, None)
            else:
                merged[k] = str(v)
        if "page" not in changes:
            merged.pop("page", None)
        return base + ("?" + urlencode(merged) if merged else "")

    return url


# -- public ---------------------------------------------------------------------------------------------


def home(web: Web, ctx: Ctx) -> Response:
    return _redirect("/incidents" if ctx.user or web.public else "/login")


def login(web: Web, ctx: Ctx) -> Response:
    target = safe_next(ctx.request.query_params.get("next"))
    if ctx.user is not None:
        return _redirect(target)
    return web.render(ctx, "login.html", login_csrf=web.login_csrf(ctx), next=target, title="Log in")


def login_submit(web: Web, ctx: Ctx) -> Response:
    name = (ctx.param("username") or "").strip()
    password = ctx.param("password") or ""
    target = safe_next(ctx.param("next"))
    client = ctx.request.client.host if ctx.request.client else "?"
    keys = (f"ip:{client}", f"user:{name.casefold()}")
    wait = web.limiter.retry_after(*keys)
    if wait:
        raise HTTPError(429, f"too many failed logins: try again in {wait} seconds", {"Retry-After": str(wait)})
    with web.store.write() as conn:
        user = accounts.authenticate(conn, name, password) if name and password else None
        if user is not None:
            token, _ = accounts.start_session(conn, user)
    if user is None:
        web.limiter.failed(*keys)
        return web.render(ctx, "login.html", http_status=401, login_csrf=web.login_csrf(ctx), next=target,
                          error="Wrong user name or password.", username=name, title="Log in")
    web.limiter.succeeded(keys[1])
    ctx.cookies_out.append((security.SESSION_COOKIE, web.signer.sign("session", token), accounts.SESSION_DAYS * 86400))
    ctx.cookies_out.append((security.LOGIN_COOKIE, None, 0))
    return _redirect(target)


def logout(web: Web, ctx: Ctx) -> Response:
    if ctx.session_token:
        with web.store.write() as conn:
            accounts.end_session(conn, ctx.session_token)
    ctx.cookies_out.append((security.SESSION_COOKIE, None, 0))
    return _redirect("/login")


# -- incidents ------------------------------------------------------------------------------------------


def incidents(web: Web, ctx: Ctx) -> Response:
    flt = filters(web, ctx)
    page, per_page = queries.page_args(ctx.params())
    params = flt.active() | ({"per_page": str(per_page)} if per_page != 25 else {})
    url = _url_with("/incidents", params)

    def aside(conn: Any) -> Markup:  # the same for every page of this filter: rendered once per register state
        return Markup(web.env.get_template("incidents_aside.html").render(
            flt=flt, url=url, facets=listing.facet_counts(conn, flt), vocab=actions.vocabulary(), statuses=queries.STATUSES))

    with web.store.read() as conn:
        data = queries.incident_page(conn, flt, page, per_page, facets=False)
        side = listing.cached(conn, "aside", (flt, per_page), lambda: aside(conn))
    return web.render(ctx, "incidents.html", data=data, flt=flt, url=url, aside=side, title="Incidents",
                      export_query=urlencode(flt.active()))


def incident(web: Web, ctx: Ctx) -> Response:
    incident_id = ctx.request.path_params["incident_id"]
    with web.store.read() as conn:
        detail = queries.incident_detail(conn, incident_id)
        if detail is None and not web.public:
            found = get_incident(conn, incident_id)  # a unique prefix
            if found is not None:
                return _redirect(f"/incidents/{found['id']}")
    if detail is None or (web.public and not public.incident_is_public(detail["incident"])):
        raise HTTPError(404, f"no incident {incident_id}: it may have been merged into another")
    detail["protected_documents"] = witness.protected_ids(web, [s["document_id"] for s in detail["sources"]])
    done = DONE.get(ctx.request.query_params.get("done") or "")
    return web.render(ctx, "incident.html", d=detail, inc=detail["incident"], vocab=actions.vocabulary(), done=done,
                      qualifiers=actions.QUALIFIERS, date_precisions=actions.DATE_PRECISIONS,
                      title=f"Incident {incident_id}")


def _incident_id(ctx: Ctx) -> str:
    return ctx.request.path_params["incident_id"]


def incident_status(web: Web, ctx: Ctx) -> Response:
    iid, action = _incident_id(ctx), ctx.param("action") or ""
    write(web, lambda conn: actions.set_status(conn, iid, action, ctx.user.name, ctx.param("note") or None))
    return _redirect(f"/incidents/{iid}?done={quote(action)}")


def form_value(ctx: Ctx, field: str) -> Any:
    """A field's new value from the edit form of that field."""
    if field in ("types", "victims", "perpetrators"):
        return ctx.form_list("value")
    if field == "date":
        precision = ctx.param("precision") or "day"
        return {"start": ctx.param("start") or None, "end": ctx.param("end") or None, "precision": precision}
    if field == "count":
        raw = (ctx.param("count") or "").strip()
        if not raw:
            return None
        try:
            return {"value": int(raw), "qualifier": ctx.param("qualifier") or "exact"}
        except ValueError:
            raise HTTPError(400, "count: a whole number, or empty for none") from None
    if field == "places":
        try:
            return json.loads(ctx.param("value") or "[]")
        except ValueError:
            raise HTTPError(400, "places: JSON, a list of places") from None
    raise HTTPError(400, f"unknown field {field!r}")


def incident_edit(web: Web, ctx: Ctx) -> Response:
    iid, field = _incident_id(ctx), ctx.param("field") or ""
    value = form_value(ctx, field)
    write(web, lambda conn: actions.edit_field(conn, iid, field, value, ctx.user.name, ctx.param("note") or None))
    return _redirect(f"/incidents/{iid}?done=edit")


def incident_revert(web: Web, ctx: Ctx) -> Response:
    iid = _incident_id(ctx)
    write(web, lambda conn: actions.revert_field(conn, iid, ctx.param("field") or "", ctx.user.name, ctx.param("note") or None))
    return _redirect(f"/incidents/{iid}?done=revert")


def incident_note(web: Web, ctx: Ctx) -> Response:
    iid = _incident_id(ctx)
    write(web, lambda conn: actions.add_note(conn, iid, ctx.user.name, ctx.param("note") or ""))
    return _redirect(f"/incidents/{iid}?done=note")


def _resolve(conn: Any, ref: str) -> str:
    found = get_incident(conn, ref.strip()) if ref.strip() else None
    if found is None:
        raise ReviewError(f"no incident {ref.strip() or '(none given)'}")
    return found["id"]


def incident_merge(web: Web, ctx: Ctx) -> Response:
    iid = _incident_id(ctx)
    write(web, lambda conn: actions.merge(conn, iid, _resolve(conn, ctx.param("other") or ""), ctx.user.name,
                                          ctx.param("note") or None))
    return _redirect(f"/incidents/{iid}?done=merge")


def incident_split(web: Web, ctx: Ctx) -> Response:
    iid = _incident_id(ctx)
    record = write(web, lambda conn: actions.split(conn, iid, ctx.form_list("claim_ids"), ctx.user.name,
                                                   ctx.param("note") or None))
    return _redirect(f"/incidents/{record['new_id']}?done=split")


def merge_undo(web: Web, ctx: Ctx) -> Response:
    merge_id = int_id(ctx.request.path_params["merge_id"])
    record = write(web, lambda conn: actions.unmerge(conn, merge_id, ctx.user.name, ctx.param("note") or None))
    return _redirect(f"/incidents/{record['incident_id']}?done=unmerge")


# -- documents and entities -----------------------------------------------------------------------------


def documents(web: Web, ctx: Ctx) -> Response:
    page, per_page = queries.page_args(ctx.params(), default=50)
    q, status = ctx.params().get("q") or None, ctx.params().get("status") or None
    with web.store.read() as conn:
        data = queries.document_page(conn, page, per_page, q, status)
    params = {k: v for k, v in {"q": q, "status": status}.items() if v}
    return web.render(ctx, "documents.html", data=data, q=q or "", status=status or "",
                      url=_url_with("/documents", params), title="Documents")


def document_view(web: Web, ctx: Ctx) -> dict[str, Any]:
    """A document's detail with its protected fields as this user may see them; on the public site only a
    source of a verified incident, with its claims on verified incidents."""
    doc_id = ctx.request.path_params["document_id"]
    if web.public:
        with web.store.read() as conn:
            if not public.document_is_public(conn, doc_id):
                raise HTTPError(404, f"no document {doc_id}")
    detail = web.detail(queries.document_detail, doc_id, "document")
    if web.public:
        with web.store.read() as conn:
            shown = public.public_incident_ids(conn, [c["incident_id"] for c in detail["claims"] if c["incident_id"]])
        detail["claims"] = [c for c in detail["claims"] if c["incident_id"] in shown]
        detail["near_copies"], detail["parts"], detail["custody"], detail["meta"] = [], [], [], {}
    detail["witness"] = witness.view(web, ctx, doc_id)
    return detail


def document(web: Web, ctx: Ctx) -> Response:
    detail = document_view(web, ctx)
    done = DONE.get(ctx.request.query_params.get("done") or "")
    return web.render(ctx, "document.html", d=detail, doc=detail["document"], title=detail["document"]["name"],
                      done=done, sealed=web.store.sealed is not None and web.store.sealed.exists(detail["document"]["blob_sha256"]))


def blob(web: Web, ctx: Ctx) -> Response:
    """An original, byte for byte, as a download (never rendered by the browser). A protected testimony's
    original (sealed) only for a role that may see protected fields, and never on the public site."""
    sha = ctx.request.path_params["sha256"]
    valid = len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)
    holder = web.store.originals_of(sha) if valid else None
    if holder is None:
        raise HTTPError(404, "no such original")
    if holder is web.store.sealed:
        if web.public:
            raise HTTPError(404, "no such original")
        if not ctx.can(PROTECTED):
            raise HTTPError(403, f"the original of a testimony with protected fields: your role ({ctx.user.role}) "
                                 "may not open it")
    elif web.public:
        with web.store.read() as conn:
            if not public.blob_is_public(conn, sha):
                raise HTTPError(404, "no such original")
    return StreamingResponse(_chunks(holder, sha), media_type="application/octet-stream",
                             headers={"content-disposition": f'attachment; filename="{sha}.bin"'})


BLOB_CHUNK = 1 << 20


def _chunks(holder: Any, sha: str) -> Iterator[bytes]:
    """An original in 1 MiB pieces: a leaked video of many GiB is never held in memory whole."""
    with holder.open(sha) as fh:
        while chunk := fh.read(BLOB_CHUNK):
            yield chunk


def entities(web: Web, ctx: Ctx) -> Response:
    page, per_page = queries.page_args(ctx.params(), default=50)
    q = ctx.params().get("q") or None
    with web.store.read() as conn:
        data = queries.entity_page(conn, page, per_page, q)
    return web.render(ctx, "entities.html", data=data, q=q or "", url=_url_with("/entities", {"q": q or ""}),
                      title="Entities")


def entity(web: Web, ctx: Ctx) -> Response:
    detail = web.detail(queries.entity_detail, ctx.request.path_params["entity_id"], "entity")
    return web.render(ctx, "entity.html", d=detail, title=detail["entity"]["name"])


# -- export ------------------------------------------------------------------------------


def export_data(web: Web, flt: queries.Filters, fmt: str, actor: str | None) -> tuple[str, str]:
    """The register (filtered like the list) as JSONL or CSV, with a custody entry for the export (none
    for the public site's anonymous readers: ``actor`` None)."""
    if fmt not in ("jsonl", "csv"):
        raise HTTPError(400, "format is jsonl or csv")
    with web.store.read() as conn:
        conn = consistent(conn)
        wanted = {i["id"] for i in queries.filtered_incidents(conn, flt)} if flt.active() else None
        if fmt == "jsonl":
            data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in incident_records(conn)
                           if wanted is None or r["id"] in wanted)
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(web.store, buffer)
        rows = list(csv.reader(io.StringIO(buffer.getvalue())))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(r for r in rows[1:] if wanted is None or r[0] in wanted)
        data = out.getvalue()
    if actor is not None:
        with web.store.write() as conn:
            custody.append(conn, actor=actor, action=custody.EXPORT, object_type="export", object_id=f"{fmt}:web",
                           payload_hash=custody.sha256_text(data))
    return data, "application/x-ndjson; charset=utf-8" if fmt == "jsonl" else "text/csv; charset=utf-8"


def export(web: Web, ctx: Ctx) -> Response:
    fmt = ctx.params().get("format") or "jsonl"
    data, media = export_data(web, filters(web, ctx), fmt, ctx.user.name if ctx.user else None)
    return StreamingResponse(iter([data]), media_type=media,
                             headers={"content-disposition": f'attachment; filename="docket-incidents.{fmt}"'})


# -- administration -------------------------------------------------------------------------------------


def admin_users(web: Web, ctx: Ctx, new_token: str | None = None, status: int = 200) -> Response:
    with web.store.read() as conn:
        users, tokens = accounts.list_users(conn), accounts.list_tokens(conn)
    return web.render(ctx, "admin_users.html", http_status=status, users=users, tokens=tokens, roles=ROLE_ORDER,
                      new_token=new_token, title="Users")


def admin_user_add(web: Web, ctx: Ctx) -> Response:
    write(web, lambda conn: accounts.add_user(conn, ctx.param("username") or "", ctx.param("role") or "",
                                              ctx.param("password") or "", actor=ctx.user.name))
    return _redirect("/admin/users")


def admin_user_role(web: Web, ctx: Ctx) -> Response:
    name = ctx.request.path_params["name"]
    write(web, lambda conn: accounts.set_role(conn, name, ctx.param("role") or "", actor=ctx.user.name))
    return _redirect("/admin/users")


def admin_token_add(web: Web, ctx: Ctx) -> Response:
    token = write(web, lambda conn: accounts.create_token(conn, ctx.param("username") or "", ctx.param("label") or "",
                                                          actor=ctx.user.name))
    return admin_users(web, ctx, new_token=token, status=201)


def admin_token_revoke(web: Web, ctx: Ctx) -> Response:
    token_id = int_id(ctx.request.path_params["token_id"])
    write(web, lambda conn: accounts.revoke_token(conn, token_id, actor=ctx.user.name))
    return _redirect("/admin/users")


def api_docs(web: Web, ctx: Ctx) -> Response:
    from docket.web.openapi import openapi

    return web.render(ctx, "api_docs.html", spec=openapi(), title="API")

"""The REST API under /api/: the pages' reads and review actions as JSON (described in openapi.py)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from docket.review import actions
from docket.web import listing, public, queries, witness
from docket.web.app import Ctx, HTTPError, Web, int_id
from docket.web.pages import _resolve, document_view, export_data, filters, write

INCIDENT_KEYS = ("id", "types", "date", "places", "count", "victims", "perpetrators", "status", "origins",
                 "country", "region", "lat", "lon", "locked", "overrides", "updated_at")
MEDIA_KEYS = ("id", "name", "kind", "sha256", "status", "relation", "duration")


def incident_out(inc: dict[str, Any]) -> dict[str, Any]:
    out = {k: inc.get(k) for k in INCIDENT_KEYS}
    out["overrides"] = out["overrides"] or {}
    out["locked"] = bool(out["locked"])
    if "documents" in inc:
        out["documents"] = inc["documents"]
    return out


def _body(ctx: Ctx) -> dict[str, Any]:
    if not isinstance(ctx.body, dict):
        raise HTTPError(400, "send a JSON object (Content-Type: application/json)")
    return ctx.body


def _text(body: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise HTTPError(400, f"{key}: a string is required" if required else f"{key}: a string or null")
    return value


def _page(data: dict[str, Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": data["total"], "page": data["page"], "per_page": data["per_page"], "pages": data["pages"]}


def api_incidents(web: Web, ctx: Ctx) -> Response:
    flt = filters(web, ctx)
    page, per_page = queries.page_args(ctx.params())
    want_facets = ctx.params().get("facets") in ("1", "true")
    with web.store.read() as conn:
        data = queries.incident_page(conn, flt, page, per_page, facets=want_facets)
    body = _page(data, [incident_out(i) for i in data["items"]])
    if want_facets:
        body["facets"] = {k: [{"value": v, "count": n} for v, n in pairs] for k, pairs in data["facets"].items()}
    return JSONResponse(body)


def api_incident(web: Web, ctx: Ctx) -> Response:
    d = web.detail(queries.incident_detail, ctx.request.path_params["incident_id"], "incident")
    if web.public and not public.incident_is_public(d["incident"]):
        raise HTTPError(404, f"no incident {d['incident']['id']}")
    out = incident_out(d["incident"])
    out["machine"] = {k: d["machine"].get(k) for k in (*actions.EDITABLE_FIELDS, "status")}
    out["sources"] = [
        {k: s[k] for k in ("claim_id", "document_id", "document", "published", "origin", "via", "hedged", "count",
                           "spans", "quotes", "blob_sha256")}
        for s in d["sources"]
    ]
    out["corroboration"] = d["corroboration"]
    out["history"] = [_history_out(h) for h in d["history"]]
    out["merges"] = [{"id": m["id"], "kind": m["kind"], "from_id": m["from_id"], "claim_ids": m["claim_ids"], "at": m["at"]}
                     for m in d["merges"]]
    out["media"] = [{k: m[k] for k in MEDIA_KEYS} for m in d["evidence"]]
    if web.public:  # no reviewer notes, history, merges or media on the public site
        for key in public.HIDDEN_INCIDENT_KEYS:
            out.pop(key, None)
    return JSONResponse(out)


def _history_out(h: dict[str, Any]) -> dict[str, Any]:
    return {k: h[k] for k in ("id", "incident_id", "actor", "action", "field", "before", "after", "note", "at")}


def api_incident_history(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    with web.store.read() as conn:
        rows = actions.history(conn, iid)
        exists = queries.repo.get_incident(conn, iid) is not None
    if not rows and not exists:
        raise HTTPError(404, f"no incident {iid}")
    return JSONResponse({"items": [_history_out(h) for h in rows]})


def _record_out(record: dict[str, Any], status: int = 200) -> JSONResponse:
    out = {k: record.get(k) for k in ("id", "incident_id", "actor", "action", "field", "note", "at")}
    for key in ("merge_id", "new_id", "restored_id", "media_id"):
        if key in record:
            out[key] = record[key]
    return JSONResponse(out, status_code=status)


def _exists(web: Web, iid: str) -> None:
    with web.store.read() as conn:
        if queries.repo.get_incident(conn, iid) is None:
            raise HTTPError(404, f"no incident {iid}")


def api_review(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    body = _body(ctx)
    action = body.get("action")
    if not isinstance(action, str) or action not in actions.STATUS_OF:
        raise HTTPError(400, "action: confirm, dispute or reject")
    note = _text(body, "note")
    _exists(web, iid)
    return _record_out(write(web, lambda conn: actions.set_status(conn, iid, action, ctx.user.name, note)))


def api_edit(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    body = _body(ctx)
    field = body.get("field")
    if not isinstance(field, str) or field not in actions.EDITABLE_FIELDS:
        raise HTTPError(400, f"field: one of {', '.join(actions.EDITABLE_FIELDS)}")
    if "value" not in body:
        raise HTTPError(400, "value: required (null clears count and date)")
    note = _text(body, "note")
    _exists(web, iid)
    return _record_out(write(web, lambda conn: actions.edit_field(conn, iid, field, body["value"], ctx.user.name, note)))


def api_note(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    note = _text(_body(ctx), "note", required=True)
    _exists(web, iid)
    return _record_out(write(web, lambda conn: actions.add_note(conn, iid, ctx.user.name, note or "")), 201)


def api_merge(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    body = _body(ctx)
    other = _text(body, "from_id", required=True) or ""
    note = _text(body, "note")
    _exists(web, iid)
    return _record_out(write(web, lambda conn: actions.merge(conn, iid, _resolve(conn, other), ctx.user.name, note)))


def api_split(web: Web, ctx: Ctx) -> Response:
    iid = ctx.request.path_params["incident_id"]
    body = _body(ctx)
    claim_ids = body.get("claim_ids")
    if not isinstance(claim_ids, list) or not all(isinstance(c, str) for c in claim_ids):
        raise HTTPError(400, "claim_ids: a list of claim ids")
    note = _text(body, "note")
    _exists(web, iid)
    return _record_out(write(web, lambda conn: actions.split(conn, iid, claim_ids, ctx.user.name, note)), 201)


def api_unmerge(web: Web, ctx: Ctx) -> Response:
    merge_id = int_id(ctx.request.path_params["merge_id"])
    body = ctx.body if isinstance(ctx.body, dict) else {}
    note = _text(body, "note")
    with web.store.read() as conn:
        if queries.repo.get_merge(conn, merge_id) is None:
            raise HTTPError(404, f"no merge {merge_id}")
    return _record_out(write(web, lambda conn: actions.unmerge(conn, merge_id, ctx.user.name, note)))


def api_documents(web: Web, ctx: Ctx) -> Response:
    page, per_page = queries.page_args(ctx.params(), default=50)
    status = ctx.params().get("status")
    with web.store.read() as conn:
        data = queries.document_page(conn, page, per_page, ctx.params().get("q") or None, status)
    return JSONResponse(_page(data, data["items"]))


def api_document(web: Web, ctx: Ctx) -> Response:
    d = document_view(web, ctx)
    doc = d["document"]
    out = {k: doc.get(k) for k in ("id", "name", "part", "parent_id", "format", "title", "outlet", "url", "language",
                                    "published_start", "published_end", "published_precision", "published_source",
                                    "blob_sha256", "status", "error", "ingested_at", "text", "raw_text")}
    out["meta"] = d["meta"]
    out["claims"] = d["claims"]
    out["near_copies"] = d["near_copies"]
    out["custody"] = [_custody_out(e) for e in d["custody"]]
    out["protected"] = witness.api_view(d["witness"])  # values only for roles that may see them
    return JSONResponse(out)


def _custody_out(e: dict[str, Any]) -> dict[str, Any]:
    return {k: e[k] for k in ("seq", "at", "actor", "action", "object_type", "object_id", "payload_hash", "entry_hash")}


def api_entities(web: Web, ctx: Ctx) -> Response:
    page, per_page = queries.page_args(ctx.params(), default=50)
    with web.store.read() as conn:
        data = queries.entity_page(conn, page, per_page, ctx.params().get("q") or None)
    return JSONResponse(_page(data, data["items"]))


def api_entity(web: Web, ctx: Ctx) -> Response:
    d = web.detail(queries.entity_detail, ctx.request.path_params["entity_id"], "entity")
    return JSONResponse(d["entity"] | {"aliases": d["aliases"], "incidents": [incident_out(i) for i in d["incidents"]]})


def api_search(web: Web, ctx: Ctx) -> Response:
    flt = filters(web, ctx)
    q = flt.q or ""
    if not q:
        raise HTTPError(400, "q: what to search for")
    page, per_page = queries.page_args(ctx.params())
    only_q = queries.Filters(q=q)
    with web.store.read() as conn:
        data = queries.incident_page(conn, flt, page, per_page, facets=False)
        matched = len(listing.matching_ids(conn, public.scoped(only_q) if web.public else only_q))
    body = _page(data, [incident_out(i) for i in data["items"]])
    body["query"] = q
    body["matched"] = matched
    return JSONResponse(body)


def api_export(web: Web, ctx: Ctx) -> Response:
    fmt = ctx.params().get("format") or "jsonl"
    data, media = export_data(web, filters(web, ctx), fmt, ctx.user.name if ctx.user else None)
    return Response(data, media_type=media)


def api_me(web: Web, ctx: Ctx) -> Response:
    user = ctx.user
    assert user is not None
    return JSONResponse({"name": user.name, "role": user.role, "permissions": sorted(user.permissions)})


def openapi_json(web: Web, ctx: Ctx) -> Response:
    from docket.web.openapi import openapi

    return JSONResponse(openapi())

"""Media evidence on an incident, from the web: attach stored media to it (by SHA-256 or id, or the start
of either) and detach what a reviewer attached, as a form on the incident page and in the REST API.

Both call ``docket.review.actions.attach_media`` / ``detach_media``: a review row (who, when, note) and
custody entries, as ``docket media attach`` does. Reviewers only (``security.ROUTE_PERMISSIONS``); the
public site has none of these routes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from docket.review import actions
from docket.store import media as media_repo
from docket.store.incidents import get_incident
from docket.web.api import _record_out
from docket.web.app import Ctx, HTTPError, Web
from docket.web.pages import write


def _incident_id(ctx: Ctx) -> str:
    return ctx.request.path_params["incident_id"]


def _done(incident_id: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}?done={quote(what)}#media", status_code=303)


# -- pages ----------------------------------------------------------------------------------------------


def incident_media_attach(web: Web, ctx: Ctx) -> Response:
    iid, ref, note = _incident_id(ctx), ctx.param("media") or "", ctx.param("note") or None
    write(web, lambda conn: actions.attach_media(conn, iid, actions.media_ref(conn, ref)["id"], ctx.user.name, note))
    return _done(iid, "attach-media")


def incident_media_detach(web: Web, ctx: Ctx) -> Response:
    iid, media_id = _incident_id(ctx), ctx.request.path_params["media_id"]
    write(web, lambda conn: actions.detach_media(conn, iid, media_id, ctx.user.name, ctx.param("note") or None))
    return _done(iid, "detach-media")


# -- REST API -------------------------------------------------------------------------------------------


def _incident_exists(web: Web, incident_id: str) -> None:
    with web.store.read() as conn:
        if get_incident(conn, incident_id) is None:
            raise HTTPError(404, f"no incident {incident_id}")


def _note(body: dict[str, Any]) -> str | None:
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise HTTPError(400, "note: a string or null")
    return note


def api_media_attach(web: Web, ctx: Ctx) -> Response:
    iid = _incident_id(ctx)
    if not isinstance(ctx.body, dict):
        raise HTTPError(400, "send a JSON object (Content-Type: application/json)")
    ref = ctx.body.get("media")
    if not isinstance(ref, str) or not ref.strip():
        raise HTTPError(400, "media: the SHA-256 or id of stored media (or the start of either), a string")
    note = _note(ctx.body)
    _incident_exists(web, iid)
    record = write(web, lambda conn: actions.attach_media(conn, iid, actions.media_ref(conn, ref)["id"],
                                                          ctx.user.name, note))
    return _record_out(record, 201)


def api_media_detach(web: Web, ctx: Ctx) -> Response:
    iid, media_id = _incident_id(ctx), ctx.request.path_params["media_id"]
    note = _note(ctx.body if isinstance(ctx.body, dict) else {})
    _incident_exists(web, iid)
    with web.store.read() as conn:
        if media_repo.get_media(conn, media_id) is None:
            raise HTTPError(404, f"no media {media_id}")
    return _record_out(write(web, lambda conn: actions.detach_media(conn, iid, media_id, ctx.user.name, note)))

"""Witness protection in the web application: the testimony form, and protected fields shown only to
roles with the ``protected`` permission (``docket.review.accounts``; analysts and admins)."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from docket.protect import ProtectionError
from docket.protect.fields import known_fields, label_of
from docket.protect.records import field_names, open_values, protected_document_ids
from docket.protect.testimony import Testimony, TestimonyError, ingest_testimony
from docket.review.accounts import PROTECTED
from docket.web.app import Ctx, HTTPError, Web

LANGUAGES = (("", "detect"), ("en", "English"), ("ru", "Russian"), ("uk", "Ukrainian"))
FORM_FIELDS = ("witness_name", "contact", "relation")
MAX_FIELD = 1000


def view(web: Web, ctx: Ctx, document_id: str) -> dict[str, Any]:
    """What a page may show of a document's protected fields: their labels always, their values only to
    a user allowed to see them (never on the public site)."""
    with web.store.read() as conn:
        names = field_names(conn, document_id)
        allowed = bool(names) and not web.public and ctx.can(PROTECTED)
        try:
            values = open_values(conn, web.store.keyring, document_id) if allowed else None
        except ProtectionError as exc:
            raise HTTPError(500, f"protected fields cannot be opened: {exc}") from None
    return {
        "fields": [{"name": n, "label": label_of(n), "value": values.get(n) if values else None} for n in names],
        "shown": values is not None,
    }


def api_view(witness: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"fields": [f["name"] for f in witness["fields"]]}
    if witness["shown"]:
        out["values"] = {f["name"]: f["value"] for f in witness["fields"]}
    return out


def protected_ids(web: Web, ids: list[str]) -> set[str]:
    with web.store.read() as conn:
        return protected_document_ids(conn, ids)


def testimony_form(web: Web, ctx: Ctx, error: str | None = None, status: int = 200, values: Any = None) -> Response:
    return web.render(ctx, "testimony.html", http_status=status, error=error, values=values or {},
                      languages=LANGUAGES, protected_fields=[(n, known_fields()[n].label) for n in FORM_FIELDS],
                      key_ready=web.store.keyring is not None, title="Enter a testimony")


def testimony_add(web: Web, ctx: Ctx) -> Response:
    values = {k: (ctx.param(k) or "").strip() for k in ("text", "title", "language", "published", *FORM_FIELDS)}
    values["text"] = ctx.param("text") or ""
    if any(len(values[k]) > MAX_FIELD for k in ("title", "published", *FORM_FIELDS)):
        return testimony_form(web, ctx, f"a field is at most {MAX_FIELD} characters", 400, values)
    testimony = Testimony(
        text=values["text"], title=values["title"] or None, language=values["language"] or None,
        published=values["published"] or None, collected_by=ctx.user.name if ctx.user else None,
        protected={k: values[k] for k in FORM_FIELDS if values[k]},
    )
    assert ctx.user is not None
    try:
        outcome, doc_id = ingest_testimony(web.store, testimony, actor=ctx.user.name)
    except (TestimonyError, ProtectionError) as exc:
        return testimony_form(web, ctx, str(exc), 400, values)
    if outcome.status == "failed":
        return testimony_form(web, ctx, outcome.message, 400, values)
    done = "testimony" if outcome.status == "added" else "testimony-again"
    return RedirectResponse(f"/documents/{doc_id}?done={done}", status_code=303)

"""The OpenAPI 3.0 description of docket's REST API, served at /api/openapi.json.

Written by hand next to ``api.py``; ``tests/web/test_api_schema.py`` runs schemathesis against it, so a
response that breaks it fails the suite.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from docket import __version__
from docket.review.actions import DATE_PRECISIONS, EDITABLE_FIELDS, PLACE_PRECISIONS, QUALIFIERS
from docket.web.queries import MAX_PER_PAGE, STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


STR = {"type": "string"}
NSTR = _nullable(STR)
STRLIST = {"type": "array", "items": STR}
ANY: dict[str, Any] = {}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "401": _error("No valid session or API token"),
    "403": _error("The user's role does not allow this"),
}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _param(name: str, where: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema, "description": description}


PAGE_PARAMS = [
    _param("page", "query", {"type": "integer", "minimum": 1}, "Page number, from 1"),
    _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Items per page"),
]
FILTER_PARAMS = [
    _param("q", "query", STR, "Full-text search in the source documents (Russian, Ukrainian, English)"),
    _param("type", "query", STR, "Event type (taxonomy), e.g. detention"),
    _param("country", "query", STR, "ISO 3166-1 alpha-2 country code"),
    _param("region", "query", STR, "First-level division (English name), e.g. Luhansk Oblast"),
    _param("status", "query", {"type": "string", "enum": list(STATUSES)}, "Incident status"),
    _param("since", "query", STR, "Start date on or after (YYYY[-MM[-DD]])"),
    _param("until", "query", STR, "Start date on or before (YYYY[-MM[-DD]])"),
    _param("victim", "query", STR, "Victim actor group"),
    _param("perpetrator", "query", STR, "Perpetrator actor group"),
    _param("origin", "query", STR, "An independent origin behind the incident"),
]
INCIDENT_ID = _param("incident_id", "path", STR, "Incident id")


def _paged(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "pages"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
        },
    }


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": STR}},
    "PartialDate": {
        "type": "object",
        "required": ["start", "end", "precision"],
        "properties": {"start": NSTR, "end": NSTR, "precision": {"type": "string", "enum": list(DATE_PRECISIONS)}},
    },
    "Place": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": STR, "admin1": NSTR, "country": NSTR,
            "lat": _nullable({"type": "number"}), "lon": _nullable({"type": "number"}),
            "precision": {"type": "string", "enum": list(PLACE_PRECISIONS)},
        },
    },
    "Count": _nullable({
        "type": "object",
        "required": ["value", "qualifier"],
        "properties": {"value": {"type": "integer"}, "qualifier": {"type": "string", "enum": list(QUALIFIERS)}},
    }),
    "Incident": {
        "type": "object",
        "required": ["id", "types", "date", "places", "count", "victims", "perpetrators", "status", "origins",
                     "locked", "overrides"],
        "properties": {
            "id": STR,
            "types": STRLIST,
            "date": _ref("PartialDate"),
            "places": {"type": "array", "items": _ref("Place")},
            "count": _ref("Count"),
            "victims": STRLIST,
            "perpetrators": STRLIST,
            "status": {"type": "string", "enum": list(STATUSES)},
            "origins": STRLIST,
            "country": NSTR,
            "region": NSTR,
            "lat": _nullable({"type": "number"}),
            "lon": _nullable({"type": "number"}),
            "locked": {"type": "boolean"},
            "overrides": {"type": "object", "description": "Reviewer values by field (the machine's are in `machine`)"},
            "updated_at": NSTR,
            "documents": {"type": "integer", "minimum": 0},
        },
    },
    "Review": {
        "type": "object",
        "required": ["id", "incident_id", "actor", "action", "at"],
        "properties": {
            "id": {"type": "integer"}, "incident_id": STR, "actor": STR, "action": STR, "field": NSTR,
            "before": ANY, "after": ANY, "note": NSTR, "at": STR,
        },
    },
    "ReviewResult": {
        "type": "object",
        "required": ["id", "incident_id", "actor", "action", "at"],
        "properties": {
            "id": {"type": "integer"}, "incident_id": STR, "actor": STR, "action": STR, "field": NSTR, "note": NSTR,
            "at": STR, "merge_id": {"type": "integer"}, "new_id": STR, "restored_id": STR, "media_id": STR,
        },
    },
    "Source": {
        "type": "object",
        "required": ["claim_id", "document_id", "document", "spans"],
        "properties": {
            "claim_id": STR, "document_id": STR, "document": STR, "published": NSTR, "origin": NSTR,
            "via": STRLIST, "hedged": {"type": "boolean"}, "count": _ref("Count"),
            "spans": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "quotes": STRLIST, "blob_sha256": NSTR,
        },
    },
    "IncidentDetail": {
        "allOf": [
            _ref("Incident"),
            {
                "type": "object",
                "required": ["machine", "sources", "corroboration", "history", "merges"],
                "properties": {
                    "machine": {"type": "object", "description": "The machine's values, kept beside reviewer values"},
                    "sources": {"type": "array", "items": _ref("Source")},
                    "corroboration": {"type": "object"},
                    "history": {"type": "array", "items": _ref("Review")},
                    "media": {"type": "array", "items": _ref("MediaEvidence"),
                              "description": "Media linked to the incident or its documents (not on the public site)"},
                    "merges": {"type": "array", "items": {
                        "type": "object", "required": ["id", "kind", "from_id", "claim_ids", "at"],
                        "properties": {"id": {"type": "integer"}, "kind": STR, "from_id": STR, "claim_ids": STRLIST, "at": STR},
                    }},
                },
            },
        ]
    },
    "MediaEvidence": {
        "type": "object",
        "required": ["id", "name", "kind", "sha256", "status", "relation"],
        "properties": {
            "id": STR, "name": STR, "kind": {"type": "string", "enum": ["image", "video", "audio", "unknown"]},
            "sha256": STR, "status": {"type": "string", "enum": ["ok", "failed"]},
            "relation": {"type": "string", "description": "How it is linked: reviewer (attached), telegram, "
                                                          "attachment, same-stem or folder (through a document)"},
            "duration": _nullable({"type": "number"}),
        },
    },
    "DocumentSummary": {
        "type": "object",
        "required": ["id", "name", "format", "status", "claims"],
        "properties": {
            "id": STR, "name": STR, "part": NSTR, "format": STR, "language": NSTR, "title": NSTR, "outlet": NSTR,
            "published_start": NSTR, "status": {"type": "string", "enum": ["ok", "failed"]}, "error": NSTR,
            "claims": {"type": "integer", "minimum": 0},
        },
    },
    "Document": {
        "type": "object",
        "required": ["id", "name", "format", "status", "blob_sha256", "text", "raw_text", "meta", "claims", "custody"],
        "properties": {
            "id": STR, "name": STR, "part": NSTR, "parent_id": NSTR, "format": STR, "title": NSTR, "outlet": NSTR,
            "url": NSTR, "language": NSTR, "published_start": NSTR, "published_end": NSTR, "published_precision": NSTR,
            "published_source": NSTR, "blob_sha256": STR, "status": STR, "error": NSTR, "ingested_at": STR,
            "text": NSTR, "raw_text": NSTR, "meta": {"type": "object"},
            "claims": {"type": "array", "items": {"type": "object"}},
            "near_copies": {"type": "array", "items": {"type": "object"}},
            "custody": {"type": "array", "items": _ref("CustodyEntry")},
            "protected": {
                "type": "object", "required": ["fields"],
                "description": "A testimony's protected witness fields: their names; their values only for roles "
                               "with the `protected` permission",
                "properties": {"fields": STRLIST, "values": {"type": "object", "additionalProperties": STR}},
            },
        },
    },
    "CustodyEntry": {
        "type": "object",
        "required": ["seq", "at", "actor", "action", "object_type", "object_id", "payload_hash", "entry_hash"],
        "properties": {
            "seq": {"type": "integer"}, "at": STR, "actor": STR, "action": STR, "object_type": STR, "object_id": STR,
            "payload_hash": STR, "entry_hash": STR,
        },
    },
    "Entity": {
        "type": "object",
        "required": ["id", "kind", "name"],
        "properties": {"id": STR, "kind": STR, "name": STR},
    },
}

NOTE = {"note": _nullable({"type": "string", "maxLength": 10000})}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _action(summary: str, body: dict[str, Any] | None, ok: str = "200", params: list | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": params if params is not None else [INCIDENT_ID],
        "responses": {
            ok: _ok(_ref("ReviewResult"), "Recorded in the reviews table and the chain of custody"),
            "400": _error("Invalid request or value"),
            **ERRORS,
            "404": _error("No such incident, merge or media"),
        },
        "tags": ["review"],
    }
    if body is not None:
        op["requestBody"] = body
    return op


def _get(summary: str, schema: dict[str, Any], params: list, tag: str, not_found: bool = False) -> dict[str, Any]:
    responses = {"200": _ok(schema), **ERRORS}
    if not_found:
        responses["404"] = _error("Not found")
    return {"get": {"summary": summary, "parameters": params, "responses": responses, "tags": [tag]}}


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    paged_incidents = _paged(_ref("Incident"))
    paged_incidents["properties"]["facets"] = {"type": "object", "additionalProperties": {
        "type": "array", "items": {"type": "object", "required": ["value", "count"],
                                   "properties": {"value": STR, "count": {"type": "integer"}}}}}
    search = _paged(_ref("Incident"))
    search["properties"] |= {"query": STR, "matched": {"type": "integer", "minimum": 0}}
    search["required"] = [*search["required"], "query", "matched"]
    paths: dict[str, Any] = {
        "/api/me": _get("Who the token or session belongs to", {
            "type": "object", "required": ["name", "role", "permissions"],
            "properties": {"name": STR, "role": {"type": "string", "enum": ["admin", "analyst", "viewer"]},
                           "permissions": STRLIST}}, [], "users"),
        "/api/incidents": _get(
            "Incidents, filtered and paginated like the incident list page", paged_incidents,
            [*FILTER_PARAMS, *PAGE_PARAMS, _param("facets", "query", {"type": "string", "enum": ["0", "1", "true", "false"]},
                                                  "Add facet counts over the filtered incidents")],
            "incidents"),
        "/api/incidents/{incident_id}": _get(
            "One incident: fields (reviewer and machine values), sources with spans, corroboration, history",
            _ref("IncidentDetail"), [INCIDENT_ID], "incidents", not_found=True),
        "/api/incidents/{incident_id}/history": _get(
            "Every review of an incident: who, when, before, after, note",
            {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": _ref("Review")}}},
            [INCIDENT_ID], "incidents", not_found=True),
        "/api/incidents/{incident_id}/review": {"post": _action("Confirm, dispute or reject an incident", _body({
            "type": "object", "required": ["action"],
            "properties": {"action": {"type": "string", "enum": ["confirm", "dispute", "reject"]}, **NOTE}}))},
        "/api/incidents/{incident_id}/edit": {"post": _action(
            "Set a reviewer's value for a field; the machine's value is kept", _body({
                "type": "object", "required": ["field", "value"],
                "properties": {"field": {"type": "string", "enum": list(EDITABLE_FIELDS)},
                               "value": {"description": "types/victims/perpetrators: list of names; date: PartialDate; "
                                                        "count: Count or null; places: list of Place"},
                               **NOTE}}))},
        "/api/incidents/{incident_id}/notes": {"post": _action("Attach a note to an incident", _body({
            "type": "object", "required": ["note"],
            "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 10000}}}), ok="201")},
        "/api/incidents/{incident_id}/merge": {"post": _action(
            "Merge another incident into this one (undo with /api/merges/{merge_id}/undo)", _body({
                "type": "object", "required": ["from_id"], "properties": {"from_id": STR, **NOTE}}))},
        "/api/incidents/{incident_id}/split": {"post": _action(
            "Move some claims of an incident to a new incident", _body({
                "type": "object", "required": ["claim_ids"],
                "properties": {"claim_ids": {"type": "array", "items": STR, "minItems": 1}, **NOTE}}), ok="201")},
        "/api/incidents/{incident_id}/media": {"post": _action(
            "Attach stored media to an incident as evidence (a review, in the chain of custody)", _body({
                "type": "object", "required": ["media"],
                "properties": {"media": {"type": "string", "minLength": 1,
                                         "description": "The media's SHA-256 or id, or a unique start of either "
                                                       "(4 characters or more)"}, **NOTE}}), ok="201")},
        "/api/incidents/{incident_id}/media/{media_id}/detach": {"post": _action(
            "Detach media a reviewer attached to an incident (links found through documents stay)",
            {"required": False, "content": {"application/json": {"schema": {"type": "object", "properties": NOTE}}}},
            params=[INCIDENT_ID, _param("media_id", "path", STR, "Media id")])},
        "/api/merges/{merge_id}/undo": {"post": _action(
            "Undo a merge (the machine's or a reviewer's)",
            {"required": False, "content": {"application/json": {"schema": {"type": "object", "properties": NOTE}}}},
            params=[_param("merge_id", "path", {"type": "integer"}, "Merge id")])},
        "/api/documents": _get("Documents, paginated", _paged(_ref("DocumentSummary")), [
            _param("q", "query", STR, "Part of the name, title or outlet"),
            _param("status", "query", {"type": "string", "enum": ["ok", "failed"]}, "ok or failed"),
            *PAGE_PARAMS], "documents"),
        "/api/documents/{document_id}": _get(
            "One document: original and cleaned text, metadata, claims, custody entries", _ref("Document"),
            [_param("document_id", "path", STR, "Document id")], "documents", not_found=True),
        "/api/entities": _get("Entities (people and organisations), paginated", _paged(_ref("Entity")),
                              [_param("q", "query", STR, "Part of a name or alias"), *PAGE_PARAMS], "entities"),
        "/api/entities/{entity_id}": _get("One entity with its aliases and incidents", {
            "allOf": [_ref("Entity"), {"type": "object", "required": ["aliases", "incidents"], "properties": {
                "aliases": STRLIST, "incidents": {"type": "array", "items": _ref("Incident")}}}]},
            [_param("entity_id", "path", STR, "Entity id")], "entities", not_found=True),
        "/api/search": _get("Full-text search over incidents' source documents, with the list's filters", search,
                            [_param("q", "query", {"type": "string", "minLength": 1}, "Words to find", required=True),
                             *FILTER_PARAMS[1:], *PAGE_PARAMS], "incidents"),
        "/api/timeline": _get(
            "Incidents per month of their start date (YYYY-MM; YYYY for a date known to the year) and main type, "
            "filtered like the list; counted in the database", {
                "type": "object", "required": ["total", "undated", "months"],
                "properties": {
                    "total": {"type": "integer", "minimum": 0}, "undated": {"type": "integer", "minimum": 0},
                    "months": {"type": "array", "items": {
                        "type": "object", "required": ["month", "count", "types"],
                        "properties": {"month": STR, "count": {"type": "integer", "minimum": 1},
                                       "types": {"type": "object", "additionalProperties": {"type": "integer"}}}}},
                }}, FILTER_PARAMS, "incidents"),
        "/api/export": {"get": {
            "summary": "The register (filtered like the list) in the incident format (JSONL) or as CSV",
            "parameters": [_param("format", "query", {"type": "string", "enum": ["jsonl", "csv"]}, "jsonl (default) or csv"),
                           *FILTER_PARAMS],
            "responses": {"200": {"description": "The export; a custody entry records it", "content": {
                "application/x-ndjson": {"schema": STR}, "text/csv": {"schema": STR}}},
                "400": _error("Unknown format"), **ERRORS},
            "tags": ["exports"],
        }},
    }
    search_get = paths["/api/search"]["get"]
    search_get["responses"]["400"] = _error("No query")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "docket",
            "version": __version__,
            "description": "The register of incidents, its documents and entities, and review actions. "
                           "Authenticate with `Authorization: Bearer <token>` (`docket user token NAME`); "
                           "viewers read, analysts also review, admins also manage users.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": paths,
    }

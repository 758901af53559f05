"""docket's web application and REST API (``docket serve``), over the same store the CLI uses.

Starlette, server-rendered Jinja2 templates (autoescaped), no build step: the only front-end code is a
small map script and the libraries ``npm ci`` installs at setup (Leaflet, world-atlas outlines), served
from this application, never from a CDN. See ``security.ROUTE_PERMISSIONS`` for who may use which route.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docket.store import Store
from docket.web import api, evidence, pages, timemap, witness
from docket.web.app import STATIC, Ctx, SecurityHeaders, Web, assets_dir
from docket.web.security import LoginLimiter

__all__ = ["create_app"]

GET, POST = ["GET"], ["POST"]

# (path, route name, handler, methods); every name must be in security.ROUTE_PERMISSIONS.
ROUTES = [
    ("/", "home", pages.home, GET),
    ("/login", "login", pages.login, GET),
    ("/login", "login_submit", pages.login_submit, POST),
    ("/logout", "logout", pages.logout, POST),
    ("/incidents", "incidents", pages.incidents, GET),
    ("/incidents/{incident_id}", "incident", pages.incident, GET),
    ("/incidents/{incident_id}/status", "incident_status", pages.incident_status, POST),
    ("/incidents/{incident_id}/edit", "incident_edit", pages.incident_edit, POST),
    ("/incidents/{incident_id}/revert", "incident_revert", pages.incident_revert, POST),
    ("/incidents/{incident_id}/note", "incident_note", pages.incident_note, POST),
    ("/incidents/{incident_id}/merge", "incident_merge", pages.incident_merge, POST),
    ("/incidents/{incident_id}/split", "incident_split", pages.incident_split, POST),
    ("/incidents/{incident_id}/media", "incident_media", evidence.incident_media_attach, POST),
    ("/incidents/{incident_id}/media/{media_id}/detach", "incident_media_detach", evidence.incident_media_detach, POST),
    ("/merges/{merge_id}/undo", "merge_undo", pages.merge_undo, POST),
    ("/testimonies/new", "testimony_form", witness.testimony_form, GET),
    ("/testimonies", "testimony_add", witness.testimony_add, POST),
    ("/documents", "documents", pages.documents, GET),
    ("/documents/{document_id}", "document", pages.document, GET),
    ("/originals/{sha256}", "blob", pages.blob, GET),
    ("/entities", "entities", pages.entities, GET),
    ("/entities/{entity_id}", "entity", pages.entity, GET),
    ("/timeline", "timeline", timemap.timeline, GET),
    ("/map", "map", timemap.map_page, GET),
    ("/map/incidents.geojson", "map_data", timemap.map_data, GET),
    ("/export", "export", pages.export, GET),
    ("/admin/users", "admin_users", pages.admin_users, GET),
    ("/admin/users", "admin_user_add", pages.admin_user_add, POST),
    ("/admin/users/{name}/role", "admin_user_role", pages.admin_user_role, POST),
    ("/admin/tokens", "admin_token_add", pages.admin_token_add, POST),
    ("/admin/tokens/{token_id}/revoke", "admin_token_revoke", pages.admin_token_revoke, POST),
    ("/api", "api_docs", pages.api_docs, GET),
    ("/api/openapi.json", "openapi", api.openapi_json, GET),
    ("/api/me", "api_me", api.api_me, GET),
    ("/api/incidents", "api_incidents", api.api_incidents, GET),
    ("/api/incidents/{incident_id}", "api_incident", api.api_incident, GET),
    ("/api/incidents/{incident_id}/history", "api_incident_history", api.api_incident_history, GET),
    ("/api/incidents/{incident_id}/review", "api_review", api.api_review, POST),
    ("/api/incidents/{incident_id}/edit", "api_edit", api.api_edit, POST),
    ("/api/incidents/{incident_id}/notes", "api_note", api.api_note, POST),
    ("/api/incidents/{incident_id}/merge", "api_merge", api.api_merge, POST),
    ("/api/incidents/{incident_id}/split", "api_split", api.api_split, POST),
    ("/api/incidents/{incident_id}/media", "api_media_attach", evidence.api_media_attach, POST),
    ("/api/incidents/{incident_id}/media/{media_id}/detach", "api_media_detach", evidence.api_media_detach, POST),
    ("/api/merges/{merge_id}/undo", "api_unmerge", api.api_unmerge, POST),
    ("/api/documents", "api_documents", api.api_documents, GET),
    ("/api/documents/{document_id}", "api_document", api.api_document, GET),
    ("/api/entities", "api_entities", api.api_entities, GET),
    ("/api/entities/{entity_id}", "api_entity", api.api_entity, GET),
    ("/api/search", "api_search", api.api_search, GET),
    ("/api/timeline", "api_timeline", timemap.api_timeline, GET),
    ("/api/export", "api_export", api.api_export, GET),
]

# Front-end libraries installed by `npm ci` (make setup): URL prefix -> folder under node_modules.
VENDOR = {
    "/vendor/leaflet": "leaflet/dist",
    "/vendor/topojson-client": "topojson-client/dist",
    "/vendor/world-atlas": "world-atlas",
}


def create_app(
    store: Store, *, force_https: bool = False, limiter: LoginLimiter | None = None, public: bool = False
) -> Starlette:
    """The application over ``store``. ``force_https`` marks cookies Secure even when the request
    arrives over plain HTTP (behind a TLS proxy that does not say so). ``public``: the read-only public
    site (``docket.web.public``): only the routes in ``security.PUBLIC_PERMISSIONS``, no login."""
    web = Web(store, force_https=force_https, limiter=limiter, public=public)
    served = [r for r in ROUTES if r[1] in web.permissions]
    routes: list[Route | Mount] = [
        Route(path, web.endpoint(name, handler), methods=methods, name=name) for path, name, handler, methods in served
    ]
    routes.append(Mount("/static", StaticFiles(directory=str(STATIC)), name="static"))
    vendor = assets_dir()
    for prefix, folder in VENDOR.items():
        routes.append(Mount(prefix, StaticFiles(directory=str(vendor / folder), check_dir=False), name="vendor"))
    missing = {r.name for r in routes} - set(web.permissions)
    if missing:
        raise RuntimeError(f"routes without a permission: {sorted(missing)}")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "not found", 405: "method not allowed"}.get(status, "error")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        if request.url.path.startswith(("/static/", "/vendor/")):
            return PlainTextResponse(message, status_code=status)
        return web.render(Ctx(request, "error"), "error.html", http_status=status, message=message, status_code=status,
                          title=str(status))

    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: http_error})
    app.state.web = web
    return app

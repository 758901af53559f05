"""The timeline and the map: pages and their data (``/map/incidents.geojson``, ``/api/timeline``), counted
by ``docket.web.aggregate``; incidents are listed one by one only when there are few."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy import Connection
from starlette.responses import JSONResponse, Response

from docket.review import actions
from docket.web import aggregate, listing, queries
from docket.web.app import Ctx, Web
from docket.web.pages import filters

LIST_LIMIT = 500  # up to this many incidents, the timeline and the map page also list them one by one


def _month_key(start: str) -> str:
    return start[:7] if len(start) >= 7 else start[:4]


def _listed(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    return [queries.row_dict(row) for row in listing.rows_by_id(conn, ids)]


def timeline_body(web: Web, conn: Connection, flt: queries.Filters) -> Markup:
    """The timeline's months (counted; listed one by one when few), rendered once per filter and state of the
    register: nothing in it depends on who asks."""
    counts = aggregate.timeline(conn, flt)
    items = _listed(conn, list(listing.matching_ids(conn, flt))) if counts.total <= LIST_LIMIT else None
    by_month: dict[str, list[dict[str, Any]]] = {}
    undated: list[dict[str, Any]] = []
    for inc in items or []:
        start = inc["date"]["start"]
        (by_month.setdefault(_month_key(start), []) if start else undated).append(inc)
    active = flt.active()
    groups = [{"month": m.month, "count": m.count, "types": m.types, "items": by_month.get(m.month, []),
               "list_url": "/incidents?" + urlencode(active | {"since": m.month, "until": m.month})}
              for m in counts.months]
    return Markup(web.env.get_template("timeline_body.html").render(
        groups=groups, undated=undated, undated_count=counts.undated, max=counts.max, listed=items is not None,
        total=counts.total, list_limit=LIST_LIMIT))


def timeline(web: Web, ctx: Ctx) -> Response:
    flt = filters(web, ctx)
    with web.store.read() as conn:
        body = listing.cached(conn, "timeline-html", flt, lambda: timeline_body(web, conn, flt))
    return web.render(ctx, "timeline.html", body=body, flt=flt, vocab=actions.vocabulary(), statuses=queries.STATUSES,
                      title="Timeline")


def api_timeline(web: Web, ctx: Ctx) -> Response:
    with web.store.read() as conn:
        counts = aggregate.timeline(conn, filters(web, ctx))
    return JSONResponse({
        "total": counts.total, "undated": counts.undated,
        "months": [{"month": m.month, "count": m.count, "types": dict(m.types)} for m in counts.months],
    })


def map_body(web: Web, conn: Connection, flt: queries.Filters) -> Markup:
    """The map's frame, counts and, when few, the list of its incidents: nothing in it depends on who asks."""
    where = aggregate.located(conn, flt)
    rows = aggregate.located_rows(conn, flt, LIST_LIMIT)
    active = flt.active()
    query = "?" + urlencode(active) if active else ""
    return Markup(web.env.get_template("map_body.html").render(
        located=len(where.lat), unlocated=where.unlocated, listed=None if rows is None else [queries.row_dict(r) for r in rows],
        list_limit=LIST_LIMIT, list_url="/incidents" + query, data_url="/map/incidents.geojson" + query,
        statuses=queries.STATUSES))


def map_page(web: Web, ctx: Ctx) -> Response:
    flt = filters(web, ctx)
    with web.store.read() as conn:
        body = listing.cached(conn, "map-html", flt, lambda: map_body(web, conn, flt))
    return web.render(ctx, "map.html", body=body, flt=flt, vocab=actions.vocabulary(), statuses=queries.STATUSES,
                      title="Map")


def map_data(web: Web, ctx: Ctx) -> Response:
    """The incidents in view (``bbox=west,south,east,north``, ``zoom``) as GeoJSON points, or clusters of them
    where there are too many (``docket.web.aggregate``)."""
    flt = filters(web, ctx)
    with web.store.read() as conn:
        data = aggregate.map_data(conn, flt, aggregate.View.from_params(ctx.params()))
    return JSONResponse(data, media_type="application/geo+json")

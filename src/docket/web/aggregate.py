"""The timeline and the map over a large register: counted, never every incident's row read per request.

* Timeline: incidents per month of their start date and main type (one ``GROUP BY``; a year-precision
  date counts under its year, undated ones apart), with the list's filters.
* Map: the matching incidents' ids, places and statuses read once per filter (a few columns, no JSON) and
  kept compactly, newest first, with their counts per place. A request for a view (``bbox``, ``zoom``)
  takes what is in its bounds from that: the incidents one by one (a primary-key lookup of at most
  ``POINT_LIMIT`` rows) when they are few or the map is zoomed in to streets (``POINTS_FROM_ZOOM``), else
  the places merged into clusters on a grid of ``CELL_PX`` screen pixels at that zoom.

Both per-filter results are kept until the register changes (``listing.cached``, keyed by the custody head),
as the list's ids and facets are.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, func, select

from docket.store.schema import incidents
from docket.web import listing
from docket.web.idlist import IdList

STATUSES = ("reported", "corroborated", "verified", "disputed", "rejected")
POINT_LIMIT = 300  # incidents in view shown one by one; more are clustered
POINTS_FROM_ZOOM = 11  # from this zoom on, points (at most POINT_LIMIT, newest first) whatever their number
CELL_PX = 60  # a cluster covers about this many screen pixels
TILE_PX = 256
MAX_ZOOM = 18
UNKNOWN = "unknown"


# -- timeline -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM, or YYYY for dates known to the year only
    count: int
    types: tuple[tuple[str, int], ...]  # main type -> incidents, most first


@dataclass(frozen=True)
class Timeline:
    months: tuple[Month, ...]
    undated: int

    @property
    def total(self) -> int:
        return self.undated + sum(m.count for m in self.months)

    @property
    def max(self) -> int:
        return max((m.count for m in self.months), default=0)


def timeline(conn: Connection, flt: Any) -> Timeline:
    """Incidents that pass ``flt`` (``queries.Filters``) by month of their start date and main type."""

    def compute() -> Timeline:
        month = func.substr(incidents.c.date_start, 1, 7)
        query = (select(month, incidents.c.main_type, func.count()).where(*listing.conditions(conn, flt))
                 .group_by(month, incidents.c.main_type))
        per_month: dict[str, dict[str, int]] = {}
        undated = 0
        for when, main_type, n in conn.execute(query):
            if when is None:
                undated += int(n)
            else:
                counts = per_month.setdefault(when, {})
                counts[main_type or UNKNOWN] = counts.get(main_type or UNKNOWN, 0) + int(n)
        months = tuple(
            Month(key, sum(counts.values()), tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
            for key, counts in sorted(per_month.items())
        )
        return Timeline(months, undated)

    return listing.cached(conn, "timeline", flt, compute, lambda t: 1 + len(t.months) * 3)


# -- map ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Distinct locations: ``lat``, ``lon`` (n,), ``statuses`` (n, 5) incidents there per status."""

    lat: np.ndarray
    lon: np.ndarray
    statuses: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        return self.statuses.sum(axis=1)


@dataclass(frozen=True)
class Located:
    """The incidents that pass a filter and have a place, newest first: ``ids`` (packed), ``lat``, ``lon``,
    ``status`` (index into STATUSES); the same counted per place; and how many have no place."""

    ids: IdList
    lat: np.ndarray
    lon: np.ndarray
    status: np.ndarray
    places: Places
    unlocated: int

    def weight(self) -> int:
        """Its size in memory in 100 bytes (``listing.cached``): some 25 bytes an incident, 56 a place."""
        return 1 + self.ids.weight + len(self.lat) * 17 // 100 + len(self.places.lat) * 56 // 100


def located(conn: Connection, flt: Any) -> Located:
    """Where the incidents that pass ``flt`` are: one read of their ids, places and statuses, kept per filter."""

    def compute() -> Located:
        c = incidents.c
        query = select(c.id, c.lat, c.lon, c.status, c.date_start).where(*listing.conditions(conn, flt))
        ids, lat, lon, status, dates = [], [], [], [], []
        unlocated = 0
        code = {s: i for i, s in enumerate(STATUSES)}
        for row in conn.execute(query):
            if row.lat is None or row.lon is None:
                unlocated += 1
                continue
            ids.append(row.id)
            lat.append(row.lat)
            lon.append(row.lon)
            status.append(code.get(row.status, 0))
            dates.append(row.date_start or "")
        order = np.argsort(np.array(dates, dtype="U10"), kind="stable")[::-1]  # newest first, undated last
        lats, lons = np.array(lat, dtype=np.float64)[order], np.array(lon, dtype=np.float64)[order]
        codes = np.array(status, dtype=np.int8)[order]
        return Located(IdList(ids[i] for i in order), lats, lons, codes, _places(lats, lons, codes), unlocated)

    return listing.cached(conn, "located", flt, compute, Located.weight)


def _places(lat: np.ndarray, lon: np.ndarray, status: np.ndarray) -> Places:
    if not len(lat):
        return Places(lat, lon, np.zeros((0, len(STATUSES)), dtype=np.int64))
    pairs, where = np.unique(np.stack([lat, lon], axis=1), axis=0, return_inverse=True)
    statuses = np.zeros((len(pairs), len(STATUSES)), dtype=np.int64)
    np.add.at(statuses, (where.reshape(-1), status.astype(np.int64)), 1)
    return Places(pairs[:, 0].copy(), pairs[:, 1].copy(), statuses)


@dataclass(frozen=True)
class View:
    """What the map shows: ``bbox`` (west, south, east, north) in degrees, None for the whole world."""

    bbox: tuple[float, float, float, float] | None = None
    zoom: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> View:
        zoom = _number(params.get("zoom"))
        bbox = None
        raw = params.get("bbox")
        if raw:
            parts = [_number(p) for p in str(raw).split(",")]
            if len(parts) == 4 and all(p is not None for p in parts):
                west, south, east, north = (float(p) for p in parts)  # type: ignore[arg-type]
                if west < east and south < north:
                    bbox = (west, max(-90.0, south), east, min(90.0, north))
        return cls(bbox, None if zoom is None else int(max(0, min(MAX_ZOOM, zoom))))

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        if self.bbox is None:
            return np.ones(len(lat), dtype=bool)
        west, south, east, north = self.bbox
        inside = (lat >= south) & (lat <= north)
        if east - west >= 360:
            return inside
        # Leaflet's bounds run past ±180 when the map wraps: compare longitudes in the view's own range.
        shifted = (lon - west) % 360 + west
        return inside & (shifted <= east)

    def cell(self) -> float:
        """A cluster's side in degrees at this zoom (the whole world's zoom when none is given)."""
        zoom = self.zoom if self.zoom is not None else 2
        return CELL_PX / TILE_PX * 360 / 2**zoom


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def map_data(conn: Connection, flt: Any, view: View) -> dict[str, Any]:
    """GeoJSON for the map: the incidents in view as points, or clusters of them; with the numbers in view,
    located and not."""
    where = located(conn, flt)
    places_in = view.contains(where.places.lat, where.places.lon)
    in_view = int(where.places.counts[places_in].sum())
    zoomed_in = view.zoom is not None and view.zoom >= POINTS_FROM_ZOOM
    if in_view <= POINT_LIMIT or zoomed_in:
        chosen = np.flatnonzero(view.contains(where.lat, where.lon))[:POINT_LIMIT]
        features = [_point(row) for row in _point_rows(conn, [where.ids[i] for i in chosen])]
        mode = "points"
    else:
        features = _clusters(where.places, places_in, view.cell())
        mode = "clusters"
    return {
        "type": "FeatureCollection", "features": features, "mode": mode, "in_view": in_view,
        "truncated": mode == "points" and in_view > len(features),
        "located": len(where.lat), "unlocated": where.unlocated,
    }


def located_rows(conn: Connection, flt: Any, limit: int) -> list[Any] | None:
    """The rows of the incidents that pass ``flt`` and have a place, newest first; None when more than ``limit``."""
    where = located(conn, flt)
    if len(where.lat) > limit:
        return None
    return listing.rows_by_id(conn, list(where.ids))


_POINT_ROWS = select(incidents.c.id, incidents.c.types, incidents.c.status, incidents.c.date_start,
                     incidents.c.places, incidents.c.lat, incidents.c.lon).where(
    incidents.c.id.in_(bindparam("ids", expanding=True)))


def _point_rows(conn: Connection, ids: list[str]) -> list[Any]:
    """What a marker shows of these incidents, in this order: a primary-key lookup of a few columns."""
    if not ids:
        return []
    found = {r.id: r for r in conn.execute(_POINT_ROWS, {"ids": ids})}
    return [found[i] for i in ids if i in found]


def _point(row: Any) -> dict[str, Any]:
    place = (json.loads(row.places) or [{}])[0] if row.places else {}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": {
            "id": row.id, "types": json.loads(row.types or "[]"), "status": row.status, "date": row.date_start,
            "place": place.get("name"), "precision": place.get("precision"), "url": f"/incidents/{row.id}",
        },
    }


def _clusters(where: Places, inside: np.ndarray, cell: float) -> list[dict[str, Any]]:
    lat, lon, statuses = where.lat[inside], where.lon[inside], where.statuses[inside]
    if not len(lat):
        return []
    keys = np.stack([np.floor(lat / cell), np.floor(lon / cell)], axis=1)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.reshape(-1)
    k = int(group.max()) + 1
    counts = statuses.sum(axis=1).astype(np.float64)
    total = np.bincount(group, weights=counts, minlength=k)
    mean_lat = np.bincount(group, weights=lat * counts, minlength=k) / total
    mean_lon = np.bincount(group, weights=lon * counts, minlength=k) / total
    per_status = np.stack([np.bincount(group, weights=statuses[:, s], minlength=k) for s in range(len(STATUSES))], 1)
    bounds = {name: np.full(k, start) for name, start in (("s", np.inf), ("w", np.inf), ("n", -np.inf), ("e", -np.inf))}
    np.minimum.at(bounds["s"], group, lat)
    np.minimum.at(bounds["w"], group, lon)
    np.maximum.at(bounds["n"], group, lat)
    np.maximum.at(bounds["e"], group, lon)
    features = []
    for g in np.argsort(-total, kind="stable"):
        by_status = {STATUSES[s]: int(per_status[g, s]) for s in range(len(STATUSES)) if per_status[g, s]}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(mean_lon[g]), 5), round(float(mean_lat[g]), 5)]},
            "properties": {
                "cluster": True, "count": int(total[g]), "statuses": by_status,
                "status": max(by_status, key=lambda s: by_status[s]),
                "bounds": [float(bounds["w"][g]), float(bounds["s"][g]), float(bounds["e"][g]), float(bounds["n"][g])],
            },
        })
    return features

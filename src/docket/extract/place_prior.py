"""Homonym villages settled by where the collection's other places lie.

A division often holds several villages of one name (six Petrivkas in Kharkiv Oblast), and a report rarely
says which.  Postal villages carry no population to rank them by, so the choice falls to the collection:
the homonym with the most of the register's (or a batch's) other places within ``PRIOR_KM`` is the likelier
one, since reports cluster where things happen (a front line, a group of colonies).  Towns are left alone:
a name shared by a town and villages means the town.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from docket.extract.gazetteer import distance_km, homonyms
from docket.model import Place

PRIOR_KM = 30.0
TOWN_POPULATION = 10_000

# (lat, lon, radius_km) -> how many known places lie that close
Support = Callable[[float, float, float], int]


def candidates(place: Place) -> list[Place]:
    """The places ``place`` may stand for: itself and its homonyms; just itself when it is not ambiguous."""
    if place.precision != "settlement" or place.lat is None:
        return [place]
    found = homonyms(place.name, place.country, place.admin1)
    if len(found) < 2 or any(e.population >= TOWN_POPULATION for e in found):
        return [place]
    return [replace(place, lat=e.lat, lon=e.lon, geonames_id=e.geonames_id) for e in found]


def settle(place: Place, support: Support) -> Place:
    """The homonym with the most support; ``place`` itself when none has more than it."""
    options = candidates(place)
    if len(options) < 2:
        return place
    scored = [(support(p.lat, p.lon, PRIOR_KM), p) for p in options]  # type: ignore[arg-type]
    best = max(n for n, _ in scored)
    if best == 0 or any(n == best and _same_point(p, place) for n, p in scored):
        return place
    return next(p for n, p in scored if n == best)


def _same_point(a: Place, b: Place) -> bool:
    return a.lat == b.lat and a.lon == b.lon


class PointDensity:
    """Known points on a grid of ``CELL_DEG`` degrees, counted near a point in a few dict lookups."""

    CELL_DEG = 0.3

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL_DEG), math.floor(lon / self.CELL_DEG)

    def add(self, lat: float, lon: float) -> None:
        self._cells.setdefault(self._cell(lat, lon), []).append((lat, lon))

    def __call__(self, lat: float, lon: float, radius_km: float) -> int:
        cy, cx = self._cell(lat, lon)
        reach_y = math.ceil(radius_km / (self.CELL_DEG * 111.0))
        reach_x = math.ceil(radius_km / (self.CELL_DEG * 111.0 * max(0.05, math.cos(math.radians(lat)))))
        n = 0
        for dy in range(-reach_y, reach_y + 1):
            for dx in range(-reach_x, reach_x + 1):
                for plat, plon in self._cells.get((cy + dy, cx + dx), ()):
                    n += distance_km(lat, lon, plat, plon) <= radius_km
        return n


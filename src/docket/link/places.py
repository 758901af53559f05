"""How two sets of places relate: same facility, same settlement, same region, same country, or apart."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from docket.extract.gazetteer import distance_km
from docket.link.entities import canonical_key
from docket.model import Place

SAME_SETTLEMENT_KM = 25.0
VETO = -99.0

_ADMIN_WORDS = re.compile(
    r"\b(oblast|region|krai|kray|republic|respublika|of|the|autonomous|okrug|city|"
    r"область|край|республика|автономный|округ|республіка|область|город|місто)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?:№|No\.?|N|#|-)\s*(\d{1,3})\b|\b(\d{1,3})\b")


@lru_cache(maxsize=1)
def _kinds() -> list[tuple[str, list[re.Pattern[str]]]]:
    text = resources.files("docket.data").joinpath("facility_kinds.yaml").read_text("utf-8")
    data = yaml.safe_load(text)["kinds"]
    return [(code, [re.compile(p, re.IGNORECASE) for p in pats]) for code, pats in data.items()]


def admin_key(name: str | None) -> str:
    """'Republic of Buryatia' / 'Buryatia' / 'Бурятия' meet; '' when unknown."""
    return canonical_key(_ADMIN_WORDS.sub(" ", name or ""))


def facility_key(name: str, admin1: str | None = None) -> str | None:
    """'Penal colony No. 6 (IK-6), Yoshkar-Ola' in Mari El -> 'marel:IK-6'; None if no kind or number."""
    kind = next((code for code, pats in _kinds() if any(p.search(name) for p in pats)), None)
    match = _NUMBER.search(name)
    if kind is None or match is None:
        return None
    return f"{admin_key(admin1)}:{kind}-{int(match.group(1) or match.group(2))}"


def facility_keys(places: list[Place], names: list[str] = ()) -> set[str]:
    keys = {facility_key(p.name, p.admin1) for p in places if p.precision == "facility"}
    admin = next((p.admin1 for p in places if p.admin1), None)
    keys |= {facility_key(n, admin) for n in names}
    return {k for k in keys if k}


def facilities_meet(a: Set[str], b: Set[str]) -> bool:
    """Some facility in both: same kind and number, in the same region where both regions are known."""
    for x in a:
        admin_x, _, unit_x = x.rpartition(":")
        for y in b:
            admin_y, _, unit_y = y.rpartition(":")
            if unit_x == unit_y and (admin_x == admin_y or not admin_x or not admin_y):
                return True
    return False


def km(a: Place, b: Place) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]


def _local(p: Place) -> bool:
    return p.precision in ("facility", "settlement")


def same_locality(a: Place, b: Place) -> bool:
    d = km(a, b)
    if d is not None:
        return d <= SAME_SETTLEMENT_KM
    return canonical_key(a.name) == canonical_key(b.name) != ""


def _country_only(places: list[Place]) -> bool:
    return all(p.precision == "country" for p in places)


def _admins(places: list[Place]) -> set[str]:
    return {admin_key(p.admin1 or (p.name if p.precision == "region" else "")) for p in places} - {""}


def _countries(places: list[Place]) -> set[str]:
    return {(p.country or "").upper() for p in places} - {""}


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    score: float
    level: str  # facility | settlement | region | country | none | apart


def compare(a: list[Place], b: list[Place], fac_a: Set[str], fac_b: Set[str]) -> PlaceMatch:
    """The finest level at which two place lists agree; ``apart`` when they name different places."""
    if not a and not b:
        return PlaceMatch(0.1, "none")
    if fac_a and fac_b:
        if facilities_meet(fac_a, fac_b):
            return PlaceMatch(1.0, "facility")
        return PlaceMatch(VETO, "apart")
    if not a or not b:
        return PlaceMatch(0.15, "none")
    ca, cb = _countries(a), _countries(b)
    if ca and cb and not ca & cb:
        return PlaceMatch(VETO, "apart")
    vague_a, vague_b = _country_only(a), _country_only(b)
    if vague_a != vague_b:
        # a nationwide statement is rarely the same happening as a located one
        return PlaceMatch(-0.3, "country")
    la, lb = [p for p in a if _local(p)], [p for p in b if _local(p)]
    if la and lb:
        if any(same_locality(p, q) for p in la for q in lb):
            return PlaceMatch(0.9, "settlement")
        return PlaceMatch(VETO, "apart")
    aa, ab = _admins(a), _admins(b)
    if aa and ab:
        if aa & ab:
            return PlaceMatch(0.55, "region")
        return PlaceMatch(VETO, "apart")
    return PlaceMatch(0.3, "country")

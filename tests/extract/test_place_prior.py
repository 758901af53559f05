"""Villages the gazetteer lacks (the codifier) and homonym villages settled by the collection's places."""

from __future__ import annotations

import math

from docket.extract.gazetteer import homonyms
from docket.extract.place_prior import PointDensity, candidates, settle
from docket.extract.places import find_places
from docket.model import Place


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot(lat2 - lat1, dx)


def first_settlement(text: str, lang: str = "en") -> Place:
    return next(m.value for m in find_places(text, lang) if m.value.precision == "settlement")


def test_a_village_only_the_codifier_knows_is_placed_near_it() -> None:
    # Virnopillia (Izium raion) is in no GeoNames list; ACLED codes it at 49.0319, 37.1253.
    place = first_settlement("On 29 July 2022, Russian forces shelled near Virnopillia, Kharkiv.")
    assert (place.name, place.admin1) == ("Virnopillia", "Kharkiv Oblast")
    assert km(place.lat, place.lon, 49.0319, 37.1253) < 30


def test_codifier_villages_need_the_text_to_name_their_division() -> None:
    # The document's context alone (Luhansk region named elsewhere) does not displace the Zaitseve whose
    # position GeoNames knows with the codifier's Luhansk-oblast village; "Zaitseve, Luhansk region" does.
    context = first_settlement("The men were taken back into Luhansk region. They were held in Zaitseve.")
    assert context.admin1 == "Donetsk Oblast"
    stated = first_settlement("They were held in a basement in Zaitseve, Luhansk region.")
    assert stated.admin1 == "Luhansk Oblast"
    assert any(e.estimated for e in homonyms(stated.name, stated.country, stated.admin1))


def test_a_cyrillic_village_after_a_village_noun_is_found() -> None:
    place = first_settlement("Обстріл села Спірне на Донеччині", "uk")
    assert (place.name, place.admin1) == ("Spirne", "Donetsk Oblast")


def test_a_homonym_moves_to_where_the_other_places_cluster() -> None:
    place = first_settlement("On 1 August 2022, Russian forces shelled Petrivka, Kharkiv.")
    options = candidates(place)
    assert len(options) >= 3  # several Petrivkas in Kharkiv Oblast
    target = next(p for p in options if (p.lat, p.lon) != (place.lat, place.lon))
    density = PointDensity()
    for dlat in (0.05, -0.08, 0.1):
        density.add(target.lat + dlat, target.lon + 0.05)
    settled = settle(place, density)
    assert (settled.lat, settled.lon) == (target.lat, target.lon)
    assert (settled.name, settled.admin1, settled.precision) == (place.name, place.admin1, "settlement")


def test_without_support_or_for_a_town_the_place_stays() -> None:
    place = first_settlement("On 1 August 2022, Russian forces shelled Petrivka, Kharkiv.")
    assert settle(place, PointDensity()) == place
    town = first_settlement("Russian forces shelled Kharkiv.")
    density = PointDensity()
    density.add(49.0, 37.0)
    assert candidates(town) == [town]
    assert settle(town, density) == town


def test_point_density_counts_within_the_radius_only() -> None:
    density = PointDensity()
    density.add(48.0, 37.0)
    density.add(48.2, 37.0)  # ~22 km north
    density.add(48.0, 37.6)  # ~45 km east
    assert density(48.0, 37.0, 30) == 2
    assert density(48.0, 37.0, 50) == 3
    assert density(60.0, 30.0, 30) == 0

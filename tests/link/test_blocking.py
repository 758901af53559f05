"""Blocking keys: what a claim's lookup reaches of the incidents already filed (``link.profile.keys``)."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from linkkit import place
from sqlalchemy import select, update

from dbkit import store_url
from docket.link import profile
from docket.link.places import SAME_SETTLEMENT_KM
from docket.model import Place
from docket.store import Store
from docket.store.dialect import make_engine
from docket.store.incidents import set_incident_keys
from docket.store.migrations import (
    LATEST,
    MIGRATIONS,
    MigrationError,
    _m011_locality_keys_by_period,
    current_version,
    migrate,
)
from docket.store.schema import incident_keys, incidents, store_meta

MAY = (date(2023, 5, 10), date(2023, 5, 10))
KAZAN = place("Kazan", 55.79, 49.12, "Republic of Tatarstan")
SAMARA = place("Samara", 53.2, 50.15, "Samara Oblast")
RUSSIA = Place(name="Russia", country="RU", precision="country")


def _filed(types, places, window, facilities=()) -> set[str]:
    return profile.keys(types, places, set(facilities), window)


def _looked_up(types, places, window, facilities=(), published=None) -> set[str]:
    return profile.keys(types, places, set(facilities), window, lookup=True, published=published)


def test_a_located_claim_does_not_read_located_incidents_elsewhere():
    elsewhere = _filed(["detention"], [SAMARA], MAY)
    here = _filed(["detention"], [KAZAN], MAY)
    nationwide = _filed(["detention"], [RUSSIA], MAY)
    claim = _looked_up(["detention"], [KAZAN], MAY)
    assert claim & here
    assert claim & nationwide  # a statement about the whole country may still be this happening
    assert not claim & elsewhere  # places.compare would veto every one of them
    # A claim that names no locality reads every incident of its type and month in the country.
    assert _looked_up(["detention"], [RUSSIA], MAY) & elsewhere


def test_grid_lookup_reaches_the_same_settlement_distance_at_high_latitudes():
    for lat in (45.0, 60.0, 68.0):
        centre = place("A", lat, 30.0, "X")
        east = SAME_SETTLEMENT_KM * 0.95 / (111.0 * math.cos(math.radians(lat)))
        north = SAME_SETTLEMENT_KM * 0.95 / 111.0
        claim = _looked_up(["detention"], [centre], MAY)
        for other in (place("B", lat, 30.0 + east, "Y"), place("C", lat + north, 30.0, "Y")):
            assert claim & _filed(["detention"], [other], MAY), (lat, other.name)


def test_a_facility_named_without_its_region_finds_it_and_the_other_way_round():
    with_region = {"mari-el:ik-6"}
    without = {":ik-6"}
    colony = place("IK-6", None, None, "Republic of Mari El", precision="facility")
    bare = place("IK-6", None, None, None, precision="facility")
    assert _looked_up(["torture"], [bare], MAY, without) & _filed(["torture"], [colony], MAY, with_region)
    assert _looked_up(["torture"], [colony], MAY, with_region) & _filed(["torture"], [bare], MAY, without)
    # the facility keys of a namesake in another region do not meet (its settlement name key still does)
    namesake = {k for k in _filed(["torture"], [colony], MAY, {"perm:ik-6"}) if k.startswith("f|")}
    assert not _looked_up(["torture"], [colony], MAY, with_region) & namesake


def test_locality_keys_are_kept_by_period_and_all_time_for_undated_claims():
    last_year = (date(2022, 5, 10), date(2022, 5, 10))
    old = _filed(["detention"], [KAZAN], last_year)
    assert not _looked_up(["detention"], [KAZAN], MAY) & old
    # months apart: not read by a dated claim; a claim dated only by its year reads every month of it
    march = _filed(["detention"], [KAZAN], (date(2023, 3, 2), date(2023, 3, 2)))
    assert not _looked_up(["detention"], [KAZAN], MAY) & march
    assert _looked_up(["detention"], [KAZAN], (date(2023, 1, 1), date(2023, 12, 31))) & march
    # a wide incident (its members' dates span years) is read by a claim dated to the day within them
    wide = _filed(["detention"], [KAZAN], (date(2021, 1, 1), date(2023, 12, 31)))
    assert _looked_up(["detention"], [KAZAN], MAY) & wide
    # a claim too wide to be filed by period (years apart) reads them all, as an undated one does
    assert _looked_up(["detention"], [KAZAN], (date(2020, 1, 1), date(2023, 12, 31))) & march
    # an undated report from Kazan still reaches it, through the variant without a year
    assert _looked_up(["detention"], [KAZAN], None) & old
    # and a dated claim reaches an undated incident at the same place
    assert _looked_up(["detention"], [KAZAN], MAY) & _filed(["detention"], [KAZAN], None)


def test_dates_a_few_days_apart_across_a_month_or_year_end_still_meet():
    new_year = (date(2023, 1, 1), date(2023, 1, 1))
    eve = (date(2022, 12, 30), date(2022, 12, 30))
    assert _looked_up(["detention"], [KAZAN], new_year) & _filed(["detention"], [KAZAN], eve)
    assert _looked_up(["detention"], [RUSSIA], new_year) & _filed(["detention"], [RUSSIA], eve)


def test_upgrade_refiles_incidents_under_the_current_keys(tmp_path):
    data = tmp_path / "data"
    store = Store.open(data)
    machine = {
        "types": ["detention"],
        "window": ["2023-05-10", "2023-05-10"],
        "places": [KAZAN.to_json()],
        "facilities": [],
    }
    with store.write() as conn:
        conn.execute(
            incidents.insert().values(
                id="inc_old", types='["detention"]', machine=json.dumps(machine), status="reported",
                created_at="2024-01-01T00:00:00+00:00", updated_at="2024-01-01T00:00:00+00:00",
            )
        )
        set_incident_keys(conn, "inc_old", {"t|detention|RU|2023-05", "g|detention|223:196"})  # as filed before
        before = MIGRATIONS.index(_m011_locality_keys_by_period)  # the version before the refiling step
        conn.execute(update(store_meta).where(store_meta.c.key == "schema_version").values(value=str(before)))
    store.close()

    engine = make_engine(store_url(data))
    assert migrate(engine) == LATEST
    with engine.connect() as conn:
        keys = set(conn.execute(select(incident_keys.c.key).where(incident_keys.c.incident_id == "inc_old")).scalars())
    engine.dispose()
    assert keys == profile.filing_keys(machine)
    assert keys & _looked_up(["detention"], [KAZAN], MAY)


@pytest.mark.parametrize("machine", ["{broken", '"a string"', '{"types": 5, "places": []}'])
def test_an_upgrade_that_fails_names_the_step_and_the_incident_and_keeps_the_store(tmp_path, machine):
    data = tmp_path / "data"
    store = Store.open(data)
    with store.write() as conn:
        conn.execute(
            incidents.insert().values(
                id="inc_broken", types='["detention"]', machine=machine, status="reported",
                created_at="2024-01-01T00:00:00+00:00", updated_at="2024-01-01T00:00:00+00:00",
            )
        )
        set_incident_keys(conn, "inc_broken", {"t|detention|RU|2023-05"})
        before = MIGRATIONS.index(_m011_locality_keys_by_period)  # the version before the refiling step
        conn.execute(update(store_meta).where(store_meta.c.key == "schema_version").values(value=str(before)))
    store.close()

    engine = make_engine(store_url(data))
    with pytest.raises(MigrationError, match=rf"schema version {before + 1} .*inc_broken"):
        migrate(engine)
    with engine.connect() as conn:
        assert current_version(conn) == before
        keys = set(conn.execute(select(incident_keys.c.key)).scalars())
    engine.dispose()
    assert keys == {"t|detention|RU|2023-05"}

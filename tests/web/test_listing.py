"""The incident list at scale (``docket.web.listing``): every filter in SQL gives what filtering the
register in Python gives; pages, totals and facets are kept only while the register stays as it was."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from docket.review import actions
from docket.store.register import list_incidents
from docket.web import listing
from docket.web.idlist import IdList
from docket.web.memo import Memo
from docket.web.queries import Filters, filtered_incidents, incident_page


def _python_filter(incs: list[dict], flt: Filters) -> list[str]:
    """What the list's filters mean, written out over the register's own rows."""
    out = []
    for i in incs:
        place = i["places"][0] if i["places"] else {}
        start = i["date"]["start"]
        if flt.type and flt.type not in i["types"] or flt.status and i["status"] != flt.status:
            continue
        if flt.victim and flt.victim not in i["victims"] or flt.perpetrator and flt.perpetrator not in i["perpetrators"]:
            continue
        if flt.origin and flt.origin.casefold() not in [o.casefold() for o in i["origins"]]:
            continue
        if flt.country and place.get("country") != flt.country or flt.since and not (start and start >= flt.since):
            continue
        if flt.until and not (start and start[: len(flt.until)] <= flt.until):
            continue
        out.append(i["id"])
    return out


def test_every_filter_in_sql_agrees_with_filtering_in_python(store):
    with store.read() as conn:
        incs = list_incidents(conn)
        first = incs[0]
        origin = next(o for i in incs for o in i["origins"])
        country = next(p["country"] for i in incs for p in i["places"][:1] if p.get("country"))
        victim = next(v for i in incs for v in i["victims"])
        cases = [Filters(), Filters(type=first["types"][0]), Filters(status="reported"), Filters(victim=victim),
                 Filters(origin=origin.upper()), Filters(country=country), Filters(since="2023"),
                 Filters(until="2022-10"), Filters(type=first["types"][0], since="2022-01-01")]
        for flt in cases:
            expected = _python_filter(incs, flt)
            assert expected, flt
            assert list(listing.matching_ids(conn, flt)) == expected, flt
            assert [i["id"] for i in filtered_incidents(conn, flt)] == expected, flt
        assert list(listing.matching_ids(conn, Filters(q=first["id"]))) == [first["id"]]


def test_pages_totals_and_facets(store):
    with store.read() as conn:
        incs = list_incidents(conn)
        whole = incident_page(conn, Filters(), 1, 200)
        pages = [incident_page(conn, Filters(), p, 3, facets=False) for p in range(1, 200) if (p - 1) * 3 < len(incs)]
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in incs]
    assert whole["total"] == len(incs) and pages[0]["pages"] == len(pages) and pages[0]["facets"] == {}
    types = Counter(t for i in incs for t in i["types"])
    assert dict(whole["facets"]["type"]) == dict(types)
    assert dict(whole["facets"]["status"]) == dict(Counter(i["status"] for i in incs))
    assert all(i["documents"] >= 1 for i in whole["items"])


def test_a_review_shows_at_once_in_totals_and_facets(store):
    verified = Filters(status="verified")
    with store.read() as conn:
        before = len(listing.matching_ids(conn, verified))
        iid = listing.matching_ids(conn, Filters(status="reported"))[0]
        statuses = dict(listing.facet_counts(conn, Filters())["status"])
    with store.write() as conn:
        actions.set_status(conn, iid, "confirm", "analyst")
    with store.read() as conn:
        assert list(listing.matching_ids(conn, verified)).count(iid) == 1
        assert len(listing.matching_ids(conn, verified)) == before + 1
        assert dict(listing.facet_counts(conn, Filters())["status"]).get("verified", 0) == statuses.get("verified", 0) + 1


def test_id_lists_are_packed_and_read_back_in_order():
    ids = [f"inc_{n:016x}" for n in range(1000)]
    packed = IdList(ids)
    assert list(packed) == ids and packed[3:6] == ids[3:6] and packed[-1] == ids[-1] and packed.weight == 1000 // 12
    mixed = IdList(["inc_1", "x"])
    assert list(mixed) == ["inc_1", "x"] and mixed.weight == 2
    with pytest.raises(IndexError):
        packed[1000]  # noqa: B018


def test_memo_recomputes_on_a_new_version_and_serves_the_old_while_another_thread_does():
    memo, calls = Memo(max_weight=3), []

    def compute(value: str, delay: float = 0.0):  # noqa: ANN202
        def run() -> str:
            calls.append(value)
            time.sleep(delay)
            return value
        return run

    assert memo.get("k", "v1", compute("a")) == "a" and memo.get("k", "v1", compute("b")) == "a"
    slow = threading.Thread(target=lambda: memo.get("k", "v2", compute("c", 0.5)))
    slow.start()
    time.sleep(0.1)
    assert memo.get("k", "v2", compute("d")) == "a"  # computing already: the previous result meanwhile
    slow.join()
    assert memo.get("k", "v2", compute("e")) == "c" and calls == ["a", "c"]
    for key in ("x", "y", "z"):
        memo.get(key, "v", compute(key))
    assert memo.get("k", "v2", compute("f")) == "f"  # the least recently used went first

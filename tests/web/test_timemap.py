"""The timeline and the map counted in SQL (``docket.web.aggregate``): counts agree with the register, the
list's filters apply, the map answers for a view with points or clusters, and both follow a review."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from webkit import TestClient

from docket.review import actions
from docket.web import aggregate, create_app, timemap
from docket.web.queries import Filters, filtered_incidents


def _month(start: str) -> str:
    return start[:7] if len(start) >= 7 else start[:4]


def _expected(incs: list[dict]) -> tuple[Counter, int]:
    per = Counter((_month(i["date"]["start"]), i["types"][0]) for i in incs if i["date"]["start"])
    return per, sum(1 for i in incs if not i["date"]["start"])


def test_timeline_counts_per_month_and_main_type_with_the_lists_filters(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        incs = filtered_incidents(conn, Filters())
    body = client.get("/api/timeline").json()
    per, undated = _expected(incs)
    assert body["total"] == len(incs) and body["undated"] == undated
    assert Counter({(m["month"], t): n for m in body["months"] for t, n in m["types"].items()}) == per
    assert [m["month"] for m in body["months"]] == sorted({m for m, _ in per})
    assert all(m["count"] == sum(m["types"].values()) for m in body["months"])
    kind = incs[0]["types"][0]
    typed = client.get(f"/api/timeline?type={kind}").json()
    assert typed["total"] == sum(1 for i in incs if kind in i["types"]) < len(incs)


def test_a_large_timeline_is_counted_not_listed(store, as_role, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(timemap, "LIST_LIMIT", 2)
    with store.read() as conn:
        incs = filtered_incidents(conn, Filters())
    html = as_role("viewer").get("/timeline").text
    assert not re.search(r'<li><a href="/incidents/inc_', html)  # no incident listed one by one ...
    months = re.findall(r'<time datetime="([\d-]+)">', html)
    per, _ = _expected(incs)
    assert months == sorted({m for m, _ in per})  # ... but every month counted, and linked to the list
    first = months[0]
    assert f'href="/incidents?since={first}&amp;until={first}"' in html
    assert f"{len(incs)} incidents by month" in html


def test_the_map_answers_for_the_view_with_points_or_clusters(store, as_role, monkeypatch: pytest.MonkeyPatch):
    client = as_role("viewer")
    with store.read() as conn:
        located = [i for i in filtered_incidents(conn, Filters()) if i["lat"] is not None]
    everything = client.get("/map/incidents.geojson").json()
    assert everything["mode"] == "points" and not everything["truncated"]
    assert {f["properties"]["id"] for f in everything["features"]} == {i["id"] for i in located}
    assert everything["located"] == len(located) == everything["in_view"]

    monkeypatch.setattr(aggregate, "POINT_LIMIT", 2)
    clustered = client.get("/map/incidents.geojson?zoom=2").json()
    assert clustered["mode"] == "clusters" and clustered["in_view"] == len(located)
    assert sum(f["properties"]["count"] for f in clustered["features"]) == len(located)
    for f in clustered["features"]:
        p = f["properties"]
        assert p["cluster"] and sum(p["statuses"].values()) == p["count"]
        west, south, east, north = p["bounds"]
        lon, lat = f["geometry"]["coordinates"]
        assert west - 1e-6 <= lon <= east + 1e-6 and south - 1e-6 <= lat <= north + 1e-6
    finer = client.get("/map/incidents.geojson?zoom=9").json()
    assert len(finer["features"]) >= len(clustered["features"])

    # A view around one incident's place holds just the incidents there.
    one = located[0]
    bbox = f"{one['lon'] - 0.01},{one['lat'] - 0.01},{one['lon'] + 0.01},{one['lat'] + 0.01}"
    here = [i["id"] for i in located if abs(i["lat"] - one["lat"]) <= 0.01 and abs(i["lon"] - one["lon"]) <= 0.01]
    view = client.get(f"/map/incidents.geojson?bbox={bbox}&zoom=12").json()
    assert view["in_view"] == len(here)
    shown = [f["properties"]["id"] for f in view["features"]]
    assert set(shown) <= set(here) and len(shown) == min(2, len(here))
    assert view["truncated"] == (len(here) > 2)
    # Longitudes past 180 (a map wrapped around the world) mean the same places.
    wrapped = f"{one['lon'] + 359.99},{one['lat'] - 0.01},{one['lon'] + 360.01},{one['lat'] + 0.01}"
    assert client.get(f"/map/incidents.geojson?bbox={wrapped}&zoom=12").json()["in_view"] == len(here)
    nowhere = client.get("/map/incidents.geojson?bbox=-170,-80,-160,-70&zoom=6").json()
    assert (nowhere["in_view"], nowhere["features"]) == (0, [])
    for bad in ("bbox=x,y", "bbox=1,2,3", "zoom=nan", "bbox=5,5,1,1&zoom=99"):
        assert client.get(f"/map/incidents.geojson?{bad}").status_code == 200, bad


def test_the_map_page_lists_only_a_few(store, as_role, monkeypatch: pytest.MonkeyPatch):
    client = as_role("viewer")
    page = client.get("/map").text
    assert "The same incidents as a list" in page
    monkeypatch.setattr(timemap, "LIST_LIMIT", 1)
    page = client.get("/map?type=detention").text
    assert "The same incidents as a list" not in page and 'href="/incidents?type=detention"' in page


def test_counts_follow_a_review_and_the_public_site_counts_verified_only(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        incs = filtered_incidents(conn, Filters())
    before = client.get("/map/incidents.geojson?status=verified").json()
    verified_before = client.get("/timeline?status=verified").text
    assert before["located"] == sum(1 for i in incs if i["status"] == "verified" and i["lat"] is not None)
    target = next(i for i in incs if i["lat"] is not None and i["date"]["start"] and i["status"] != "verified")
    with store.write() as conn:
        actions.set_status(conn, target["id"], "confirm", "analyst")
    after = client.get("/map/incidents.geojson?status=verified").json()
    assert after["located"] == before["located"] + 1
    assert target["id"] in {f["properties"]["id"] for f in after["features"]}
    verified_after = client.get("/timeline?status=verified").text
    assert f'href="/incidents/{target["id"]}"' in verified_after and target["id"] not in verified_before
    public = TestClient(create_app(store, public=True))
    counted = public.get("/api/timeline").json()
    assert counted["total"] == sum(1 for i in incs if i["status"] == "verified") + 1
    assert public.get("/map/incidents.geojson").json()["located"] == after["located"]
    assert public.get("/timeline").status_code == 200 and public.get("/map").status_code == 200


def test_a_nul_character_in_any_filter_is_harmless(as_role):
    """PostgreSQL's text holds no NUL: a filter or search word with one is read without it (never a 500)."""
    client = as_role("viewer")
    for url in ("/api/timeline?type=%00", "/map/incidents.geojson?country=U%00A", "/api/search?q=0&country=%00",
                "/api/documents?q=%00", "/api/entities?q=a%00", "/timeline?origin=%00", "/map?q=%00",
                "/incidents?region=%00"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/search?q=%00").status_code == 400

"""The pages over a real store: list, facets, search in Russian, incident and document pages, review
through the forms, timeline and map data."""

from __future__ import annotations

import re

from sqlalchemy import select
from webkit import csrf_of

from docket import custody
from docket.review import actions
from docket.store.register import get_incident, list_incidents, sources_of
from docket.store.schema import documents


def _total(html: str) -> int:
    return int(re.search(r'<span class="total">(\d+)</span>', html).group(1))


def _ids_on(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/incidents/(inc_[0-9a-f]+)"', html)))


def test_list_paginates_and_counts(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        total = len(list_incidents(conn))
    first = client.get("/incidents?per_page=5").text
    assert _total(first) == total and len(_ids_on(first)) == min(5, total)
    second = client.get("/incidents?per_page=5&page=2").text
    assert not set(_ids_on(first)) & set(_ids_on(second))
    assert 'rel="next"' in first


def test_filters_and_facets(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        incs = list_incidents(conn)
    wanted_type = incs[0]["types"][0]
    expected = {i["id"] for i in incs if wanted_type in i["types"]}
    html = client.get(f"/incidents?type={wanted_type}&per_page=200").text
    assert set(_ids_on(html)) == expected and _total(html) == len(expected)
    assert f'href="/incidents?type={wanted_type}"' in client.get("/incidents").text  # a facet link
    country = next(i["places"][0]["country"] for i in incs if i["places"] and i["places"][0].get("country"))
    html = client.get(f"/incidents?country={country}&per_page=200").text
    assert _ids_on(html) and all(get_incident_country(store, i) == country for i in _ids_on(html))
    since = client.get("/incidents?since=2023-01-01&per_page=200").text
    assert all(d >= "2023" for d in re.findall(r"<td>(\d{4}[-\d]*)", since))


def get_incident_country(store, iid: str) -> str | None:
    with store.read() as conn:
        from docket.store.schema import incidents

        return conn.execute(select(incidents.c.country).where(incidents.c.id == iid)).scalar()


def test_search_in_russian_finds_the_russian_report(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        doc = conn.execute(select(documents.c.id).where(documents.c.name == "smert-mobilizovannogo.txt")).scalar()
        from docket.store.schema import claims

        expected = set(conn.execute(select(claims.c.incident_id).where(claims.c.document_id == doc)).scalars())
    word = "мобилизованный"  # capitalised in the Russian report, never in the English ones
    html = client.get(f"/incidents?q={word}&per_page=200").text
    found = set(_ids_on(html))
    assert expected and expected <= found
    capital = client.get("/incidents?q=Мобилизованный&per_page=200").text
    assert set(_ids_on(capital)) >= expected
    assert _total(client.get("/incidents?q=zzzqqqxx").text) == 0


def test_incident_page_shows_fields_machine_values_sources_and_history(store, as_role):
    with store.read() as conn:
        iid, pairs = next((i, p) for i, p in sources_of(conn).items() if any(c.get("spans") for c, _ in p))
    client = as_role("analyst")
    csrf = csrf_of(client.get(f"/incidents/{iid}").text)
    r = client.post(f"/incidents/{iid}/edit", data={"csrf_token": csrf, "field": "count", "count": "42", "qualifier": "approx"})
    assert r.status_code == 200 and "Field saved" in r.text
    html = client.get(f"/incidents/{iid}").text
    assert "~42" in html and 'class="badge">reviewer' in html and 'class="machine"' in html
    claim, doc = next((c, d) for c, d in pairs if c.get("spans"))
    a, b = claim["spans"][0]
    quote = doc["text"][a:b].strip()
    assert "<mark>" in html and quote.split()[0] in html
    assert doc["blob_sha256"] in html and "Corroboration" in html and "History of changes" in html
    assert re.search(r"<td>analyst</td><td>edit count</td>", html)


def test_confirm_note_merge_split_and_undo_through_the_forms(store, as_role):
    client = as_role("analyst")
    with store.read() as conn:
        incs = list_incidents(conn)
    a, b = incs[0]["id"], incs[1]["id"]
    csrf = csrf_of(client.get(f"/incidents/{a}").text)
    assert "Confirmed" in client.post(f"/incidents/{a}/status", data={"csrf_token": csrf, "action": "confirm"}).text
    assert "Note attached" in client.post(f"/incidents/{a}/note", data={"csrf_token": csrf, "note": "Спросить адвоката"}).text
    merged = client.post(f"/incidents/{a}/merge", data={"csrf_token": csrf, "other": b})
    assert "Merged" in merged.text and client.get(f"/incidents/{b}").status_code == 404
    with store.read() as conn:
        merge_id = actions.merges_of(conn, a)[-1]["id"]
    assert f"/merges/{merge_id}/undo" in merged.text
    undone = client.post(f"/merges/{merge_id}/undo", data={"csrf_token": csrf})
    assert "Merge undone" in undone.text
    with store.read() as conn:
        claims_a = [c["id"] for c, _ in sources_of(conn, [a])[a]]
    split = client.post(f"/incidents/{a}/split", data={"csrf_token": csrf, "claim_ids": claims_a[:1]})
    if len(claims_a) > 1:
        assert "Split" in split.text
    else:
        assert split.status_code == 400
    bad = client.post(f"/incidents/{a}/edit", data={"csrf_token": csrf, "field": "types", "value": ["no_such_type"]})
    assert bad.status_code == 400 and "unknown no_such_type" in bad.text
    with store.read() as conn:
        history = [h["action"] for h in actions.history(conn, a)]
        assert get_incident(conn, a)["status"] == "verified"
    assert history[:4] == ["confirm", "note", "merge", "unmerge"]
    assert custody.verify(store) == []


def test_document_page_shows_original_and_cleaned_text_and_custody(store, as_role):
    with store.read() as conn:
        doc = conn.execute(select(documents).where(documents.c.name == "kopeysk-verbovka.html")).first()
    html = as_role("viewer").get(f"/documents/{doc.id}").text
    assert "Original (as decoded)" in html and "Cleaned" in html
    assert "Chain of custody" in html and ">store<" in html and doc.blob_sha256 in html


def test_entity_pages(store, as_role):
    client = as_role("viewer")
    html = client.get("/entities?q=Gulagu").text
    ids = re.findall(r'href="/entities/([^"]+)"', html)
    assert ids
    assert client.get(f"/entities/{ids[0]}").status_code == 200
    assert client.get("/entities/nope").status_code == 404


def test_timeline_and_map_data(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        incs = list_incidents(conn)
    html = client.get("/timeline").text
    dated = [i for i in incs if i["date"]["start"]]
    assert len(re.findall(r'<li><a href="/incidents/', html)) == len(incs)
    assert "<meter" in html and dated[0]["date"]["start"][:7] in html
    geo = client.get("/map/incidents.geojson").json()
    assert geo["type"] == "FeatureCollection"
    assert {f["properties"]["id"] for f in geo["features"]} <= {i["id"] for i in incs} and geo["features"]
    page = client.get("/map").text
    assert 'src="/vendor/leaflet/leaflet.js"' in page and "http://" not in page and "https://" not in page


def test_export_is_filtered_and_recorded(store, as_role):
    client = as_role("viewer")
    with store.read() as conn:
        incs = list_incidents(conn)
    t = incs[0]["types"][0]
    body = client.get(f"/export?format=jsonl&type={t}").text
    lines = [line for line in body.splitlines() if line]
    assert len(lines) == sum(1 for i in incs if t in i["types"])
    with store.read() as conn:
        last = list(custody.entries(conn))[-1]
    assert (last.action, last.actor) == ("export", "viewer")
    assert client.get("/export?format=csv").text.startswith("id,types,")


def test_like_fallback_agrees_on_a_plain_word(store):
    from docket.web.search import incident_ids_matching, like_fallback

    with store.read() as conn:
        assert like_fallback(conn, "Мобилизованный") <= incident_ids_matching(conn, "мобилизованный")
        assert like_fallback(conn, "zzzqqqxx") == set()


def test_an_original_downloads_byte_for_byte(store, as_role):
    with store.read() as conn:
        sha = conn.execute(select(documents.c.blob_sha256).limit(1)).scalar_one()
    with store.blobs.open(sha) as fh:
        original = fh.read()
    response = as_role("viewer").get(f"/originals/{sha}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{sha}.bin"'
    assert response.content == original
    assert as_role("viewer").get(f"/originals/{'0' * 64}").status_code == 404

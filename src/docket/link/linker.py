"""The link stage's entry points: link one document's claims into the register, undo a merge, explain
an incident's corroboration, list its sources. Work per document touches only candidate incidents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from docket.link import profile, resolve, syndication
from docket.link.corroboration import Origin, independent_origins, origin_key
from docket.link.entities import ensure_seeded, resolve_entity, speaks_for
from docket.model import Claim, Document, PartialDate, Place, stable_id
from docket.store import incidents as repo

FIELDS = ("types", "date", "places", "count", "victims", "perpetrators")


def _entity(conn: Connection, name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    found = resolve_entity(conn, name)
    return speaks_for(found) if found else None


def _published(info: dict) -> tuple[date, date] | None:
    d = PartialDate.from_json(
        {
            "start": info.get("published_start"),
            "end": info.get("published_end"),
            "precision": info.get("published_precision") or "day",
        }
    )
    return d.bounds() if d else None


def link_document(conn: Connection, doc: Document, claims: list[Claim]) -> list[str]:
    """Persist a document's claims and link each into a new or an existing incident; returns the ids
    of incidents touched. Runs inside the caller's transaction."""
    ensure_seeded(conn)
    copies = {c.document_id for c in syndication.index_document(conn, doc.id, doc.text or "")}
    published = doc.published.bounds() if doc.published else None
    new = [c for c in claims if not repo.claim_exists(conn, c.id)]
    if not new:
        return []
    keys = {c.id: _entity(conn, c.origin) for c in new}
    views = [resolve.view(c, published, copies, keys[c.id]) for c in new]

    wanted: set[str] = set(repo.incidents_of_documents(conn, copies))
    for v in views:
        c = v.claim
        lookup = profile.keys(
            c.types, c.places, set(v.facilities), v.window, lookup=True, published=published
        )
        wanted |= repo.incidents_by_keys(conn, lookup)
    candidates = {
        row["id"]: row["machine"]
        for row in repo.get_incidents(conn, wanted)
        if not row["locked"] and row["machine"]
    }
    chosen = resolve.assign(views, candidates)

    touched: list[str] = []
    for i, claim in enumerate(new):
        own_id = stable_id("inc", claim.id)
        incident_id = chosen[i][0] if i in chosen else own_id
        data = claim.to_json() | {"origin_key": keys[claim.id]}
        repo.insert_claim(conn, claim.id, doc.id, data, incident_id)
        if i in chosen:
            repo.add_merge(conn, "machine", incident_id, own_id, [claim.id])
        if incident_id not in touched:
            touched.append(incident_id)
    for incident_id in touched:
        refresh(conn, incident_id)
    return touched


def _origins(conn: Connection, members: list[dict]) -> list[Origin]:
    docs = repo.document_info(conn, {m["document_id"] for m in members})
    keys, labels = {}, {}
    for m in members:
        info = docs.get(m["document_id"], {})
        key = origin_key(m, _entity(conn, info.get("outlet")))
        keys[m["id"]] = key
        if key.startswith("d:"):
            labels[key] = info.get("name") or m["document_id"]
    names = repo.entity_names(conn, [k[2:] for k in keys.values() if k.startswith("e:")])
    labels |= {"e:" + eid: name for eid, name in names.items()}
    pairs = repo.syndicated_pairs(conn, docs)
    return independent_origins(members, keys, [p for p in pairs if p[0] in docs and p[1] in docs], labels)


def refresh(conn: Connection, incident_id: str) -> None:
    """Recompute an incident's machine values from its members; reviewer overrides stay on top."""
    members = repo.incident_claims(conn, incident_id)
    if not members:
        repo.delete_incident(conn, incident_id)
        return
    claims = [Claim.from_json(m) for m in members]
    docs = repo.document_info(conn, {m["document_id"] for m in members})
    published_hi = [b[1] for b in (_published(i) for i in docs.values()) if b]
    machine = profile.build(claims, published_hi)
    origins = _origins(conn, members)
    machine["origins"] = [o.label for o in origins]
    machine["origin_keys"] = sorted({m["origin_key"] for m in members if m.get("origin_key")})
    machine["status"] = "corroborated" if len(origins) >= 2 else "reported"

    current = repo.get_incident(conn, incident_id) or {}
    overrides = current.get("overrides") or {}
    eff = {f: overrides.get(f, machine[f]) for f in FIELDS}
    date_ = PartialDate.from_json(eff["date"]) if eff["date"] else None
    first = Place.from_json(eff["places"][0]) if eff["places"] else None
    repo.save_incident(
        conn,
        {
            "id": incident_id,
            "types": eff["types"],
            "main_type": eff["types"][0] if eff["types"] else None,
            "date_start": date_.iso(date_.start) if date_ else None,
            "date_end": date_.iso(date_.end) if date_ else None,
            "date_precision": date_.precision if date_ else "unknown",
            "places": eff["places"],
            "country": first.country if first else None,
            "admin1": first.admin1 if first else None,
            "lat": first.lat if first else None,
            "lon": first.lon if first else None,
            "count": eff["count"],
            "victims": eff["victims"],
            "perpetrators": eff["perpetrators"],
            "status": overrides.get("status") or machine["status"],
            "origins": machine["origins"],
            "machine": machine,
        },
    )
    window = machine["window"]
    repo.set_incident_keys(
        conn,
        incident_id,
        profile.keys(
            machine["types"],
            [Place.from_json(p) for p in machine["places"]],
            set(machine["facilities"]),
            (date.fromisoformat(window[0]), date.fromisoformat(window[1])) if window else None,
        ),
    )


def unmerge(conn: Connection, merge_id: int) -> list[str]:
    """Undo a merge: the claims it moved leave for an incident of their own. Returns incidents touched."""
    merge = repo.get_merge(conn, merge_id)
    if merge is None or merge["undone"]:
        return []
    still = {m["id"] for m in repo.incident_claims(conn, merge["into_id"])}
    moving = [c for c in merge["claim_ids"] if c in still]
    target = merge["from_id"]
    if repo.incident_claims(conn, target):
        target = stable_id("inc", target, str(merge_id))
    repo.move_claims(conn, moving, target)
    repo.mark_merge_undone(conn, merge_id)
    for incident_id in (merge["into_id"], target):
        refresh(conn, incident_id)
    return [merge["into_id"], target]


def explain_corroboration(conn: Connection, incident_id: str) -> dict:
    """Which independent origins stand behind an incident and which copies were counted once."""
    members = repo.incident_claims(conn, incident_id)
    incident = repo.get_incident(conn, incident_id) or {}
    docs = repo.document_info(conn, {m["document_id"] for m in members})
    name = lambda d: docs.get(d, {}).get("name") or d  # noqa: E731
    sims = {(a, b): s for a, b, s in repo.syndicated_pairs(conn, docs)}
    origins = _origins(conn, members)
    return {
        "incident": incident_id,
        "status": incident.get("status"),
        "independent_origins": len(origins),
        "origins": [
            {
                "origin": o.label,
                "key": o.key,
                "documents": [name(d) for d in o.documents],
                "claims": o.claims,
                "via": o.via,
                "copies_collapsed": [
                    {"documents": [name(a), name(b)], "similarity": sims.get((a, b), sims.get((b, a)))}
                    for a, b in o.copies
                ],
                "reports_collapsed": max(0, len(o.documents) - 1),
            }
            for o in origins
        ],
    }


def incident_sources(conn: Connection, incident_id: str) -> list[dict]:
    """One entry per member claim, in the export's source form (plus claim and document ids)."""
    members = repo.incident_claims(conn, incident_id)
    docs = repo.document_info(conn, {m["document_id"] for m in members})
    out = []
    for m in members:
        info = docs.get(m["document_id"], {})
        out.append(
            {
                "document": info.get("name") or m["document_id"],
                "document_id": m["document_id"],
                "claim_id": m["id"],
                "published": info.get("published_start"),
                "origin": m.get("origin") or info.get("outlet"),
                "via": m.get("via") or [],
                "hedged": bool(m.get("hedged")),
                "count": m.get("count"),
                "spans": m.get("spans") or [],
            }
        )
    return out

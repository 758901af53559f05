"""The link stage's entry points: link one document's claims into the register, undo a merge, explain
an incident's corroboration, list its sources. Work per document touches only candidate incidents.

Linking a document refreshes each incident it touched once, incrementally: an incident's machine values
(profile, independent origins) are kept in memory as aggregates that a new member is added to, so the
cost does not grow with the number of members. An aggregate is used only while it is known to match the
store: stamped with the ``updated_at`` it wrote and its member count, and with every member older than
the new ones; otherwise (another process or a reviewer changed the incident, a rolled-back transaction,
a new process) it is rebuilt from the stored members, exactly as ``refresh`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection

from docket.extract import place_prior
from docket.link import profile, resolve, syndication
from docket.link.cache import MISSING, Lru
from docket.link.corroboration import Origin, OriginGroups, independent_origins, origin_key
from docket.link.entities import (
    ensure_seeded,
    entity_names,
    resolve_entity,
    resolve_entity_stably,
    speaks_for,
)
from docket.model import Claim, Document, PartialDate, Place, stable_id
from docket.store import incidents as repo

FIELDS = ("types", "date", "places", "count", "victims", "perpetrators")
MEMO_INCIDENTS = 10_000  # incident aggregates kept in memory
MEMO_MACHINES = 50_000  # incidents' machine values kept decoded, as resolve.Candidate


def _entity(conn: Connection, name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    found = resolve_entity(conn, name)
    return speaks_for(found) if found else None


def _entity_stably(conn: Connection, name: str | None) -> tuple[str | None, bool]:
    """``_entity`` and whether the answer holds for good (see ``resolve_entity_stably``)."""
    if not name or not name.strip():
        return None, True
    found, stable = resolve_entity_stably(conn, name)
    return (speaks_for(found) if found else None), stable


def _published(info: dict) -> tuple[date, date] | None:
    d = PartialDate.from_json(
        {
            "start": info.get("published_start"),
            "end": info.get("published_end"),
            "precision": info.get("published_precision") or "day",
        }
    )
    return d.bounds() if d else None


@dataclass(slots=True)
class _State:
    """An incident's aggregates, as of the row version ``stamp`` with ``size`` members."""

    profile: profile.Aggregate = field(default_factory=profile.Aggregate)
    origins: OriginGroups = field(default_factory=OriginGroups)
    origin_keys: set[str] = field(default_factory=set)  # members' stored origin_key values
    labels: dict[str, str] = field(default_factory=dict)  # "d:<document>" -> its name
    outlets: dict[str, tuple[str | None, bool]] = field(default_factory=dict)  # outlet -> entity, stable
    size: int = 0
    last_created: str = ""
    keys: set[str] | None = None  # blocking keys as stored (None: not known)
    stamp: str | None = None  # updated_at of the row as this state wrote it

    def add(self, conn: Connection, member: dict, created_at: str, info: dict, copies: list[str]) -> None:
        """Add a stored member claim (its JSON as stored), its document's info and near-copies."""
        outlet = info.get("outlet")
        if outlet in self.outlets:
            entity = self.outlets[outlet][0]
        else:
            entity, stable = _entity_stably(conn, outlet)
            self.outlets[outlet] = (entity, stable)
        key = origin_key(member, entity)
        if key.startswith("d:"):
            self.labels[key] = info.get("name") or member["document_id"]
        bounds = _published(info)
        self.profile.add(Claim.from_json(member), bounds[1] if bounds else None)
        self.origins.add(member["id"], member["document_id"], key, copies)
        if member.get("origin_key"):
            self.origin_keys.add(member["origin_key"])
        self.size += 1
        self.last_created = max(self.last_created, created_at or "")

    def outlets_unchanged(self, conn: Connection) -> bool:
        """Outlets found only through a weak alias are looked up again, as a full refresh would."""
        return all(stable or _entity_stably(conn, name) == (entity, stable)
                   for name, (entity, stable) in self.outlets.items())  # fmt: skip

    def machine(self, conn: Connection) -> dict:
        machine = self.profile.machine()
        keys = self.origins.origin_keys()
        names = entity_names(conn, [k[2:] for k in keys if k.startswith("e:")])
        labels = [names.get(k[2:], k) if k.startswith("e:") else self.labels.get(k, k) for k in keys]
        machine["origins"] = sorted(labels)
        machine["origin_keys"] = sorted(self.origin_keys)
        machine["status"] = "corroborated" if len(keys) >= 2 else "reported"
        return machine


_states = Lru(MEMO_INCIDENTS)
# incident id -> (updated_at, its resolve.Candidate as stored then): decoded once per version
_machines = Lru(MEMO_MACHINES)


def _incident_rows(conn: Connection, ids: set[str]) -> dict[str, dict]:
    """Stored incidents among ``ids``: id, updated_at, locked, overrides and ``candidate`` (its machine
    values as a ``resolve.Candidate``, remembered from the same version; None: no machine values)."""
    rows = {head["id"]: head for head in repo.incident_heads(conn, ids)}
    unknown = []
    remembered = _machines.get_many(conn, rows)
    for incident_id, row in rows.items():
        known = remembered.get(incident_id)
        if known is not None and known[0] == row["updated_at"]:
            row["candidate"] = known[1]
        else:
            unknown.append(incident_id)
    for incident_id, machine in repo.incident_machines(conn, unknown).items():
        row = rows[incident_id]
        row["candidate"] = resolve.candidate(machine) if machine else None
        _machines.put(conn, incident_id, (row["updated_at"], row["candidate"]))
    return rows


class _Context:
    """What refreshing the incidents one document touched needs to know about that document, read once
    (or given: a document stored just now in this transaction is known without reading it back)."""

    def __init__(
        self, conn: Connection, doc: Document, info: dict | None = None, copies: list[str] | None = None
    ) -> None:
        self.conn, self.doc = conn, doc
        self._info, self._copies = info, copies

    def info(self) -> dict:
        if self._info is None:
            self._info = repo.document_info(self.conn, [self.doc.id]).get(self.doc.id, {})
        return self._info

    def copies(self) -> list[str]:
        if self._copies is None:
            pairs = repo.syndicated_pairs(self.conn, [self.doc.id])
            self._copies = [b if a == self.doc.id else a for a, b, _ in pairs]
        return self._copies


@dataclass(frozen=True, slots=True)
class Linked:
    """What linking a document did: the incidents it touched, and its claims as stored now (by id)."""

    incidents: list[str]
    stored: list[dict]


def link_document(conn: Connection, doc: Document, claims: list[Claim]) -> list[str]:
    """Persist a document's claims and link each into a new or an existing incident; returns the ids
    of incidents touched. Runs inside the caller's transaction."""
    return _link(conn, doc, claims, None, None).incidents


def link_new_document(
    conn: Connection, doc: Document, claims: list[Claim], info: dict, copy_sketch: syndication.Sketch | None = None
) -> Linked:
    """``link_document`` for a document stored just now, in this transaction, with ``info`` (its
    ``document_info`` as stored): nothing of it is read back. ``copy_sketch``: ``syndication.text_sketch``
    of its text, when computed where the text was cleaned."""
    return _link(conn, doc, claims, info, copy_sketch)


def _link(
    conn: Connection, doc: Document, claims: list[Claim], info: dict | None, copy_sketch: syndication.Sketch | None
) -> Linked:
    ensure_seeded(conn)
    found = syndication.index_document(conn, doc.id, doc.text or "", copy_sketch, new=info is not None)
    copies = {c.document_id for c in found}
    published = doc.published.bounds() if doc.published else None
    stored = set() if info is not None else repo.existing_claims(conn, [c.id for c in claims])
    new = [c for c in claims if c.id not in stored]
    if not new:
        return Linked([], [])
    new = [_settled(conn, c) for c in new]
    keys = {c.id: _entity(conn, c.origin) for c in new}
    for person in dict.fromkeys(p for c in new for p in c.people):
        resolve_entity(conn, person, "person")  # one canonical entry per person named, with aliases
    views = [resolve.view(c, published, copies, keys[c.id]) for c in new]

    wanted: set[str] = set(repo.incidents_of_documents(conn, copies))
    for v in views:
        c = v.claim
        lookup = profile.keys(
            c.types, c.places, set(v.facilities), v.window, lookup=True, published=published
        )
        wanted |= repo.incidents_by_keys(conn, lookup)
    own_ids = [stable_id("inc", c.id) for c in new]
    rows = _incident_rows(conn, wanted | set(own_ids))
    candidates = {
        inc_id: row["candidate"]
        for inc_id, row in rows.items()
        if inc_id in wanted and not row["locked"] and row["candidate"]
    }
    chosen = resolve.assign(views, candidates)

    touched: list[str] = []
    added: dict[str, list[tuple[dict, str]]] = {}
    rows_stored: dict[str, dict] = {}
    for i, claim in enumerate(new):
        own_id = own_ids[i]
        incident_id = chosen[i][0] if i in chosen else own_id
        data = json.dumps(claim.to_json() | {"origin_key": keys[claim.id]}, ensure_ascii=False)
        created_at = repo.insert_claim(conn, claim.id, doc.id, data, incident_id)
        if i in chosen:
            repo.add_merge(conn, "machine", incident_id, own_id, [claim.id])
        if incident_id not in touched:
            touched.append(incident_id)
        rows_stored[claim.id] = json.loads(data)
        added.setdefault(incident_id, []).append((rows_stored[claim.id], created_at))
    # The copies as stored: pairs (other, this) recorded just now, or read when the document is not new.
    context = _Context(conn, doc, info, [c.document_id for c in found] if info is not None else None)
    for incident_id in touched:
        _refresh_linked(conn, incident_id, rows.get(incident_id), added[incident_id], context)
    return Linked(touched, [rows_stored[k] for k in sorted(rows_stored)] if info is not None else [])


def _settled(conn: Connection, claim: Claim) -> Claim:
    """The claim with each homonym village moved to the one where the register's incidents cluster."""
    def support(lat: float, lon: float, radius_km: float) -> int:
        return repo.incidents_near(conn, lat, lon, radius_km)

    places = [place_prior.settle(p, support) for p in claim.places]
    return claim if places == claim.places else replace(claim, places=places)


def _refresh_linked(
    conn: Connection, incident_id: str, row: dict | None, new: list[tuple[dict, str]], context: _Context
) -> None:
    """Refresh an incident after ``new`` members (stored just now, in this order) joined it; ``row``: the
    incident as stored before (None: a new incident)."""
    if row is None:
        state = _State(keys=set())  # a new incident: no members, no keys before these
    else:
        state = _states.get(conn, incident_id)
        if (
            state is MISSING
            or state.stamp != row["updated_at"]
            or state.keys is None
            or repo.member_count(conn, incident_id) != state.size + len(new)
            or any(created <= state.last_created for _, created in new)
            or not state.outlets_unchanged(conn)
        ):
            _states.drop(conn, incident_id)
            _rebuild_and_save(conn, incident_id, row)
            return
    info = context.info()
    for member, created in new:
        if member["document_id"] == context.doc.id:
            state.add(conn, member, created, info, context.copies())
        else:  # not expected: link_document stores only its document's claims
            _states.drop(conn, incident_id)
            _rebuild_and_save(conn, incident_id, row)
            return
    _save(conn, incident_id, row, state)


def refresh(conn: Connection, incident_id: str) -> None:
    """Recompute an incident's machine values from all its stored members; reviewer overrides stay on
    top. For use after its membership changed in any way (merge, split, unmerge)."""
    _rebuild_and_save(conn, incident_id, repo.get_incident(conn, incident_id))


def _rebuild_and_save(conn: Connection, incident_id: str, row: dict | None) -> None:
    members = repo.incident_claims_dated(conn, incident_id)
    if not members:
        _states.drop(conn, incident_id)
        repo.delete_incident(conn, incident_id)
        return
    docs = repo.document_info(conn, {m["document_id"] for m, _ in members})
    copies: dict[str, list[str]] = {}
    for a, b, _ in repo.syndicated_pairs(conn, docs):
        if a in docs and b in docs:
            copies.setdefault(a, []).append(b)
            copies.setdefault(b, []).append(a)
    state = _State()
    for member, created in members:
        doc_id = member["document_id"]
        state.add(conn, member, created, docs.get(doc_id, {}), copies.get(doc_id, []))
    _save(conn, incident_id, row, state)


def _save(conn: Connection, incident_id: str, current: dict | None, state: _State) -> None:
    machine = state.machine(conn)
    overrides = (current or {}).get("overrides") or {}
    eff = {f: overrides.get(f, machine[f]) for f in FIELDS}
    date_ = PartialDate.from_json(eff["date"]) if eff["date"] else None
    first = Place.from_json(eff["places"][0]) if eff["places"] else None
    values: dict[str, Any] = {
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
    }
    if current is None:
        state.stamp = repo.insert_incident(conn, values)
    else:
        state.stamp = repo.update_incident(conn, values)
    _machines.put(conn, incident_id, (state.stamp, resolve.candidate(machine)))
    state.keys = repo.set_incident_keys(conn, incident_id, profile.filing_keys(machine), state.keys)
    _states.put(conn, incident_id, state)


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

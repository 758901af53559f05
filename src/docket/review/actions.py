"""Review actions on the register: a person's decisions about incidents.

Every action runs inside the caller's write transaction (``with store.write() as conn``), writes one row
per change to ``reviews`` (who, when, what, before, after, note) and appends one custody entry whose
payload hash is the hash of that row, so the chain covers what was decided.

A reviewer's values live in ``incidents.overrides`` and the machine's in ``incidents.machine``; the
linker recomputes machine values on every run and puts the overrides back on top, so a later ingest
never undoes a review. Merges and splits also lock the incident: the linker no longer adds claims to a
set of claims a person fixed.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Connection, select

from docket import custody, link
from docket.model import PartialDate, stable_id
from docket.store import incidents as repo
from docket.store.schema import claims, incidents, merges, reviews

# Statuses a reviewer sets, by action.
STATUS_OF = {"confirm": "verified", "dispute": "disputed", "reject": "rejected"}
EDITABLE_FIELDS = ("types", "date", "places", "count", "victims", "perpetrators")
PLACE_PRECISIONS = ("facility", "settlement", "region", "country")
DATE_PRECISIONS = ("day", "month", "year", "unknown")
QUALIFIERS = ("exact", "approx", "at_least", "at_most")
MAX_NOTE = 10_000
_ISO = {"day": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$"), "year": re.compile(r"^\d{4}$")}


class ReviewError(ValueError):
    """A review that cannot be applied: unknown incident, invalid value, nothing to do."""


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Event types and actor groups a reviewer may choose from (the taxonomy's own lists)."""
    data = yaml.safe_load(resources.files("docket.data").joinpath("taxonomy.yaml").read_text("utf-8"))
    actors = data.get("actors") or {}
    return {
        "types": tuple(data["types"]),
        "victims": tuple(actors),
        "perpetrators": tuple(actors),
    }


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _incident(conn: Connection, incident_id: str) -> dict[str, Any]:
    row = repo.get_incident(conn, incident_id)
    if row is None:
        raise ReviewError(f"no incident {incident_id}")
    return row


def _effective(row: dict[str, Any], field: str) -> Any:
    """The value the register shows for ``field`` now (reviewer's if set, else the machine's)."""
    overrides = row.get("overrides") or {}
    if field in overrides:
        return overrides[field]
    machine = row.get("machine") or {}
    return machine.get(field) if field != "status" else row.get("status")


def _record(
    conn: Connection,
    incident_id: str,
    actor: str,
    action: str,
    *,
    field: str | None = None,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> dict[str, Any]:
    if not actor or not actor.strip():
        raise ReviewError("a review needs an actor")
    if note is not None and len(note) > MAX_NOTE:
        raise ReviewError(f"a note is at most {MAX_NOTE} characters")
    values = {
        "incident_id": incident_id,
        "actor": actor,
        "action": action,
        "field": field,
        "before": _dumps(before),
        "after": _dumps(after),
        "note": note or None,
        "at": now(),
    }
    result = conn.execute(reviews.insert().values(**values))
    values["id"] = int(result.inserted_primary_key[0])
    custody.append(
        conn, actor=actor, action=action, object_type="incident", object_id=incident_id,
        payload_hash=custody.json_hash(values),
    )
    return values


def _save_overrides(conn: Connection, incident_id: str, overrides: dict[str, Any], **extra: Any) -> None:
    repo.save_incident(conn, {"id": incident_id, "overrides": overrides or None, **extra})
    link.refresh(conn, incident_id)


# -- status ---------------------------------------------------------------------------------------------


def set_status(conn: Connection, incident_id: str, action: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """``action`` is confirm (verified), dispute (disputed) or reject (rejected)."""
    if action not in STATUS_OF:
        raise ReviewError(f"unknown review action {action!r}")
    row = _incident(conn, incident_id)
    before = row["status"]
    after = STATUS_OF[action]
    overrides = dict(row.get("overrides") or {})
    overrides["status"] = after
    _save_overrides(conn, incident_id, overrides)
    return _record(conn, incident_id, actor, action, field="status", before=before, after=after, note=note)


def confirm(conn: Connection, incident_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    return set_status(conn, incident_id, "confirm", actor, note)


def dispute(conn: Connection, incident_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    return set_status(conn, incident_id, "dispute", actor, note)


def reject(conn: Connection, incident_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    return set_status(conn, incident_id, "reject", actor, note)


# -- fields ---------------------------------------------------------------------------------------------


def validate_value(field: str, value: Any) -> Any:
    """The value in its stored form, or ReviewError saying what is wrong with it."""
    vocab = vocabulary()
    if field in ("types", "victims", "perpetrators"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ReviewError(f"{field}: a list of names")
        unknown = [v for v in value if v not in vocab[field]]
        if unknown:
            raise ReviewError(f"{field}: unknown {', '.join(unknown)}")
        if field == "types" and not value:
            raise ReviewError("types: at least one event type")
        return list(dict.fromkeys(value))
    if field == "date":
        if value is None:
            return {"start": None, "end": None, "precision": "unknown"}
        if not isinstance(value, dict):
            raise ReviewError("date: an object with start, end and precision")
        precision = value.get("precision") or "day"
        if precision not in DATE_PRECISIONS:
            raise ReviewError(f"date: precision is one of {', '.join(DATE_PRECISIONS)}")
        if precision == "unknown":
            return {"start": None, "end": None, "precision": "unknown"}
        start, end = value.get("start"), value.get("end") or None
        if start is None:
            raise ReviewError("date: start is required unless the precision is unknown")
        for part in (start, end):
            if part is not None and (not isinstance(part, str) or not _ISO[precision].match(part)):
                raise ReviewError(f"date: {part!r} is not a {precision}-precision ISO date")
        try:
            parsed = PartialDate.from_json({"start": start, "end": end, "precision": precision})
        except ValueError as exc:
            raise ReviewError(f"date: {exc}") from None
        assert parsed is not None
        if end is not None and parsed.end is not None and parsed.start is not None and parsed.end < parsed.start:
            raise ReviewError("date: end is before start")
        return {"start": start, "end": end, "precision": precision}
    if field == "count":
        if value is None:
            return None
        if not isinstance(value, dict) or isinstance(value.get("value"), bool) or not isinstance(value.get("value"), int):
            raise ReviewError("count: an object with an integer value and a qualifier, or null")
        qualifier = value.get("qualifier") or "exact"
        if value["value"] < 0 or qualifier not in QUALIFIERS:
            raise ReviewError(f"count: value >= 0, qualifier one of {', '.join(QUALIFIERS)}")
        return {"value": value["value"], "qualifier": qualifier}
    if field == "places":
        if not isinstance(value, list):
            raise ReviewError("places: a list of places")
        out = []
        for p in value:
            if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"].strip():
                raise ReviewError("places: each place needs a name")
            precision = p.get("precision") or "settlement"
            if precision not in PLACE_PRECISIONS:
                raise ReviewError(f"places: precision is one of {', '.join(PLACE_PRECISIONS)}")
            country = p.get("country")
            if country is not None and (not isinstance(country, str) or not re.fullmatch(r"[A-Za-z]{2}", country)):
                raise ReviewError("places: country is an ISO 3166-1 alpha-2 code")
            lat, lon = p.get("lat"), p.get("lon")
            for v, lim in ((lat, 90), (lon, 180)):
                if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or abs(v) > lim):
                    raise ReviewError("places: lat within ±90, lon within ±180")
            admin1 = p.get("admin1")
            if admin1 is not None and not isinstance(admin1, str):
                raise ReviewError("places: admin1 is a name")
            out.append({
                "name": p["name"].strip(), "admin1": admin1 or None, "country": country.upper() if country else None,
                "lat": lat, "lon": lon, "precision": precision,
            })
        return out
    raise ReviewError(f"unknown field {field!r}: one of {', '.join(EDITABLE_FIELDS)}")


def edit_field(
    conn: Connection, incident_id: str, field: str, value: Any, actor: str, note: str | None = None
) -> dict[str, Any]:
    """Set a reviewer's value for ``field``; the machine's value stays beside it in ``machine``."""
    if field not in EDITABLE_FIELDS:
        raise ReviewError(f"unknown field {field!r}: one of {', '.join(EDITABLE_FIELDS)}")
    value = validate_value(field, value)
    row = _incident(conn, incident_id)
    before = _effective(row, field)
    overrides = dict(row.get("overrides") or {})
    overrides[field] = value
    _save_overrides(conn, incident_id, overrides)
    return _record(conn, incident_id, actor, "edit", field=field, before=before, after=value, note=note)


def revert_field(conn: Connection, incident_id: str, field: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """Drop the reviewer's value for ``field`` (or ``status``): the machine's value shows again."""
    row = _incident(conn, incident_id)
    overrides = dict(row.get("overrides") or {})
    if field not in overrides:
        raise ReviewError(f"{field} has no reviewer value to revert")
    before = overrides.pop(field)
    _save_overrides(conn, incident_id, overrides)
    after = _effective(_incident(conn, incident_id), field)
    return _record(conn, incident_id, actor, "revert", field=field, before=before, after=after, note=note)


def add_note(conn: Connection, incident_id: str, actor: str, note: str) -> dict[str, Any]:
    _incident(conn, incident_id)
    if not note or not note.strip():
        raise ReviewError("a note needs text")
    return _record(conn, incident_id, actor, "note", note=note.strip())


# -- membership -----------------------------------------------------------------------------------------


def _claim_ids(conn: Connection, incident_id: str) -> list[str]:
    return [m["id"] for m in repo.incident_claims(conn, incident_id)]


def merge(conn: Connection, into_id: str, from_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """Move every claim of ``from_id`` into ``into_id``; ``from_id`` ceases to exist. Undo with ``unmerge``.

    The merged incident keeps its own reviewer values; the other's are recorded in the review row.
    """
    if into_id == from_id:
        raise ReviewError("an incident cannot be merged into itself")
    into, other = _incident(conn, into_id), _incident(conn, from_id)
    moving = _claim_ids(conn, from_id)
    before = {"into": _claims_of(into_id, conn), "from": {"claims": moving, "status": other["status"],
                                                        "overrides": other.get("overrides") or {}}}
    repo.move_claims(conn, moving, into_id)
    merge_id = repo.add_merge(conn, "reviewer", into_id, from_id, moving)
    overrides = dict(into.get("overrides") or {})
    _save_overrides(conn, into_id, overrides, locked=True)
    link.refresh(conn, from_id)  # no members left: the linker removes it
    after = {"into": _claims_of(into_id, conn), "merge_id": merge_id}
    record = _record(conn, into_id, actor, "merge", field=from_id, before=before, after=after, note=note)
    _record(conn, from_id, actor, "merged-into", field=into_id, before=before["from"], after={"merge_id": merge_id}, note=note)
    return record | {"merge_id": merge_id}


def _claims_of(incident_id: str, conn: Connection) -> list[str]:
    return sorted(_claim_ids(conn, incident_id))


def split(
    conn: Connection, incident_id: str, claim_ids: list[str], actor: str, note: str | None = None
) -> dict[str, Any]:
    """Move the given claims of ``incident_id`` to a new incident; both are locked. Returns the record
    with ``new_id``."""
    _incident(conn, incident_id)
    members = _claim_ids(conn, incident_id)
    chosen = sorted(set(claim_ids))
    if not chosen:
        raise ReviewError("choose the claims that leave for a new incident")
    strangers = [c for c in chosen if c not in members]
    if strangers:
        raise ReviewError(f"not claims of {incident_id}: {', '.join(strangers)}")
    if len(chosen) == len(members):
        raise ReviewError("a split must leave at least one claim behind")
    new_id = stable_id("inc", incident_id, "split", *chosen)
    if repo.get_incident(conn, new_id) is not None:
        new_id = stable_id("inc", new_id, now())
    repo.move_claims(conn, chosen, new_id)
    link.refresh(conn, new_id)
    repo.save_incident(conn, {"id": new_id, "locked": True})
    row = _incident(conn, incident_id)
    _save_overrides(conn, incident_id, dict(row.get("overrides") or {}), locked=True)
    before = {"claims": sorted(members)}
    after = {"claims": sorted(set(members) - set(chosen)), "new_id": new_id, "new_claims": chosen}
    record = _record(conn, incident_id, actor, "split", before=before, after=after, note=note)
    _record(conn, new_id, actor, "split-from", field=incident_id, before=before, after=after, note=note)
    return record | {"new_id": new_id}


def unmerge(conn: Connection, merge_id: int, actor: str, note: str | None = None) -> dict[str, Any]:
    """Undo a merge (the machine's or a reviewer's): its claims leave for an incident of their own."""
    found = repo.get_merge(conn, merge_id)
    if found is None:
        raise ReviewError(f"no merge {merge_id}")
    if found["undone"]:
        raise ReviewError(f"merge {merge_id} was already undone")
    touched = link.unmerge(conn, merge_id)
    if not touched:
        raise ReviewError(f"merge {merge_id} has nothing left to undo")
    into_id, target = touched
    for incident_id in (into_id, target):
        if repo.get_incident(conn, incident_id) is not None:
            repo.save_incident(conn, {"id": incident_id, "locked": True})
    after = {"into": _claims_of(into_id, conn), "restored": target, "restored_claims": _claims_of(target, conn)}
    return _record(conn, into_id, actor, "unmerge", field=str(merge_id), before={"merge_id": merge_id}, after=after,
                   note=note) | {"restored_id": target}


# -- media ----------------------------------------------------------------------------------------------


MIN_MEDIA_REF = 4  # characters of an id or SHA-256 prefix that name media in a form or request


def media_ref(conn: Connection, ref: str) -> dict[str, Any]:
    """The stored media that ``ref`` names: its id, or a unique prefix (``MIN_MEDIA_REF`` characters or more)
    of its id or SHA-256."""
    from docket.store.media import find_media, get_media

    ref = (ref or "").strip()
    if not ref:
        raise ReviewError("name the media: its SHA-256 or id (or the start of either)")
    found = get_media(conn, ref)
    if found is not None:
        return found
    if len(ref) < MIN_MEDIA_REF:
        raise ReviewError(f"no media {ref}: give at least {MIN_MEDIA_REF} characters of its SHA-256 or id")
    rows = find_media(conn, ref.lower() if all(c in "0123456789abcdefABCDEF" for c in ref) else ref)
    if len(rows) != 1:
        raise ReviewError(f"no media {ref}" if not rows else f"media {ref} is ambiguous: give more of it")
    return rows[0]


def attach_media(conn: Connection, incident_id: str, media_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """Attach a stored media file to an incident as its evidence: a ``reviewer`` link (``docket.media``),
    with the link's custody entry on the media and the review's on the incident."""
    from docket.media.link import Target
    from docket.media.record import add_links
    from docket.store.media import get_media

    _incident(conn, incident_id)
    found = get_media(conn, media_id)
    if found is None:
        raise ReviewError(f"no media {media_id}")
    if not actor or not actor.strip():
        raise ReviewError("a review needs an actor")
    if not add_links(conn, media_id, [Target("incident", incident_id, "reviewer")], actor, now()):
        raise ReviewError(f"media {media_id} is attached to {incident_id} already")
    after = {"media_id": media_id, "sha256": found["sha256"], "name": found["name"]}
    return _record(conn, incident_id, actor, "attach-media", field="media", after=after, note=note) | {"media_id": media_id}


def detach_media(conn: Connection, incident_id: str, media_id: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """Undo ``attach_media``: remove a reviewer's link of media to an incident (links the ingest found from
    documents stay), with a custody entry for the media's links and the review's on the incident."""
    from docket.media.link import Target
    from docket.media.record import remove_link
    from docket.store.media import get_media

    _incident(conn, incident_id)
    found = get_media(conn, media_id)
    if found is None:
        raise ReviewError(f"no media {media_id}")
    if not actor or not actor.strip():
        raise ReviewError("a review needs an actor")
    removed = remove_link(conn, media_id, Target("incident", incident_id, "reviewer"), actor)
    if removed is None:
        raise ReviewError(f"media {media_id} is not attached to {incident_id} by a reviewer")
    before = {"media_id": media_id, "sha256": found["sha256"], "name": found["name"], "attached_by": removed["actor"],
              "attached_at": removed["at"]}
    return _record(conn, incident_id, actor, "detach-media", field="media", before=before, note=note) | {"media_id": media_id}


# -- reading --------------------------------------------------------------------------------------------


def history(conn: Connection, incident_id: str) -> list[dict[str, Any]]:
    """Every review row of an incident, oldest first, with before/after decoded."""
    rows = conn.execute(select(reviews).where(reviews.c.incident_id == incident_id).order_by(reviews.c.id))
    out = []
    for r in rows:
        d = dict(r._mapping)
        d["before"] = json.loads(d["before"]) if d["before"] else None
        d["after"] = json.loads(d["after"]) if d["after"] else None
        out.append(d)
    return out


def merges_of(conn: Connection, incident_id: str) -> list[dict[str, Any]]:
    """Merges into an incident that can still be undone."""
    rows = conn.execute(
        select(merges).where(merges.c.into_id == incident_id, merges.c.undone.is_(False)).order_by(merges.c.id)
    )
    return [dict(r._mapping) | {"claim_ids": json.loads(r.claim_ids)} for r in rows]


def is_reviewed(conn: Connection, incident_id: str) -> bool:
    row = conn.execute(select(incidents.c.overrides, incidents.c.locked).where(incidents.c.id == incident_id)).first()
    return bool(row and (row.overrides or row.locked))


def claim_incident(conn: Connection, claim_id: str) -> str | None:
    return conn.execute(select(claims.c.incident_id).where(claims.c.id == claim_id)).scalar()

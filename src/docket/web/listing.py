"""The incident list over a large register: every filter in SQL, pages cut from the ordered list of
matching ids, totals and facet counts computed once per filter and state of the register.

For one filter (search words included) the ids of matching incidents, in the list's order (by date,
then id, undated last; ``ix_incidents_list_order``), are read once and kept compactly (``idlist``); a page is
then a slice of them and a primary-key lookup of its rows, whatever its depth, and the total is their
number. Facet counts are counted from one pass over the matching rows' facet columns, each distinct JSON
list decoded once. Both are kept until the register changes (``memo``: the custody head moves).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Row, bindparam, false, func, or_, select

from docket.store.schema import claims, incidents
from docket.store.search import incident_ids_sql
from docket.web.idlist import IdList
from docket.web.memo import Memo, register_version

# facet name -> incidents column; the JSON-list ones are counted per element.
FACET_COLUMNS = {"type": "types", "country": "country", "region": "admin1", "status": "status",
                 "victim": "victims", "perpetrator": "perpetrators", "origin": "origins"}
LIST_FACETS = frozenset({"type", "victim", "perpetrator", "origin"})
FACET_TOP = 30
ORDER = (incidents.c.date_start.is_(None), incidents.c.date_start, incidents.c.id)
MEMO = Memo()
T = TypeVar("T")
# Built once: a page's rows (all but the machine's values) and its document counts, by expanding id lists.
_ROWS = select(*(c for c in incidents.c if c.name != "machine")).where(incidents.c.id.in_(bindparam("ids", expanding=True)))
_DOCUMENT_COUNTS = (
    select(claims.c.incident_id, func.count(func.distinct(claims.c.document_id)))
    .where(claims.c.incident_id.in_(bindparam("ids", expanding=True)))
    .group_by(claims.c.incident_id)
)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _holds(column: Any, value: str) -> ColumnElement[bool]:
    """A JSON list column (as the store writes it) holding exactly ``value``."""
    return column.like("%" + _escape_like(json.dumps(value, ensure_ascii=False)) + "%", escape="\\")


def _spellings(conn: Connection, origin: str) -> list[str]:
    """The origins the register names that are ``origin`` in any case («Медиазона» for «МЕДИАЗОНА»): the
    databases' own case folding stops at ASCII (SQLite) or depends on the locale (PostgreSQL)."""

    def every_origin() -> frozenset[str]:
        lists = conn.execute(select(incidents.c.origins).where(incidents.c.origins.is_not(None)).distinct()).scalars()
        return frozenset(o for raw in lists for o in json.loads(raw))

    known = MEMO.get(_key(conn, "origins", None), register_version(conn), every_origin, len)
    wanted = origin.casefold()
    return sorted(o for o in known if o.casefold() == wanted)


def conditions(conn: Connection, flt: Any) -> list[ColumnElement[bool]]:
    """The list's filters (``queries.Filters``) as SQL conditions on ``incidents``."""
    c = incidents.c
    conds: list[ColumnElement[bool]] = []
    if flt.country:
        conds.append(c.country == flt.country.upper())
    if flt.region:
        conds.append(c.admin1 == flt.region)
    if flt.status:
        conds.append(c.status == flt.status)
    if flt.since:
        conds.append(c.date_start >= flt.since)
    if flt.until:  # "2022-10" includes every day of October (a prefix compare: collations may sort U+FFFF anywhere)
        conds.append(func.substr(c.date_start, 1, len(flt.until)) <= flt.until)
    for value, column in ((flt.type, c.types), (flt.victim, c.victims), (flt.perpetrator, c.perpetrators)):
        if value:
            conds.append(_holds(column, value))
    if flt.origin:
        conds.append(or_(false(), *(_holds(c.origins, o) for o in _spellings(conn, flt.origin))))
    if flt.q:
        words = incident_ids_sql(conn, flt.q)
        by_id = c.id == flt.q.strip()  # an incident's own id finds it
        conds.append(or_(by_id, c.id.in_(words)) if words is not None else by_id)
    return conds


def _key(conn: Connection, what: str, flt: Any) -> tuple:
    return (what, str(conn.engine.url), flt)


def matching_ids(conn: Connection, flt: Any) -> IdList:
    """Ids of the incidents that pass ``flt``, in the list's order."""

    def compute() -> IdList:
        c, conds = incidents.c, conditions(conn, flt)
        # Two reads in index order (``ix_incidents_list_order``) rather than one sort: dated, then undated.
        dated = select(c.id).where(*conds, c.date_start.is_not(None)).order_by(c.date_start, c.id)
        undated = select(c.id).where(*conds, c.date_start.is_(None)).order_by(c.id)
        return IdList([*conn.execute(dated).scalars(), *conn.execute(undated).scalars()])

    return MEMO.get(_key(conn, "ids", flt), register_version(conn), compute, lambda ids: ids.weight)


def facet_counts(conn: Connection, flt: Any) -> dict[str, list[tuple[str, int]]]:
    """For each facet, its most frequent values among the incidents that pass ``flt``, with counts."""

    def compute() -> dict[str, list[tuple[str, int]]]:
        columns = [incidents.c[col] for col in FACET_COLUMNS.values()]
        raw: list[Counter[Any]] = [Counter() for _ in columns]
        for row in conn.execute(select(*columns).where(*conditions(conn, flt))):
            for counter, value in zip(raw, row, strict=True):
                counter[value] += 1
        out = {}
        for (name, _), counter in zip(FACET_COLUMNS.items(), raw, strict=True):
            counts: Counter[str] = Counter()
            for value, n in counter.items():
                if value is None:
                    continue
                for item in (json.loads(value) if name in LIST_FACETS else [value]):
                    counts[item] += n
            out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_TOP]
        return out

    return MEMO.get(_key(conn, "facets", flt), register_version(conn), compute, lambda _: 200)


def cached(conn: Connection, what: str, key: Hashable, compute: Callable[[], T],
           weigh: Callable[[T], int] | None = None) -> T:
    """Anything else computed from the register (a rendered fragment, the map's places), kept while the
    register stays; ``weigh``: its size in memory in 100 bytes (else its text's length)."""
    return MEMO.get(_key(conn, what, key), register_version(conn), compute,
                    weigh or (lambda value: len(str(value)) // 100))


def rows_by_id(conn: Connection, ids: Sequence[str]) -> list[Row]:
    """The incidents rows of ``ids``, in that order (an id merged away meanwhile is left out)."""
    if not ids:
        return []
    found = {r.id: r for r in conn.execute(_ROWS, {"ids": list(ids)})}
    return [found[i] for i in ids if i in found]


def document_counts(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """How many source documents each incident has."""
    if not ids:
        return {}
    return {incident_id: int(n) for incident_id, n in conn.execute(_DOCUMENT_COUNTS, {"ids": list(ids)})}

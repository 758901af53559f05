"""Corroboration: how many independent origins stand behind an incident.

Claims count once per origin: claims naming the same origin entity (or a spokesperson of it) are one
voice, and so are claims in documents that are near-copies of one another. A claim that names no
origin speaks for its document's outlet, or for the document itself when the outlet is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Origin:
    key: str  # "e:<entity id>" or "d:<document id>"
    label: str
    claims: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    copies: list[list[str]] = field(default_factory=list)  # [doc_a, doc_b] near-copy pairs collapsed
    via: list[str] = field(default_factory=list)


def origin_key(claim: dict, outlet_entity: str | None) -> str:
    if claim.get("origin_key"):
        return "e:" + claim["origin_key"]
    if outlet_entity:
        return "e:" + outlet_entity
    return "d:" + claim["document_id"]


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def independent_origins(
    members: list[dict],
    keys: dict[str, str],
    copy_pairs: list[tuple[str, str, float]],
    labels: dict[str, str],
) -> list[Origin]:
    """Group member claims (Claim.to_json dicts) into independent origins.

    ``keys``: claim id -> origin key; ``copy_pairs``: near-copy document pairs; ``labels``: origin
    key -> display name.
    """
    sets = _Sets()
    by_doc: dict[str, list[str]] = {}
    for claim in members:
        sets.union("c:" + claim["id"], keys[claim["id"]])
        by_doc.setdefault(claim["document_id"], []).append(claim["id"])
    collapsed: list[tuple[str, str]] = []
    for a, b, _ in copy_pairs:
        if a in by_doc and b in by_doc:
            sets.union("c:" + by_doc[a][0], "c:" + by_doc[b][0])
            collapsed.append((a, b))
    groups: dict[str, Origin] = {}
    for claim in members:
        root = sets.find("c:" + claim["id"])
        key = keys[claim["id"]]
        origin = groups.get(root)
        if origin is None:
            origin = groups[root] = Origin(key, labels.get(key, key))
        elif origin.key.startswith("d:") and key.startswith("e:"):
            origin.key, origin.label = key, labels.get(key, key)  # a named origin beats a bare document
        origin.claims.append(claim["id"])
        if claim["document_id"] not in origin.documents:
            origin.documents.append(claim["document_id"])
        origin.via.extend(v for v in claim.get("via") or [] if v not in origin.via)
    for a, b in collapsed:
        groups[sets.find("c:" + by_doc[a][0])].copies.append([a, b])
    return sorted(groups.values(), key=lambda o: o.label)


class OriginGroups:
    """``independent_origins`` kept up to date one member claim at a time, for an incident's machine
    values: how many independent origins there are and their labels.

    A group is labelled by its first member (in membership order) whose origin is a named entity, else by
    its first member. Adding members in membership order, each with the near-copy pairs its document has
    with documents already among the members, gives the same groups as ``independent_origins`` over all
    members and pairs at once.
    """

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        # root -> [first member's position, its key, first entity-keyed member's position, its key]
        self.info: dict[str, list] = {}
        self.first_claim: dict[str, str] = {}  # document -> node of its first member claim
        self.size = 0

    def _find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        self.parent[ra] = rb
        ia = self.info.pop(ra, None)
        if ia is None:
            return
        ib = self.info.get(rb)
        if ib is None:
            self.info[rb] = ia
            return
        if ia[0] < ib[0]:
            ib[0], ib[1] = ia[0], ia[1]
        if ia[2] is not None and (ib[2] is None or ia[2] < ib[2]):
            ib[2], ib[3] = ia[2], ia[3]

    def add(self, claim_id: str, document_id: str, key: str, copies_among_members: list[str]) -> None:
        """Add a member claim with its origin key; ``copies_among_members``: documents already among the
        members that are near-copies of this claim's document."""
        node = "c:" + claim_id
        pos = self.size
        self.size += 1
        self._find(node)
        named = key.startswith("e:")
        self.info[self._find(node)] = [pos, key, pos if named else None, key if named else None]
        self._union(node, key)
        if document_id not in self.first_claim:
            self.first_claim[document_id] = node
            for other in copies_among_members:
                if other in self.first_claim and other != document_id:
                    self._union(node, self.first_claim[other])

    def origin_keys(self) -> list[str]:
        """The origin key each independent origin is labelled by (one per origin)."""
        return [i[3] if i[3] is not None else i[1] for i in self.info.values()]

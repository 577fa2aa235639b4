"""A deal's parties inside the stored ownership graph.

The verdict engine asks each regime's ownership-or-control rule about the deal's parties. The
answer depends on two kinds of edges: the holdings the store knows (ownership CSV, OpenSanctions
``Ownership``, OFAC ``Linked To`` remarks) and the stakes the deal file declares. This module
puts a party on a graph node (a list entity, a name-only node of the ownership data, or a node of
its own), turns the deal's stakes into edges between those nodes, and reads OFAC's sectoral
(SSI) directives from the stored Sanction entities, so the rules can use list data instead of
the deal file's ``group`` labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from olivebranch.deals.models import Deal, Party
from olivebranch.listings import Listings
from olivebranch.ownership import Edge, OwnershipGraph, RegimeRule
from olivebranch.ownership.identity import Link
from olivebranch.ownership.records import name_key
from olivebranch.store import Designation

if TYPE_CHECKING:
    from olivebranch.snapshot import Snapshot

SYNTHETIC_PREFIX = "deal:"


@dataclass
class StoredOwnership:
    """What the store says about ownership over one snapshot's days: the graph of the edges in
    place, who is listed (the snapshot's Listings), identity links across lists, the names of
    the graph's unlisted nodes and OFAC's SSI directives per record. Built once per snapshot
    (the slow parts come from the snapshot's disk cache)."""

    as_of: date
    graph: OwnershipGraph
    listings: Listings
    links: Mapping[str, Mapping[str, list[Link]]]
    names: Mapping[str, list[str]] = field(default_factory=dict)  # name key -> unlisted nodes
    directives: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, snap: Snapshot) -> StoredOwnership:
        data = snap.ownership_data()
        return cls(snap.day, snap.graph(), snap.listings, data.links, data.names,
                   data.directives)


class SeedView(Mapping[str, list[Designation]]):
    """Record id -> designations of one class (blocking or sectoral) under an ownership rule's
    seed regimes, as a scenario changes them, read from the Listings on demand: the scenario's
    added designations, then those of records the node is linked to by identity, then the
    node's own; nothing for a delisted record."""

    def __init__(self, listings: Listings, kind: str, regimes: tuple[str, ...],
                 gone: frozenset[str], extra: Mapping[str, list[Designation]],
                 links: Mapping[str, Mapping[str, list[Link]]]) -> None:
        self._listings, self._kind, self._regimes = listings, kind, regimes
        self._gone, self._extra, self._links = gone, extra, links

    def _own(self, key: str, regimes: tuple[str, ...]) -> list[Designation]:
        return [r.designation for r in self._listings.of(key)
                if r.kind == self._kind and r.regime in regimes]

    def linked(self, key: str) -> list[tuple[Link, str, list[Designation]]]:
        """(link, regime, designations) for each identity link of ``key`` that seeds it."""
        if key in self._gone:
            return []
        out = []
        for sr in self._regimes:
            for link in (self._links.get(sr) or {}).get(key, ()):
                if link.other_id in self._gone:
                    continue
                found = self._own(link.other_id, (sr,))
                if found:
                    out.append((link, sr, found))
        return out

    def __getitem__(self, key: str) -> list[Designation]:
        found = list(self._extra.get(key, ()))
        for _link, _sr, items in self.linked(key):
            found.extend(items)
        if key not in self._gone:
            found.extend(self._own(key, self._regimes))
        if not found:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key in self._extra:
            return True
        return key not in self._gone and bool(self._own(key, self._regimes) or self.linked(key))

    def __iter__(self):  # type: ignore[override]
        """Every seeded record (reads every listing: for whole-graph questions only)."""
        seen = set(self._extra)
        yield from self._extra
        for sr in self._regimes:
            for key in [*self._listings.listed(sr, self._kind),
                        *(self._links.get(sr) or {})]:
                if key not in seen and key in self:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return True


class LinkNotes(Mapping[str, list[str]]):
    """Record id -> notes on the identity links that seed it (shown with its status)."""

    def __init__(self, views: tuple[SeedView, ...]) -> None:
        self._views = views

    def __getitem__(self, key: str) -> list[str]:
        notes: list[str] = []
        for view in self._views:
            for link, sr, _items in view.linked(key):
                note = (f"listed by {sr.upper()} as {link.other_id} ({link.reason}); "
                        "taken to be the same entity")
                if note not in notes:
                    notes.append(note)
        if not notes:
            raise KeyError(key)
        return notes

    def __iter__(self):  # type: ignore[override]
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class RegimeSeeds:
    """Who the lists (as a context changes them) designate under one regime's ownership rule:
    blocking and sectoral designations per record, with identity-link notes."""

    rule: RegimeRule
    designations: SeedView
    sectoral: SeedView
    notes: Mapping[str, list[str]]

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the listings of these records and of the records they are linked to at once."""
        ids = list(ids)
        linked = [link.other_id for sr in self.designations._regimes
                  for i in ids for link in (self.designations._links.get(sr) or {}).get(i, ())]
        self.designations._listings.prefetch([*ids, *linked])


def regime_seeds(
    stored: StoredOwnership,
    rule: RegimeRule,
    delisted: Mapping[str, Iterable[str]],
    added: Mapping[str, Mapping[str, str]],
) -> RegimeSeeds:
    """Seeds of ``rule`` (the designations of its ``seed_regimes``) after a scenario's delistings
    and added designations; graph nodes that are the same entity as a listed one under another
    list id (identity links) are seeded too, with a note. Never copies or mutates ``stored``."""
    regimes = tuple(rule.seed_regimes or (rule.regime,))
    gone = frozenset().union(*(delisted.get(sr, ()) for sr in regimes))
    extra: dict[str, list[Designation]] = {}
    for sr in regimes:
        for eid, note in (added.get(sr) or {}).items():
            extra.setdefault(eid, []).append(Designation(
                eid, f"scenario-{sr}-{eid}", sr, "scenario", 0, authority="scenario",
                program=note or None))
    blocking = SeedView(stored.listings, "blocking", regimes, gone, extra, stored.links)
    sectoral = SeedView(stored.listings, "sectoral", regimes, gone, {}, stored.links)
    return RegimeSeeds(rule, blocking, sectoral, LinkNotes((blocking, sectoral)))


@dataclass(frozen=True)
class PartyNode:
    """The graph node a party stands on, and how it was found."""

    node: str
    how: str  # pinned | list match | ownership data name | deal only

    @property
    def synthetic(self) -> bool:
        return self.node.startswith(SYNTHETIC_PREFIX)


def party_node(
    deal: Deal,
    party: Party,
    stored: StoredOwnership,
    candidates: Iterable[tuple[str, float]],
    margin: float,
) -> PartyNode:
    """Where ``party`` sits in the ownership graph: a pinned entity in the graph, else the one
    list candidate in the graph (a clear best), else a name-only node of the ownership data with
    the same name, else a node of its own (``deal:<deal>/<party>``)."""
    graph = stored.graph
    for pin in party.pin:
        if graph.node(pin) is not None:
            return PartyNode(pin, "pinned")
    in_graph = sorted(
        ((eid, score) for eid, score in candidates if graph.node(eid) is not None),
        key=lambda c: -c[1],
    )
    if in_graph and (len(in_graph) == 1 or in_graph[1][1] < in_graph[0][1] - margin):
        return PartyNode(in_graph[0][0], "list match")
    if party.screen:
        found: list[str] = []
        for value in (party.name, *party.aliases):
            key = name_key(value)
            for node in stored.names.get(key or "", ()):
                if node not in found:
                    found.append(node)
        if len(found) == 1:
            return PartyNode(found[0], "ownership data name")
    return PartyNode(f"{SYNTHETIC_PREFIX}{deal.id}/{party.id}", "deal only")


def settle_by_holdings(
    deal: Deal,
    nodes: dict[str, PartyNode],
    stored: StoredOwnership,
    candidates: Mapping[str, Iterable[str]],
) -> dict[str, PartyNode]:
    """A party left on a node of its own (no match, or two list candidates too close to tell
    apart) is put on the candidate that the ownership data shows holding the very asset the deal
    says the party holds: otherwise the deal's stake and the stored holding would be counted
    twice."""
    graph = stored.graph
    out = dict(nodes)
    for s in deal.stakes:
        holder = out[s.holder]
        if not holder.synthetic:
            continue
        target = graph.node(out[s.in_].node)
        if target is None:
            continue
        owners = {graph.ids[u] for u in graph.owners(target)}
        found = [c for c in candidates.get(s.holder, ()) if c in owners]
        if len(found) == 1:
            out[s.holder] = PartyNode(
                found[0], f"ownership data: holds {deal.party(s.in_).name}")
    return out


def deal_edges(deal: Deal, nodes: Mapping[str, PartyNode]) -> list[Edge]:
    """The deal's stakes after the deal, as edges between the parties' nodes. A stake replaces
    what the store says about the same holding (an ``after`` of 0 removes it)."""
    return [
        Edge(
            owner=nodes[s.holder].node, asset=nodes[s.in_].node, percent=s.after,
            kind="ownership", role="stake declared in the deal", source=f"deal {deal.id}",
        )
        for s in deal.stakes
    ]


def deal_graph(
    stored: StoredOwnership, edges: list[Edge], roots: Iterable[str]
) -> OwnershipGraph:
    """The part of the stored graph that can bear on the deal's parties (them and everything
    upstream: owners, owners' owners, …) with the deal's edges merged in. A node's status
    depends only on its owners, so the cut changes no result and keeps each deal's
    propagation small however large the stored graph is."""
    g = stored.graph
    replaced = {(e.owner, e.asset, e.kind) for e in edges}
    start = {*roots, *(e.owner for e in edges), *(e.asset for e in edges)}
    seen = g.upstream(v for v in (g.node(x) for x in start) if v is not None)
    assert g.edges is not None
    base = [g.edges[e] for v in seen for e in g.in_edges(v)]
    base = [e for e in base if (e.owner, e.asset, e.kind) not in replaced]
    # a stake sold down to 0 removes the holding; it is not kept as a 0% edge
    kept = [e for e in edges if e.percent != 0]
    graph = OwnershipGraph.build(base + kept, as_of=g.as_of, only_active=False)
    ids = {g.ids[v] for v in seen}
    graph.conflicts = [c for c in g.conflicts if c.asset in ids] + graph.conflicts
    return graph


def namer(
    deal: Deal, nodes: Mapping[str, PartyNode], caption: Callable[[str], str]
) -> Callable[[str], str]:
    """Names for explanation paths: the party's name for a party node, else the stored caption."""
    by_node = {n.node: deal.party(pid).name for pid, n in nodes.items()}
    return lambda eid: by_node.get(eid) or caption(eid)

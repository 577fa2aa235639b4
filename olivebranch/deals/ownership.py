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

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.deals.models import Deal, Party
from olivebranch.listings import ByClass, designations_by_class
from olivebranch.ownership import Edge, OwnershipGraph, RegimeRule, build_graph, load_params
from olivebranch.ownership.identity import link_identities
from olivebranch.store import Designation

#: words that say what kind of company it is, not which one (ignored when names are compared)
LEGAL_FORMS = frozenset(
    "ooo oao zao pao ao jsc pjsc ojsc cjsc mkpao llc ltd limited liability company co inc "
    "corp corporation plc sa ag gmbh bv nv se the of public joint stock open closed".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")
#: OFAC remarks: "Executive Order 13662 Directive Determination - Subject to Directive 4"
_DIRECTIVE = re.compile(
    r"Executive Order (\d+) Directive (?:Determination|Information)\s*-?\s*Subject to Directive (\d+)",
    re.I,
)
SYNTHETIC_PREFIX = "deal:"


def name_key(name: str) -> str | None:
    """Distinctive name tokens, sorted (legal forms dropped); None when nothing distinctive is
    left. Two names with the same key are taken to name the same company."""
    tokens = {t for t in _TOKEN.findall(name.lower()) if t not in LEGAL_FORMS}
    if not tokens or (len(tokens) == 1 and len(next(iter(tokens))) < 5):
        return None
    return " ".join(sorted(tokens))


def directives_of(provisions: Iterable[str]) -> set[str]:
    """``{"EO13662-4", "EO14024-3", …}`` from the provisions of an OFAC Sanction entity."""
    out = set()
    for text in provisions:
        for eo, number in _DIRECTIVE.findall(str(text)):
            out.add(f"EO{eo}-{number}")
    return out


@dataclass
class StoredOwnership:
    """What the store says about ownership on one date: the graph of its active edges, every
    designation classed (blocking / sectoral), identity links across lists, the names of the
    graph's unlisted nodes and OFAC's SSI directives per entity. Built once per Engine and date."""

    as_of: date
    graph: OwnershipGraph
    classes: ByClass
    links: Any
    names: dict[str, list[str]] = field(default_factory=dict)  # name key -> unlisted node ids
    directives: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Any, as_of: date) -> StoredOwnership:
        params = load_params(as_of)
        graph = build_graph(store, as_of, params=params)
        classes = designations_by_class(store, as_of)
        by_regime: dict[str, set[str]] = {}
        for kind in ("blocking", "sectoral"):
            for regime, ids in classes[kind].items():
                by_regime.setdefault(regime, set()).update(ids)
        links = link_identities(store, graph.ids, by_regime, as_of=as_of) if len(graph) else {}
        listed: set[str] = set().union(*by_regime.values()) if by_regime else set()
        listed.update(*classes["other"].values())
        names: dict[str, list[str]] = {}
        for node in graph.ids:
            if node in listed:
                continue
            ent = store.get_entity(node, as_of=as_of)
            if ent is None:
                continue
            for value in ent.get("name", quiet=True) + ent.get("alias", quiet=True):
                key = name_key(value)
                if key and node not in names.get(key, ()):
                    names.setdefault(key, []).append(node)
        return cls(as_of, graph, classes, links, names, ssi_directives(store, as_of))


def ssi_directives(store: Any, as_of: date | None = None) -> dict[str, frozenset[str]]:
    """Entity id -> the OFAC directives it is subject to, from the Consolidated (non-SDN) list's
    Sanction entities (``provisions`` keep the remarks, see olivebranch.lists.ofac_remarks)."""
    vids = [v.id for v in store.active_versions(as_of) if v.source == "us_ofac_cons"]
    out: dict[str, set[str]] = {}
    if not vids:
        return {}
    for _vid, data in store.iter_entity_dicts(version_ids=vids, schemata=("Sanction",)):
        props = data.get("properties") or {}
        found = directives_of(props.get("provisions") or [])
        if not found:
            continue
        for eid in props.get("entity") or []:
            out.setdefault(eid, set()).update(found)
    return {k: frozenset(v) for k, v in out.items()}


class SeedView(Mapping[str, list[Designation]]):
    """Entity id -> designations of one class, as a context changes them, without copying the
    stored mapping: ``extra`` first (scenario additions, identity links), then the stored
    designations of the seed regimes minus the delisted ids."""

    def __init__(self, bases: list[Mapping[str, list[Designation]]], gone: frozenset[str],
                 extra: dict[str, list[Designation]]) -> None:
        self._bases, self._gone, self._extra = bases, gone, extra

    def __getitem__(self, key: str) -> list[Designation]:
        found = list(self._extra.get(key, ()))
        if key not in self._gone:
            for base in self._bases:
                found.extend(base.get(key, ()))
        if not found:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if key in self._extra:
            return True
        return key not in self._gone and any(key in b for b in self._bases)

    def __iter__(self):  # type: ignore[override]
        seen = set(self._extra)
        yield from self._extra
        for base in self._bases:
            for key in base:
                if key not in seen and key not in self._gone:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:  # cheap: callers test ``mapping or {}``
        return bool(self._extra) or any(self._bases)


@dataclass(frozen=True)
class RegimeSeeds:
    """Who the stored lists (as a context changes them) designate under one regime's ownership
    rule: blocking and sectoral designations per entity id, with identity-link notes."""

    rule: RegimeRule
    designations: Mapping[str, list[Designation]]
    sectoral: Mapping[str, list[Designation]]
    notes: dict[str, list[str]]


def regime_seeds(
    stored: StoredOwnership,
    rule: RegimeRule,
    delisted: Mapping[str, Iterable[str]],
    added: Mapping[str, Mapping[str, str]],
) -> RegimeSeeds:
    """Seeds of ``rule`` (the designations of its ``seed_regimes``) after a scenario's delistings
    and added designations; graph nodes that are the same entity as a listed one under another
    list id (identity links) are seeded too, with a note. Never copies or mutates ``stored``."""
    blocking, sectoral = stored.classes["blocking"], stored.classes["sectoral"]
    regimes = tuple(rule.seed_regimes or (rule.regime,))
    gone = frozenset().union(*(delisted.get(sr, ()) for sr in regimes))
    extra: dict[str, list[Designation]] = {}
    extra_sect: dict[str, list[Designation]] = {}
    notes: dict[str, list[str]] = {}
    for sr in regimes:
        for eid, note in (added.get(sr) or {}).items():
            extra.setdefault(eid, []).append(Designation(
                eid, f"scenario-{sr}-{eid}", sr, "scenario", 0, authority="scenario",
                program=note or None))
        for node, links in (stored.links.get(sr) or {}).items():
            if node in gone:
                continue
            for link in links:
                if link.other_id in gone:
                    continue
                hit = False
                for src, dst in ((blocking, extra), (sectoral, extra_sect)):
                    found = (src.get(sr) or {}).get(link.other_id)
                    if found:
                        dst.setdefault(node, []).extend(found)
                        hit = True
                if hit:
                    notes.setdefault(node, []).append(
                        f"listed by {sr.upper()} as {link.other_id} ({link.reason}); "
                        "taken to be the same entity")
    return RegimeSeeds(
        rule,
        SeedView([blocking.get(sr) or {} for sr in regimes], gone, extra),
        SeedView([sectoral.get(sr) or {} for sr in regimes], gone, extra_sect),
        notes,
    )


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
        owners = {graph.ids[graph._src[e]] for e in graph.in_edges(target)}
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
    seen: set[int] = set()
    work = [v for v in (g.node(x) for x in start) if v is not None]
    while work:
        v = work.pop()
        if v in seen:
            continue
        seen.add(v)
        work.extend(g._src[e] for e in g.in_edges(v))
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

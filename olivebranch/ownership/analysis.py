"""One call from the store to every regime's ownership status: what other modules use.

``analyse(store, as_of)`` loads the edges of the active list versions, the blocking and
sectoral designations and the rule parameters, builds the graph (plus any extra edges a deal
declares, never stored) and runs every regime's propagation once. Queries then cost a walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.listings import ByClass, designations_by_class
from olivebranch.ownership.edges import Edge, edges_from_store
from olivebranch.ownership.explain import explain
from olivebranch.ownership.graph import OwnershipGraph
from olivebranch.ownership.rules import OwnershipParams, load_params
from olivebranch.ownership.status import RegimeResult, Status, compute_results
from olivebranch.regimes import Registry
from olivebranch.store import Designation, Store


@dataclass
class OwnershipAnalysis:
    """Graph, rule parameters and per-regime results for one evaluation date."""

    graph: OwnershipGraph
    params: OwnershipParams
    results: dict[str, RegimeResult]
    as_of: date | None = None
    store: Store | None = None
    _names: dict[str, str] = field(default_factory=dict)

    def name(self, entity_id: str) -> str:
        """Caption of an entity from the store (cached), or its id."""
        if entity_id not in self._names:
            caption = None
            if self.store is not None:
                ent = self.store.get_entity(entity_id, as_of=self.as_of)
                caption = ent.caption if ent is not None else None
            self._names[entity_id] = caption or entity_id
        return self._names[entity_id]

    def status(self, entity_id: str, *, with_paths: bool = True) -> dict[str, Status]:
        """The entity's Status under every regime, with explanation paths."""
        if not with_paths:
            return {r: res.status(entity_id) for r, res in self.results.items()}
        return {r: explain(res, entity_id, names=self.name) for r, res in self.results.items()}

    def blocked_regimes(self, entity_id: str) -> list[str]:
        return [r for r, res in self.results.items() if res.status(entity_id).blocked]

    def with_edges(self, extra_edges: Iterable[Edge], **kwargs: Any) -> OwnershipAnalysis:
        """The same evaluation with extra edges (e.g. a deal's stakes), not stored; reuses the
        graph and its identity links. ``kwargs`` as for :func:`analyse`."""
        if self.store is None:
            raise ValueError("analysis has no store")
        return analyse(self.store, self.as_of, graph=self.graph, extra_edges=extra_edges,
                       regimes=tuple(self.params.regimes), **kwargs)

    def rules(self) -> dict[str, dict[str, Any]]:
        return {r: rule.to_dict() for r, rule in self.params.regimes.items()}


def build_graph(
    store: Store,
    as_of: date | None = None,
    *,
    extra_edges: Iterable[Edge] = (),
    params: OwnershipParams | None = None,
) -> OwnershipGraph:
    """The ownership graph of the active list versions on ``as_of`` plus ``extra_edges``."""
    params = params or load_params(as_of)
    edges = edges_from_store(store, as_of=as_of, roles=params.roles)
    return OwnershipGraph.build([*edges, *extra_edges], as_of=as_of)


def _adjust(
    by_regime: Mapping[str, Mapping[str, list[Designation]]],
    delisted: Mapping[str, Iterable[str]] | None,
    added: Mapping[str, Mapping[str, str]] | None,
) -> dict[str, dict[str, list[Designation]]]:
    out = {r: dict(ids) for r, ids in by_regime.items()}
    for regime, ids in (delisted or {}).items():
        for eid in ids:
            out.get(regime, {}).pop(eid, None)
    for regime, ids in (added or {}).items():
        for eid, note in ids.items():
            out.setdefault(regime, {}).setdefault(eid, []).append(
                Designation(eid, f"scenario-{regime}-{eid}", regime, "scenario", 0,
                            authority="scenario", program=note or None)
            )
    return out


def analyse(
    store: Store,
    as_of: date | None = None,
    *,
    extra_edges: Iterable[Edge] = (),
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    delisted: Mapping[str, Iterable[str]] | None = None,
    added: Mapping[str, Mapping[str, str]] | None = None,
    regimes: Iterable[str] | None = None,
    graph: OwnershipGraph | None = None,
    link_identities: bool = True,
    classes: ByClass | None = None,
    links: Mapping[str, Mapping[str, list[Any]]] | None = None,
    reg: Registry | None = None,
) -> OwnershipAnalysis:
    """Everything needed to answer "who is blocked, under which regime, and why".

    ``overrides``, ``delisted`` and ``added`` take the shapes of
    ``EvaluationContext.ownership_params``, ``.delisted`` and ``.added``. A snapshot of the
    lists passes its ``graph``, classed designations (``classes``) and identity ``links``
    instead of having them recomputed from the store.
    """
    params = load_params(as_of, overrides=overrides, reg=reg)
    if regimes is not None:
        params = params.for_regimes(tuple(regimes))
    if graph is None:
        graph = build_graph(store, as_of, extra_edges=extra_edges, params=params)
    elif extra_edges:
        graph = graph.with_edges(extra_edges)
    if classes is None:
        classes = designations_by_class(store, as_of)
    if links is None:
        links = _links(store, graph, classes, as_of) if link_identities and len(graph) else {}
    blocking = _adjust(classes["blocking"], delisted, added)
    sectoral = _adjust(classes["sectoral"], delisted, None)
    notes: dict[str, dict[str, list[str]]] = {}
    _apply_links(links, (blocking, sectoral), notes, delisted)
    results = compute_results(
        graph,
        {r: set(ids) for r, ids in blocking.items()},
        params,
        sectoral_seeds={r: set(ids) for r, ids in sectoral.items()},
        designations=blocking,
        sectoral_designations=sectoral,
    )
    for regime, result in results.items():
        merged: dict[str, list[str]] = {}
        for sr in result.rule.seed_regimes or (regime,):
            for eid, items in notes.get(sr, {}).items():
                merged.setdefault(eid, []).extend(items)
        result.extra_notes = merged
    return OwnershipAnalysis(graph, params, results, as_of, store)


def _links(store: Store, graph: OwnershipGraph, classes: Any, as_of: date | None) -> Any:
    """Identity links of graph nodes to listed entities, computed once per graph and store
    state (cached on the graph) so scenario re-evaluations reuse them."""
    from olivebranch.ownership.identity import link_identities as find_links

    listed: dict[str, set[str]] = {}
    for kind in ("blocking", "sectoral"):
        for regime, ids in classes[kind].items():
            listed.setdefault(regime, set()).update(ids)
    key = (as_of, tuple(v.id for v in store.active_versions(as_of)))
    cache = graph.__dict__.setdefault("_identity_links", {})
    if key not in cache:
        cache[key] = find_links(store, graph.ids, listed, as_of=as_of)
    return cache[key]


def _apply_links(
    links: Any,
    classes: tuple[dict[str, dict[str, list[Designation]]], ...],
    notes: dict[str, dict[str, list[str]]],
    delisted: Mapping[str, Iterable[str]] | None,
) -> None:
    """Give graph nodes the designations of the same entity under another list id (unless a
    scenario delisted either id)."""
    for regime, per_node in links.items():
        gone = set((delisted or {}).get(regime, ()))
        for node, node_links in per_node.items():
            if node in gone:
                continue
            for link in node_links:
                if link.other_id in gone:
                    continue
                added = False
                for by_regime in classes:
                    found = by_regime.get(regime, {}).get(link.other_id)
                    if found:
                        by_regime.setdefault(regime, {}).setdefault(node, []).extend(found)
                        added = True
                if added:
                    notes.setdefault(regime, {}).setdefault(node, []).append(
                        f"listed by {regime.upper()} as {link.other_id} ({link.reason}); "
                        "taken to be the same entity"
                    )

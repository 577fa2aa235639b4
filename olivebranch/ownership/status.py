"""Each regime's ownership-or-control status for every node of a graph.

Propagation is a worklist fixed point over edges, never path enumeration: a node becomes
covered when the shares held by already-covered owners meet the regime's threshold (or, where
the regime counts it, when a covered owner controls it); each (edge, principal) pair is
processed at most once, so cycles terminate and the cost is linear in edges.

Two passes per regime: the *lower* pass counts only known shares (what the data proves), the
*upper* pass treats unknown shares as up to 100% (what the data cannot rule out). Nodes covered
only by the upper pass are "possibly owned": reported, not blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from olivebranch.ownership.graph import CONTROL, LINK, OWN, OwnershipGraph
from olivebranch.ownership.rules import OwnershipParams, RegimeRule
from olivebranch.store import Designation

#: state codes of a pass
CLEAR, DESIGNATED, OWNED, CONTROLLED = 0, 1, 2, 3
MAX_PRINCIPALS = 16  # per node, for non-aggregating regimes; beyond that a note is added


@dataclass
class Pass:
    """Result of one propagation: state per node and the order nodes were covered in (the
    order makes explanation paths acyclic: a node is justified only by earlier nodes)."""

    state: bytearray
    rank: list[int]
    principals: dict[int, set[int]] | None = None
    capped: set[int] = field(default_factory=set)

    def covered(self, v: int) -> bool:
        return self.state[v] != CLEAR


def propagate(
    graph: OwnershipGraph,
    seeds: Iterable[int],
    rule: RegimeRule,
    *,
    upper: bool = False,
    counts_control: bool | None = None,
) -> Pass:
    """Least fixed point of the regime's rule over ``graph`` from the designated ``seeds``."""
    control = rule.counts_control if counts_control is None else counts_control
    if rule.aggregate:
        return _propagate_aggregate(graph, seeds, rule, upper, control)
    return _propagate_per_principal(graph, seeds, rule, upper, control)


def _propagate_aggregate(
    graph: OwnershipGraph, seeds: Iterable[int], rule: RegimeRule, upper: bool, control: bool
) -> Pass:
    n = len(graph)
    state = bytearray(n)
    rank = [-1] * n
    share = [0.0] * n
    out_off, out_idx = graph.out_off, graph.out_idx
    dst, pct, kind = graph.edge_dst, graph.edge_pct, graph.edge_kind
    eps = 1e-9
    limit = rule.threshold + eps if rule.strict else rule.threshold - eps
    strict = rule.strict
    work: list[int] = []
    counter = 0
    for s in seeds:
        if not state[s]:
            state[s] = DESIGNATED
            rank[s] = counter
            counter += 1
            work.append(s)
    while work:
        u = work.pop()
        for k in range(out_off[u], out_off[u + 1]):
            e = out_idx[k]
            v = dst[e]
            if state[v]:
                continue
            kd = kind[e]
            if kd == OWN:
                p = pct[e]
                if p != p:
                    if not upper:
                        continue
                    p = 100.0
                s = share[v] + p
                share[v] = s
                if s > limit if strict else s >= limit:
                    state[v] = OWNED
                    rank[v] = counter
                    counter += 1
                    work.append(v)
            elif kd == CONTROL and control:
                state[v] = CONTROLLED
                rank[v] = counter
                counter += 1
                work.append(v)
    return Pass(state, rank)


def _propagate_per_principal(
    graph: OwnershipGraph, seeds: Iterable[int], rule: RegimeRule, upper: bool, control: bool
) -> Pass:
    """No aggregation across designated persons: each designated person's own direct and
    indirect holdings (through entities it owns or controls) are summed separately."""
    n = len(graph)
    state = bytearray(n)
    rank = [-1] * n
    principals: dict[int, set[int]] = {}
    sums: dict[tuple[int, int], float] = {}
    capped: set[int] = set()
    out_off, out_idx = graph.out_off, graph.out_idx
    dst, pct, kind = graph.edge_dst, graph.edge_pct, graph.edge_kind
    eps = 1e-9
    limit = rule.threshold + eps if rule.strict else rule.threshold - eps
    strict = rule.strict
    counter = 0
    work: list[tuple[int, int]] = []
    for s in seeds:
        if not state[s]:
            state[s] = DESIGNATED
            rank[s] = counter
            counter += 1
            principals[s] = {s}
            work.append((s, s))
    while work:
        u, p0 = work.pop()
        for k in range(out_off[u], out_off[u + 1]):
            e = out_idx[k]
            v = dst[e]
            held = principals.get(v)
            if held is not None and p0 in held:
                continue
            kd = kind[e]
            if kd == OWN:
                p = pct[e]
                if p != p:
                    if not upper:
                        continue
                    p = 100.0
                key = (v, p0)
                s = sums.get(key, 0.0) + p
                sums[key] = s
                if not (s > limit if strict else s >= limit):
                    continue
                new_state = OWNED
            elif kd == CONTROL and control:
                new_state = CONTROLLED
            else:
                continue
            if held is None:
                held = principals[v] = set()
            if len(held) >= MAX_PRINCIPALS:
                capped.add(v)
                continue
            held.add(p0)
            if not state[v]:
                state[v] = new_state
                rank[v] = counter
                counter += 1
            work.append((v, p0))
    return Pass(state, rank, principals, capped)


# ---------------------------------------------------------------------- results
@dataclass
class Status:
    """One entity's standing under one regime, and why."""

    entity_id: str
    regime: str
    blocked: bool = False
    basis: str | None = None  # designated | owned | controlled | possibly_owned | sectoral_* | None
    share: float | None = None  # aggregate share held by covered owners (known shares only)
    owners: list[dict[str, Any]] = field(default_factory=list)  # contributing owners
    designations: list[Designation] = field(default_factory=list)
    sectoral: str | None = None  # designated | owned | possibly_owned (SSI directives) | None
    sectoral_designations: list[Designation] = field(default_factory=list)
    sectoral_share: float | None = None  # share held by sectoral (SSI) owners
    paths: list[Any] = field(default_factory=list)  # filled lazily by ownership.explain
    notes: list[str] = field(default_factory=list)
    rule_id: str | None = None

    @property
    def possibly(self) -> bool:
        return self.basis == "possibly_owned"

    def to_dict(self) -> dict[str, Any]:
        from olivebranch.listings import describe

        return {
            "entity_id": self.entity_id,
            "regime": self.regime,
            "blocked": self.blocked,
            "basis": self.basis,
            "share": self.share,
            "owners": self.owners,
            "designations": [
                {
                    "source": d.source,
                    "source_id": d.source_id,
                    "program": d.program,
                    "listing_date": d.listing_date,
                    "label": describe(d),
                }
                for d in self.designations
            ],
            "sectoral": self.sectoral,
            "sectoral_share": self.sectoral_share,
            "sectoral_designations": [
                {"source": d.source, "source_id": d.source_id, "program": d.program, "label": describe(d)}
                for d in self.sectoral_designations
            ],
            "paths": [p.to_dict() if hasattr(p, "to_dict") else p for p in self.paths],
            "notes": self.notes,
            "rule_id": self.rule_id,
        }


@dataclass
class RegimeResult:
    """All passes of one regime over one graph. Statuses are made on demand (``status``)."""

    graph: OwnershipGraph
    rule: RegimeRule
    lower: Pass
    upper: Pass
    seeds: set[str]
    designations: Mapping[str, list[Designation]] = field(default_factory=dict)
    sectoral_lower: Pass | None = None
    sectoral_upper: Pass | None = None
    sectoral_seeds: set[str] = field(default_factory=set)
    sectoral_designations: Mapping[str, list[Designation]] = field(default_factory=dict)
    #: entity id -> notes added by callers (e.g. identity links across lists)
    extra_notes: Mapping[str, list[str]] = field(default_factory=dict)

    def code(self, v: int) -> str | None:
        """Basis of node ``v`` without building a Status (fast, for whole-graph counts)."""
        s = self.lower.state[v]
        if s:
            return ("designated", "owned", "controlled")[s - 1]
        if self.upper.state[v]:
            return "possibly_owned"
        if self.sectoral_lower is not None and self.sectoral_lower.state[v]:
            return "sectoral_designated" if self.sectoral_lower.state[v] == DESIGNATED else "sectoral_owned"
        return None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in range(len(self.graph)):
            c = self.code(v)
            if c:
                out[c] = out.get(c, 0) + 1
        return out

    def status(self, entity_id: str, *, names: Callable[[str], str] | None = None) -> Status:
        """Status of one entity (``names`` turns ids into captions in the notes)."""
        st = Status(entity_id=entity_id, regime=self.rule.regime, rule_id=self.rule.rule_id)
        st.designations = list(self.designations.get(entity_id, ()))
        st.sectoral_designations = list(self.sectoral_designations.get(entity_id, ()))
        st.notes.extend(self.extra_notes.get(entity_id, ()))
        v = self.graph.node(entity_id)
        if v is None:
            if entity_id in self.seeds:
                st.blocked, st.basis = True, "designated"
            if entity_id in self.sectoral_seeds:
                st.sectoral = "designated"
                if not st.blocked:
                    st.basis = "sectoral_designated"
            return st
        code = self.lower.state[v]
        if code:
            st.blocked = True
            st.basis = ("designated", "owned", "controlled")[code - 1]
        elif self.upper.state[v]:
            st.basis = "possibly_owned"
        if self.sectoral_lower is not None:
            sc = self.sectoral_lower.state[v]
            if sc:
                st.sectoral = "designated" if sc == DESIGNATED else "owned"
            elif self.sectoral_upper is not None and self.sectoral_upper.state[v]:
                st.sectoral = "possibly_owned"
            if st.basis is None and st.sectoral:
                st.basis = f"sectoral_{st.sectoral}"
        self._owners(v, st)
        self._notes(v, st, names or (lambda x: x))
        return st

    def _owner_basis(self, u: int) -> str | None:
        s = self.lower.state[u]
        if s:
            return ("designated", "owned", "controlled")[s - 1]
        if self.upper.state[u]:
            return "possibly_owned"
        return None

    def _sectoral_basis(self, u: int) -> str | None:
        if self.sectoral_lower is None:
            return None
        s = self.sectoral_lower.state[u]
        if s:
            return "sectoral_designated" if s == DESIGNATED else "sectoral_owned"
        if self.sectoral_upper is not None and self.sectoral_upper.state[u]:
            return "sectoral_possibly_owned"
        return None

    def _owners(self, v: int, st: Status) -> None:
        """Covered owners (blocking, else sectoral), the share blocked owners hold (per
        designated person where the regime does not aggregate) and the sectoral share."""
        g = self.graph
        total = 0.0
        known = False
        sect_total = 0.0
        sect_known = False
        per_principal: dict[int, float] = {}
        for e in g.in_edges(v):
            u = g.edge_src[e]
            kind = g.edge_kind[e]
            if kind == LINK:
                continue
            basis = self._owner_basis(u) or self._sectoral_basis(u)
            if basis is None:
                continue
            pct = g.percent(e)
            st.owners.append(
                {
                    "owner_id": g.ids[u],
                    "percent": pct,
                    "kind": "ownership" if kind == OWN else "control",
                    "owner_basis": basis,
                }
            )
            if kind != OWN or pct is None:
                continue
            if self.lower.state[u]:
                total += pct
                known = True
                if self.lower.principals is not None:
                    for p in self.lower.principals.get(u, ()):
                        per_principal[p] = per_principal.get(p, 0.0) + pct
            if self.sectoral_lower is not None and self.sectoral_lower.state[u]:
                sect_total += pct
                sect_known = True
        if known:
            st.share = round(max(per_principal.values()), 6) if (
                per_principal and not self.rule.aggregate
            ) else round(total, 6)
        if sect_known:
            st.sectoral_share = round(sect_total, 6)

    def _notes(self, v: int, st: Status, name: Callable[[str], str]) -> None:
        g, rule = self.graph, self.rule
        notes = st.notes
        notes.extend(g.conflict_notes.get(v, ()))
        cyc = g.cycle_members(v)
        if cyc:
            names = ", ".join(name(g.ids[u]) for u in cyc[:6] if u != v)
            notes.append(f"part of an ownership cycle with {names}; each holding is counted once")
        known = 0.0
        for e in g.in_edges(v):
            u = g.edge_src[e]
            kind = g.edge_kind[e]
            pct = g.percent(e)
            if kind == OWN and pct is not None:
                known += pct
            covered = bool(self.lower.state[u])
            if not covered:
                continue
            edge = g.edge(e)
            if kind == OWN and pct is None:
                notes.append(
                    f"{name(g.ids[u])} ({self._owner_basis(u)}) holds an unknown share; "
                    "possibly owned, not counted as blocking"
                )
            elif kind == CONTROL and not rule.counts_control:
                notes.append(
                    f"controlled by {name(g.ids[u])} ({edge.role or 'control'}) without a stated "
                    f"majority share: control alone does not block under {rule.rule_id}"
                )
            elif kind == LINK:
                notes.append(
                    f"{edge.role or 'linked to'} {name(g.ids[u])} ({self._owner_basis(u)}): "
                    "a link, not ownership; not counted"
                )
        if known > 100.0 + 1e-6:
            notes.append(f"stated shares add up to {known:g}% (over 100%): data conflict")
        if not st.blocked and st.share:
            notes.append(
                f"{st.share:g}% held by covered persons does not meet {rule.test}"
            )
        if v in self.lower.capped or v in self.upper.capped:
            notes.append(f"more than {MAX_PRINCIPALS} designated principals; list truncated")


class RegimeStatus(Mapping[str, Status]):
    """``{entity_id: Status}`` over every graph node and seed, built lazily."""

    def __init__(self, result: RegimeResult) -> None:
        self.result = result

    def __getitem__(self, entity_id: str) -> Status:
        return self.result.status(entity_id)

    def __iter__(self) -> Iterator[str]:
        seen = set(self.result.graph.ids)
        yield from self.result.graph.ids
        for s in sorted((self.result.seeds | self.result.sectoral_seeds) - seen):
            yield s

    def __len__(self) -> int:
        extra = (self.result.seeds | self.result.sectoral_seeds) - set(self.result.graph.ids)
        return len(self.result.graph) + len(extra)

    def __contains__(self, key: object) -> bool:
        r = self.result
        return isinstance(key, str) and (
            r.graph.node(key) is not None or key in r.seeds or key in r.sectoral_seeds
        )

    def covered(self) -> Iterator[str]:
        """Ids with any status (blocked, possibly owned or sectoral)."""
        r = self.result
        for v, eid in enumerate(r.graph.ids):
            if r.code(v):
                yield eid
        for s in sorted((r.seeds | r.sectoral_seeds) - set(r.graph.ids)):
            yield s


def _idx(graph: OwnershipGraph, ids: Iterable[str]) -> list[int]:
    return [i for i in (graph.node(x) for x in ids) if i is not None]


def compute_regime(
    graph: OwnershipGraph,
    rule: RegimeRule,
    seeds: set[str],
    *,
    sectoral_seeds: set[str] | None = None,
    designations: Mapping[str, list[Designation]] | None = None,
    sectoral_designations: Mapping[str, list[Designation]] | None = None,
) -> RegimeResult:
    idx = _idx(graph, seeds)
    lower = propagate(graph, idx, rule)
    upper = propagate(graph, idx, rule, upper=True)
    result = RegimeResult(
        graph, rule, lower, upper, set(seeds), designations or {},
        sectoral_seeds=set(sectoral_seeds or ()),
        sectoral_designations=sectoral_designations or {},
    )
    if rule.sectoral_50pct and sectoral_seeds:
        sidx = _idx(graph, sectoral_seeds)
        result.sectoral_lower = propagate(graph, sidx, rule, counts_control=False)
        result.sectoral_upper = propagate(graph, sidx, rule, upper=True, counts_control=False)
    return result


def compute_results(
    graph: OwnershipGraph,
    seeds: Mapping[str, set[str]],
    params: OwnershipParams,
    *,
    sectoral_seeds: Mapping[str, set[str]] | None = None,
    designations: Mapping[str, Mapping[str, list[Designation]]] | None = None,
    sectoral_designations: Mapping[str, Mapping[str, list[Designation]]] | None = None,
) -> dict[str, RegimeResult]:
    """One :class:`RegimeResult` per regime in ``params``. A regime's seeds are the union of the
    seed sets of its rule's ``seed_regimes``."""
    out: dict[str, RegimeResult] = {}
    for regime, rule in params.regimes.items():
        regime_seeds: set[str] = set()
        regime_sect: set[str] = set()
        des: dict[str, list[Designation]] = {}
        sdes: dict[str, list[Designation]] = {}
        for sr in rule.seed_regimes or (regime,):
            regime_seeds |= set(seeds.get(sr, ()))
            regime_sect |= set((sectoral_seeds or {}).get(sr, ()))
            for k, v in ((designations or {}).get(sr) or {}).items():
                des.setdefault(k, []).extend(v)
            for k, v in ((sectoral_designations or {}).get(sr) or {}).items():
                sdes.setdefault(k, []).extend(v)
        out[regime] = compute_regime(
            graph, rule, regime_seeds, sectoral_seeds=regime_sect,
            designations=des, sectoral_designations=sdes,
        )
    return out


def compute_status(
    graph: OwnershipGraph,
    seeds: Mapping[str, set[str]],
    params: OwnershipParams,
    *,
    sectoral_seeds: Mapping[str, set[str]] | None = None,
    designations: Mapping[str, Mapping[str, list[Designation]]] | None = None,
) -> dict[str, RegimeStatus]:
    """``{regime: {entity_id: Status}}`` for every node of ``graph`` under every regime of
    ``params``; statuses are materialised lazily from compact per-pass arrays."""
    results = compute_results(
        graph, seeds, params, sectoral_seeds=sectoral_seeds, designations=designations
    )
    return {regime: RegimeStatus(r) for regime, r in results.items()}

"""A compact ownership graph: node ids mapped to ints, edges in flat arrays, CSR adjacency.

Built once per evaluation from every active edge (plus any a deal file declares), so that the
status of a million-edge graph is one linear pass and one entity's paths are a short walk.
Duplicate owner -> asset edges are resolved here (latest dated known percentage wins) and the
conflict is kept for the explanation.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from olivebranch.ownership.edges import Edge, active_edges

OWN, CONTROL, LINK = 0, 1, 2
KIND_CODE = {"ownership": OWN, "control": CONTROL, "link": LINK}
KIND_NAME = {v: k for k, v in KIND_CODE.items()}
NAN = float("nan")


@dataclass(frozen=True)
class Conflict:
    """Several edges state different shares for the same owner -> asset; ``kept`` won."""

    owner: str
    asset: str
    kept: Edge
    dropped: tuple[Edge, ...]

    def describe(self) -> str:
        others = ", ".join(f"{e.label()} ({e.start or 'undated'}, {e.source or '?'})" for e in self.dropped)
        return (
            f"conflicting shares for {self.owner} -> {self.asset}: kept {self.kept.label()} "
            f"({self.kept.start or 'undated'}, {self.kept.source or '?'}), also stated: {others}"
        )


def _resolve(group: list[Edge]) -> tuple[Edge, Conflict | None]:
    """Latest-dated edge with a known share wins; a conflict is reported only if the known
    shares differ."""
    known = [e for e in group if e.percent is not None] or group
    kept = max(known, key=lambda e: (e.start or "", e.source or "", e.edge_id or ""))
    shares = {e.percent for e in group if e.percent is not None}
    dropped = tuple(e for e in group if e is not kept)
    if len(shares) > 1:
        return kept, Conflict(kept.owner, kept.asset, kept, dropped)
    return kept, None


class OwnershipGraph:
    """Nodes are entity ids; edges owner -> asset with a share (NaN = unknown) and a kind."""

    def __init__(
        self,
        ids: Sequence[str],
        src: Sequence[int],
        dst: Sequence[int],
        pct: Sequence[float],
        kind: Sequence[int],
        edges: Sequence[Edge] | None = None,
        conflicts: Sequence[Conflict] = (),
        as_of: date | None = None,
    ) -> None:
        self.ids = list(ids)
        self.index = {eid: i for i, eid in enumerate(self.ids)}
        self.src = np.asarray(src, dtype=np.int64)
        self.dst = np.asarray(dst, dtype=np.int64)
        self.pct = np.asarray(pct, dtype=np.float64)
        self.kind = np.asarray(kind, dtype=np.int8)
        self.edges = list(edges) if edges is not None else None
        self.conflicts = list(conflicts)
        self.as_of = as_of
        n = len(self.ids)
        self.out_off, self.out_idx = _csr(self.src, n)
        self.in_off, self.in_idx = _csr(self.dst, n)
        # Per edge: owner node, asset node, share (NaN = unknown) and kind code (public, read
        # only). array.array indexes as fast as a list in the propagation loop (numpy scalars
        # are slow) while storing 8 bytes per edge instead of a Python object each.
        self.edge_dst = array("q", self.dst.tobytes())
        self.edge_src = array("q", self.src.tobytes())
        self.edge_pct = array("d", self.pct.tobytes())
        self.edge_kind = array("b", self.kind.tobytes())
        del self.src, self.dst, self.pct, self.kind

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls, edges: Iterable[Edge], *, as_of: date | None = None, only_active: bool = True
    ) -> OwnershipGraph:
        """Graph of the edges in place on ``as_of`` (default today), duplicates resolved."""
        items = active_edges(edges, as_of) if only_active else list(edges)
        groups: dict[tuple[str, str, str], list[Edge]] = {}
        for e in items:
            groups.setdefault((e.owner, e.asset, e.kind), []).append(e)
        kept: list[Edge] = []
        conflicts: list[Conflict] = []
        for group in groups.values():
            if len(group) == 1:
                kept.append(group[0])
                continue
            edge, conflict = _resolve(group)
            kept.append(edge)
            if conflict is not None:
                conflicts.append(conflict)
        ids: list[str] = []
        index: dict[str, int] = {}

        def node(eid: str) -> int:
            i = index.get(eid)
            if i is None:
                i = index[eid] = len(ids)
                ids.append(eid)
            return i

        src = array("q", (node(e.owner) for e in kept))
        dst = array("q", (node(e.asset) for e in kept))
        pct = array("d", (NAN if e.percent is None else e.percent for e in kept))
        kind = array("b", (KIND_CODE.get(e.kind, LINK) for e in kept))
        return cls(ids, src, dst, pct, kind, kept, conflicts, as_of)

    def with_edges(self, extra: Iterable[Edge]) -> OwnershipGraph:
        """A new graph with ``extra`` edges (e.g. stakes declared in a deal file) added; nothing
        is stored. An extra edge replaces a stored one for the same owner -> asset and kind."""
        if self.edges is None:
            raise ValueError("graph built from raw arrays cannot take Edge objects")
        extra = list(extra)
        replaced = {(e.owner, e.asset, e.kind) for e in extra}
        base = [e for e in self.edges if (e.owner, e.asset, e.kind) not in replaced]
        graph = OwnershipGraph.build(base + extra, as_of=self.as_of, only_active=False)
        graph.conflicts = self.conflicts + graph.conflicts
        if "_identity_links" in self.__dict__:  # identity links of stored nodes stay valid
            graph.__dict__["_identity_links"] = self.__dict__["_identity_links"]
        return graph

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.ids)

    @property
    def edge_count(self) -> int:
        return len(self.edge_src)

    def node(self, entity_id: str) -> int | None:
        return self.index.get(entity_id)

    def in_edges(self, v: int) -> array:
        return self.in_idx[self.in_off[v] : self.in_off[v + 1]]

    def out_edges(self, v: int) -> array:
        return self.out_idx[self.out_off[v] : self.out_off[v + 1]]

    def owners(self, v: int) -> list[int]:
        """Nodes with an edge into ``v`` (owners, controllers, linked persons)."""
        return [self.edge_src[e] for e in self.in_edges(v)]

    def upstream(self, starts: Iterable[int]) -> set[int]:
        """``starts`` and every node above them (owners, owners' owners, …)."""
        seen = set(starts)
        stack = list(seen)
        while stack:
            for u in self.owners(stack.pop()):
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
        return seen

    def edge(self, e: int) -> Edge:
        """The Edge behind edge index ``e`` (synthesised for array-built graphs)."""
        if self.edges is not None:
            return self.edges[e]
        p = self.edge_pct[e]
        return Edge(
            self.ids[self.edge_src[e]],
            self.ids[self.edge_dst[e]],
            None if p != p else p,
            KIND_NAME[self.edge_kind[e]],
        )

    def percent(self, e: int) -> float | None:
        p = self.edge_pct[e]
        return None if p != p else p

    @cached_property
    def conflict_notes(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for c in self.conflicts:
            v = self.index.get(c.asset)
            if v is not None:
                out.setdefault(v, []).append(c.describe())
        return out

    @cached_property
    def cycle_id(self) -> dict[int, int]:
        """Node -> id of its ownership/control cycle (strongly connected component of size > 1,
        or a self-loop). Iterative Tarjan: linear, no recursion limit."""
        return _cycles(self)

    def cycle_members(self, v: int) -> list[int]:
        cid = self.cycle_id.get(v)
        if cid is None:
            return []
        return [u for u, c in self.cycle_id.items() if c == cid]

    def neighbourhood(self, v: int, depth: int = 2, *, limit: int = 200) -> tuple[set[int], list[int]]:
        """Nodes within ``depth`` steps up (owners) and down (holdings) of ``v``, and the edges
        among them. Breadth-first, capped at ``limit`` nodes."""
        seen = {v}
        for direction in ("up", "down"):
            frontier = [v]
            for _ in range(depth):
                nxt = []
                for u in frontier:
                    edges = self.in_edges(u) if direction == "up" else self.out_edges(u)
                    for e in edges:
                        w = self.edge_src[e] if direction == "up" else self.edge_dst[e]
                        if w not in seen and len(seen) < limit:
                            seen.add(w)
                            nxt.append(w)
                frontier = nxt
        edges = [
            e
            for u in seen
            for e in self.out_edges(u)
            if self.edge_dst[e] in seen
        ]
        return seen, edges


def _csr(keys: np.ndarray, n: int) -> tuple[array, array]:
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n) if len(keys) else np.zeros(n, dtype=np.int64)
    off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=off[1:])
    return array("q", off.tobytes()), array("q", order.astype(np.int64).tobytes())


def _cycles(graph: OwnershipGraph) -> dict[int, int]:
    n = len(graph)
    src, dst, kind = graph.edge_src, graph.edge_dst, graph.edge_kind
    out_off, out_idx = graph.out_off, graph.out_idx
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    result: dict[int, int] = {}
    counter = 0
    comp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, out_off[root])]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            v, pos = work[-1]
            end = out_off[v + 1]
            advanced = False
            while pos < end:
                e = out_idx[pos]
                pos += 1
                if kind[e] == LINK:
                    continue
                w = dst[e]
                if w == v:
                    result[v] = result.get(v, -1)
                    continue
                if index[w] == -1:
                    work[-1] = (v, pos)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, out_off[w]))
                    advanced = True
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    members.append(w)
                    if w == v:
                        break
                if len(members) > 1 or result.get(v) == -1:
                    for w in members:
                        result[w] = comp
                    comp += 1
                elif v in result:
                    del result[v]
    del src
    return result

"""Why an entity has its status: the ownership paths that carry it, computed lazily.

A path runs from the queried entity up to a designated entity, e.g.
``X LLC ← 60% Y JSC ← 100% Z (OFAC SDN 12345)``. Only owners covered *earlier* in the
propagation are followed (their rank is lower), so paths are acyclic and the walk is short
even in graphs with ownership cycles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.listings import describe
from olivebranch.ownership.graph import CONTROL, LINK, OWN
from olivebranch.ownership.status import DESIGNATED, Pass, RegimeResult, Status
from olivebranch.store import Designation

Names = Callable[[str], str]
STALE_YEARS = 3  # holdings reported longer ago than this are flagged in explanations


@dataclass
class Step:
    """One entity on a path and the edge by which the next entity holds it."""

    entity_id: str
    name: str
    percent: float | None = None  # share the next (upstream) entity holds in this one
    kind: str | None = None  # ownership | control
    role: str | None = None
    source: str | None = None
    uncertain: bool = False
    as_of: str | None = None  # date the holding was reported or began

    def edge_label(self) -> str:
        if self.kind == "control":
            return self.role or "controls"
        return f"{self.percent:g}%" if self.percent is not None else "?%"


@dataclass
class OwnershipPath:
    steps: list[Step]
    designations: list[Designation] = field(default_factory=list)

    @property
    def end(self) -> str:
        return self.steps[-1].entity_id

    def text(self) -> str:
        parts = [self.steps[0].name]
        for prev, step in zip(self.steps, self.steps[1:], strict=False):
            parts.append(f"← {prev.edge_label()} {step.name}")
        out = " ".join(parts)
        if self.designations:
            labels = sorted({describe(d) for d in self.designations})
            out += " (" + "; ".join(labels[:3]) + ("; …" if len(labels) > 3 else "") + ")"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text(),
            "steps": [
                {
                    "entity_id": s.entity_id,
                    "name": s.name,
                    "held_by_next": None if s.kind is None else {
                        "percent": s.percent, "kind": s.kind, "role": s.role, "source": s.source,
                        "uncertain": s.uncertain, "as_of": s.as_of,
                    },
                }
                for s in self.steps
            ],
            "designations": [
                {"source": d.source, "source_id": d.source_id, "program": d.program, "label": describe(d)}
                for d in self.designations
            ],
        }


def _pick_pass(result: RegimeResult, v: int, sectoral: bool) -> Pass | None:
    if sectoral:
        lower, upper = result.sectoral_lower, result.sectoral_upper
    else:
        lower, upper = result.lower, result.upper
    if lower is None:
        return None
    if lower.state[v] or upper is None or not upper.state[v]:
        return lower
    return upper


def paths(
    result: RegimeResult,
    entity_id: str,
    *,
    names: Names | None = None,
    sectoral: bool = False,
    max_paths: int = 12,
    max_depth: int = 16,
) -> list[OwnershipPath]:
    """Paths from ``entity_id`` up to designated entities that carry its status (or, for a
    clear entity, the covered holdings that fell short of the threshold)."""
    g = result.graph
    name = names or (lambda x: x)
    des = result.sectoral_designations if sectoral else result.designations
    v = g.node(entity_id)
    if v is None:
        if entity_id in des:
            return [OwnershipPath([Step(entity_id, name(entity_id))], list(des[entity_id]))]
        return []
    pas = _pick_pass(result, v, sectoral)
    if pas is None:
        return []
    counts_control = result.rule.counts_control and not sectoral
    out: list[OwnershipPath] = []
    steps: list[Step] = [Step(entity_id, name(entity_id))]
    on_path = {v}

    def walk(u: int, depth: int) -> None:
        if len(out) >= max_paths:
            return
        if pas.state[u] == DESIGNATED:
            out.append(OwnershipPath([*steps], list(des.get(g.ids[u], ()))))
            return
        if depth >= max_depth:
            return
        rank_u = pas.rank[u]
        for e in g.in_edges(u):
            w = g.edge_src[e]
            kind = g.edge_kind[e]
            if w in on_path or not pas.state[w] or kind == LINK:
                continue
            if kind == CONTROL and not counts_control:
                continue
            if rank_u >= 0 and pas.rank[w] > rank_u:
                continue
            edge = g.edge(e)
            last = steps[-1]
            steps[-1] = Step(
                last.entity_id, last.name, g.percent(e),
                "ownership" if kind == OWN else "control", edge.role, edge.source,
                edge.uncertain, edge.start,
            )
            steps.append(Step(g.ids[w], name(g.ids[w])))
            on_path.add(w)
            walk(w, depth + 1)
            on_path.discard(w)
            steps.pop()
            steps[-1] = last
            if len(out) >= max_paths:
                return

    walk(v, 0)
    return out


def explain(
    result: RegimeResult,
    entity_id: str,
    *,
    names: Names | None = None,
    max_paths: int = 12,
) -> Status:
    """The entity's Status with its ``paths`` filled in (blocking paths, else sectoral)."""
    st = result.status(entity_id, names=names)
    st.paths = paths(result, entity_id, names=names, max_paths=max_paths)
    if not st.blocked and st.sectoral:
        st.paths += paths(result, entity_id, names=names, sectoral=True, max_paths=max_paths)
    pairs = [(a, b) for p in st.paths for a, b in zip(p.steps, p.steps[1:], strict=False)]
    shaky = {
        f"{a.name} ← {a.edge_label()} {b.name} ({a.source or 'no source'})"
        for a, b in pairs
        if a.uncertain
    }
    for item in sorted(shaky):
        st.notes.append(f"relies on a figure the source marks uncertain: {item}")
    day = result.graph.as_of or date.today()
    cutoff = f"{day.year - STALE_YEARS:04d}{day.isoformat()[4:]}"
    stale = {
        f"{a.name} ← {a.edge_label()} {b.name} as of {a.as_of}"
        for a, b in pairs
        if a.as_of and a.kind and a.as_of < cutoff[: len(a.as_of)]
    }
    for item in sorted(stale):
        st.notes.append(f"relies on a figure over {STALE_YEARS} years old: {item}")
    return st


def explain_all(
    results: Mapping[str, RegimeResult], entity_id: str, *, names: Names | None = None
) -> dict[str, Status]:
    return {regime: explain(r, entity_id, names=names) for regime, r in results.items()}

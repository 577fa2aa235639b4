"""A party's standing under one regime: its list entries, then the regime's ownership rule.

Two steps, each a function of public inputs:

- :func:`listing_status`: from the party's resolution candidates and the listing snapshot (as a
  scenario changes it) to ``listed`` / ``sectoral`` / ``ambiguous`` / ``none``, with evidence;
- :func:`apply_ownership`: the regime's ownership-or-control rule over the deal's part of the
  stored ownership graph (plus the stakes the deal declares), seeded by the listings, which
  adds ``owned``, ``possibly_owned``, sectoral ownership and OFAC directives.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from olivebranch.deals.models import Deal, Party
from olivebranch.deals.ownership import PartyNode, RegimeSeeds, StoredOwnership, namer
from olivebranch.listings import ListingsView
from olivebranch.ownership.graph import CONTROL, OWN, OwnershipGraph
from olivebranch.resolution import AMBIGUITY_MARGIN, CROSS_SOURCE_MARGIN, Candidate
from olivebranch.store import Designation


@dataclass
class PartyStatus:
    """One party's standing under one regime (in one context): list entries and ownership."""

    party_id: str
    regime: str
    match: str = "none"  # listed | ambiguous | none | not_screened
    score: float | None = None
    listed: bool = False
    owned: bool = False
    sectoral: bool = False
    programs: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)  # list_entry evidence
    candidates: list[dict[str, Any]] = field(default_factory=list)  # ambiguous candidates
    paths: list[dict[str, Any]] = field(default_factory=list)  # ownership_path evidence
    owners_known: bool = False
    #: owned by listed persons only if shares the data leaves unknown are large enough
    possibly_owned: bool = False
    #: OFAC directives (``EO13662-4``) from its own SSI entry or its sectoral owners' entries
    directives: list[str] = field(default_factory=list)
    sectoral_paths: list[dict[str, Any]] = field(default_factory=list)
    node: str | None = None  # its node in the ownership graph
    node_how: str | None = None  # pinned | list match | ownership data name | deal only
    notes: list[str] = field(default_factory=list)
    #: the stored designations behind ``entries`` (seeds of the ownership rule)
    designations: list[Any] = field(default_factory=list, repr=False)

    @property
    def blocked(self) -> bool:
        return self.listed or self.owned

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party_id, "regime": self.regime, "match": self.match,
            "score": self.score, "listed": self.listed, "owned": self.owned,
            "sectoral": self.sectoral, "programs": self.programs, "entries": self.entries,
            "candidates": self.candidates, "paths": self.paths,
            "possibly_owned": self.possibly_owned, "directives": self.directives,
            "sectoral_paths": self.sectoral_paths, "node": self.node, "node_how": self.node_how,
            "notes": self.notes,
        }

    def summary(self) -> dict[str, Any]:
        """The short form interfaces show per party and regime."""
        return {"match": self.match, "score": self.score, "listed": self.listed,
                "owned": self.owned, "sectoral": self.sectoral,
                "possibly_owned": self.possibly_owned, "directives": self.directives,
                "node": self.node}


#: one hit: (record id, score or None when pinned, [(kind, designation or None = scenario)])
Hit = tuple[str, float | None, list[tuple[str, Designation | None]]]


def _candidate_evidence(hit: Hit, scores: Mapping[str, Candidate], view: ListingsView,
                        regime: str, caption: Callable[[str], str]) -> dict[str, Any]:
    eid, score, des = hit
    c = scores.get(eid)
    first = next((d for _, d in des if d is not None), None)
    return {
        "kind": "list_entry", "regime": regime, "entity_id": eid,
        "caption": c.caption if c else caption(eid),
        "score": score, "source": first.source if first else "scenario",
        "source_id": first.source_id if first else None,
        "program": first.program if first else view.note(regime, eid),
        "pinned": c is None or None,
        "explanation": c.explanation if c else "pinned in the deal file",
    }


def listing_status(party: Party, regime: str, candidates: Sequence[Candidate],
                   view: ListingsView, caption: Callable[[str], str]) -> PartyStatus:
    """The party's list entries that count for ``regime`` on the day, as the scenario has
    them. A pin settles the match; otherwise only candidates close to the best one count, and
    two close candidates from one source make the match ambiguous."""
    st = PartyStatus(party.id, regime)
    if not party.screen:
        st.match = "not_screened"
        return st
    scores = {c.entity_id: c for c in candidates}
    pinned = list(party.pin)
    ids = list(dict.fromkeys([*pinned, *scores]))
    view.base.prefetch(ids)
    # a party counts through all its records (view.counted); two candidates that are records
    # of one party are one hit, the pinned or better-scored one
    hits: list[Hit] = []
    by_party: dict[str, int] = {}
    for eid in ids:
        des = view.counted(regime, eid)
        if des:
            c = scores.get(eid)
            hit = (eid, c.score if c else None, des)
            party_id = view.base.party(eid)
            j = by_party.get(party_id)
            if j is None:
                by_party[party_id] = len(hits)
                hits.append(hit)
            elif hits[j][0] not in pinned and (eid in pinned
                                               or (hit[1] or 0) > (hits[j][1] or 0)):
                hits[j] = hit
    pinned_hits = [h for h in hits if h[0] in pinned]
    if not pinned_hits and scores:
        # A weaker namesake on another list (Rosneft Trading for Rosneft) is not the party;
        # the best is taken over every candidate, so that once a scenario delists the
        # party's own entry the namesake does not take its place.
        best = max(c.score for c in scores.values())
        hits = [h for h in hits if (h[1] or 0) >= best - CROSS_SOURCE_MARGIN]
    if pinned_hits:
        chosen = pinned_hits
        st.match, st.score = "listed", 1.0
    elif hits:
        # Two sources of one regime (UK FCDO and OFSI) list the same company under
        # different ids: ambiguity is only between close candidates of the same source.
        hits.sort(key=lambda h: -(h[1] or 0))
        by_source: dict[str, list[Hit]] = {}
        for h in hits:
            src = next((d.source for _, d in h[2] if d is not None), "scenario")
            by_source.setdefault(src, []).append(h)
        chosen = []
        for group in by_source.values():
            top = group[0]
            close = [h for h in group if (h[1] or 0) >= (top[1] or 0) - AMBIGUITY_MARGIN]
            if len(close) > 1:
                st.match, st.score = "ambiguous", top[1]
                st.candidates = [_candidate_evidence(h, scores, view, regime, caption)
                                 for h in close]
                return st
            chosen.append(top)
        st.match, st.score = "listed", hits[0][1]
    else:
        st.match = "none"
        if scores:
            st.score = max(scores.values(), key=lambda c: c.score).score
        return st
    for h in chosen:
        ev = _candidate_evidence(h, scores, view, regime, caption)
        for kind, d in h[2]:
            entry = dict(ev)
            if d is not None:
                entry.update(source=d.source, source_id=d.source_id, program=d.program,
                             listing_date=d.listing_date, sanction_id=d.sanction_id)
                if d.entity_id != h[0]:
                    # listed under another record of the same party
                    entry.update(entity_id=d.entity_id, matched_id=h[0],
                                 explanation=f"{ev['explanation']}; listed as {d.entity_id}, "
                                 f"the same party ({view.base.party(h[0])})")
                if d.program:
                    st.programs.append(d.program)
            else:
                note = view.note(regime, h[0])
                entry.update(source="scenario", program=note)
                d = Designation(h[0], f"scenario-{regime}-{h[0]}", regime, "scenario", 0,
                                authority="scenario", program=note)
            entry["designation"] = kind
            st.entries.append(entry)
            st.designations.append((kind, d))
            if kind == "blocking":
                st.listed = True
            elif kind == "sectoral":
                st.sectoral = True
    st.programs = sorted(set(st.programs))
    return st


# ---------------------------------------------------------------------------- ownership
def path_evidence(path: Any, status: Any, rule: Any, regime: str) -> dict[str, Any]:
    """An ownership path as evidence: its text, the steps with shares and sources, and the list
    entries at its end."""
    data = path.to_dict()
    return {
        "kind": "ownership_path", "regime": regime, "path": data["text"],
        "share": status.share, "rule": rule.rule_id, "test": rule.test, "basis": status.basis,
        "steps": data["steps"],
        "designations": [{**d, "entity_id": path.end} for d in data["designations"]],
    }


def _stored_entry(d: Any, node: str, caption: str, regime: str, how: str) -> dict[str, Any]:
    return {
        "kind": "list_entry", "regime": regime, "entity_id": node, "caption": caption,
        "score": None, "source": d.source, "source_id": d.source_id, "program": d.program,
        "listing_date": d.listing_date, "sanction_id": d.sanction_id, "designation": "blocking",
        "explanation": f"found through the ownership data ({how})",
    }


def apply_ownership(deal: Deal, regime: str, statuses: dict[str, PartyStatus],
                    seeds: RegimeSeeds, stored: StoredOwnership,
                    nodes: Mapping[str, PartyNode], graph: OwnershipGraph,
                    caption: Callable[[str], str]) -> None:
    """Apply the regime's ownership-or-control rule to the parties (in place), over the deal's
    subgraph of the stored graph plus its stakes, seeded by the listings and the parties found
    listed."""
    from olivebranch.ownership.explain import explain, paths
    from olivebranch.ownership.status import compute_regime

    extra: dict[str, list[Any]] = {}
    extra_sect: dict[str, list[Any]] = {}
    seeds.prefetch(graph.ids)
    for pid, st in statuses.items():
        n = nodes[pid].node
        st.node, st.node_how = n, nodes[pid].how
        if graph.node(n) is None:
            continue
        if st.listed and n not in seeds.designations:
            extra[n] = [d for k, d in st.designations if k == "blocking"]
        if st.sectoral and n not in seeds.sectoral:
            extra_sect[n] = [d for k, d in st.designations if k == "sectoral"]
    if not len(graph):
        return
    des = ChainMap(extra, seeds.designations)  # type: ignore[arg-type]
    sdes = ChainMap(extra_sect, seeds.sectoral)  # type: ignore[arg-type]
    # seeds outside the deal's (small) subgraph cannot matter: pass only those inside
    result = compute_regime(
        graph, seeds.rule, {n for n in graph.ids if n in des},
        sectoral_seeds={n for n in graph.ids if n in sdes},
        designations=des, sectoral_designations=sdes)
    result.extra_notes = seeds.notes
    rule = seeds.rule
    name = namer(deal, nodes, caption)
    for party in deal.parties:
        st = statuses[party.id]
        n = st.node
        v = graph.node(n) if n else None
        if v is None:
            continue
        if any(graph.edge_kind[e] in (OWN, CONTROL) for e in graph.in_edges(v)):
            st.owners_known = True
        status = explain(result, n, names=name)
        st.notes.extend(x for x in status.notes if x not in st.notes)
        if status.basis in ("owned", "controlled") and not st.listed:
            st.owned = True
            st.paths.extend(path_evidence(p, status, rule, regime) for p in status.paths)
            if not status.paths:
                st.paths.append({
                    "kind": "ownership_path", "regime": regime,
                    "path": f"{party.name} {status.basis} {status.share or 0:g}% by listed "
                            "persons", "share": status.share, "rule": rule.rule_id,
                    "test": rule.test, "basis": status.basis})
        elif (status.basis == "designated" and not st.listed
              and st.match not in ("ambiguous", "not_screened")):
            # the ownership data says this node is a listed entity the matcher did not find
            st.listed = True
            for d in status.designations:
                st.entries.append(_stored_entry(d, n, name(n), regime, nodes[party.id].how))
                if d.program and d.program not in st.programs:
                    st.programs.append(d.program)
        elif status.basis == "possibly_owned" and not st.listed:
            st.possibly_owned = True
            st.paths.extend({**path_evidence(p, status, rule, regime), "possibly": True}
                            for p in status.paths)
        if status.sectoral in ("designated", "owned"):
            st.sectoral = True
            if status.sectoral == "owned":
                for p in paths(result, n, names=name, sectoral=True):
                    st.sectoral_paths.append(
                        {**path_evidence(p, status, rule, regime), "sectoral": True})
    for party in deal.parties:
        st = statuses[party.id]
        found: set[str] = set()
        ends = [e["designations"] for e in st.sectoral_paths]
        for eid in [e.get("entity_id") for e in st.entries
                    if e.get("designation") == "sectoral"] + [
                    d["entity_id"] for group in ends for d in group]:
            found |= stored.directives.get(eid or "", frozenset())
        st.directives = sorted(found)

"""Verdicts: for each deal and regime, the strongest effect among the rules that fire, and why.

``Engine`` holds the expensive, scenario-independent work and caches it:

- party resolution (list matching) is done once per distinct party, whatever the scenario;
- a party's designations per regime are read once per (entity, date);
- ownership status per deal and regime is recomputed only when ``ctx.listing_key(regime)``
  (delistings, added designations, ownership parameters) or the date changes.

Rule evaluation itself is cheap and redone for every context. ``Engine.assess`` is otherwise a
pure function of (deal, context).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.context import EFFECTS, EvaluationContext, Rule, strongest
from olivebranch.deals.models import Deal, Party
from olivebranch.deals.ownership import (
    PartyNode,
    RegimeSeeds,
    StoredOwnership,
    deal_edges,
    deal_graph,
    namer,
    party_node,
    regime_seeds,
    settle_by_holdings,
)
from olivebranch.facts import (
    FactView,
    PartyStatus,
    deal_facts,
    party_facts,
    regime_facts,
)
from olivebranch.regimes import registry
from olivebranch.rules import conditions
from olivebranch.rules.model import load_general_licences, load_rules
from olivebranch.store import Designation

#: the regimes verdicts are given under (``data/regimes.yaml``)
REGIMES: tuple[str, ...] = registry().assessed
#: two list candidates closer than this (in score) cannot be told apart without a pin
AMBIGUITY_MARGIN = 0.03
#: list entries from other sources count for the same party only this close to the best match
CROSS_SOURCE_MARGIN = 0.1
STATUS_FACTS = frozenset({"party.listed", "party.owned_by_listed", "party.blocked",
                          "party.programs", "party.match", "party.possibly_owned",
                          "parties.any_blocked", "parties.any_listed"})
SECTORAL_FACTS = frozenset({"party.sectoral", "party.ssi_directives", "parties.any_sectoral",
                            "parties.ssi_directives"})
GROUP_FACTS = frozenset({"party.group", "parties.groups"})


# ---------------------------------------------------------------------------- results
@dataclass
class Finding:
    """One rule that fired for one deal (and, for party rules, one party), with evidence."""

    rule_id: str
    regime: str
    effect: str
    title: str
    instrument: str
    article: str | None
    citation: str | None
    confidence: str
    lifted_by: str
    text: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    party: str | None = None
    kind: str | None = None
    licence: str | None = None
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id, "regime": self.regime, "effect": self.effect,
            "title": self.title, "instrument": self.instrument, "article": self.article,
            "citation": self.citation, "confidence": self.confidence,
            "lifted_by": self.lifted_by, "text": self.text, "evidence": self.evidence,
            "party": self.party, "kind": self.kind, "licence": self.licence, "notes": self.notes,
        }


@dataclass
class RegimeVerdict:
    regime: str
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def blockers(self) -> list[Finding]:
        """Findings that stand in the way (anything stronger than a risk)."""
        return [f for f in self.findings if EFFECTS.index(f.effect) > EFFECTS.index("risk")]

    @property
    def rule_ids(self) -> list[str]:
        return sorted({f.rule_id for f in self.findings})

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime, "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "blockers": sorted({f.rule_id for f in self.blockers}),
            "checked": self.checked,
        }


@dataclass
class DealVerdict:
    deal_id: str
    title: str
    as_of: date
    scenario: str
    regimes: dict[str, RegimeVerdict]
    uncertain: list[dict[str, str]] = field(default_factory=list)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def matrix_row(self) -> dict[str, str]:
        return {r: v.verdict for r, v in self.regimes.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id, "title": self.title, "as_of": self.as_of.isoformat(),
            "scenario": self.scenario,
            "regimes": {r: v.to_dict() for r, v in self.regimes.items()},
            "uncertain": self.uncertain, "parties": self.parties,
        }


# ---------------------------------------------------------------------------- screening
@dataclass(frozen=True)
class Candidate:
    entity_id: str
    caption: str
    score: float
    sources: tuple[str, ...]
    source_ids: tuple[str, ...]
    programs: tuple[str, ...]
    explanation: str


def _schema(party: Party) -> str:
    return {"person": "Person", "vessel": "Vessel", "company": "Company"}.get(
        party.kind, "Organization")


def _party_key(party: Party) -> tuple:
    return (party.name, tuple(party.aliases), party.kind, party.jurisdiction,
            tuple(party.identifiers), tuple(party.cleared))


def _deal_key(deal: Deal) -> str:
    return deal.model_dump_json(include={"id", "parties", "stakes"})


class Engine:
    """Evaluates deals against contexts, caching matching and ownership work (see module doc)."""

    def __init__(self, store: Any, match_index: Any = None) -> None:
        self.store = store
        self._index = match_index
        self._resolved: dict[tuple, tuple[Candidate, ...]] = {}
        self._designations: dict[tuple[str, date], list[Any]] = {}
        self._status: dict[tuple, dict[str, PartyStatus]] = {}
        self._facts: dict[str, tuple[str, dict[str, Any]]] = {}
        self._captions: dict[str, str] = {}
        self._stored: dict[date, StoredOwnership] = {}
        self._seed_cache: dict[tuple, RegimeSeeds | None] = {}
        self._nodes: dict[tuple, tuple[dict[str, PartyNode], Any]] = {}

    # ------------------------------------------------------------------ contexts
    def base_context(self, as_of: date | None = None) -> EvaluationContext:
        """The status quo: rules from the packs, lists as of ``as_of`` (default today)."""
        return EvaluationContext(
            as_of=as_of or date.today(),
            rules=load_rules(),
            general_licences=load_general_licences(),
        )

    # ------------------------------------------------------------------ matching
    @property
    def index(self) -> Any:
        if self._index is None:
            from olivebranch.match import MatchIndex

            self._index = MatchIndex.from_store(self.store)
        return self._index

    def resolve(self, party: Party) -> tuple[Candidate, ...]:
        """List candidates for one party above the match threshold (cached per party)."""
        key = _party_key(party)
        if key in self._resolved:
            return self._resolved[key]
        if not party.screen:
            self._resolved[key] = ()
            return ()
        from olivebranch.match import Query

        query = Query(
            name=[party.name, *party.aliases], schema=_schema(party),
            countries=[party.jurisdiction], identifiers=list(party.identifiers),
        )
        out = tuple(
            Candidate(r.entity_id, r.caption, round(float(r.score), 4), tuple(r.sources),
                      tuple(r.source_ids), tuple(r.programs), r.explanation)
            for r in self.index.search(query, limit=10)
            if r.match and r.entity_id not in party.cleared
        )
        self._resolved[key] = out
        return out

    def _entity_designations(self, entity_id: str, as_of: date) -> list[Any]:
        key = (entity_id, as_of)
        if key not in self._designations:
            from olivebranch.listings import classify, in_force

            out = []
            for d in self.store.designations(entity_id, as_of=as_of):
                if not in_force(d, as_of):
                    continue
                kind, regime = classify(d)
                out.append((kind, regime, d))
            self._designations[key] = out
        return self._designations[key]

    def _caption(self, entity_id: str) -> str:
        if entity_id not in self._captions:
            ent = self.store.get_entity(entity_id)
            self._captions[entity_id] = ent.caption if ent is not None else entity_id
        return self._captions[entity_id]

    # ------------------------------------------------------------------ status per regime
    def _listing(
        self, party: Party, regime: str, ctx: EvaluationContext
    ) -> PartyStatus:
        st = PartyStatus(party.id, regime)
        if not party.screen:
            st.match = "not_screened"
            return st
        delisted = ctx.delisted.get(regime, frozenset())
        added = ctx.added.get(regime) or {}
        scores = {c.entity_id: c for c in self.resolve(party)}
        pinned = [p for p in party.pin]
        ids = list(dict.fromkeys([*pinned, *scores]))
        hits: list[tuple[str, float | None, list[tuple[str, Any]]]] = []
        for eid in ids:
            des = [(k, d) for k, r, d in self._entity_designations(eid, ctx.as_of)
                   if r == regime and eid not in delisted]
            if eid in added:
                des.append(("blocking", None))
            if des:
                c = scores.get(eid)
                hits.append((eid, c.score if c else None, des))
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
            by_source: dict[str, list] = {}
            for h in hits:
                src = next((d.source for _, d in h[2] if d is not None), "scenario")
                by_source.setdefault(src, []).append(h)
            chosen = []
            for group in by_source.values():
                top = group[0]
                close = [h for h in group if (h[1] or 0) >= (top[1] or 0) - AMBIGUITY_MARGIN]
                if len(close) > 1:
                    st.match, st.score = "ambiguous", top[1]
                    st.candidates = [self._candidate_evidence(h, scores, added, regime)
                                     for h in close]
                    return st
                chosen.append(top)
            st.match, st.score = "listed", hits[0][1]
        else:
            st.match = "none"
            if scores:
                best = max(scores.values(), key=lambda c: c.score)
                st.score = best.score
            return st
        for h in chosen:
            ev = self._candidate_evidence(h, scores, added, regime)
            for kind, d in h[2]:
                entry = dict(ev)
                if d is not None:
                    entry.update(source=d.source, source_id=d.source_id, program=d.program,
                                 listing_date=d.listing_date, sanction_id=d.sanction_id)
                    if d.program:
                        st.programs.append(d.program)
                else:
                    entry.update(source="scenario", program=added.get(h[0]) or None)
                    d = Designation(h[0], f"scenario-{regime}-{h[0]}", regime, "scenario", 0,
                                    authority="scenario", program=added.get(h[0]) or None)
                entry["designation"] = kind
                st.entries.append(entry)
                st.designations.append((kind, d))
                if kind == "blocking":
                    st.listed = True
                elif kind == "sectoral":
                    st.sectoral = True
        st.programs = sorted(set(st.programs))
        return st

    def _candidate_evidence(self, hit: tuple, scores: Mapping[str, Candidate],
                            added: Mapping[str, str], regime: str) -> dict[str, Any]:
        eid, score, des = hit
        c = scores.get(eid)
        first = next((d for _, d in des if d is not None), None)
        return {
            "kind": "list_entry", "regime": regime, "entity_id": eid,
            "caption": c.caption if c else self._caption(eid),
            "score": score, "source": first.source if first else "scenario",
            "source_id": first.source_id if first else None,
            "program": first.program if first else added.get(eid),
            "pinned": c is None or None,
            "explanation": c.explanation if c else "pinned in the deal file",
        }

    def party_statuses(self, deal: Deal, ctx: EvaluationContext, regime: str
                       ) -> dict[str, PartyStatus]:
        """Each party's status under ``regime``: lists, then the regime's ownership rule over
        the stored ownership graph merged with the stakes the deal declares. Memoised on the
        context's listing key and date."""
        key = (_deal_key(deal), regime, ctx.as_of, ctx.listing_key(regime))
        cached = self._status.get(key)
        if cached is not None:
            return cached
        statuses = {p.id: self._listing(p, regime, ctx) for p in deal.parties}
        owned_targets = {s.in_ for s in deal.stakes}
        for pid, st in statuses.items():
            st.owners_known = pid in owned_targets
        if registry().get(regime).ownership:
            self._ownership(deal, ctx, regime, statuses)
        self._status[key] = statuses
        return statuses

    # ------------------------------------------------------------------ ownership
    def stored_ownership(self, as_of: date) -> StoredOwnership:
        """The stored ownership graph, classed designations, identity links and SSI directives
        of one date: built once per Engine and date, shared by every deal and scenario."""
        hit = self._stored.get(as_of)
        if hit is None:
            hit = self._stored[as_of] = StoredOwnership.load(self.store, as_of)
        return hit

    def _seeds(self, ctx: EvaluationContext, regime: str) -> RegimeSeeds | None:
        key = (ctx.as_of, regime, ctx.listing_key(regime))
        if key not in self._seed_cache:
            from olivebranch.ownership import load_params

            params = load_params(ctx.as_of, overrides=ctx.ownership_params)
            rule = params.regimes.get(regime)
            self._seed_cache[key] = None if rule is None else regime_seeds(
                self.stored_ownership(ctx.as_of), rule, ctx.delisted, ctx.added)
        return self._seed_cache[key]

    def party_nodes(self, deal: Deal, as_of: date) -> tuple[dict[str, PartyNode], Any]:
        """Each party's node in the ownership graph, and the stored graph with the deal's stakes
        merged in (cached per deal and date)."""
        key = (_deal_key(deal), as_of)
        hit = self._nodes.get(key)
        if hit is None:
            stored = self.stored_ownership(as_of)
            cands = {p.id: [*p.pin, *(c.entity_id for c in self.resolve(p))]
                     for p in deal.parties}
            nodes = {
                p.id: party_node(deal, p, stored,
                                 [(c.entity_id, c.score) for c in self.resolve(p)],
                                 AMBIGUITY_MARGIN)
                for p in deal.parties
            }
            nodes = settle_by_holdings(deal, nodes, stored, cands)
            graph = deal_graph(stored, deal_edges(deal, nodes), [n.node for n in nodes.values()])
            hit = self._nodes[key] = (nodes, graph)
        return hit

    def _ownership(self, deal: Deal, ctx: EvaluationContext, regime: str,
                   statuses: dict[str, PartyStatus]) -> None:
        """Apply the regime's ownership-or-control rule to the parties, over the stored graph
        plus the deal's stakes, seeded by the stored designations and the parties found listed."""
        from collections import ChainMap

        from olivebranch.ownership.explain import explain, paths
        from olivebranch.ownership.graph import CONTROL, OWN
        from olivebranch.ownership.status import compute_regime

        seeds = self._seeds(ctx, regime)
        if seeds is None:
            return
        stored = self.stored_ownership(ctx.as_of)
        nodes, graph = self.party_nodes(deal, ctx.as_of)
        extra: dict[str, list[Any]] = {}
        extra_sect: dict[str, list[Any]] = {}
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
        des = ChainMap(extra, seeds.designations)
        sdes = ChainMap(extra_sect, seeds.sectoral)
        # seeds outside the deal's (small) subgraph cannot matter: pass only those inside
        result = compute_regime(
            graph, seeds.rule, {n for n in graph.ids if n in des},
            sectoral_seeds={n for n in graph.ids if n in sdes},
            designations=des, sectoral_designations=sdes)
        result.extra_notes = seeds.notes
        rule = seeds.rule
        name = namer(deal, nodes, self._caption)
        for party in deal.parties:
            st = statuses[party.id]
            n = st.node
            v = graph.node(n) if n else None
            if v is None:
                continue
            if any(graph._kind[e] in (OWN, CONTROL) for e in graph.in_edges(v)):
                st.owners_known = True
            status = explain(result, n, names=name)
            st.notes.extend(x for x in status.notes if x not in st.notes)
            if status.basis in ("owned", "controlled") and not st.listed:
                st.owned = True
                st.paths.extend(_path_evidence(p, status, rule, regime) for p in status.paths)
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
                st.paths.extend({**_path_evidence(p, status, rule, regime), "possibly": True}
                                for p in status.paths)
            if status.sectoral in ("designated", "owned"):
                st.sectoral = True
                if status.sectoral == "owned":
                    for p in paths(result, n, names=name, sectoral=True):
                        st.sectoral_paths.append(
                            {**_path_evidence(p, status, rule, regime), "sectoral": True})
        for party in deal.parties:
            st = statuses[party.id]
            found: set[str] = set()
            ends = [e["designations"] for e in st.sectoral_paths]
            for eid in [e.get("entity_id") for e in st.entries
                        if e.get("designation") == "sectoral"] + [
                        d["entity_id"] for group in ends for d in group]:
                found |= stored.directives.get(eid or "", frozenset())
            st.directives = sorted(found)

    # ------------------------------------------------------------------ assessment
    def facts(self, deal: Deal) -> dict[str, Any]:
        key = _deal_key(deal) + deal.model_dump_json(include={"asset", "activity"})
        hit = self._facts.get(deal.id)
        if hit is None or hit[0] != key:
            hit = (key, deal_facts(deal))
            self._facts[deal.id] = hit
        return hit[1]

    def assess(self, deal: Deal, ctx: EvaluationContext,
               regimes: Iterable[str] | None = None) -> DealVerdict:
        regimes = tuple(regimes or REGIMES)
        base = self.facts(deal)
        out: dict[str, RegimeVerdict] = {}
        parties_out: dict[str, dict[str, Any]] = {
            p.id: {"name": p.name, "role": p.role, **({"cleared": p.cleared} if p.cleared else {})}
            for p in deal.parties}
        for regime in regimes:
            statuses = self.party_statuses(deal, ctx, regime)
            for pid, st in statuses.items():
                parties_out[pid][regime] = {
                    "match": st.match, "score": st.score, "listed": st.listed,
                    "owned": st.owned, "sectoral": st.sectoral,
                    "possibly_owned": st.possibly_owned, "directives": st.directives,
                    "node": st.node,
                }
            out[regime] = self._regime(deal, ctx, regime, base, statuses)
        return DealVerdict(
            deal_id=deal.id, title=deal.title, as_of=ctx.as_of, scenario=ctx.scenario,
            regimes=out, uncertain=[u.model_dump() for u in deal.uncertain], parties=parties_out,
        )

    def _regime(self, deal: Deal, ctx: EvaluationContext, regime: str,
                base: Mapping[str, Any], statuses: Mapping[str, PartyStatus]) -> RegimeVerdict:
        rf = regime_facts(statuses)
        findings: list[Finding] = []
        checked: list[str] = []
        for rule in sorted(ctx.active_rules(regime), key=lambda r: r.id):
            checked.append(rule.id)
            used = conditions.facts_used(rule.condition)
            if any(f.startswith("party.") for f in used):
                for party in deal.parties:
                    st = statuses[party.id]
                    view = FactView(party_facts(party, deal, st), rf, base)
                    outcome = conditions.evaluate(rule.condition, view, rule.params)
                    if outcome.value:
                        findings.append(self._finding(rule, outcome, view, ctx, party, st,
                                                      statuses))
            else:
                view = FactView(rf, base)
                outcome = conditions.evaluate(rule.condition, view, rule.params)
                if outcome.value:
                    findings.append(self._finding(rule, outcome, view, ctx, None, None,
                                                  statuses))
        findings.sort(key=lambda f: (-EFFECTS.index(f.effect), f.rule_id, f.party or ""))
        verdict = strongest([f.effect for f in findings])
        return RegimeVerdict(regime, verdict, findings, checked)

    def _finding(self, rule: Rule, outcome: conditions.Outcome, view: FactView,
                 ctx: EvaluationContext, party: Party | None, st: PartyStatus | None,
                 statuses: Mapping[str, PartyStatus]) -> Finding:
        evidence: list[dict[str, Any]] = []
        fired_facts = {f["fact"] for f in outcome.fired}
        if st is not None and fired_facts & STATUS_FACTS:
            if st.match == "ambiguous":
                evidence.extend({**c, "ambiguous": True} for c in st.candidates)
            evidence.extend(e for e in st.entries if e.get("designation") != "sectoral")
            evidence.extend(st.paths)
        elif fired_facts & {"parties.any_blocked", "parties.any_listed"}:
            for s in statuses.values():
                if s.blocked:
                    evidence.extend(s.entries)
                    evidence.extend(s.paths)
        if fired_facts & SECTORAL_FACTS:
            for s in [st] if st is not None else list(statuses.values()):
                if s.sectoral:
                    evidence.extend(e for e in s.entries if e.get("designation") == "sectoral")
                    evidence.extend(s.sectoral_paths)
        notes = rule.notes
        if fired_facts & GROUP_FACTS and not fired_facts & (STATUS_FACTS | SECTORAL_FACTS):
            groups: set[str] = set()
            for f in outcome.fired:
                if f["fact"] in GROUP_FACTS:
                    value = f["value"]
                    groups |= {value} if isinstance(value, str) else set(value or ())
            note = ("Fired on the corporate group the deal file gives "
                    f"({', '.join(sorted(groups)) or 'group'}), an override: the lists do not "
                    f"show {'this party' if st is not None else 'any party'} as subject to it.")
            also = (st.blocked or st.sectoral) if st is not None else any(
                s.blocked or s.sectoral for s in statuses.values())
            if also:
                note = ("Fired on the corporate group the deal file gives "
                        f"({', '.join(sorted(groups)) or 'group'}); the lists also show "
                        f"{'this party' if st is not None else 'a party'} as blocked or under "
                        "sectoral sanctions (see the list-based findings).")
            evidence.append({"kind": "note", "text": note})
            notes = f"{notes} {note}" if notes else note
        if st is not None and fired_facts & (STATUS_FACTS | SECTORAL_FACTS):
            evidence.extend({"kind": "note", "text": n} for n in st.notes)
        for f in outcome.fired:
            evidence.append({"kind": "fact", "fact": f["fact"], "value": _jsonable(f["value"]),
                             "test": f"{f['op']} {_jsonable(f['expected'])}"})
        text = rule.text or rule.title
        if party is not None:
            text = f"{party.name} ({party.role}): {text}"
        effect, licence = rule.effect, None
        for gid in rule.licences:
            gl = ctx.general_licences.get(gid)
            if gl is None or not gl.in_force(ctx.as_of):
                continue
            if conditions.evaluate(gl.condition, view).value:
                effect, licence = "restricted", gid
                text += f" Authorised, on its terms, by {gl.title}."
                evidence.append({"kind": "rule", "licence": gid, "title": gl.title,
                                 "citation": gl.citation})
                break
        return Finding(
            rule_id=rule.id, regime=rule.regime, effect=effect, title=rule.title,
            instrument=rule.instrument, article=rule.article, citation=rule.citation,
            confidence=rule.confidence, lifted_by=rule.lifted_by, text=text,
            evidence=evidence, party=party.id if party else None, kind=rule.kind,
            licence=licence, notes=notes,
        )

    def assess_all(self, deals: Iterable[Deal], ctx: EvaluationContext,
                   regimes: Iterable[str] | None = None) -> list[DealVerdict]:
        regs = tuple(regimes or REGIMES)
        return [self.assess(d, ctx, regs) for d in deals]


def _path_evidence(path: Any, status: Any, rule: Any, regime: str) -> dict[str, Any]:
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value)
    return value

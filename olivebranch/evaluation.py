"""Rule evaluation: from a deal's facts and its parties' standing to findings with evidence.

Pure functions of (deal, context, regime, facts, statuses): the verdict engine supplies the
statuses (party resolution, listings, ownership); this module applies the rule packs' conditions
and gathers the evidence each fired fact points at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from olivebranch.context import EFFECTS, EvaluationContext, GeneralLicence, Phase, Rule, strongest
from olivebranch.deals.models import Deal, Party
from olivebranch.facts import FactView, party_facts, regime_facts
from olivebranch.findings import Finding, RegimeVerdict
from olivebranch.nexus import HOST_SIDE_ROLES, NexusHit, party_persons
from olivebranch.rules import conditions
from olivebranch.standing import PartyStatus

STATUS_FACTS = frozenset({"party.listed", "party.owned_by_listed", "party.blocked",
                          "party.programs", "party.match", "party.possibly_owned",
                          "parties.any_blocked", "parties.any_listed", "party.delisted",
                          "party.owners_known"})
SECTORAL_FACTS = frozenset({"party.sectoral", "party.ssi_directives", "parties.any_sectoral",
                            "parties.ssi_directives"})
GROUP_FACTS = frozenset({"party.group", "parties.groups"})
ONE_DAY = timedelta(days=1)


def evaluate_regime(deal: Deal, ctx: EvaluationContext, regime: str,
                    base: Mapping[str, Any], statuses: Mapping[str, PartyStatus],
                    nexus: Mapping[str, Sequence[NexusHit]] | None = None,
                    parties: Sequence[Party] | None = None) -> RegimeVerdict:
    """Every rule of ``regime`` in force in ``ctx`` against the deal's facts (party rules once
    per party), the findings sorted strongest first. Pure.

    ``nexus`` (the regime's nexus kinds the deal has, ``olivebranch.nexus``): a rule that names
    nexus kinds fires only with one of them; exposure rules fire without nexus as ``exposure``
    findings (effect ``risk``). None: no nexus filter (tools that evaluate rules alone)."""
    parties = [p for p in (parties if parties is not None else deal.parties) if p.id in statuses]
    rf = regime_facts(statuses)
    present = set(nexus) if nexus is not None else None
    findings: list[Finding] = []
    checked: list[str] = []
    suppressed: list[Rule] = []
    obligations: list[Rule] = []
    pf: dict[str, dict[str, Any]] = {}  # each party's facts, built once per regime evaluation
    for rule in sorted(ctx.active_rules(regime), key=lambda r: r.id):
        checked.append(rule.id)
        if rule.obligation:
            obligations.append(rule)
            continue
        if present is not None and rule.nexus and not rule.exposure \
                and not set(rule.nexus) & present:
            suppressed.append(rule)
            continue
        findings.extend(_rule_findings(rule, deal, ctx, base, rf, statuses, parties, nexus, pf))
    if obligations and suppressed and _has_parent(deal):
        # EU Art. 8a: the subsidiary is not reached, its parent must use best efforts
        bound = [f for r in suppressed
                 for f in _rule_findings(r, deal, ctx, base, rf, statuses, parties, None)
                 if EFFECTS.index(f.effect) > EFFECTS.index("risk")]
        if bound:
            for rule in obligations:
                for f in _rule_findings(rule, deal, ctx, base, rf, statuses, parties, None):
                    f.evidence.append({"kind": "obligation", "would_bind": sorted(
                        {b.rule_id for b in bound}), "text": "The acting subsidiary is not a "
                        "person of the regime; the rules it would break if it were are listed."})
                    findings.append(f)
    findings.sort(key=lambda f: (-EFFECTS.index(f.effect), f.rule_id, f.party or ""))
    verdict = strongest([f.effect for f in findings])
    out = RegimeVerdict(regime, verdict, findings, checked)
    if nexus is not None:
        out.nexus = {k: [h.to_dict() for h in hits] for k, hits in nexus.items()}
    if verdict == "clear":
        out.clear_reason = _clear_reason(deal, ctx, base, rf, statuses, parties, findings,
                                         suppressed, pf)
    return out


_READS: dict[str, tuple[Any, bool, bool]] = {}


def _reads(rule: Rule) -> tuple[bool, bool]:
    """(reads party facts, reads status facts), memoised per rule object."""
    hit = _READS.get(rule.id)
    if hit is None or hit[0] is not rule.condition:
        used = conditions.facts_used(rule.condition)
        hit = (rule.condition, any(f.startswith("party.") for f in used),
               bool(used & (STATUS_FACTS | SECTORAL_FACTS)))
        _READS[rule.id] = hit
    return hit[1], hit[2]


def _reads_party(rule: Rule) -> bool:
    return _reads(rule)[0]


def _has_parent(deal: Deal) -> bool:
    acting = {p.id for p in deal.parties if p.role not in HOST_SIDE_ROLES}
    return any(s.in_ in acting and s.holder not in acting for s in deal.stakes)


def _rule_findings(rule: Rule, deal: Deal, ctx: EvaluationContext, base: Mapping[str, Any],
                   rf: Mapping[str, Any], statuses: Mapping[str, PartyStatus],
                   parties: Sequence[Party], nexus: Mapping[str, Sequence[NexusHit]] | None,
                   pf: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    out: list[Finding] = []
    if _reads_party(rule):
        for party in parties:
            st = statuses[party.id]
            facts = pf.get(party.id) if pf is not None else None
            if facts is None:
                facts = party_facts(party, deal, st)
                if pf is not None:
                    pf[party.id] = facts
            view = FactView(facts, rf, base)
            hit = fire(rule, view, ctx)
            if hit is not None:
                out.append(finding(rule, hit, view, ctx, party, st, statuses, deal, nexus))
    else:
        view = FactView(rf, base)
        hit = fire(rule, view, ctx)
        if hit is not None:
            out.append(finding(rule, hit, view, ctx, None, None, statuses, deal, nexus))
    return out


@dataclass
class Firing:
    """How a rule fires on a day: the phase in force, its effect, the fired leaves, notes,
    and the licence that clears or narrows it."""

    outcome: conditions.Outcome
    effect: str
    phase: Phase | None = None
    notes: list[str] = field(default_factory=list)
    licence: GeneralLicence | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def _weaker(a: str, b: str) -> str:
    return a if EFFECTS.index(a) <= EFFECTS.index(b) else b


def rule_licences(rule: Rule, ctx: EvaluationContext) -> list[GeneralLicence]:
    """Licences that can clear or narrow ``rule``'s findings (named by the rule, or naming it)."""
    return [g for g in ctx.general_licences.values()
            if g.regime == rule.regime and (rule.id in g.rules or g.id in rule.licences)]


def fire(rule: Rule, view: FactView, ctx: EvaluationContext) -> Firing | None:
    """Whether ``rule`` fires on ``ctx.as_of`` for the facts in ``view``: the latest phase in
    force whose condition holds (a phase whose condition reads facts the deal does not give
    applies, with the weaker of its and the rule's effect and a note), then licences. A rule
    no phase catches but an exemption or licence covers gives a finding naming it. Pure."""
    day = ctx.as_of
    if not rule.phases:
        # one phase: the rule's own dates and effect (the common, fast case)
        if not rule.in_force(day):
            return None
        outcome = conditions.evaluate(rule.condition, view, rule.params)
        if not outcome.value:
            return None
        return _licensed(rule, Firing(outcome, rule.effect, params=rule.params), view, ctx)
    chosen: Firing | None = None
    undecided: Firing | None = None
    base_hit: Firing | None = None
    for phase in rule.phases_on(day):
        params = {**rule.params, **phase.params}
        outcome = conditions.evaluate(rule.condition, view, params)
        if not outcome.value:
            continue
        if base_hit is None:
            base_hit = Firing(outcome, phase.effect, phase, params=params)
        if phase.when is None:
            chosen = Firing(outcome, phase.effect, phase, params=params)
            break
        w = conditions.evaluate(phase.when, view, params)
        if w.value:
            chosen = Firing(conditions.Outcome(True, outcome.fired + w.fired), phase.effect,
                            phase, params=params)
            break
        missing = conditions.unknown_facts(phase.when, view)
        if missing and undecided is None:
            undecided = Firing(outcome, _weaker(phase.effect, rule.effect), phase, params=params,
                               notes=[f"{', '.join(missing)} not given: treated as covered by "
                                      f"the phase from {phase.from_} (the strictest reading)"])
    if chosen is None:
        chosen = undecided
    if chosen is None:
        # no phase catches it: an exemption the measure itself writes in force may be why
        # (named, with its conditions: e.g. prior authorisation). Only exemptions: a general
        # licence authorises what a rule prohibits, it never creates a finding.
        if base_hit is None:
            return None
        for gl in sorted(rule_licences(rule, ctx), key=lambda g: EFFECTS.index(g.effect)):
            if gl.kind == "exemption" and gl.in_force(day) \
                    and conditions.evaluate(gl.condition, view).value:
                return Firing(base_hit.outcome, gl.effect, base_hit.phase, licence=gl,
                              params=base_hit.params)
        return None
    if chosen.phase is not None and chosen.phase.note:
        chosen.notes.append(f"Phase from {chosen.phase.from_}: {chosen.phase.note}")
    return _licensed(rule, chosen, view, ctx)


def _licensed(rule: Rule, chosen: Firing, view: FactView, ctx: EvaluationContext) -> Firing:
    """The licence in force whose scope covers the finding and weakens it most (named), or a
    note on a licence whose status after its last verified expiry is unknown."""
    day = ctx.as_of
    if rule.verified_until and day > rule.verified_until:
        chosen.notes.append(f"renewal after {rule.verified_until} not verified")
    lic = rule_licences(rule, ctx) if ctx.general_licences else []
    best: GeneralLicence | None = None
    for gl in lic:
        if not gl.in_force(day) or not conditions.evaluate(gl.condition, view).value:
            continue
        if EFFECTS.index(gl.effect) < EFFECTS.index(chosen.effect) and (
                best is None or EFFECTS.index(gl.effect) < EFFECTS.index(best.effect)):
            best = gl
    if best is not None:
        chosen.licence, chosen.effect = best, best.effect
    else:
        for gl in lic:
            if gl.effective_until and day > gl.effective_until and "not verified" in gl.note \
                    and conditions.evaluate(gl.condition, view).value and not any(
                        o.supersedes == gl.id for o in lic):
                chosen.notes.append(f"{gl.title} expired on {gl.effective_until + ONE_DAY} as "
                                    "far as verified; its status after that is not verified")
    return chosen


def _clear_reason(deal: Deal, ctx: EvaluationContext, base: Mapping[str, Any],
                  rf: Mapping[str, Any], statuses: Mapping[str, PartyStatus],
                  parties: Sequence[Party], findings: list[Finding],
                  suppressed: list[Rule], pf: dict[str, dict[str, Any]] | None = None
                  ) -> str | None:
    """Why a deal with a listed (or owned, or sectoral) party is clear under a regime."""
    involved = [s for s in statuses.values()
                if s.listed or s.owned or s.sectoral or s.possibly_owned or s.paths]
    if not involved:
        return None
    licensed = sorted({f.licence for f in findings if f.licence})
    if licensed:
        return f"licence: {', '.join(licensed)}"
    # rules about the listed parties (they read list or ownership status) that nexus held back
    blocked = [r.id for r in suppressed if _reads(r)[1]
               and _rule_findings(r, deal, ctx, base, rf, statuses, parties, None, pf)]
    if blocked:
        return f"no nexus: {', '.join(blocked)} would apply to a person of the regime"
    if any(s.paths and not s.owned for s in involved):
        return "below threshold: listed owners hold less than the ownership rule's threshold"
    return "no rule applies to this activity"


def finding(rule: Rule, hit: Firing, view: FactView, ctx: EvaluationContext,
            party: Party | None, st: PartyStatus | None,
            statuses: Mapping[str, PartyStatus], deal: Deal | None = None,
            nexus: Mapping[str, Sequence[NexusHit]] | None = None) -> Finding:
    """A fired rule as a finding, with the evidence its facts point at, the phase in force,
    the nexus that lets it bind, and the licence (if any) that clears or narrows it."""
    outcome = hit.outcome
    evidence: list[dict[str, Any]] = []
    fired_facts = {f["fact"] for f in outcome.fired}
    if st is not None and fired_facts & STATUS_FACTS:
        if st.match == "ambiguous":
            evidence.extend({**c, "ambiguous": True} for c in st.candidates)
        evidence.extend(e for e in st.entries if e.get("designation") != "sectoral")
        evidence.extend(st.paths)
    if fired_facts & {"parties.any_blocked", "parties.any_listed"}:
        # the listed parties the rule is about (for an exposure: whom the party deals with)
        for s in statuses.values():
            if s.blocked and s is not st:
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
    effect, licence = hit.effect, None
    if hit.licence is not None:
        gl = hit.licence
        licence = gl.id
        if gl.kind == "derogation":
            words = "May be authorised by a competent authority under"
        elif gl.effect == EFFECTS[0]:
            words = "Authorised by"
        else:
            words = "Authorised, on its terms, by"
        text += f" {words} {gl.title}" + (f" ({gl.id})." if gl.id not in gl.title else ".")
        evidence.append({"kind": "licence", "licence": gl.id, "title": gl.title,
                         "number": gl.number, "licence_kind": gl.kind,
                         "issued": gl.effective_from.isoformat() if gl.effective_from else None,
                         "last_day": gl.effective_until.isoformat() if gl.effective_until
                         else None, "authorises": gl.authorises, "citation": gl.citation,
                         "effect": gl.effect})
    exposure = bool(rule.exposure)
    if exposure:
        effect = "risk"
        exposed = [p.name for p in (deal.parties if deal is not None else ())
                   if p.screen and not (statuses.get(p.id) and statuses[p.id].blocked)
                   and not party_persons(p) & _persons(rule.regime)]
        note = (f"Exposure without {rule.regime.upper()} nexus ({rule.exposure})"
                + (f"; exposed: {', '.join(exposed)}" if exposed else "") + ".")
        evidence.append({"kind": "exposure", "text": note, "exposed": exposed})
        text = f"{text} {note}"
    elif nexus is not None and rule.nexus:
        kinds = [k for k in rule.nexus if k in nexus]
        evidence.append({"kind": "nexus", "kinds": kinds,
                         "why": [h.why for k in kinds for h in nexus[k]][:4]})
    if hit.phase is not None and rule.phases:
        evidence.append({"kind": "phase", "from": str(hit.phase.from_ or ""),
                         "until": str(hit.phase.until or ""), "effect": hit.phase.effect,
                         "measure": rule.measure})
    for n in hit.notes:
        evidence.append({"kind": "note", "text": n})
        notes = f"{notes} {n}" if notes else n
    return Finding(
        rule_id=rule.id, regime=rule.regime, effect=effect, title=rule.title,
        instrument=rule.instrument, article=rule.article, citation=rule.citation,
        confidence=rule.confidence, lifted_by=rule.lifted_by, text=text,
        evidence=evidence, party=party.id if party else None, kind=rule.kind,
        licence=licence, notes=notes, exposure=exposure,
    )


def _persons(regime: str) -> frozenset[str]:
    from olivebranch.regimes import registry

    r = registry().regimes.get(regime)
    return r.nexus.persons if r is not None else frozenset()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value)
    return value

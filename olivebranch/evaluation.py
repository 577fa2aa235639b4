"""Rule evaluation: from a deal's facts and its parties' standing to findings with evidence.

Pure functions of (deal, context, regime, facts, statuses): the verdict engine supplies the
statuses (party resolution, listings, ownership); this module applies the rule packs' conditions
and gathers the evidence each fired fact points at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from olivebranch.context import EFFECTS, EvaluationContext, Rule, strongest
from olivebranch.deals.models import Deal, Party
from olivebranch.facts import FactView, party_facts, regime_facts
from olivebranch.findings import Finding, RegimeVerdict
from olivebranch.rules import conditions
from olivebranch.standing import PartyStatus

STATUS_FACTS = frozenset({"party.listed", "party.owned_by_listed", "party.blocked",
                          "party.programs", "party.match", "party.possibly_owned",
                          "parties.any_blocked", "parties.any_listed"})
SECTORAL_FACTS = frozenset({"party.sectoral", "party.ssi_directives", "parties.any_sectoral",
                            "parties.ssi_directives"})
GROUP_FACTS = frozenset({"party.group", "parties.groups"})


def evaluate_regime(deal: Deal, ctx: EvaluationContext, regime: str,
                    base: Mapping[str, Any], statuses: Mapping[str, PartyStatus]
                    ) -> RegimeVerdict:
    """Every rule of ``regime`` in force in ``ctx`` against the deal's facts (party rules once
    per party), the findings sorted strongest first. Pure."""
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
                    findings.append(finding(rule, outcome, view, ctx, party, st,
                                                  statuses))
        else:
            view = FactView(rf, base)
            outcome = conditions.evaluate(rule.condition, view, rule.params)
            if outcome.value:
                findings.append(finding(rule, outcome, view, ctx, None, None,
                                              statuses))
    findings.sort(key=lambda f: (-EFFECTS.index(f.effect), f.rule_id, f.party or ""))
    verdict = strongest([f.effect for f in findings])
    return RegimeVerdict(regime, verdict, findings, checked)

def finding(rule: Rule, outcome: conditions.Outcome, view: FactView, ctx: EvaluationContext,
            party: Party | None, st: PartyStatus | None,
            statuses: Mapping[str, PartyStatus]) -> Finding:
    """A fired rule as a finding, with the evidence its facts point at and the general licence
    (if any) that authorises it on its terms."""
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value)
    return value

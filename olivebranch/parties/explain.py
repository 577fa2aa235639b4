"""Why two records are, or are not, one party — in words an analyst can check.

The explanation gives: each record's party; when they share one, the chain of links that joins
them (each with its rule and reason); the evidence on the pair itself (names, birth dates,
countries, identifiers, references) and the rule it meets or the conflict that rules it out;
a reviewer's judgement on the pair, if any; and, for two parties, the evidence between the two
parties' pooled records.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from olivebranch.parties.evidence import Evidence, evaluate, side_of
from olivebranch.parties.parties import Parties
from olivebranch.parties.records import Record, load_records
from olivebranch.parties.resolve import Link
from olivebranch.parties.rules import REVIEW_NAME, RULES, deterministic, scored
from olivebranch.parties.store import Judgement, PartyStore


@dataclass
class Explanation:
    a: str
    b: str
    party_a: str | None
    party_b: str | None
    path: list[Link] = field(default_factory=list)
    pair: Evidence | None = None
    pair_rule: str | None = None
    parties_evidence: Evidence | None = None
    parties_rule: str | None = None
    judgement: Judgement | None = None
    verdict: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def same_party(self) -> bool:
        return self.party_a is not None and self.party_a == self.party_b

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a, "b": self.b, "party_a": self.party_a, "party_b": self.party_b,
            "same_party": self.same_party, "verdict": self.verdict, "details": self.details,
            "path": [{"left": x.left, "right": x.right, "rule": x.rule, "reason": x.reason}
                     for x in self.path],
            "pair_rule": self.pair_rule,
            "judgement": None if self.judgement is None else {
                "judgement": self.judgement.judgement, "user": self.judgement.user,
                "created_at": self.judgement.created_at, "reason": self.judgement.reason},
        }


def _path(links: list[Link], a: str, b: str) -> list[Link]:
    adj: dict[str, list[Link]] = {}
    for link in links:
        adj.setdefault(link.left, []).append(link)
        adj.setdefault(link.right, []).append(link)
    prev: dict[str, Link | None] = {a: None}
    todo = deque([a])
    while todo:
        cur = todo.popleft()
        if cur == b:
            break
        for link in adj.get(cur, []):
            nxt = link.right if link.left == cur else link.left
            if nxt not in prev:
                prev[nxt] = link
                todo.append(nxt)
    if b not in prev:
        return []
    out: list[Link] = []
    cur = b
    while prev[cur] is not None:
        link = prev[cur]
        assert link is not None
        out.append(link)
        cur = link.right if link.left == cur else link.left
    return list(reversed(out))


def describe(ev: Evidence) -> list[str]:
    """The evidence on a pair, one fact per line."""
    out = [f"names: {ev.name:.2f} — {ev.name_text}" if ev.name_text else
           f"names: {ev.name:.2f}"]
    if ev.schema is None:
        out.append("schema: a person, an organisation and a vessel are never one party")
    if ev.dob != "unknown" or ev.schema == "Person":
        out.append(f"birth date: {ev.dob} ({ev.dob_text})" if ev.dob_text else
                   f"birth date: {ev.dob}")
    for label, value in (("nationality", ev.nationality), ("country", ev.country),
                         ("gender", ev.gender), ("sanctions programme", ev.topics)):
        if value != "unknown":
            out.append(f"{label}: {value}")
    if ev.legal_form:
        out.append("legal form: " + ("same" if ev.legal_form > 0 else "different"))
    if ev.shared_refs:
        out.append("same list reference: " + ", ".join(f"{s} {v}" for s, v in ev.shared_refs))
    if ev.shared_keys:
        out.append("same identifier: " + ", ".join(f"{s} {v}" for s, v in ev.shared_keys))
    if ev.conflicting_refs:
        out.append("different list references: " + ", ".join(ev.conflicting_refs))
    if ev.conflicting_keys:
        out.append("different identifiers: " + ", ".join(ev.conflicting_keys))
    if ev.same_family:
        out.append("both are records of one publisher")
    if ev.related:
        out.append("the lists state a relation between them (owner, linked entity, relative)")
    return out


def explain(parties: Parties, a: str, b: str,
            records: dict[str, Record] | None = None) -> Explanation:
    """Explain records ``a`` and ``b`` against the parties of ``parties``' run."""
    store = parties.store
    if records is None:
        records = load_records(store, version_ids=parties.run.version_ids)
    for rid in (a, b):
        if rid not in records:
            raise KeyError(f"{rid} is not a record of the lists in force")
    ex = Explanation(a, b, parties.party_of(a), parties.party_of(b))
    ps = PartyStore(store)
    ex.judgement = ps.judgement(a, b)
    ra, rb = side_of([records[a]]), side_of([records[b]])
    ex.pair = evaluate(ra, rb)
    rule = deterministic(ex.pair) or scored(ex.pair)
    ex.pair_rule = rule.name if rule else None
    if ex.same_party:
        ids = parties.records(ex.party_a or "")
        links = [x for x in ps.links(parties.run.id, record_ids=ids) if x.applied]
        ex.path = _path([x for x in links if x.left in ids and x.right in ids], a, b)
        ex.verdict = (f"{a} and {b} are one party ({ex.party_a}), joined by "
                      f"{len(ex.path)} link{'s' if len(ex.path) != 1 else ''}: "
                      + ", ".join(x.rule for x in ex.path))
        for x in ex.path:
            ex.details.append(f"{x.left} — {x.right}: {x.rule}: {x.reason}")
    else:
        ga = [records[r] for r in parties.records(ex.party_a or "") if r in records] or \
            [records[a]]
        gb = [records[r] for r in parties.records(ex.party_b or "") if r in records] or \
            [records[b]]
        ex.parties_evidence = evaluate(side_of(ga), side_of(gb))
        prule = deterministic(ex.parties_evidence) or scored(ex.parties_evidence)
        ex.parties_rule = prule.name if prule else None
        ex.verdict = f"{a} and {b} are two parties ({ex.party_a}, {ex.party_b}): " + \
            _why_not(ex)
    if ex.judgement is not None:
        j = ex.judgement
        ex.details.append(f"reviewer: {j.judgement} by {j.user} on {j.created_at[:10]}"
                          + (f" — {j.reason}" if j.reason else ""))
    ex.details.append(f"the pair itself ({a} / {b}):")
    ex.details.extend("  " + line for line in describe(ex.pair))
    ex.details.append("  rule met: " + (f"{ex.pair_rule} — {RULES[ex.pair_rule].description}"
                                        if ex.pair_rule else "none"))
    if ex.parties_evidence is not None:
        ex.details.append("the two parties' records pooled:")
        ex.details.extend("  " + line for line in describe(ex.parties_evidence))
    return ex


def _why_not(ex: Explanation) -> str:
    if ex.judgement is not None and ex.judgement.judgement == "negative":
        return f"a reviewer ({ex.judgement.user}) judged them different"
    ev = ex.parties_evidence or ex.pair
    assert ev is not None
    conflicts = ev.conflicts()
    if conflicts:
        return "they conflict on " + ", ".join(conflicts)
    if ex.parties_rule or ex.pair_rule:
        rule = ex.parties_rule or ex.pair_rule
        return (f"the pair meets {rule}, but the parties could not merge (a reviewer's "
                "negative judgement or a conflict with another record of either party)")
    if ev.same_family:
        return "both are records of one publisher, which lists each party once"
    if ev.name < REVIEW_NAME:
        return f"their names are not close enough ({ev.name:.2f})"
    missing = []
    if ev.schema == "Person" and ev.dob == "unknown":
        missing.append("no birth date on one side")
    if ev.schema != "Person" and ev.country == "unknown":
        missing.append("no country on one side")
    if ev.topics == "disjoint":
        missing.append("listed under unrelated programmes")
    return (f"names are close ({ev.name:.2f}) but no rule is met"
            + (": " + ", ".join(missing) if missing else "") + "; left for review")

"""The link rules, declared as data: what each needs, in the order they are tried.

Every automatic link names the rule that made it. Deterministic rules rest on a publisher's
cross-reference or a shared identifier, checked against the names (a list that copies the
wrong INN onto a record must not merge two companies) and against hard conflicts. Scored rules
rest on the name similarity plus birth date, nationality, country, legal form and programme
topics, and are tuned for precision: a wrong merge makes a clean party look listed, a missed
one leaves two records that screening still finds. Pairs that come close but fail every rule go
to the review queue. ``docs/parties.md`` lists these rules; :func:`rules_table` prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from olivebranch.parties.evidence import Evidence
from olivebranch.parties.identifiers import SCHEMES
from olivebranch.parties.refs import REF_SCHEMES

#: Name similarity (symmetric) from which a near miss goes to the review queue.
REVIEW_NAME = 0.80


@dataclass(frozen=True)
class Rule:
    """One way two records become one party."""

    name: str
    kind: str  # "reviewer", "xref", "identifier", "document", "register", "scored"
    #: Lower numbers are applied first (and win when a pair meets several rules).
    priority: int
    #: Symmetric name similarity required (0 = names not checked).
    min_name: float
    description: str
    check: Callable[[Evidence], bool] = lambda ev: True


def _person(ev: Evidence) -> bool:
    return ev.schema == "Person"


def _org(ev: Evidence) -> bool:
    return ev.schema in ("Company", "Organization", "LegalEntity", "PublicBody")


def _no_person_conflict(ev: Evidence) -> bool:
    return ev.nationality != "disjoint" and ev.gender != "disjoint"


def _doc_dob(ev: Evidence) -> bool:
    # a document number only with the same birth date (day or month; a year with a close name)
    return ev.dob in ("day", "month") or (ev.dob == "year" and ev.name >= 0.85)


XREF_RULES = tuple(
    Rule(f"xref:{scheme}", "xref", 10, 0.55,
         f"both records carry the same {label}; names agree")
    for scheme, label in REF_SCHEMES.items()
)
ID_RULES = tuple(
    Rule(f"id:{s.name}", "identifier", 20, 0.0 if s.name == "imo" else 0.55,
         f"same {s.label}" + ("" if s.name == "imo" else "; names agree")
         + (" (ships are renamed: names not required)" if s.name == "imo" else ""),
         (lambda ev: ev.schema in ("Vessel", None) or ev.name >= 0.55) if s.name == "imo"
         else (lambda ev: True))
    for s in SCHEMES.values() if s.strength == "strong"
)
DOC_RULES = tuple(
    Rule(f"doc:{s.name}", "document", 30, 0.6,
         f"same {s.label} and the same birth date; names agree",
         lambda ev: _person(ev) and _doc_dob(ev) and _no_person_conflict(ev))
    for s in SCHEMES.values() if s.strength == "document"
)
REGISTER_RULES = (
    Rule("id:reg", "register", 40, 0.75,
         "same company register or tax number, similar names, no country conflict",
         lambda ev: ev.country != "disjoint" and ev.legal_form >= 0),
)
SCORED_RULES = (
    Rule("name+dob", "scored", 50, 0.85,
         "a person: similar names and the same full birth date; nationality and gender agree",
         lambda ev: _person(ev) and ev.dob == "day" and _no_person_conflict(ev)),
    Rule("name+dob-year", "scored", 51, 0.93,
         "a person: near-identical names and birth dates that agree to the month or year",
         lambda ev: _person(ev) and ev.dob in ("month", "year") and _no_person_conflict(ev)
         and ev.topics != "disjoint"),
    Rule("name+context", "scored", 52, 0.97,
         "a person without a birth date on one side: the same full name (one of them a main "
         "name) of three words or more and a shared nationality or sanctions programme",
         lambda ev: _person(ev) and ev.dob == "unknown" and ev.words >= 3
         and ev.primary >= 0.97 and _no_person_conflict(ev) and ev.topics != "disjoint"
         and (ev.nationality == "shared" or ev.topics == "shared")),
    Rule("org-name+country", "scored", 53, 0.95,
         "an organisation: near-identical names (one of them a main name), a shared country, "
         "no legal-form conflict",
         lambda ev: _org(ev) and ev.country == "shared" and ev.legal_form >= 0
         and ev.primary >= 0.95 and ev.topics != "disjoint"),
    Rule("org-name+programme", "scored", 54, 0.97,
         "an organisation without a country on one side: near-identical names (one of them a "
         "main name) and a shared sanctions programme",
         lambda ev: _org(ev) and ev.country == "unknown" and ev.legal_form >= 0
         and ev.primary >= 0.97 and ev.topics == "shared"),
)

RULES: dict[str, Rule] = {
    r.name: r for r in (*XREF_RULES, *ID_RULES, *DOC_RULES, *REGISTER_RULES, *SCORED_RULES)
}
REVIEWER = Rule("reviewer", "reviewer", 0, 0.0, "a reviewer's judgement")


@lru_cache(maxsize=64)
def key_rule(scheme: str) -> Rule | None:
    """The deterministic rule of a shared key's scheme."""
    if scheme in REF_SCHEMES:
        return RULES[f"xref:{scheme}"]
    if scheme == "reg":
        return RULES["id:reg"]
    s = SCHEMES.get(scheme)
    if s is None:
        return None
    return RULES[f"doc:{scheme}"] if s.strength == "document" else RULES[f"id:{scheme}"]


def passes(rule: Rule, ev: Evidence) -> bool:
    return ev.name >= rule.min_name and rule.check(ev) and not ev.conflicts()


def deterministic(ev: Evidence) -> Rule | None:
    """The strongest deterministic rule the pair's shared keys and evidence meet."""
    rules = [key_rule(s) for s, _ in (*ev.shared_refs, *ev.shared_keys)]
    for rule in sorted({r for r in rules if r is not None}, key=lambda r: (r.priority, r.name)):
        if passes(rule, ev):
            return rule
    return None


def scored(ev: Evidence) -> Rule | None:
    """The first scored rule the pair meets (never across one publisher's own records)."""
    if ev.same_family:
        return None
    for rule in SCORED_RULES:
        if passes(rule, ev):
            return rule
    return None


def rules_table() -> list[dict[str, object]]:
    """The rules as rows (for docs and ``parties rules``)."""
    return [
        {"rule": r.name, "kind": r.kind, "min_name": r.min_name, "description": r.description}
        for r in sorted(RULES.values(), key=lambda r: (r.priority, r.name))
    ]

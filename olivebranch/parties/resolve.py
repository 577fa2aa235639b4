"""Resolution proper: records + reviewers' judgements -> groups of records that are one party.

In memory and free of storage, so that it can be tested and benchmarked on its own:

1. deterministic links: records sharing a publisher's cross-reference or a strong identifier
   (:mod:`olivebranch.parties.rules`), checked pair by pair;
2. groups are grown by union in rule order (reviewers' positive judgements first), each union
   checked against hard conflicts between the two groups (birth dates, gender, exclusive
   identifiers or references, an explicit relation between them) and against every reviewer's
   negative judgement that spans them: that is how a reviewer's ``negative`` undoes a wrong
   automatic merge;
3. scored links between the groups: candidates from :mod:`olivebranch.parties.blocking`, judged
   by the scored rules on the groups' pooled evidence (an FCDO record without a birth date
   borrows the one of the OFSI record it is cross-referenced with), applied best first with the
   same union checks, never joining two records of one publisher;
4. near misses become suggestions for review.

For an incremental run, pair decisions between groups that did not change are taken from the
previous run instead of being scored again (:class:`Prior`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from olivebranch.parties.blocking import candidate_pairs
from olivebranch.parties.evidence import (
    Evidence,
    Side,
    common_schema,
    evaluate,
    merge_sides,
    side_of,
)
from olivebranch.parties.records import Record
from olivebranch.parties.rules import REVIEW_NAME, RULES, deterministic, key_rule, scored

#: A key shared by more records than this is not an identifier of one party (a placeholder
#: number, a parser error); it links nothing.
MAX_KEY_GROUP = 30
#: Candidate groups whose closest names share less than this share of their words (consonant
#: skeletons) are not scored: no rule could link them.
MIN_SHARE = 0.7

POSITIVE, NEGATIVE, UNSURE, NO_JUDGEMENT = "positive", "negative", "unsure", "no_judgement"


@dataclass(frozen=True)
class Judged:
    """A reviewer's (or an imported) judgement on a pair of records."""

    left: str
    right: str
    judgement: str
    user: str = ""
    reason: str = ""
    created_at: str = ""


@dataclass
class Link:
    """An automatic decision on a pair of records (for scored links: two groups, each named
    by one of its records)."""

    left: str
    right: str
    rule: str
    judgement: str
    score: float | None
    reason: str
    #: For scored links and suggestions: the records of each group when it was decided.
    left_group: tuple[str, ...] = ()
    right_group: tuple[str, ...] = ()
    #: Whether the link joined two groups (a link between records already in one group is
    #: kept as a decision, for incremental runs and explanations, but adds nothing).
    applied: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return pair_key(self.left, self.right)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass
class Prior:
    """What an incremental run reuses from the previous run: its decisions on pairs of records
    sharing a key, its scored links and suggestions between groups, the deterministic groups it
    scored, and the records whose evidence changed since (new, changed or removed). Decisions
    touching a changed record, or a group that is not exactly as it was, are made again."""

    deterministic: list[Link]
    scored: list[Link]
    groups: set[tuple[str, ...]]
    changed: set[str]


@dataclass
class Resolution:
    """The outcome: groups of record ids, the links that made them, the review queue."""

    groups: list[list[str]]
    links: list[Link]
    suggestions: list[Link]
    blocked: list[Link]
    #: Deterministic groups (before scored links), each a sorted tuple of record ids.
    blocks: list[tuple[str, ...]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    compared: int = 0

    def group_of(self) -> dict[str, int]:
        return {rid: i for i, g in enumerate(self.groups) for rid in g}


class _Groups:
    """Union-find over records with each group's pooled evidence and reviewers' negatives."""

    def __init__(self, records: dict[str, Record], negatives: Iterable[Judged]) -> None:
        self.records = records
        self.parent: dict[str, str] = {rid: rid for rid in records}
        self.members: dict[str, list[str]] = {rid: [rid] for rid in records}
        self._sides: dict[str, Side] = {}
        self.neg: dict[str, set[str]] = {}
        for j in negatives:
            self.neg.setdefault(j.left, set()).add(j.right)
            self.neg.setdefault(j.right, set()).add(j.left)

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def side(self, root: str) -> Side:
        s = self._sides.get(root)
        if s is None:
            s = side_of(self.records[r] for r in self.members[root])
            self._sides[root] = s
        return s

    def reviewer_block(self, ra: str, rb: str) -> str | None:
        small, big = (ra, rb) if len(self.members[ra]) <= len(self.members[rb]) else (rb, ra)
        for m in self.members[small]:
            for other in self.neg.get(m, ()):
                if other in self.parent and self.find(other) == big:
                    return f"reviewer judged {m} and {other} different"
        return None

    def check(self, ra: str, rb: str, *, scored_link: bool) -> str | None:
        """Why groups ``ra`` and ``rb`` may not merge (``None``: they may)."""
        if (why := self.reviewer_block(ra, rb)) is not None:
            return why
        a, b = self.side(ra), self.side(rb)
        ev = evaluate(a, b, names=False)
        conflicts = ev.conflicts()
        if conflicts:
            return "conflict: " + ", ".join(conflicts)
        if scored_link and a.families & b.families:
            return "both groups hold records of " + ", ".join(sorted(a.families & b.families))
        return None

    def union(self, ra: str, rb: str) -> str:
        sa, sb = self._sides.pop(ra, None), self._sides.pop(rb, None)
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        if sa is not None and sb is not None:
            self._sides[ra] = merge_sides(sa, sb)
        return ra

    def groups(self) -> list[list[str]]:
        return [sorted(m) for m in self.members.values()]


def _key_pairs(records: dict[str, Record]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    by_key: dict[tuple[str, str], list[str]] = {}
    for r in records.values():
        for k in r.refs | r.ids:
            if key_rule(k[0]) is not None:
                by_key.setdefault(k, []).append(r.id)
    pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for k, ids in by_key.items():
        if len(ids) < 2 or len(ids) > MAX_KEY_GROUP:
            continue
        ids.sort()
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs.setdefault((a, b), set()).add(k)
    return pairs


def resolve(
    records: dict[str, Record],
    judgements: Iterable[Judged] = (),
    *,
    prior: Prior | None = None,
    progress: Callable[[str], None] | None = None,
    keys: bool = True,
) -> Resolution:
    """Group ``records`` into parties; see the module doc. ``keys=False`` leaves out the
    deterministic links (references and identifiers): the bench uses it to measure the scored
    rules on pairs labelled by those keys."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    judged = [j for j in judgements if j.left in records and j.right in records
              and j.left != j.right]
    positives = [j for j in judged if j.judgement == POSITIVE]
    negatives = [j for j in judged if j.judgement == NEGATIVE]
    groups = _Groups(records, negatives)
    links: list[Link] = []
    blocked: list[Link] = []
    counts: Counter[str] = Counter()
    record_sides: dict[str, Side] = {}

    def rside(rid: str) -> Side:
        s = record_sides.get(rid)
        if s is None:
            s = record_sides[rid] = side_of([records[rid]])
        return s

    # 1. reviewers' positive judgements (only a reviewer's negative stops them)
    for j in sorted(positives, key=lambda j: (j.created_at, j.left, j.right)):
        ra, rb = groups.find(j.left), groups.find(j.right)
        if ra == rb:
            continue
        if (why := groups.reviewer_block(ra, rb)) is not None:
            blocked.append(Link(j.left, j.right, "reviewer", NO_JUDGEMENT, None, why))
            continue
        if common_schema(groups.side(ra).schema, groups.side(rb).schema) is None:
            blocked.append(Link(j.left, j.right, "reviewer", NO_JUDGEMENT, None,
                                "a person, an organisation and a vessel cannot be one party"))
            continue
        groups.union(ra, rb)
        links.append(Link(j.left, j.right, "reviewer", POSITIVE, None,
                          j.reason or f"judged by {j.user}", applied=True))
        counts["reviewer"] += 1

    # 2. deterministic links on shared references and identifiers
    say("deterministic links")
    reuse_det: dict[tuple[str, str], Link] = {}
    if prior is not None:
        reuse_det = {link.key: link for link in prior.deterministic
                     if link.left not in prior.changed and link.right not in prior.changed}
    candidates: list[tuple[int, float, str, str, str, str]] = []
    compared = 0
    for (a, b), shared_keys in (_key_pairs(records) if keys else {}).items():
        # pairs a reviewer judged are decided too (kept for later runs): the union check
        # below enforces the reviewer's negative
        old = reuse_det.get((a, b))
        if old is not None:
            if old.judgement == POSITIVE or old.rule in RULES:
                candidates.append((RULES[old.rule].priority, -(old.score or 0.0), a, b,
                                   old.rule, old.reason.split("; not merged:")[0]))
            else:
                blocked.append(Link(a, b, old.rule, NO_JUDGEMENT, old.score, old.reason))
            continue
        compared += 1
        ev = evaluate(rside(a), rside(b), primary=False)
        rule = deterministic(ev)
        if rule is None:
            kinds = ", ".join(sorted({f"{s}:{v}" for s, v in shared_keys}))
            why = ev.conflicts()
            reason = (f"share {kinds} but " + (
                "conflict: " + ", ".join(why) if why else f"names differ ({ev.name:.2f})"))
            blocked.append(Link(a, b, "blocked", NO_JUDGEMENT, round(ev.name, 4), reason))
            continue
        shared = [f"{s} {v}" for s, v in (*ev.shared_refs, *ev.shared_keys)]
        reason = f"{rule.description}: {', '.join(shared)}; names {ev.name:.2f}"
        candidates.append((rule.priority, -ev.name, a, b, rule.name, reason))
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    for _prio, neg_name, a, b, rule_name, reason in candidates:
        link = Link(a, b, rule_name, POSITIVE, round(-neg_name, 4), reason)
        links.append(link)
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        why = groups.check(ra, rb, scored_link=False)
        if why is not None:
            links.pop()
            blocked.append(Link(a, b, rule_name, NO_JUDGEMENT, link.score,
                                f"{reason}; not merged: {why}"))
            continue
        groups.union(ra, rb)
        link.applied = True
        counts[rule_name] += 1
    t1 = time.perf_counter()

    # 3. scored links between groups
    say("candidate pairs")
    roots = sorted(groups.members)
    sides = [groups.side(r) for r in roots]
    blocks = [s.ids for s in sides]
    dirty: set[int] | None = None
    proposals: list[tuple[int, float, int, int, str, str]] = []
    suggestions: list[Link] = []
    if prior is not None:
        # groups exactly as they were, of records that did not change, keep their decisions
        dirty = {i for i, s in enumerate(sides)
                 if s.ids not in prior.groups or set(s.ids) & prior.changed}
        index = {s.ids: i for i, s in enumerate(sides)}
        for old in prior.scored:
            i, j = index.get(tuple(old.left_group)), index.get(tuple(old.right_group))
            if i is None or j is None or i in dirty or j in dirty:
                continue
            if old.rule in RULES:  # a link (or a link whose union was refused: try again)
                proposals.append((RULES[old.rule].priority, -(old.score or 0.0), i, j,
                                  old.rule, old.reason.split("; not merged:")[0]))
            else:
                suggestions.append(old)
    pairs = candidate_pairs(sides, dirty=dirty) if dirty is None or dirty else set()
    t2 = time.perf_counter()
    say(f"scoring {len(pairs)} candidate pairs")
    for i, j in sorted(pairs):
        a, b = sides[i], sides[j]
        compared += 1
        ev = evaluate(a, b, floor=REVIEW_NAME, min_share=MIN_SHARE)
        if ev.name < REVIEW_NAME:
            continue
        rule = scored(ev)
        if rule is not None:
            proposals.append((rule.priority, -ev.name, i, j, rule.name,
                              _scored_reason(rule, ev)))
        elif not ev.conflicts() and not ev.same_family:
            suggestions.append(Link(a.ids[0], b.ids[0], "review", NO_JUDGEMENT,
                                    round(ev.name, 4), _near_miss(ev), a.ids, b.ids))
    t3 = time.perf_counter()
    proposals.sort(key=lambda p: (p[0], p[1], sides[p[2]].ids, sides[p[3]].ids))
    for _prio, neg_name, i, j, rule_name, reason in proposals:
        a, b = sides[i], sides[j]
        ra, rb = groups.find(a.ids[0]), groups.find(b.ids[0])
        link = Link(a.ids[0], b.ids[0], rule_name, POSITIVE, round(-neg_name, 4), reason,
                    a.ids, b.ids)
        if ra == rb:
            links.append(link)
            continue
        why = groups.check(ra, rb, scored_link=True)
        if why is not None:
            link.judgement = NO_JUDGEMENT
            link.reason = f"{reason}; not merged: {why}"
            suggestions.append(link)
            continue
        groups.union(ra, rb)
        link.applied = True
        links.append(link)
        counts[rule_name] += 1
    final = groups.groups()
    where = {rid: i for i, g in enumerate(final) for rid in g}
    suggestions = [s for s in suggestions if where[s.left] != where[s.right]]
    t4 = time.perf_counter()
    return Resolution(
        groups=final,
        links=links,
        suggestions=suggestions,
        blocked=blocked,
        blocks=blocks,
        counts=counts,
        seconds={"deterministic": t1 - t0, "blocking": t2 - t1, "scoring": t3 - t2,
                 "clustering": t4 - t3},
        compared=compared,
    )


def _scored_reason(rule: object, ev: Evidence) -> str:
    parts = [f"names {ev.name:.2f} ({ev.name_text})"]
    if ev.dob != "unknown":
        parts.append(ev.dob_text)
    for label, value in (("country", ev.country), ("nationality", ev.nationality),
                         ("programme", ev.topics)):
        if value == "shared":
            parts.append(f"{label} shared")
    if ev.legal_form > 0:
        parts.append("legal form shared")
    return "; ".join(parts)


def _near_miss(ev: Evidence) -> str:
    parts = [f"names {ev.name:.2f} ({ev.name_text})"]
    if ev.dob != "unknown":
        parts.append(ev.dob_text)
    else:
        parts.append("no birth date to compare" if ev.schema == "Person" else "")
    for label, value in (("country", ev.country), ("nationality", ev.nationality),
                         ("programme", ev.topics)):
        if value != "unknown":
            parts.append(f"{label} {value}")
    return "; ".join(p for p in parts if p)

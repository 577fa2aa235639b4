"""Judgements out and in, as nomenklatura resolver JSON lines (see :mod:`.judgements`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from olivebranch.parties.judgements import (
    AUTO_USER,
    NO_JUDGEMENT,
    POSITIVE,
    Edge,
    pairs_from_edges,
    read_lines,
)
from olivebranch.parties.parties import Parties
from olivebranch.parties.store import PartyStore
from olivebranch.store import Store


def judgement_edges(store: Store, parties: Parties | None = None) -> Iterator[Edge]:
    """Reviewers' judgements (record/record), then, with ``parties``, one positive edge from
    each record of a party of several records to the party id, its ``user`` naming the rule
    (``olivebranch/auto:name+dob``) or the reviewer that linked it."""
    ps = PartyStore(store)
    for j in ps.judgements():
        yield Edge(j.target, j.source, j.judgement, j.score, j.user, j.created_at)
    if parties is None:
        return
    created = parties.run.started_at.isoformat()[:28]
    rule_of: dict[str, str] = {}
    for link in ps.links(parties.run.id, judgement=POSITIVE):
        if link.applied:
            for rid in (link.left, link.right):
                rule_of.setdefault(rid, link.rule)
    for pid in parties.parties():
        ids = parties.records(pid)
        if len(ids) < 2:
            continue
        for rid in ids:
            rule = rule_of.get(rid, "link")
            user = AUTO_USER + ":" + rule
            yield Edge.make(rid, pid, POSITIVE, user=user, created_at=created)


def judgement_lines(store: Store, parties: Parties | None = None) -> Iterator[str]:
    for edge in judgement_edges(store, parties):
        yield edge.to_line()


def import_judgements(store: Store, lines: Iterable[str], *, default_user: str,
                      name: str = "judgements") -> int:
    """Store the judgements of nomenklatura JSON lines as reviewers' judgements; our own
    automatic edges (``olivebranch/auto:…``) and suggestions are skipped. Validates every line
    before storing any. Returns the number stored."""
    edges = [e for e in read_lines(lines, name=name)
             if e.judgement != NO_JUDGEMENT and not (e.user or "").startswith(AUTO_USER)]
    ps = PartyStore(store)
    n = 0
    for e in pairs_from_edges(edges):
        ps.decide(e.target, e.source, e.judgement, user=e.user or default_user,
                  reason=f"imported from {name}", score=e.score,
                  created_at=e.created_at or None)
        n += 1
    return n

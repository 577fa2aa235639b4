"""Party resolution: which listed records a deal's party may be, found by the screening matcher.

The answer depends on the party (name, aliases, kind, jurisdiction, identifiers, cleared
records) and on the screening index of the lists in force, never on a scenario, so it is
computed once per party and index and shared by every regime and scenario.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from olivebranch.deals.models import Party

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex

#: two list candidates closer than this (in score) cannot be told apart without a pin
AMBIGUITY_MARGIN = 0.03
#: list entries from other sources count for the same party only this close to the best match
CROSS_SOURCE_MARGIN = 0.1
#: candidates asked of the matcher per party
LIMIT = 10


@dataclass(frozen=True)
class Candidate:
    """A listed record the party may be, with the matcher's score and explanation."""

    entity_id: str
    caption: str
    score: float
    sources: tuple[str, ...]
    source_ids: tuple[str, ...]
    programs: tuple[str, ...]
    explanation: str


def schema_of(party: Party) -> str:
    """The FollowTheMoney schema a party is screened as."""
    return {"person": "Person", "vessel": "Vessel", "company": "Company"}.get(
        party.kind, "Organization")


def party_key(party: Party) -> tuple:
    """What a party's resolution depends on."""
    return (party.name, tuple(party.aliases), party.kind, party.jurisdiction,
            tuple(party.identifiers), tuple(party.cleared))


class PartyMatcher:
    """Resolves parties against one screening index, remembering each answer."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self._cache: dict[tuple, tuple[Candidate, ...]] = {}
        self._lock = threading.Lock()

    def resolve(self, party: Party) -> tuple[Candidate, ...]:
        """Candidates above the match threshold, best first; none for an unscreened party
        (the host state) or for records the deal file cleared as false positives."""
        key = party_key(party)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if not party.screen:
            out: tuple[Candidate, ...] = ()
        else:
            from olivebranch.match import Query

            query = Query(
                name=[party.name, *party.aliases], schema=schema_of(party),
                countries=[party.jurisdiction], identifiers=list(party.identifiers),
            )
            # a cleared record clears its whole listed party (its records on other lists),
            # as a reviewer's false-positive decision does (olivebranch.reviews)
            cleared = {rid for c in party.cleared for rid in self.index.party_records(c)}
            out = tuple(
                Candidate(r.entity_id, r.caption, round(float(r.score), 4), tuple(r.sources),
                          tuple(r.source_ids), tuple(r.programs), r.explanation)
                for r in self.index.search(query, limit=LIMIT)
                if r.match and r.entity_id not in cleared
            )
        with self._lock:
            self._cache[key] = out
        return out

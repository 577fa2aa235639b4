"""Screening results by party: one result per real person, company or vessel.

The same party is listed by OFAC, the EU, the UK, the UN, Australia and Canada, each under its
own record; a screening that lists each record separately shows six rows for Igor Sechin and
pushes other candidates out of the first five. :class:`PartyMatch` is one party found for a
query: the best-matching record's name, score and explanation, with every record of the party
and each of their listings (source, programme, record number, listing date). It is a
:class:`~olivebranch.match.model.MatchResult` (of its best record, with the sources, record
numbers, programmes and datasets of all records), so every consumer of results reads it as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from olivebranch.match.model import MatchResult


@dataclass
class PartyMatch(MatchResult):
    """One party found for a query (see module doc)."""

    party_id: str = ""
    #: every record of the party, best-scoring first (each its own MatchResult)
    records: list[MatchResult] = field(default_factory=list)
    #: each listing of each record: entity_id, source, source_id, program, listing_date
    listings: list[dict[str, Any]] = field(default_factory=list)
    #: a reviewer's decision covering this hit (``olivebranch.reviews``), once applied
    review: Any = None

    @property
    def record_ids(self) -> list[str]:
        return [r.entity_id for r in self.records]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(party_id=self.party_id, records=self.record_ids, listings=self.listings,
                   record_scores={r.entity_id: round(r.score, 4) for r in self.records})
        if self.review is not None:
            out["review"] = self.review.to_dict()
        return out

    @classmethod
    def of(cls, party_id: str, records: Sequence[MatchResult],
           listings: Sequence[dict[str, Any]] = ()) -> PartyMatch:
        """The party of ``records`` (best first), its fields those of the best record with the
        sources, record numbers, programmes and datasets of all of them; its ``entity`` the
        records' FtM properties merged (the best record's id and schema)."""
        best = records[0]
        merged: dict[str, list[Any]] = {}
        for r in records:
            for prop, values in (r.entity.get("properties") or {}).items():
                have = merged.setdefault(prop, [])
                have.extend(v for v in values if v not in have)
        entity = {**best.entity, "properties": merged}
        return cls(
            entity_id=best.entity_id, caption=best.caption, schema=best.schema,
            score=best.score, match=best.match,
            sources=_union(r.sources for r in records),
            source_ids=_union(r.source_ids for r in records),
            programs=_union(r.programs for r in records),
            datasets=_union(r.datasets for r in records),
            features=best.features, explanation=best.explanation, entity=entity,
            party_id=party_id, records=list(records), listings=list(listings),
        )


def _union(groups: Any) -> list[str]:
    out: dict[str, None] = {}
    for g in groups:
        out.update(dict.fromkeys(g))
    return list(out)


__all__ = ["PartyMatch"]

"""From the match engine's results to yente-shaped JSON, fast.

The hot path (``/match``) builds plain dicts and serialises them with orjson; the pydantic
models in ``models.py`` describe the same shapes for the OpenAPI document and are checked
against real responses in the tests. Designations per entity come from a map built once per
index (``Lookup``), so answering a query touches no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from followthemoney import model

from olivebranch.match import DEFAULT_THRESHOLD, MatchIndex, MatchResult, Query
from olivebranch.match.score import MATCHABLE
from olivebranch.store import Store

DEFAULT_DATASET = "default"
#: yente's collection names for "every list" (``/match/sanctions`` as OpenSanctions serves it)
ALL_DATASETS = (DEFAULT_DATASET, "sanctions")
ALGORITHM = "olivebranch-v1"
#: yente algorithm names a client may send; they are all served by olivebranch's scorer.
ALGORITHM_ALIASES = ("best", "default", "logic-v1", "logic-v2", "regression-v1", "name-based",
                     "name-qualified", "ofac")
#: How many scored candidates the engine considers per query (see match.index.CANDIDATES).
POOL = 40


class BadQuery(ValueError):
    """A query the caller can fix (unknown schema, no name, unknown property)."""


@dataclass
class Lookup:
    """Per-index facts the responses need: designations per entity, publication dates."""

    designations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    published: dict[str, datetime] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    #: where reviewers' decisions are read (``olivebranch.reviews``)
    store: Store | None = None

    @classmethod
    def build(cls, store: Store) -> Lookup:
        from olivebranch.lists import registry

        versions = store.active_versions()
        out = cls(store=store)
        reg = registry()
        for v in versions:
            when = v.published
            out.published[v.source] = (
                datetime.combine(when, time()) if when else v.imported_at.replace(tzinfo=None)
            )
            spec = reg.get(v.source)
            out.titles[v.source] = spec.title if spec else v.source
        for d in store.designations(version_ids=[v.id for v in versions]):
            out.designations.setdefault(d.entity_id, []).append(
                {
                    "source": d.source,
                    "regime": d.regime,
                    "authority": d.authority,
                    "program": d.program,
                    "source_id": d.source_id,
                    "listing_date": d.listing_date,
                }
            )
        return out

    def last_seen(self, datasets: Iterable[str]) -> str | None:
        dates = [self.published[d] for d in datasets if d in self.published]
        return max(dates).isoformat() if dates else None


def resolve_algorithm(name: str | None) -> str:
    if not name or name == ALGORITHM or name in ALGORITHM_ALIASES:
        return ALGORITHM
    raise BadQuery(
        f"unknown algorithm {name!r}; this server scores with {ALGORITHM!r} "
        f"(also accepted: {', '.join(ALGORITHM_ALIASES)})"
    )


def check_dataset(dataset: str, lookup: Lookup) -> None:
    """Raise KeyError for a dataset name the server does not hold."""
    if dataset not in ALL_DATASETS and dataset not in lookup.published:
        raise KeyError(dataset)


def make_query(schema: str, properties: Mapping[str, list[str]]) -> Query:
    """A match-engine query from a yente-style example, or ``BadQuery`` saying what is wrong."""
    sch = model.get(schema)
    if sch is None:
        raise BadQuery(f"unknown schema {schema!r}; use an FtM schema such as Person, Company, "
                       "Organization, LegalEntity or Vessel")
    if not any(sch.is_a(m) for m in MATCHABLE) and sch.name not in ("Thing", "LegalEntity"):
        raise BadQuery(f"schema {schema!r} cannot be screened; use one of {', '.join(MATCHABLE)}")
    unknown = [p for p in properties if p not in sch.properties]
    if unknown:
        raise BadQuery(f"{', '.join(sorted(unknown))}: not a property of {sch.name}")
    query = Query.from_properties(sch.name, properties)
    if not query.names and not query.identifiers:
        raise BadQuery("a query needs at least one name (or an identifier such as innCode)")
    return query


def _features(result: MatchResult) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    features: dict[str, float] = {}
    explanations: dict[str, dict[str, Any]] = {}
    for f in result.features:
        if f.name in features:
            features[f.name] = round(features[f.name] + f.value, 4)
            prev = explanations[f.name]
            prev["score"] = features[f.name]
            prev["detail"] = f"{prev['detail']}; {f.text}" if prev["detail"] else f.text
        else:
            features[f.name] = round(f.value, 4)
            explanations[f.name] = {"score": features[f.name], "detail": f.text,
                                    "query": None, "candidate": None}
    return features, explanations


def party_ids(result: MatchResult) -> tuple[str, list[str]]:
    """(id, referents) of a result as yente gives a merged entity: the party id (``NK-…``)
    and its record ids; a party of one record is that record (its id, no referents)."""
    records = [r.entity_id for r in getattr(result, "records", ())] or [result.entity_id]
    if len(records) == 1:
        return records[0], []
    return getattr(result, "party_id", "") or result.entity_id, records


def merged_designations(lookup: Lookup, records: Iterable[str]) -> list[dict[str, Any]]:
    """The designations of every record, each with its record id."""
    return [{**d, "entity_id": rid} for rid in records for d in lookup.designations.get(rid, [])]


def scored_entity(result: MatchResult, lookup: Lookup, threshold: float) -> dict[str, Any]:
    """One result in yente's ``ScoredEntityResponse`` shape (plus olivebranch's extras): the
    merged party, its record ids as ``referents``, the lists of all of them as ``datasets``."""
    features, explanations = _features(result)
    eid, referents = party_ids(result)
    review = getattr(result, "review", None)
    out = {
        "id": eid,
        "caption": result.caption,
        "schema": result.schema,
        "properties": result.entity.get("properties", {}),
        "datasets": result.datasets,
        "referents": referents,
        "target": True,
        "first_seen": None,
        "last_seen": lookup.last_seen(result.datasets),
        "last_change": None,
        "designations": merged_designations(lookup, referents or [result.entity_id]),
        "score": round(result.score, 4),
        # a hit a reviewer cleared is still returned, but not as a match (see "review")
        "match": result.score >= threshold and not (review is not None and review.suppressed),
        "features": features,
        "explanations": explanations,
        "explanation": [f.text for f in result.features if f.text],
    }
    if review is not None:
        out["review"] = review.to_dict()
    return out


def apply_reviews(lookup: Lookup, batch: list[tuple[Query, list[MatchResult]]]
                  ) -> list[list[MatchResult]]:
    """Reviewers' decisions on the queries' names, applied to their results (one database
    query for the whole batch; see ``olivebranch.reviews``)."""
    if lookup.store is None or not batch:
        return [results for _q, results in batch]
    from olivebranch.reviews import Reviews, annotate, subject_of

    subjects = [[subject_of(name=n) for n in q.names if n.strip()] for q, _r in batch]
    try:
        reviews = Reviews(lookup.store).for_subjects(s for ss in subjects for s in ss)
    except Exception:  # noqa: BLE001 - a store without the reviews table: nothing to apply
        reviews = []
    if not reviews:
        return [results for _q, results in batch]
    out = []
    for mine, (_q, results) in zip(subjects, batch, strict=True):
        keys = {s for _k, s in mine}
        out.append(annotate(results, [r for r in reviews if r.subject in keys]))  # type: ignore[arg-type]
    return out


def run_query(
    index: MatchIndex,
    query: Query,
    *,
    dataset: str = DEFAULT_DATASET,
    limit: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    cutoff: float | None = None,
) -> list[MatchResult]:
    """Ranked parties (one result each, see ``olivebranch.match.grouped``) at or above
    ``cutoff`` (default: the threshold), from ``dataset`` only."""
    floor = threshold if cutoff is None else min(cutoff, threshold)
    floor = max(floor, 1e-6)
    if dataset in ALL_DATASETS:
        return list(index.search_parties(query, limit=limit, threshold=floor)[:limit])
    pool = index.search_parties(query, limit=max(POOL, limit), threshold=floor)
    return [r for r in pool if dataset in r.datasets][:limit]


def query_echo(schema: str, properties: Mapping[str, list[str]], qid: str | None) -> dict[str, Any]:
    return {"id": qid, "schema": schema, "properties": dict(properties)}



"""What a screening answer records: the question and a compact, checkable summary of the answer.

Inputs: the endpoint, the query as the caller sent it (schema and properties), the dataset,
``limit``, ``threshold``, ``cutoff``, the algorithm, and the list versions the index answered
from (id, source, file hash). Result: the SHA-256 of the response body the caller received (so
a caller can prove which answer they got), the number of results, and the top results' ids and
scores (with whether each was a match and a reviewer's decision on it). Whole responses are not
kept: they are big, and ``olivebranch audit replay`` re-computes them from the inputs.

A multi-query ``/match`` request writes one record per query, all in one insert.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from olivebranch.audit.log import AuditLog, Item, RawJSON, canonical_text, list_refs

#: results kept per query (ids and scores): what a reviewer looks at first
TOP = 10


@functools.lru_cache(maxsize=8)
def _lists_json(refs: tuple[tuple[int, str, str | None], ...]) -> RawJSON:
    return RawJSON(canonical_text([{"id": i, "source": s, "file_hash": h} for i, s, h in refs]))


def lists_json(versions: Iterable[Any]) -> RawJSON:
    """:func:`list_refs` in canonical JSON, made once per set of versions (every record of
    a server names the same few)."""
    return _lists_json(tuple((r["id"], r["source"], r["file_hash"]) for r in list_refs(versions)))


def response_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def top(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The first results of a yente-shaped answer: id, score, match (and a review's state)."""
    out = []
    for r in results[:TOP]:
        row = {"id": r["id"], "score": r["score"], "match": r["match"]}
        review = r.get("review")
        if review:
            row["review"] = review.get("state")
        out.append(row)
    return out


def subject(properties: Mapping[str, Any], fallback: str | None) -> str | None:
    for prop in ("name", "alias", "firstName", "lastName", "imoNumber", "innCode"):
        values = properties.get(prop)
        if values:
            first = values[0] if isinstance(values, list) else values
            return str(first)[:255]
    return fallback


def match_items(queries: Sequence[tuple[str, str, Mapping[str, Any], str | None]],
                responses: Mapping[str, Mapping[str, Any]], body: bytes, *, endpoint: str,
                dataset: str, limit: int, threshold: float, cutoff: float | None,
                algorithm: str, versions: Iterable[Any]) -> list[Item]:
    """One record per query of a ``/match`` (or ``/search``) answer. ``queries``:
    ``(qid, schema, properties, entity id given by the caller)``."""
    lists = lists_json(versions)
    digest = response_hash(body)
    items: list[Item] = []
    for qid, schema, properties, given_id in queries:
        answer = responses[qid]
        inputs = {"endpoint": endpoint, "dataset": dataset, "qid": qid, "batch": len(queries),
                  "query": {"schema": schema, "properties": dict(properties), "id": given_id},
                  "limit": limit, "threshold": threshold, "cutoff": cutoff,
                  "algorithm": algorithm, "lists": lists}
        results = answer["results"]
        items.append(("screening", subject(properties, qid), inputs,
                      {"response_hash": digest, "total": len(results), "top": top(results)}))
    return items


def record_match(store: Any, queries: Sequence[tuple[str, str, Mapping[str, Any], str | None]],
                 responses: Mapping[str, Mapping[str, Any]], body: bytes, *,
                 who: str | None = None, **options: Any) -> list[int]:
    """Record a ``/match`` answer (see :func:`match_items`) in one insert, before it is given
    (or, if the database is held by another writer, as soon as it is free: never waiting)."""
    return AuditLog.of(store).record_answer(match_items(queries, responses, body, **options),
                                            who=who)


def record_page(ob: Any, endpoint: str, schema: str, properties: Mapping[str, Any],
                results: Sequence[Mapping[str, Any]], *, dataset: str, limit: int,
                threshold: float, cutoff: float | None) -> int | None:
    """Record one screened name answered on a page (the web UI's screening form): the
    response hash is over the results as JSON (the page renders them)."""
    import orjson

    body = orjson.dumps(list(results))
    ids = record_match(ob.store, [("q", schema, properties, None)], {"q": {"results": results}},
                       body, endpoint=endpoint, dataset=dataset, limit=limit,
                       threshold=threshold, cutoff=cutoff, algorithm="default",
                       versions=ob.index_versions)
    return ids[0] if ids else None

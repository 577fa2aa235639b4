"""yente-compatible screening endpoints: ``/match``, ``/search``, ``/entities``, ``/catalog``,
``/algorithms``. Shapes follow yente's models so an existing yente client works unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from olivebranch.api import screening
from olivebranch.api.auth import require
from olivebranch.api.deps import settings, state
from olivebranch.api.models import (
    AlgorithmResponse,
    DataCatalogModel,
    EntityMatchQuery,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    SearchResponse,
    ValidationErrorResponse,
)
from olivebranch.audit.log import actor
from olivebranch.audit.screening import record_match
from olivebranch.errors import InvalidInput, NotFound
from olivebranch.match import DEFAULT_THRESHOLD
from olivebranch.match.index import MatchIndex

#: Batches up to this size are scored on the event loop; larger ones in the thread pool, so a
#: 100-query batch does not hold up other callers.
INLINE_QUERIES = 4
router = APIRouter(tags=["Matching"], dependencies=[Depends(require("match"))])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid query"},
    401: {"model": ErrorResponse, "description": "API key missing or invalid"},
    403: {"model": ErrorResponse, "description": "API key lacks the role"},
    404: {"model": ErrorResponse, "description": "Unknown dataset or entity"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ValidationErrorResponse, "description": "Malformed request"},
}

PATH_DATASET = Path(
    ...,
    description="`default` (every list) or one list: us_ofac_sdn, us_ofac_cons, eu_fsf, gb_fcdo, …",
    examples=["default"],
    max_length=64,
)
FEATURE_DOCS = {
    "name": ("Name similarity after transliteration, romanisation folding, legal-form and "
             "word-order handling (the base of the score)", 1.0),
    "birth_date": ("Date of birth agrees (small bonus) or conflicts (penalty)", 0.2),
    "country": ("Country/nationality agrees (small bonus) or conflicts (penalty)", 0.2),
    "identifier": ("An identifier (INN, OGRN, IMO, LEI, passport…) is equal: strong evidence",
                   0.9),
    "legal_form": ("Legal forms agree (weak bonus) or differ (weak penalty)", 0.02),
    "schema": ("The entity types are incompatible (e.g. a person queried against a vessel)", 1.0),
}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json",
                    headers=headers)


def _matcher() -> dict[str, Any]:
    return {
        k: {"description": d, "coefficient": c, "url": "/docs#matching"}
        for k, (d, c) in FEATURE_DOCS.items()
    }


def _dataset(request: Request, dataset: str) -> None:
    try:
        screening.check_dataset(dataset, state(request).lookup)
    except KeyError:
        known = ", ".join(["default", *sorted(state(request).lookup.published)])
        raise NotFound(f"unknown dataset {dataset!r}; known: {known}") from None


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher (yente-compatible)",
    response_model=EntityMatchResponse,
    responses=ERRORS,
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    dataset: str = PATH_DATASET,
    limit: int = Query(5, ge=1, le=500, description="Number of results per query"),
    threshold: float = Query(
        DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="Score at which a result is a match"
    ),
    cutoff: float | None = Query(
        None, ge=0.0, le=1.0, deprecated=True,
        description="Lowest score returned at all (yente: deprecated; capped at threshold)",
    ),
    algorithm: str = Query("best", max_length=64, description="Scoring algorithm; see /algorithms"),
) -> Response:
    """Screen a batch of entities, each given as an FtM example:

    ```json
    {"queries": {"q1": {"schema": "Person", "properties": {
        "name": ["Vladimir Putin"], "birthDate": ["1952-10-07"], "nationality": ["ru"]}}}}
    ```

    The query ids (`q1`) are yours; `responses` comes back keyed by them. Useful properties:
    **Person**: name, birthDate, nationality, idNumber, passportNumber, innCode;
    **Company/Organization**: name, jurisdiction, country, registrationNumber, innCode,
    ogrnCode, leiCode; **Vessel**: name, imoNumber, flag. At most 100 queries a request.
    """
    ob = state(request)
    _dataset(request, dataset)
    try:
        screening.resolve_algorithm(algorithm)
    except screening.BadQuery as exc:
        raise InvalidInput(str(exc)) from None
    if not body.queries:
        raise InvalidInput("No queries provided.")
    max_queries = settings(request).max_queries
    if len(body.queries) > max_queries:
        raise InvalidInput(f"Too many queries in one batch ({len(body.queries)}; limit: "
                           f"{max_queries})")
    prepared = []
    for qid, example in body.queries.items():
        try:
            prepared.append((qid, example, screening.make_query(example.schema_, example.properties)))
        except screening.BadQuery as exc:
            raise InvalidInput(f"query {qid!r}: {exc}") from None
    args = (ob, prepared, dataset, limit, threshold, cutoff, algorithm)
    if len(prepared) <= INLINE_QUERIES:
        # a few milliseconds of CPU: cheaper inline than a hop through the thread pool
        payload, batch = respond(*args)
    else:
        payload, batch = await run_in_threadpool(respond, *args)
    return Response(payload, media_type="application/json",
                    headers={"x-batch-size": str(batch)})


def respond(ob: Any, prepared: list[tuple[str, Any, Any]], dataset: str, limit: int,
            threshold: float, cutoff: float | None, algorithm: str) -> tuple[bytes, int]:
    """The ``/match`` answer (JSON, batch size), recorded in the audit trail before it is
    given (one insert for the batch; see ``olivebranch.audit.screening``)."""
    payload, batch, record = compute(ob, prepared, dataset, limit, threshold, cutoff, algorithm)
    record()
    return payload, batch


def compute(ob: Any, prepared: list[tuple[str, Any, Any]], dataset: str, limit: int,
            threshold: float, cutoff: float | None, algorithm: str
            ) -> tuple[bytes, int, Callable[[], object]]:
    """The ``/match`` answer (JSON, batch size) and the call that records it in the audit
    trail (the fast path makes it once the answer is sent)."""
    # the index and the versions it was built from (swapped together after an import; no
    # lock: an import holds the state's lock while it rebuilds, and /match must not wait)
    index, lookup, versions = ob.index, ob.lookup, ob.index_versions
    responses = _answer(index, lookup, prepared, dataset, limit, threshold, cutoff)
    payload = orjson.dumps({"responses": responses, "matcher": _matcher(), "limit": limit})
    queries = [(qid, ex.schema_, ex.properties, ex.id) for qid, ex, _q in prepared]
    who = actor()  # the caller, named now: the record may be made in another context

    def record() -> object:
        return record_match(ob.store, queries, responses, payload, who=who, endpoint="match",
                            dataset=dataset, limit=limit, threshold=threshold, cutoff=cutoff,
                            algorithm=algorithm, versions=versions)

    return payload, len(responses), record


def _answer(
    index: MatchIndex, lookup: screening.Lookup, prepared: list[tuple[str, Any, Any]], dataset: str, limit: int,
    threshold: float, cutoff: float | None,
) -> dict[str, Any]:
    responses = {}
    found = [(query, screening.run_query(index, query, dataset=dataset, limit=limit,
                                         threshold=threshold, cutoff=cutoff))
             for _qid, _example, query in prepared]
    reviewed = screening.apply_reviews(lookup, found)
    for (qid, example, _query), results in zip(prepared, reviewed, strict=True):
        responses[qid] = {
            "status": 200,
            "results": [screening.scored_entity(r, lookup, threshold) for r in results],
            "total": {"value": len(results), "relation": "eq"},
            "query": screening.query_echo(example.schema_, example.properties, example.id),
        }
    return responses


@router.get(
    "/search/{dataset}",
    summary="Search listed entities by name",
    response_model=SearchResponse,
    responses=ERRORS,
)
def search(
    request: Request,
    dataset: str = PATH_DATASET,
    q: str = Query(..., min_length=1, max_length=500, description="Name (any script)"),
    schema: str = Query("LegalEntity", max_length=64, description="FtM schema to search"),
    limit: int = Query(10, ge=1, le=100),
    offset: int = Query(0, ge=0, le=400),
    threshold: float = Query(0.5, ge=0.0, le=1.0, description="Lowest score returned"),
) -> Response:
    """Name search (scored like `/match`, with a lower floor so near misses show)."""
    ob = state(request)
    _dataset(request, dataset)
    try:
        query = screening.make_query(schema, {"name": [q]})
    except screening.BadQuery as exc:
        raise InvalidInput(str(exc)) from None
    results = screening.run_query(
        ob.index, query, dataset=dataset, limit=limit + offset, threshold=DEFAULT_THRESHOLD,
        cutoff=threshold,
    )
    page = results[offset : offset + limit]
    facets: dict[str, dict[str, int]] = {"datasets": {}, "schema": {}}
    for r in results:
        for d in r.datasets:
            facets["datasets"][d] = facets["datasets"].get(d, 0) + 1
        facets["schema"][r.schema] = facets["schema"].get(r.schema, 0) + 1
    titles = ob.lookup.titles
    return _json(
        {
            "limit": limit,
            "offset": offset,
            "total": {"value": len(results), "relation": "eq"},
            "results": [screening.scored_entity(r, ob.lookup, DEFAULT_THRESHOLD) for r in page],
            "facets": {
                "datasets": {
                    "label": "Lists",
                    "values": [{"name": k, "label": titles.get(k, k), "count": v}
                               for k, v in sorted(facets["datasets"].items())],
                },
                "schema": {
                    "label": "Types",
                    "values": [{"name": k, "label": k, "count": v}
                               for k, v in sorted(facets["schema"].items())],
                },
            },
        }
    )


@router.get(
    "/entities/{entity_id}",
    summary="One entity, merged across every list that carries it",
    response_model=EntityResponse,
    responses=ERRORS,
)
def entity(request: Request, entity_id: str = Path(..., max_length=255)) -> Response:
    """The party the id names, merged across every list that carries it (as yente merges):
    `id` is the party id, `referents` its record ids, `properties` and `designations` those
    of all its records. A record id, a party id (`NK-…`) or a publisher's record number
    (`/entities/46030` → `ofac-46030`'s party) all resolve."""
    from olivebranch.entities import resolve_entity_id
    from olivebranch.parties.lookup import PartyLookup

    ob = state(request)
    parties = PartyLookup.of(ob.store, [v.id for v in ob.store.active_versions()])
    records = list(parties.members(entity_id)) if parties.resolved else []
    pid = entity_id if records else None
    if not records:
        resolved = resolve_entity_id(ob.store, entity_id)
        if resolved is None:
            raise NotFound(f"no entity {entity_id!r} in the active lists")
        records = list(parties.records(resolved))
        pid = parties.party(resolved)
        # the record asked for first: its caption and schema lead
        records.sort(key=lambda r: r != resolved)
    merged: dict[str, list[Any]] = {}
    first = None
    for rid in records:
        proxy = ob.store.get_entity(rid)
        if proxy is None:
            continue
        first = first or proxy
        for prop, values in proxy.to_dict().get("properties", {}).items():
            have = merged.setdefault(prop, [])
            have.extend(v for v in values if v not in have)
    if first is None:
        raise NotFound(f"no entity {entity_id!r} in the active lists")
    designations = screening.merged_designations(ob.lookup, records)
    datasets = sorted({d["source"] for d in designations})
    single = len(records) == 1
    return _json(
        {
            "id": records[0] if single else pid,
            "caption": first.caption,
            "schema": first.schema.name,
            "properties": merged,
            "datasets": datasets,
            "referents": [] if single else records,
            "target": bool(datasets),
            "first_seen": None,
            "last_seen": ob.lookup.last_seen(datasets),
            "last_change": None,
            "designations": designations,
        }
    )


@router.get("/catalog", summary="The lists this server holds", response_model=DataCatalogModel)
def catalog(request: Request) -> DataCatalogModel:
    from olivebranch.lists import registry

    ob = state(request)
    reg = registry()
    versions = ob.index_versions or ob.store.active_versions()  # those /match answers from
    datasets = []
    for v in versions:
        spec = reg.get(v.source)
        datasets.append(
            {
                "name": v.source,
                "title": spec.title if spec else v.source,
                "summary": spec.description if spec and spec.description else None,
                "url": spec.urls[0] if spec and spec.urls else None,
                "load": True,
                "version": str(v.published or v.imported_at.date()) + f"-v{v.id}",
                "index_version": str(v.id),
                "index_current": True,
                "children": [],
                "regime": spec.regime if spec else None,
                "entity_count": v.entity_count,
                "published": v.published.isoformat() if v.published else None,
            }
        )
    names = [d["name"] for d in datasets]
    default = {
        "name": "default",
        "title": "All lists",
        "summary": "Every active list version in the store",
        "load": True,
        "version": "-".join(str(v.id) for v in versions) or "empty",
        "index_current": True,
        "children": names,
    }
    return DataCatalogModel.model_validate(
        {"datasets": [default, *datasets], "current": ["default", *names], "outdated": []}
    )


@router.get("/algorithms", summary="The scoring algorithm", response_model=AlgorithmResponse)
def algorithms() -> AlgorithmResponse:
    return AlgorithmResponse.model_validate(
        {
            "algorithms": [
                {
                    "name": screening.ALGORITHM,
                    "description": "olivebranch's multilingual scorer: transliteration and "
                    "romanisation folding, name-part alignment, legal forms as a weak feature, "
                    "dates of birth, countries and identifiers as evidence. yente names "
                    f"({', '.join(screening.ALGORITHM_ALIASES)}) are accepted as aliases.",
                    "features": _matcher(),
                }
            ],
            "default": screening.ALGORITHM,
            "best": screening.ALGORITHM,
        }
    )



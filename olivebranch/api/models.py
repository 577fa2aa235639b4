"""Request and response models of the yente-compatible endpoints.

Field names and shapes follow yente's (``yente/data/common.py``) so that an existing yente
client works unchanged: ``responses`` keyed by the caller's query ids, each with ``status``,
``results``, ``total`` and ``query``; results are FtM entities with ``score``, ``match``,
``features`` (feature -> contribution) and ``explanations`` (feature -> score, detail, query
value, candidate value). olivebranch adds ``explanation`` (the same in sentences an analyst
reads) and ``designations`` (list, programme, the publisher's record number); yente clients
ignore fields they do not know.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Query values may be strings or numbers (coerced to strings); nothing nested.
Scalar = str | int | float


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["Detailed error message"])


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    detail: str = Field(..., examples=["queries.q1.schema: Field required"])
    errors: list[ValidationErrorItem] = []


class StatusResponse(BaseModel):
    status: str = "ok"


class ReadyResponse(BaseModel):
    status: str = "ok"
    entities: int = Field(0, description="listed entities in the match index")
    sources: list[str] = []
    timings: dict[str, float] = {}


class Designation(BaseModel):
    source: str
    regime: str
    authority: str | None = None
    program: str | None = None
    source_id: str | None = Field(None, description="The publisher's own record number")
    listing_date: str | None = None
    entity_id: str | None = Field(None, description="The record (of the party's referents) "
                                  "this designation is on")


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["ofac-12345"])
    caption: str = Field(..., examples=["Vladimir Vladimirovich PUTIN"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[Any]] = Field(..., examples=[{"name": ["John Doe"]}])
    datasets: list[str] = Field([], examples=[["us_ofac_sdn"]])
    referents: list[str] = Field([], examples=[["ofac-1234"]])
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    designations: list[Designation] = []


class FeatureResult(BaseModel):
    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = Field(..., examples=[0.93])
    match: bool = Field(False, description="score >= threshold")
    features: dict[str, float] = Field({}, description="Feature -> contribution to the score")
    explanations: dict[str, FeatureResult] = {}
    explanation: list[str] = Field([], description="Why, in sentences an analyst reads")


class EntityExample(BaseModel):
    """One query entity, shaped like an FtM entity (``schema`` + ``properties``)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Person"], max_length=64)
    properties: dict[str, Scalar | list[Scalar]] = Field(
        ..., examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}]
    )

    @field_validator("properties")
    @classmethod
    def _as_lists(cls, value: dict[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for prop, values in value.items():
            items = values if isinstance(values, list) else [values]
            if len(items) > 100:
                raise ValueError(f"{prop}: at most 100 values per property")
            texts = [str(v).strip() for v in items if str(v).strip()]
            if any(len(t) > 1000 for t in texts):
                raise ValueError(f"{prop}: values are limited to 1000 characters")
            if texts:
                out[prop] = texts
        return out


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field({}, examples=[{}])
    config: dict[str, Any] = Field({}, examples=[{}])
    queries: dict[str, EntityExample] = Field(
        ...,
        examples=[
            {
                "q1": {
                    "schema": "Person",
                    "properties": {
                        "name": ["Vladimir Putin"],
                        "birthDate": ["1952-10-07"],
                        "nationality": ["ru"],
                    },
                }
            }
        ],
    )


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[42])
    relation: str = Field("eq", examples=["eq"])


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float = 0.0
    url: str = ""


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc] = {}
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[ScoredEntityResponse]
    facets: dict[str, SearchFacet] = {}


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool = True
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool = True
    children: list[str] = []
    regime: str | None = None
    entity_count: int | None = None
    published: str | None = None


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str] = []
    index_stale: bool = False


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc] = {}


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str

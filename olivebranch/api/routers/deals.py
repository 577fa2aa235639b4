"""The deal catalogue: list, read, validate, create, update, delete, and assess per regime."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from olivebranch.api.auth import principal_name, require
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse
from olivebranch.catalogue import Entry, deal_data
from olivebranch.deals.models import Deal

router = APIRouter(prefix="/api/deals", tags=["Deals"])
READ = [Depends(require("read"))]
WRITE = [Depends(require("analyst"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid deal or parameter"},
    401: {"model": ErrorResponse, "description": "API key missing or invalid"},
    403: {"model": ErrorResponse, "description": "API key lacks the role"},
    404: {"model": ErrorResponse, "description": "Unknown deal or scenario"},
    409: {"model": ErrorResponse, "description": "Id in use, or a bundled deal"},
}
SCENARIO = Query("status-quo", max_length=64, description="Scenario name (see /api/scenarios)")
AS_OF = Query(None, max_length=10, description="Evaluate as of this date (YYYY-MM-DD)")


class DealSummary(BaseModel):
    id: str
    title: str
    asset: str
    country: str
    sectors: list[str]
    activity: list[str]
    origin: str = Field(..., description="bundled or user")
    verdicts: dict[str, str] = Field({}, description="regime -> verdict under the scenario")


class DealDocument(BaseModel):
    id: str
    origin: str
    revision: int = Field(0, description="saved revision (0: bundled)")
    deal: dict[str, Any]


class Finding(BaseModel):
    rule_id: str
    regime: str
    effect: str
    title: str
    instrument: str
    article: str | None = None
    citation: str | None = None
    confidence: str
    lifted_by: str
    text: str
    evidence: list[dict[str, Any]] = []
    party: str | None = None
    kind: str | None = None
    licence: str | None = None
    notes: str | None = None


class RegimeVerdictModel(BaseModel):
    regime: str
    verdict: str
    findings: list[Finding]
    blockers: list[str]
    checked: list[str]


class Assessment(BaseModel):
    deal_id: str
    title: str
    as_of: str
    scenario: str
    regimes: dict[str, RegimeVerdictModel]
    uncertain: list[dict[str, str]] = []
    parties: dict[str, dict[str, Any]] = {}
    #: each list in force, its publication date and an age warning when it is older than its
    #: publisher's usual update interval (olivebranch.monitor.freshness)
    list_age: list[dict[str, Any]] = []


class ProblemModel(BaseModel):
    path: str = Field(..., description="where in the document, e.g. parties[2].role ('' = the "
                      "whole document)")
    message: str = Field(..., description="what is wrong, in plain words")
    suggestion: str | None = Field(None, description="a known value close to the one given")
    line: int | None = Field(None, description="1-based line in a YAML or JSON text body")
    column: int | None = None
    severity: str = Field("error", description="error or warning")
    code: str = Field("invalid", description="missing, unknown_field, not_allowed, wrong_type, "
                      "date, reference, syntax, …")


class ValidationResult(BaseModel):
    valid: bool
    id: str | None = None
    error: str | None = Field(None, description="the first problem (all are in problems)")
    field: str | None = Field(None, description="the first problem's path")
    problems: list[ProblemModel] = Field([], description="every problem, in document order")


#: a deal or scenario body may be JSON or YAML (chosen by Content-Type)
BODY_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml",
              "text/plain")


def validation_result(report: Any) -> ValidationResult:
    """The API answer for a :class:`olivebranch.validation.Report` (also used for scenarios)."""
    first = report.errors[0] if report.errors else None
    return ValidationResult(
        valid=report.valid, id=report.id,
        error=None if first is None else first.message + (
            f" (did you mean {first.suggestion!r}?)" if first.suggestion else ""),
        field=None if first is None else (first.path or None),
        problems=[ProblemModel(**p.as_dict()) for p in report.problems])


def openapi_body(schema: str) -> dict[str, Any]:
    """The request body of a validate endpoint: the file as JSON, or as YAML text."""
    ref = {"$ref": f"#/components/schemas/{schema}"}
    text = {"type": "string", "description": f"the {schema.lower()} file as YAML"}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": ref}, "application/yaml": {"schema": text}}}}


def _summary(entry: Entry[Deal], verdicts: dict[str, str]) -> DealSummary:
    d = entry.item
    return DealSummary(
        id=d.id,
        title=d.title,
        asset=d.asset.name,
        country=d.asset.country,
        sectors=list(d.asset.sectors),
        activity=list(d.activity.types),
        origin=entry.origin,
        verdicts=verdicts,
    )


def _document(entry: Entry[Deal]) -> DealDocument:
    return DealDocument(id=entry.name, origin=entry.origin, revision=entry.revision,
                        deal=deal_data(entry.item))


@router.get("", response_model=list[DealSummary], dependencies=READ, summary="The deal catalogue")
def list_deals(
    request: Request, scenario: str = SCENARIO, as_of: str | None = AS_OF,
    verdicts: bool = Query(True, description="Include the verdict per regime"),
) -> list[DealSummary]:
    ob = state(request)
    run = ob.run(scenario, parse_date(as_of)) if verdicts else None
    out = []
    for entry in ob.deals.entries().values():
        row = run.verdicts[entry.name].matrix_row if run and entry.name in run.verdicts else {}
        out.append(_summary(entry, row))
    return out


@router.get("/schema", dependencies=READ, summary="The JSON Schema of deal files")
def schema() -> dict[str, Any]:
    from olivebranch.deals.schema import deal_schema

    return deal_schema()


@router.post(
    "/validate", response_model=ValidationResult, dependencies=READ, responses=ERRORS,
    summary="Check a deal without saving it: every problem at once",
    openapi_extra=openapi_body("Deal"),
)
async def validate(request: Request) -> ValidationResult:
    """The body is a deal file as JSON (``Content-Type: application/json``) or YAML
    (``application/yaml``, ``text/yaml``, ``text/plain``). The answer lists every problem
    with its path, line and column, and a suggestion where a value is close to a known one;
    an invalid deal is still a 200 answer (``valid: false``)."""
    from olivebranch.validation import validate_deal

    body = await request.body()
    return validation_result(validate_deal(body, name="<request body>",
                                           content_type=request.headers.get("content-type")))


@router.get("/{deal_id}", response_model=DealDocument, dependencies=READ, responses=ERRORS,
            summary="One deal as stored")
def get_deal(request: Request, deal_id: str) -> DealDocument:
    return _document(state(request).deals.get(deal_id))


@router.get(
    "/{deal_id}/assessment", response_model=Assessment, dependencies=READ, responses=ERRORS,
    summary="Verdict per regime with findings, evidence and citations",
)
def assess(
    request: Request, deal_id: str, scenario: str = SCENARIO, as_of: str | None = AS_OF,
) -> Any:
    from olivebranch.monitor.freshness import source_ages

    ob = state(request)
    day = parse_date(as_of)
    v = ob.assessment(deal_id, scenario, day)
    ages = source_ages(ob.store, v.as_of, as_of=day)
    return {**v.to_dict(), "list_age": [a.to_dict() for a in ages]}


@router.get("/{deal_id}/history", dependencies=READ, responses=ERRORS,
            summary="Saved revisions of a user deal")
def history(request: Request, deal_id: str) -> list[dict[str, Any]]:
    return [{"revision": r.revision, "deleted": r.deleted, "saved_at": r.saved_at.isoformat(),
             "saved_by": r.saved_by} for r in state(request).deals.history(deal_id)]


def _save(request: Request, body: Any, *, deal_id: str | None, create: bool) -> DealDocument:
    ob = state(request)  # the catalogue reports every problem of the deal
    entry = ob.deals.save(body, name=deal_id, create=create, who=principal_name(request))
    return _document(entry)


@router.post("", response_model=DealDocument, status_code=201, dependencies=WRITE,
             responses=ERRORS, summary="Add a deal (analyst)")
def create_deal(request: Request, body: Any = Body(...)) -> DealDocument:
    return _save(request, body, deal_id=None, create=True)


@router.put("/{deal_id}", response_model=DealDocument, dependencies=WRITE, responses=ERRORS,
            summary="Replace a deal (analyst); a bundled deal is shadowed by the user's copy")
def update_deal(request: Request, deal_id: str, body: Any = Body(...)) -> DealDocument:
    return _save(request, body, deal_id=deal_id, create=False)


@router.delete("/{deal_id}", status_code=204, dependencies=WRITE, responses=ERRORS,
               summary="Delete a user deal (analyst)")
def delete_deal(request: Request, deal_id: str) -> None:
    state(request).deals.delete(deal_id, who=principal_name(request))

"""The deal catalogue: list, read, validate, create, update, delete, and assess per regime."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from olivebranch.api.auth import require
from olivebranch.api.catalogue import CatalogueEntry, Conflict, NotFound, deal_data
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse
from olivebranch.deals import DealError

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


class ValidationResult(BaseModel):
    valid: bool
    id: str | None = None
    error: str | None = None
    field: str | None = None


def _summary(entry: CatalogueEntry, verdicts: dict[str, str]) -> DealSummary:
    d = entry.deal
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


def _run(request: Request, scenario: str, as_of: str | None) -> Any:
    ob = state(request)
    try:
        return ob.run(scenario, parse_date(as_of))
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None


def assessment(request: Request, deal_id: str, scenario: str, as_of: str | None) -> Any:
    """The DealVerdict of one catalogue deal under a scenario (from the cached run)."""
    try:
        return state(request).assessment(deal_id, scenario, parse_date(as_of))[1]
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None


@router.get("", response_model=list[DealSummary], dependencies=READ, summary="The deal catalogue")
def list_deals(
    request: Request, scenario: str = SCENARIO, as_of: str | None = AS_OF,
    verdicts: bool = Query(True, description="Include the verdict per regime"),
) -> list[DealSummary]:
    ob = state(request)
    assert ob.deals is not None
    run = _run(request, scenario, as_of) if verdicts else None
    out = []
    for entry in ob.deals.entries().values():
        row = run.verdicts[entry.deal.id].matrix_row if run and entry.deal.id in run.verdicts else {}
        out.append(_summary(entry, row))
    return out


@router.get("/schema", dependencies=READ, summary="The JSON Schema of deal files")
def schema() -> dict[str, Any]:
    from olivebranch.deals.schema import deal_schema

    return deal_schema()


@router.post(
    "/validate", response_model=ValidationResult, dependencies=READ, responses=ERRORS,
    summary="Check a deal without saving it",
)
def validate(request: Request, body: Any = Body(..., examples=[{"id": "my-deal"}])) -> ValidationResult:
    ob = state(request)
    assert ob.deals is not None
    try:
        deal = ob.deals.validate(body)
    except DealError as exc:
        return ValidationResult(valid=False, error=exc.reason, field=exc.where)
    return ValidationResult(valid=True, id=deal.id)


@router.get("/{deal_id}", response_model=DealDocument, dependencies=READ, responses=ERRORS,
            summary="One deal as stored")
def get_deal(request: Request, deal_id: str) -> DealDocument:
    ob = state(request)
    assert ob.deals is not None
    try:
        entry = ob.deals.get(deal_id)
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    return DealDocument(id=entry.deal.id, origin=entry.origin, deal=deal_data(entry.deal))


@router.get(
    "/{deal_id}/assessment", response_model=Assessment, dependencies=READ, responses=ERRORS,
    summary="Verdict per regime with findings, evidence and citations",
)
def assess(
    request: Request, deal_id: str, scenario: str = SCENARIO, as_of: str | None = AS_OF,
) -> Any:
    return assessment(request, deal_id, scenario, as_of).to_dict()


def _save(request: Request, body: Any, *, deal_id: str | None, create: bool) -> DealDocument:
    ob = state(request)
    assert ob.deals is not None
    try:
        with ob.lock:
            entry = ob.deals.save(body, deal_id=deal_id, create=create)
            ob.catalogue_changed()
    except DealError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None
    return DealDocument(id=entry.deal.id, origin=entry.origin, deal=deal_data(entry.deal))


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
    ob = state(request)
    assert ob.deals is not None
    try:
        with ob.lock:
            ob.deals.delete(deal_id)
            ob.catalogue_changed()
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None

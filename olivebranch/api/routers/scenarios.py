"""Sanctions-relief scenarios: list, read, run over the catalogue, compare, chart, and
(analyst) save user scenarios."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from olivebranch.api.auth import require
from olivebranch.api.catalogue import Conflict, NotFound, ScenarioEntry
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse
from olivebranch.errors import OliveBranchError

router = APIRouter(prefix="/api/scenarios", tags=["Scenarios"])
READ = [Depends(require("read"))]
WRITE = [Depends(require("analyst"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid scenario or parameter"},
    401: {"model": ErrorResponse, "description": "API key missing or invalid"},
    403: {"model": ErrorResponse, "description": "API key lacks the role"},
    404: {"model": ErrorResponse, "description": "Unknown scenario"},
    409: {"model": ErrorResponse, "description": "Name in use, or a bundled scenario"},
}
AS_OF = Query(None, max_length=10, description="Evaluate as of this date (YYYY-MM-DD)")


class ScenarioInfo(BaseModel):
    name: str
    title: str
    description: str
    assumptions: list[str]
    base: list[str] = []
    origin: str = Field(..., description="bundled or user")
    changes: list[dict[str, Any]] = []


class BlockerModel(BaseModel):
    regime: str
    rule_id: str
    effect: str
    instrument: str
    lifted_by: str


class RunRow(BaseModel):
    deal: str
    title: str
    verdicts: dict[str, str]
    blockers: list[BlockerModel]


class RunResult(BaseModel):
    scenario: str
    title: str
    as_of: str
    regimes: list[str]
    assumptions: list[str]
    deals: list[RunRow]
    clear: dict[str, int]
    seconds: float


class DealDiffModel(BaseModel):
    deal: str
    title: str
    moved: list[str] = Field(..., description="e.g. 'us: prohibited → clear'")
    verdicts: dict[str, str]
    still_blocked_by: list[BlockerModel]


class Comparison(BaseModel):
    a: str
    b: str
    as_of: str
    regimes: list[str]
    changed: int = Field(..., description="deals whose verdict moved under some regime")
    newly_clear: dict[str, int]
    diffs: list[DealDiffModel]


def info(entry: ScenarioEntry) -> ScenarioInfo:
    from olivebranch.scenarios.model import action_of, all_assumptions, body_of

    s = entry.scenario
    changes = []
    for c in s.changes:
        changes.append({action_of(c): _plain(body_of(c))})
    try:
        assumptions = all_assumptions(s)
    except OliveBranchError:
        assumptions = list(s.assumptions)
    return ScenarioInfo(name=s.name, title=s.title, description=s.description,
                        assumptions=assumptions, base=list(s.base), origin=entry.origin,
                        changes=changes)


def _plain(value: Any) -> Any:
    """JSON-ready form of a change body (pydantic models, dates, lists)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _entry(request: Request, name: str) -> ScenarioEntry:
    ob = state(request)
    assert ob.scenarios is not None
    try:
        return ob.scenarios.get(name)
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None


def run_result(run: Any) -> RunResult:
    from olivebranch.scenarios.engine import assumptions_of

    rows = [
        RunRow(
            deal=deal_id,
            title=run.titles.get(deal_id, deal_id),
            verdicts={r: run.verdict(deal_id, r) for r in run.regimes},
            blockers=[BlockerModel(**b.as_dict()) for b in run.blockers(deal_id)],
        )
        for deal_id in run.verdicts
    ]
    try:
        assumptions = assumptions_of(run.scenario)
    except OliveBranchError:
        assumptions = list(run.scenario.assumptions)
    return RunResult(
        scenario=run.name,
        title=run.scenario.title,
        as_of=run.ctx.as_of.isoformat(),
        regimes=list(run.regimes),
        assumptions=assumptions,
        deals=rows,
        clear={r: run.counts(r).get("clear", 0) for r in run.regimes},
        seconds=round(run.seconds, 3),
    )


def compare_runs(a: Any, b: Any) -> Comparison:
    from olivebranch.scenarios.engine import diff

    diffs = diff(a, b)
    return Comparison(
        a=a.name,
        b=b.name,
        as_of=b.ctx.as_of.isoformat(),
        regimes=list(b.regimes),
        changed=sum(1 for d in diffs if d.moves),
        newly_clear={r: sum(1 for d in diffs if r in d.cleared) for r in b.regimes},
        diffs=[DealDiffModel(**d.as_dict()) for d in diffs],
    )


@router.get("", response_model=list[ScenarioInfo], dependencies=READ, summary="Known scenarios")
def list_scenarios(request: Request) -> list[ScenarioInfo]:
    ob = state(request)
    assert ob.scenarios is not None
    return [info(e) for e in ob.scenarios.entries().values()]


@router.get("/summary", dependencies=READ, responses=ERRORS,
            summary="Clear counts per scenario and regime, and the top remaining obstacles")
def summary(
    request: Request,
    scenarios: list[str] = Query([], description="Scenario names (default: all)"),
    as_of: str | None = AS_OF,
) -> dict[str, Any]:
    from olivebranch.scenarios.engine import summarise

    return summarise(_matrix(request, scenarios, as_of)).as_dict()


@router.get("/chart.svg", dependencies=READ, responses=ERRORS,
            response_class=Response, summary="Deals by verdict per scenario (SVG chart)")
def chart(
    request: Request,
    scenarios: list[str] = Query([], description="Scenario names (default: all)"),
    as_of: str | None = AS_OF,
) -> Response:
    from olivebranch.scenarios.chart import chart_svg
    from olivebranch.scenarios.engine import summarise

    svg = chart_svg(summarise(_matrix(request, scenarios, as_of)))
    return Response(svg, media_type="image/svg+xml")


def _matrix(request: Request, names: list[str], as_of: str | None) -> Any:
    ob = state(request)
    assert ob.scenarios is not None
    names = names or list(ob.scenarios.entries())
    for n in names:
        _entry(request, n)
    return ob.matrix(names, parse_date(as_of))


@router.get("/compare", response_model=Comparison, dependencies=READ, responses=ERRORS,
            summary="What moves from scenario A to scenario B, and what still blocks")
def compare(
    request: Request,
    a: str = Query("status-quo", max_length=64),
    b: str = Query(..., max_length=64),
    as_of: str | None = AS_OF,
) -> Comparison:
    _entry(request, a)
    _entry(request, b)
    ob = state(request)
    day = parse_date(as_of)
    return compare_runs(ob.run(a, day), ob.run(b, day))


@router.post("/run", response_model=RunResult, dependencies=READ, responses=ERRORS,
             summary="Run a scenario given in the body (not saved) over the catalogue")
def run_adhoc(request: Request, body: Any = Body(...), as_of: str | None = AS_OF) -> RunResult:
    ob = state(request)
    assert ob.scenarios is not None
    try:
        scenario = ob.scenarios.parse(body)
    except OliveBranchError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    return run_result(ob.run_adhoc(scenario, parse_date(as_of)))


@router.get("/{name}", response_model=ScenarioInfo, dependencies=READ, responses=ERRORS,
            summary="One scenario with its assumptions and changes")
def get_scenario(request: Request, name: str) -> ScenarioInfo:
    return info(_entry(request, name))


@router.get("/{name}/run", response_model=RunResult, dependencies=READ, responses=ERRORS,
            summary="Verdicts of every deal under one scenario")
def run(request: Request, name: str, as_of: str | None = AS_OF) -> RunResult:
    _entry(request, name)
    return run_result(state(request).run(name, parse_date(as_of)))


def _save(request: Request, body: Any, *, name: str | None, create: bool) -> ScenarioInfo:
    ob = state(request)
    assert ob.scenarios is not None
    try:
        with ob.lock:
            entry = ob.scenarios.save(body, name=name, create=create)
            ob.catalogue_changed()
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None
    except OliveBranchError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    return info(entry)


@router.post("", response_model=ScenarioInfo, status_code=201, dependencies=WRITE,
             responses=ERRORS, summary="Save a new scenario (analyst)")
def create_scenario(request: Request, body: Any = Body(...)) -> ScenarioInfo:
    return _save(request, body, name=None, create=True)


@router.put("/{name}", response_model=ScenarioInfo, dependencies=WRITE, responses=ERRORS,
            summary="Replace a user scenario (analyst)")
def update_scenario(request: Request, name: str, body: Any = Body(...)) -> ScenarioInfo:
    return _save(request, body, name=name, create=False)


@router.delete("/{name}", status_code=204, dependencies=WRITE, responses=ERRORS,
               summary="Delete a user scenario (analyst)")
def delete_scenario(request: Request, name: str) -> None:
    ob = state(request)
    assert ob.scenarios is not None
    try:
        with ob.lock:
            ob.scenarios.delete(name)
            ob.catalogue_changed()
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None

"""Sanctions-relief scenarios: list, read, run over the catalogue, compare, chart, and
(analyst) save user scenarios."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from olivebranch import present
from olivebranch.api.auth import principal_name, require
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse
from olivebranch.catalogue import Entry
from olivebranch.scenarios.model import Scenario

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
    revision: int = Field(0, description="saved revision (0: bundled)")
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


def info(request: Request, entry: Entry[Scenario]) -> ScenarioInfo:
    return ScenarioInfo(**present.scenario_info(entry, state(request).scenarios.lookup))


def run_result(run: Any) -> RunResult:
    return RunResult.model_validate(present.run_result(run))


def compare_runs(a: Any, b: Any) -> Comparison:
    return Comparison.model_validate(present.compare_runs(a, b))


@router.get("", response_model=list[ScenarioInfo], dependencies=READ, summary="Known scenarios")
def list_scenarios(request: Request) -> list[ScenarioInfo]:
    return [info(request, e) for e in state(request).scenarios.entries().values()]


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
    names = names or list(ob.scenarios.entries())
    for n in names:
        ob.scenarios.get(n)
    return ob.matrix(names, parse_date(as_of))


@router.get("/compare", response_model=Comparison, dependencies=READ, responses=ERRORS,
            summary="What moves from scenario A to scenario B, and what still blocks")
def compare(
    request: Request,
    a: str = Query("status-quo", max_length=64),
    b: str = Query(..., max_length=64),
    as_of: str | None = AS_OF,
) -> Comparison:
    ob = state(request)
    ob.scenarios.get(a)
    ob.scenarios.get(b)
    day = parse_date(as_of)
    return compare_runs(ob.run(a, day), ob.run(b, day))


@router.post("/run", response_model=RunResult, dependencies=READ, responses=ERRORS,
             summary="Run a scenario given in the body (not saved) over the catalogue")
def run_adhoc(request: Request, body: Any = Body(...), as_of: str | None = AS_OF) -> RunResult:
    ob = state(request)
    scenario = ob.scenarios.check(body)
    return run_result(ob.workspace.run(scenario, parse_date(as_of)))


@router.get("/{name}", response_model=ScenarioInfo, dependencies=READ, responses=ERRORS,
            summary="One scenario with its assumptions and changes")
def get_scenario(request: Request, name: str) -> ScenarioInfo:
    return info(request, state(request).scenarios.get(name))


@router.get("/{name}/run", response_model=RunResult, dependencies=READ, responses=ERRORS,
            summary="Verdicts of every deal under one scenario")
def run(request: Request, name: str, as_of: str | None = AS_OF) -> RunResult:
    ob = state(request)
    ob.scenarios.get(name)
    return run_result(ob.run(name, parse_date(as_of)))


@router.get("/{name}/timeline", dependencies=READ, responses=ERRORS,
            summary="Verdicts month by month under a scenario (when each deal moves)")
def timeline(request: Request, name: str,
             months: int = Query(24, ge=1, le=36, description="Months to evaluate"),
             start: str | None = Query(None, alias="from", max_length=10,
                                       description="First day (YYYY-MM-DD)")) -> dict[str, Any]:
    from olivebranch.scenarios.timeline import timeline as run_timeline

    ob = state(request)
    ob.scenarios.get(name)
    return run_timeline(ob.workspace, name, parse_date(start, "from"), months).as_dict()


@router.get("/{name}/history", dependencies=READ, responses=ERRORS,
            summary="Saved revisions of a user scenario")
def history(request: Request, name: str) -> list[dict[str, Any]]:
    return [{"revision": r.revision, "deleted": r.deleted, "saved_at": r.saved_at.isoformat(),
             "saved_by": r.saved_by} for r in state(request).scenarios.history(name)]


def _save(request: Request, body: Any, *, name: str | None, create: bool) -> ScenarioInfo:
    entry = state(request).scenarios.save(body, name=name, create=create,
                                          who=principal_name(request))
    return info(request, entry)


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
    state(request).scenarios.delete(name, who=principal_name(request))

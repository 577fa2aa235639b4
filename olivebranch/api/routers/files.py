"""Files in and out of the API: scenario files checked before they are saved (deal files:
``/api/deals/validate``), and tables downloaded as CSV, XLSX or JSON lines:

* ``/api/exports/heatmap?scenarios=…&as_of=…`` — verdict per deal × regime × scenario,
* ``/api/exports/deals/{deal_id}/findings?scenario=…`` — a deal's findings with citations,
* ``/api/exports/compare?a=…&b=…`` — what moves from scenario A to B,
* ``/api/exports/deals/{deal_id}/unlock?target=…`` — what would it take (one row per move).

Each takes ``?format=csv|xlsx|jsonl`` (or an ``Accept`` header naming one; CSV by default)
and ``?bom=true`` for a CSV Excel reads as UTF-8, and answers an attachment. The routes carry
their full paths (``/api/scenarios/validate`` sits with the scenarios), so this router has no
prefix; every table comes from :mod:`olivebranch.exports`, the code the CLI writes files with.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from olivebranch.api.auth import require
from olivebranch.api.deps import parse_date, state
from olivebranch.api.routers.deals import ERRORS, ValidationResult, openapi_body, validation_result
from olivebranch.exports import (
    MEDIA_TYPES,
    comparison_table,
    findings_table,
    heatmap_table,
    render,
    unlock_table,
)

router = APIRouter()
READ = [Depends(require("read"))]


@router.post(
    "/api/scenarios/validate", response_model=ValidationResult, dependencies=READ,
    responses=ERRORS, tags=["Scenarios"], openapi_extra=openapi_body("Scenario"),
    summary="Check a scenario without saving or running it: every problem at once",
)
async def validate_scenario(request: Request) -> ValidationResult:
    """The body is a scenario file as JSON or YAML (by ``Content-Type``). Base scenarios are
    looked up in the catalogue (bundled and saved); rule ids, rule parameters and licence ids
    in the bundled rule packs. An invalid scenario is still a 200 answer (``valid: false``)."""
    from olivebranch.validation import validate_scenario as check

    body = await request.body()
    names: Any = list(state(request).scenarios.entries())
    return validation_result(check(body, name="<request body>", scenarios=names,
                                   content_type=request.headers.get("content-type")))


# ------------------------------------------------------------------------------ downloads
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {"description": "The table as a file (Content-Disposition: attachment)",
          "content": {"text/csv": {"schema": {"type": "string"}},
                      MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                      "application/x-ndjson": {"schema": {"type": "string"}}}},
}
FORMAT = Query(None, alias="format", pattern="^(csv|xlsx|jsonl)$",
               description="csv, xlsx or jsonl (default: from the Accept header, else csv)")
BOM = Query(False, description="CSV: start with a UTF-8 byte-order mark (for Excel)")
AS_OF = Query(None, max_length=10, description="Evaluate as of this date (YYYY-MM-DD)")
SCENARIO = Query("status-quo", max_length=64, description="Scenario name (see /api/scenarios)")


def download_format(request: Request, fmt: str | None) -> str:
    """``?format=`` if given, else the first table type the Accept header names, else CSV."""
    if fmt:
        return fmt
    accept = request.headers.get("accept", "").lower()
    for name, media in (("xlsx", MEDIA_TYPES["xlsx"]), ("csv", "text/csv"),
                        ("jsonl", "application/x-ndjson"), ("jsonl", "application/jsonl")):
        if media in accept:
            return name
    return "csv"


def download(tables: Any, fmt: str, stem: str, *, bom: bool = False) -> Response:
    """Tables as an attachment named ``stem.ext``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "table"
    return Response(render(tables, fmt, bom=bom), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'})


@router.get("/api/exports/heatmap", dependencies=READ, responses=DOWNLOAD_RESPONSES,
            tags=["Exports"], response_class=Response,
            summary="The heat map (verdict per deal × regime × scenario) as CSV, XLSX or JSON lines")
def heatmap_download(
    request: Request,
    scenarios: list[str] = Query([], description="Scenario names (default: all)"),
    as_of: str | None = AS_OF, fmt: str | None = FORMAT, bom: bool = BOM,
) -> Response:
    ob = state(request)
    names = scenarios or list(ob.scenarios.entries())
    for n in names:
        ob.scenarios.get(n)  # 404 for an unknown name
    matrix = ob.matrix(names, parse_date(as_of))
    day = matrix.runs[0].ctx.as_of.isoformat() if matrix.runs else "today"
    chosen = download_format(request, fmt)
    return download(heatmap_table(matrix), chosen, f"heatmap-{day}", bom=bom)


@router.get("/api/exports/deals/{deal_id}/findings", dependencies=READ,
            responses=DOWNLOAD_RESPONSES, tags=["Exports"], response_class=Response,
            summary="A deal's findings (per regime, with citations and evidence) as a file")
def findings_download(
    request: Request, deal_id: str, scenario: str = SCENARIO, as_of: str | None = AS_OF,
    fmt: str | None = FORMAT, bom: bool = BOM,
) -> Response:
    verdict = state(request).assessment(deal_id, scenario, parse_date(as_of))
    table = findings_table(verdict)
    chosen = download_format(request, fmt)
    return download(table, chosen, f"findings-{deal_id}-{scenario}-{verdict.as_of}", bom=bom)


@router.get("/api/exports/compare", dependencies=READ, responses=DOWNLOAD_RESPONSES,
            tags=["Exports"], response_class=Response,
            summary="What moves from scenario A to scenario B, deal by deal, as a file")
def compare_download(
    request: Request,
    a: str = Query("status-quo", max_length=64), b: str = Query(..., max_length=64),
    as_of: str | None = AS_OF,
    moved: bool = Query(False, description="Only the deals whose verdict moves"),
    fmt: str | None = FORMAT, bom: bool = BOM,
) -> Response:
    ob = state(request)
    ob.scenarios.get(a)
    ob.scenarios.get(b)
    day = parse_date(as_of)
    run_a, run_b = ob.run(a, day), ob.run(b, day)
    table = comparison_table(run_a, run_b, only_moved=moved)
    chosen = download_format(request, fmt)
    return download(table, chosen, f"compare-{a}-{b}-{run_b.ctx.as_of}", bom=bom)


@router.get("/api/exports/deals/{deal_id}/unlock", dependencies=READ,
            responses=DOWNLOAD_RESPONSES, tags=["Exports"], response_class=Response,
            summary="What would it take (minimal move sets per regime, one row per move) as a file")
def unlock_download(
    request: Request, deal_id: str, scenario: str = SCENARIO, as_of: str | None = AS_OF,
    target: str = Query("unblocked", pattern="^(unblocked|licensable|clear)$",
                        description="unblocked (clear or risk only), licensable (a licence "
                                    "or host approval at worst) or clear"),
    regime: list[str] = Query(None, max_length=20, description="Regimes (default all)"),  # noqa: B008
    max_moves: int = Query(3, ge=1, le=4, description="Largest set of moves searched"),
    fmt: str | None = FORMAT, bom: bool = BOM,
) -> Response:
    from olivebranch.unlock import unlock

    ob = state(request)
    ob.deals.get(deal_id)  # 404 for an unknown deal or scenario
    ob.scenarios.get(scenario)
    regs = [r for v in regime or [] for r in v.split(",") if r] or None
    answer = unlock(ob.workspace, deal_id, regs, target, parse_date(as_of), baseline=scenario,
                    max_moves=max_moves).as_dict()
    if scenario != "status-quo":
        answer["baseline"] = scenario
    chosen = download_format(request, fmt)
    return download(unlock_table(answer), chosen,
                    f"unlock-{deal_id}-{scenario}-{target}-{answer['as_of']}", bom=bom)

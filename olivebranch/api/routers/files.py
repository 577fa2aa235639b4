"""Files in and out of the API: scenario files checked before they are saved (deal files:
``/api/deals/validate``), and tables (the heat map, a deal's findings, a comparison of two
scenarios) downloaded as CSV, XLSX or JSON lines.

The routes carry their full paths (``/api/scenarios/validate`` sits with the scenarios), so
this router has no prefix; every table comes from :mod:`olivebranch.exports`, the same code
the CLI writes files with.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from olivebranch.api.auth import require
from olivebranch.api.deps import state
from olivebranch.api.routers.deals import ERRORS, ValidationResult, openapi_body, validation_result

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

"""Liveness and readiness, as yente names them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from olivebranch.api.models import ReadyResponse, StatusResponse

router = APIRouter(tags=["System"])


@router.get("/healthz", response_model=StatusResponse, summary="The process is up")
async def healthz() -> StatusResponse:
    return StatusResponse(status="ok")


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    responses={503: {"model": StatusResponse, "description": "index not built yet"}},
    summary="The match index is built and serving",
)
async def readyz(request: Request) -> ReadyResponse | JSONResponse:
    ob = getattr(request.app.state, "ob", None)
    if ob is None or not ob.ready or ob.index is None:
        return JSONResponse(status_code=503, content={"status": "starting"})
    return ReadyResponse(
        status="ok",
        entities=len(ob.index),
        # the versions the index serves, kept in memory: no database call on the event loop
        sources=[v.source for v in ob.index_versions],
        timings=ob.timings,
    )


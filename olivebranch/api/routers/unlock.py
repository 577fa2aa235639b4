"""What would it take to unlock a deal, and the decision calendar."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from olivebranch.api.auth import require
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse

router = APIRouter(tags=["Scenarios"])
READ = [Depends(require("read"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    401: {"model": ErrorResponse, "description": "API key missing or invalid"},
    403: {"model": ErrorResponse, "description": "API key lacks the role"},
    404: {"model": ErrorResponse, "description": "Unknown deal"},
}


@router.get("/api/deals/{deal}/unlock", dependencies=READ, responses=ERRORS,
            summary="What would it take: minimal move sets per regime, by who can make them")
def unlock_deal(
    request: Request, deal: str,
    regime: list[str] = Query(None, max_length=20, description="Regimes (default all)"),  # noqa: B008
    target: str = Query("unblocked", pattern="^(unblocked|licensable|clear)$",
                        description="unblocked (clear or risk only), licensable (a licence "
                                    "or host approval at worst) or clear"),
    max_moves: int = Query(3, ge=1, le=4, description="Largest set of moves searched"),
    as_of: str | None = Query(None, max_length=10, description="YYYY-MM-DD"),
) -> dict[str, Any]:
    """Shape: ``{deal, title, as_of, target, actors: {id: title}, regimes: {regime: {verdict,
    blocking: [{rule, party, effect, actor}], paths: [{cost, actors, moves: [{move, kind,
    actor, actor_title, what, rules}], verdict_after, still_firing}], by_actor: {actor:
    [move]}, note}}}`` — paths cheapest first."""
    from olivebranch.unlock import unlock

    ob = state(request).workspace
    regs = [r for v in regime or [] for r in v.split(",") if r] or None
    return unlock(ob, deal, regs, target, parse_date(as_of), max_moves=max_moves).as_dict()


@router.get("/api/calendar", dependencies=READ, responses=ERRORS,
            summary="Known dates that could move deals (EU renewals, phases, expiries)")
def decision_calendar(
    request: Request,
    start: str | None = Query(None, alias="from", max_length=10, description="YYYY-MM-DD"),
    end: str | None = Query(None, alias="to", max_length=10, description="YYYY-MM-DD"),
) -> list[dict[str, Any]]:
    from olivebranch.calendar import calendar

    ob = state(request).workspace
    return [e.as_dict() for e in calendar(ob, parse_date(start, "from"), parse_date(end, "to"))]

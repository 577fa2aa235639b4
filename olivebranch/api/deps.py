"""Small request helpers shared by the routers."""

from __future__ import annotations

from datetime import date

from fastapi import HTTPException, Request

from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState


def state(request: Request) -> AppState:
    return request.app.state.ob


def settings(request: Request) -> Settings:
    """This app's settings (apps may share one AppState but differ in access settings)."""
    return request.app.state.settings


def parse_date(value: str | None, name: str = "as_of") -> date | None:
    """An ISO date from a query parameter, or a 400 that says what is wrong."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, detail=f"{name}: not an ISO date (YYYY-MM-DD): {value!r}") from None

"""Small request helpers shared by the routers and the web views."""

from __future__ import annotations

from datetime import date

from fastapi import Request

from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState
from olivebranch.dates import parse_date as _parse_date


def state(request: Request) -> AppState:
    return request.app.state.ob


def settings(request: Request) -> Settings:
    """This app's settings (apps may share one AppState but differ in access settings)."""
    return request.app.state.settings


def parse_date(value: str | None, name: str = "as_of") -> date | None:
    """An ISO date from a parameter (``olivebranch.dates``: one parser, one error style; the
    error handler answers a bad one with 400)."""
    return _parse_date(value, name)

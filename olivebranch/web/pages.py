"""What every page of the UI shares: the templates (with the verdict labels, regime names and
code labels), who is asking (``principal``), rendering with the common context, error pages.
Page modules (views, editor, builder, batch, explorer, guide) import from here, never from
each other; ``views.mount`` puts them on the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from olivebranch import present
from olivebranch.api import auth
from olivebranch.api.deps import state
from olivebranch.api.settings import app_version
from olivebranch.regimes import registry
from olivebranch.web import humanize

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(labels=present.labels(), regime_names=present.regime_names(),
                             effects=registry().effect_ids)
templates.env.filters["human"] = humanize.human
templates.env.filters["codes"] = humanize.codes


class LoginRequired(Exception):
    """The page needs a key the browser has not presented."""


def principal(request: Request, level: str) -> auth.Principal:
    """The caller, if allowed at ``level``; anonymous callers without access go to sign-in."""
    try:
        return auth.check(request, level)
    except HTTPException as exc:
        if exc.status_code == 401:
            raise LoginRequired() from None
        raise


def render(request: Request, template: str, who: auth.Principal, **context: Any) -> HTMLResponse:
    ob = state(request)
    base = {
        "principal": who,
        "version": app_version(),
        "list_versions": ob.store.active_versions(),
        "nav": context.pop("nav", None),
    }
    return templates.TemplateResponse(request, template, {**base, **context})


def error_page(request: Request, who: auth.Principal, status: int, title: str, message: str) -> HTMLResponse:
    resp = render(request, "error.html", who, title=title, message=message, status=status)
    resp.status_code = status
    return resp

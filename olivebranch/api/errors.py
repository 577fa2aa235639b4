"""Turning every user mistake into a clear 4xx, and capping request bodies.

Errors carry their HTTP status (``olivebranch.errors``: ``NotFound`` 404, ``Conflict`` 409,
``InvalidInput`` and ``ParseError`` 400); one handler answers them all, as JSON for the API and
as an error page for the web UI's pages. FastAPI's own validation errors (422) get one sentence
a person can act on. Anything that still escapes is logged with its traceback and answered
with a 500 that leaks nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from olivebranch.errors import OliveBranchError
from olivebranch.text_hygiene import TextHygieneError

log = logging.getLogger("olivebranch.api")


def _loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [p for p in loc if p != "body"] or ["body"]


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in _loc(err.get("loc", ())))
        msg = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            msg = f"the request body is not valid JSON ({ctx.get('error', 'parse error')})"
            where = "body"
        parts.append(f"{where}: {msg}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


#: an absolute file path on the server (or a SQLite URL): messages show its last part only
_SERVER_PATH = re.compile(
    r"(?:sqlite:/{3,4}|(?<![\w/.:]))/?(?:home|tmp|var|usr|work|opt|root|srv|etc|mnt|data|app|"
    r"Users|private|run|nix)/(?:[\w.@+\-]+/)*([\w.@+\-]*)")


def scrub(message: str) -> str:
    """A message without the server's directories (``/srv/ob/var/deals/x.yaml`` -> ``x.yaml``):
    callers learn which file, not where the server keeps it."""
    return _SERVER_PATH.sub(lambda m: m.group(1) or "…", message)


async def validation_handler(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    return JSONResponse(
        status_code=422,
        content={
            "detail": _describe(errors),
            "errors": [
                {"loc": _loc(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                for e in errors[:50]
            ],
        },
    )


#: renders an HTML error page for the web UI (the app factory sets it; the API never imports
#: the web UI)
PageRenderer = Callable[[Request, int, str], Response]


async def user_error_handler(request: Request, exc: OliveBranchError) -> Response:
    """The one mapping of typed errors to HTTP answers."""
    status = getattr(exc, "status", 400)
    retry = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    render = getattr(request.app.state, "error_page", None)
    if render is not None and wants_page(request):
        page = render(request, status, scrub(str(exc)))
        if headers:
            page.headers.update(headers)
        return page
    return JSONResponse(status_code=status, content={"detail": scrub(str(exc))}, headers=headers)


async def text_error_handler(request: Request, exc: TextHygieneError) -> Response:
    """Text no store can hold (a lone surrogate) or longer than its field: 422 / 413."""
    return JSONResponse(status_code=exc.status_code, content={"detail": scrub(str(exc))})


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not an API client, not a JSON view)."""
    return (not _is_api(request.url.path) and request.query_params.get("format") != "json"
            and "application/json" not in request.headers.get("accept", ""))


async def unexpected_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if "text/html" in request.headers.get("accept", "") and not _is_api(request.url.path):
        return HTMLResponse(
            status_code=500,
            content="<!doctype html><meta charset=utf-8><title>Error · olivebranch</title>"
            '<link rel="stylesheet" href="/static/style.css"><main><h1>Something went wrong</h1>'
            '<div class="error">The server could not build this page; its log has the details.'
            '</div><p><a href="/">Back to the start page</a></p></main>',
        )
    return JSONResponse(
        status_code=500, content={"detail": "internal server error; the server log has details"}
    )


async def unencodable_handler(request: Request, exc: UnicodeEncodeError) -> Response:
    """Text that cannot be encoded (a lone surrogate that got past the guard, say in a query
    parameter) is the caller's input, not a server fault."""
    return JSONResponse(status_code=422, content={
        "detail": "the request holds text that is not valid Unicode (a lone surrogate)"})


async def unstorable_handler(request: Request, exc: Exception) -> Response:
    """A value the store's database refuses to compare or hold — on PostgreSQL a NUL character
    in a text parameter, a number beyond the integer column — comes from the request: 422, not
    a server fault (SQLite takes such values and simply finds nothing)."""
    log.warning("refused value on %s %s: %s", request.method, request.url.path,
                str(getattr(exc, "orig", exc)).splitlines()[0])
    return JSONResponse(status_code=422, content={
        "detail": "the request holds a value the store cannot hold (a NUL character, or a "
                  "number out of range)"})


def _is_api(path: str) -> bool:
    return path.startswith(("/api/", "/match/", "/search/", "/entities/", "/catalog",
                            "/algorithms", "/openapi.json"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(OliveBranchError, user_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(TextHygieneError, text_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(UnicodeEncodeError, unencodable_handler)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, unstorable_handler)
    app.add_exception_handler(Exception, unexpected_handler)


__all__ = ["install", "StarletteHTTPException"]

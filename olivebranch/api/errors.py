"""Turning every user mistake into a clear 4xx, and capping request bodies.

Errors carry their HTTP status (``olivebranch.errors``: ``NotFound`` 404, ``Conflict`` 409,
``InvalidInput`` and ``ParseError`` 400); one handler answers them all, as JSON for the API and
as an error page for the web UI's pages. FastAPI's own validation errors (422) get one sentence
a person can act on. Anything that still escapes is logged with its traceback and answered
with a 500 that leaks nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olivebranch.errors import OliveBranchError

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
    render = getattr(request.app.state, "error_page", None)
    if render is not None and wants_page(request):
        return render(request, status, str(exc))
    return JSONResponse(status_code=status, content={"detail": str(exc)})


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


def _is_api(path: str) -> bool:
    return path.startswith(("/api/", "/match/", "/search/", "/entities/", "/catalog",
                            "/algorithms", "/openapi.json"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(OliveBranchError, user_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected_handler)


class BodyLimitMiddleware:
    """Refuse request bodies above ``max_bytes`` with 413, before any parsing.

    The body is read (up to the limit) and replayed to the app, so chunked uploads without a
    ``Content-Length`` are capped too.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_bytes: int = 0, upload_prefix: str = "/api/admin/"
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = max(upload_bytes, max_bytes)
        self.upload_prefix = upload_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if scope.get("path", "").startswith(self.upload_prefix):
            limit = self.upload_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, 400, "invalid Content-Length header")
                    return
                if declared > limit:
                    await self._too_large(send, limit)
                    return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replayed = False
        full = b"".join(chunks)

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": full, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await self._refuse(send, 413, f"request body too large (limit {limit:,} bytes)")

    async def _refuse(self, send: Send, status: int, detail: str) -> None:
        import json

        body = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


__all__ = ["BodyLimitMiddleware", "install", "StarletteHTTPException"]

"""A fast path for well-formed ``POST /match/{dataset}`` requests.

Scoring a query takes about 1.5 ms of CPU; FastAPI's request machinery (dependency solving,
parameter and body validation, exception plumbing) adds almost another millisecond. This ASGI
middleware answers the common case — a valid body, known parameters, an allowed caller, a
small batch — directly, with the same helpers, models and checks as the route. Anything
unusual (bad JSON, a validation error, an unknown parameter, a missing key, a large batch) is
handed to the FastAPI route untouched, so error answers and the OpenAPI document have one
source of truth. ``tests/test_api.py`` checks that both paths give identical responses.
Each answer is recorded in the audit trail (``olivebranch.audit.screening``) once it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import HTTPException
from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olivebranch.api import auth, screening
from olivebranch.api.models import EntityMatchQuery
from olivebranch.match import DEFAULT_THRESHOLD

PREFIX = "/match/"
PARAMS = frozenset({"limit", "threshold", "cutoff", "algorithm"})


class FastMatch:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            answer = self.answer(scope, body)
        except Exception:  # noqa: BLE001 - the route gives the proper answer for anything odd
            answer = None
        if answer is None:
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        payload, batch, record = answer
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"x-batch-size", str(batch).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
        # the audit record, once the caller has the answer (olivebranch.audit.screening: one
        # insert; handed to a writer thread if the database is busy, so this never waits)
        record()

    def answer(self, scope: Scope, body: bytes
               ) -> tuple[bytes, int, Callable[[], object]] | None:
        """(JSON, batch size, the call that records it in the audit trail) for a request the
        fast path can answer, else None."""
        from olivebranch.api.routers.match import INLINE_QUERIES, compute

        app = scope["app"]
        settings, ob = app.state.settings, app.state.ob
        if not settings.fast_match or ob is None or ob.index is None:
            return None
        dataset = scope["path"][len(PREFIX) :]
        if not dataset or "/" in dataset or len(dataset) > 64:
            return None
        try:
            screening.check_dataset(dataset, ob.lookup)
        except KeyError:
            return None
        params = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        if len({k for k, _ in params}) != len(params) or not {k for k, _ in params} <= PARAMS:
            return None
        values = dict(params)
        limit = int(values.get("limit", 5))
        threshold = float(values.get("threshold", DEFAULT_THRESHOLD))
        cutoff = float(values["cutoff"]) if "cutoff" in values else None
        if not 1 <= limit <= 500 or not 0.0 <= threshold <= 1.0:
            return None
        if cutoff is not None and not 0.0 <= cutoff <= 1.0:
            return None
        algorithm = values.get("algorithm", "best")
        if len(algorithm) > 64:
            return None
        try:
            screening.resolve_algorithm(algorithm)
            auth.check(Request(scope), "match")
        except (screening.BadQuery, HTTPException):
            return None
        try:
            query = EntityMatchQuery.model_validate(orjson.loads(body))
        except (orjson.JSONDecodeError, ValidationError):
            return None
        n = len(query.queries)
        if n == 0 or n > settings.max_queries or n > INLINE_QUERIES:
            return None
        prepared: list[tuple[str, Any, Any]] = []
        for qid, example in query.queries.items():
            try:
                prepared.append(
                    (qid, example, screening.make_query(example.schema_, example.properties))
                )
            except screening.BadQuery:
                return None
        return compute(ob, prepared, dataset, limit, threshold, cutoff, algorithm)

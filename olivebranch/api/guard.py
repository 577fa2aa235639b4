"""The outer gate every request passes before the app sees it (issue 11).

In this order, before a byte of the body is read:

1. The URL: a path segment longer than a file name may be (414), a lone surrogate in the
   path or query (400).
2. The size: a ``Content-Length`` over the route's limit is refused (413); a body sent
   without one (chunked) is counted as it streams and cut off at the limit. Only the list
   import route may send more than ``max_body_bytes``.
3. The caller: a presented key is verified in a worker thread (never on the event loop) and
   kept in the request scope for the route's own check; ``/api/admin/*`` is refused (401/403)
   without an admin key, before its body is read.
4. Expensive routes (scenario runs, PDF reports, imports): per-key (or per-address) rate
   limit (429), then a bounded number of concurrent jobs with a short queue (429/503, all
   with ``Retry-After``).

Then the body, for JSON bodies of ordinary routes (at most ``max_body_bytes``, so holding it is
cheap): lone surrogates (``"\\udc80"``) anywhere in it are refused with 422 (nothing is
written), and a scenario with more changes or names than allowed is refused with 422.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olivebranch.api import auth
from olivebranch.api.limits import Gate, RateLimiter, Refused, TooBig, check_scenario_size
from olivebranch.api.settings import Settings
from olivebranch.text_hygiene import has_lone_surrogate

#: a JSON ``\\u`` escape of a surrogate (cheap pre-test before walking the parsed body)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BODY_METHODS = ("POST", "PUT", "PATCH")

#: (method, path pattern) of routes that run a scenario over the catalogue
RUNS = [
    ("POST", re.compile(r"^/api/scenarios/run/?$")),
    ("GET", re.compile(r"^/api/scenarios/(compare|summary|chart\.svg)/?$")),
    ("GET", re.compile(r"^/api/scenarios/[^/]+/run/?$")),
]
RENDERS = [("GET", re.compile(r"^/deals/[^/]+/report\.pdf$"))]
IMPORTS = [("POST", re.compile(r"^/api/admin/lists/"))]
SCENARIO_BODIES = [("POST", re.compile(r"^/api/scenarios(/run|/validate)?/?$")),
                   ("PUT", re.compile(r"^/api/scenarios/[^/]+/?$"))]


def _matches(rules: list[tuple[str, re.Pattern[str]]], method: str, path: str) -> bool:
    return any(m == method and p.match(path) for m, p in rules)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit (FastAPI re-raises
    HTTP exceptions met while reading a body, so the answer is a 413 either way)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large (limit {limit:,} bytes)")


class Guard:
    """See the module docstring. One per app; its gates and counters live as long as it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        queue = (settings.queue_length, settings.queue_seconds)
        self.runs = Gate("scenario runs", settings.max_concurrent_runs, *queue)
        self.renders = Gate("PDF renders", settings.max_concurrent_renders, *queue)
        self.rates = RateLimiter(settings.expensive_per_minute)
        self.refused: dict[int, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self._handle(scope, receive, send)
        except Refused as exc:
            await self._refuse(send, exc.status, str(exc), retry_after=exc.retry_after)
        except TooBig as exc:
            await self._refuse(send, exc.status, str(exc))

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        s = self.settings
        method, path = scope["method"], scope.get("path", "")
        # 1. the URL
        if any(len(seg.encode("utf-8", "surrogatepass")) > s.max_path_segment
               for seg in path.split("/")):
            return await self._refuse(send, 414, f"a URL path segment is longer than "
                                      f"{s.max_path_segment} bytes")
        query = scope.get("query_string", b"")
        if has_lone_surrogate(path) or (b"%ED" in query.upper() and _bad_query(query)):
            return await self._refuse(send, 400, "the URL holds text that is not valid UTF-8")
        # 2. the size, from the header
        upload = method == "POST" and path.startswith(s.upload_path)
        limit = s.max_upload_bytes if upload else s.max_body_bytes
        declared = _content_length(scope)
        if declared == -1:
            return await self._refuse(send, 400, "invalid Content-Length header")
        if declared is not None and declared > limit:
            return await self._refuse(send, 413, f"request body too large (limit {limit:,} bytes)")
        # 3. the caller
        principal = await self._principal(scope)
        if path.startswith("/api/admin/") or path == "/api/admin":
            if principal is None or principal.anonymous:
                return await self._refuse(send, 401, "this endpoint needs an API key with role "
                                          "'admin' (send it as X-API-Key or Authorization: "
                                          "Bearer)", www_auth=True)
            if not principal.can("admin"):
                return await self._refuse(send, 403, f"your key has role {principal.role!r}; "
                                          "this needs 'admin'")
        # 4. expensive routes
        gate: Gate | None = None
        if _matches(RUNS, method, path):
            gate = self.runs
        elif _matches(RENDERS, method, path):
            gate = self.renders
        if gate is not None or _matches(IMPORTS, method, path):
            who = (f"key:{principal.key_id}" if principal is not None and not principal.anonymous
                   else f"addr:{(scope.get('client') or ('?',))[0]}")
            self.rates.hit(who)
        receive = self._counted(receive, limit)
        if method in _BODY_METHODS and not upload:
            receive = await self._checked_body(scope, receive, method, path)
            if receive is None:
                return await self._refuse(send, 413, f"request body too large (limit "
                                          f"{limit:,} bytes)")
        if gate is None:
            return await self._call(scope, receive, send)
        async with gate.slot():
            await self._call(scope, receive, send)

    async def _call(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except BodyTooLarge as exc:
            if not started:
                await self._refuse(send, 413, str(exc.detail))

    async def _principal(self, scope: Scope) -> auth.Principal | None:
        """Verify a presented key off the event loop and keep the answer in the scope
        (None: a key was sent but is unknown, revoked or expired)."""
        from starlette.requests import Request

        request = Request(scope)
        token = auth.presented_key(request)
        if token is None:
            return auth.Principal(role=None)
        ob = getattr(scope["app"].state, "ob", None)
        if ob is None:
            return None
        principal = await anyio.to_thread.run_sync(auth.verify_key, ob.store, token)
        scope.setdefault("state", {})[auth.SCOPE_KEY] = (token, principal)
        return principal

    def _counted(self, receive: Receive, limit: int) -> Receive:
        size = 0

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise BodyTooLarge(limit)
            return message

        return counted

    async def _checked_body(self, scope: Scope, receive: Receive, method: str,
                            path: str) -> Receive | None:
        """Read a (small) body, check it, and hand it on; None when it is over the limit."""
        chunks: list[bytes] = []
        more = True
        while more:
            try:
                message = await receive()
            except BodyTooLarge:
                return None
            if message["type"] == "http.disconnect":
                chunks = []
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        data: Any = None
        parsed = False
        if _SURROGATE_ESCAPE.search(body):
            data, parsed = _json(body), True
            if _has_surrogate(data):
                raise TooBig("the request body holds a lone surrogate (a \\uD800-\\uDFFF escape "
                             "that is not half of a pair): it is not valid Unicode text")
        if _matches(SCENARIO_BODIES, method, path):
            if not parsed:
                data = _json(body)
            check_scenario_size(data, max_changes=self.settings.max_scenario_changes,
                                max_names=self.settings.max_scenario_names)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    async def _refuse(self, send: Send, status: int, detail: str, *,
                      retry_after: int | None = None, www_auth: bool = False) -> None:
        self.refused[status] = self.refused.get(status, 0) + 1
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        if www_auth:
            headers.append((b"www-authenticate", b"Bearer"))
        if status in (413, 414):
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    """The declared length; None when absent, -1 when malformed."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                n = int(value)
            except ValueError:
                return -1
            return n if n >= 0 else -1
    return None


def _bad_query(query: bytes) -> bool:
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None  # the route answers malformed JSON itself


def _has_surrogate(data: Any, depth: int = 0) -> bool:
    if depth > 200:
        return False
    if isinstance(data, str):
        return has_lone_surrogate(data)
    if isinstance(data, dict):
        return any(_has_surrogate(k, depth + 1) or _has_surrogate(v, depth + 1)
                   for k, v in data.items())
    if isinstance(data, list):
        return any(_has_surrogate(v, depth + 1) for v in data)
    return False


def install(app: Any, settings: Settings) -> Callable[[], Guard | None]:
    """Add the guard as the outermost middleware; returns a way to reach the instance (its
    counters) once the middleware stack is built."""
    app.add_middleware(Guard, settings=settings)
    return lambda: _find(app)


def _find(app: Any) -> Guard | None:
    node = getattr(app, "middleware_stack", None)
    while node is not None:
        if isinstance(node, Guard):
            return node
        node = getattr(node, "app", None)
    return None

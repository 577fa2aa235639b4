"""Browser-facing security for every response: headers, cookies, CSRF and the base URL.

* Headers: a Content-Security-Policy that allows scripts only from this server (the pages
  carry no inline script or event handler; inline ``style`` attributes remain, so styles allow
  ``'unsafe-inline'``), ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``; HSTS behind https.
* Cookies: every ``Set-Cookie`` gets ``SameSite`` (Strict unless set) and, when the configured
  base URL is ``https://…``, ``Secure``.
* CSRF: form posts to the web UI (sign-in included) must carry the token of the ``ob_csrf``
  cookie (double submit, the cookie is ``SameSite=Strict``) in the ``csrf`` field or an
  ``X-CSRF-Token`` header; the API is exempt (its writes need a key in a header, which another
  site cannot make a browser send). Templates read the token as ``request.state.csrf``.
* Base URL: the ``Host`` header is replaced by the configured base URL (or, without one, by
  the address the server listens on) before the app sees it, so links and script URLs never
  echo a host the client made up.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olivebranch.api.settings import Settings

CSRF_COOKIE = "ob_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = b"x-csrf-token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: paths whose unsafe requests are API calls (key in a header), not browser form posts
API_PREFIXES = ("/api/", "/match/", "/search/", "/entities/", "/catalog", "/algorithms")
_SAFE = ("GET", "HEAD", "OPTIONS")


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.base = urlsplit(settings.base_url) if settings.base_url else None
        self.secure = bool(self.base and self.base.scheme == "https")
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
        ]
        if self.secure:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._pin_host(scope)
        cookie_token = _cookie(scope, CSRF_COOKIE)
        token = cookie_token if cookie_token and len(cookie_token) <= 100 else None
        new_token = token is None
        if new_token:
            token = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = token
        path = scope.get("path", "")
        method = scope["method"]
        if method not in _SAFE and not path.startswith(API_PREFIXES):
            receive, ok = await self._check_csrf(scope, receive, cookie_token)
            if not ok:
                await self._forbidden(send)
                return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [self._cookie_flags(k, v) if k.lower() == b"set-cookie" else (k, v)
                           for k, v in message.get("headers", [])]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in present]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if new_token and ctype.startswith(b"text/html"):
                    headers.append((b"set-cookie", self._csrf_cookie(token)))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured)

    # ------------------------------------------------------------------ host
    def _pin_host(self, scope: Scope) -> None:
        if self.base is not None:
            host = self.base.netloc
            scope["scheme"] = self.base.scheme
            if self.base.path and self.base.path != "/":
                scope["root_path"] = self.base.path.rstrip("/")
        else:
            server = scope.get("server")
            if not server:
                return
            h, p = server[0], server[1]
            host = h if p in (None, 80, 443) else f"{h}:{p}"
        headers = [(k, v) for k, v in scope.get("headers", []) if k not in (b"host",
                   b"x-forwarded-host", b"forwarded")]
        headers.append((b"host", host.encode("latin-1")))
        scope["headers"] = headers

    # ------------------------------------------------------------------ cookies
    def _cookie_flags(self, name: bytes, value: bytes) -> tuple[bytes, bytes]:
        text = value.decode("latin-1")
        low = text.lower()
        if "samesite=" not in low:
            text += "; SameSite=Strict"
        if self.secure and "; secure" not in low:
            text += "; Secure"
        return name, text.encode("latin-1")

    def _csrf_cookie(self, token: str) -> bytes:
        flags = "; Path=/; SameSite=Strict; HttpOnly"
        if self.secure:
            flags += "; Secure"
        return f"{CSRF_COOKIE}={token}{flags}".encode("latin-1")

    # ------------------------------------------------------------------ CSRF
    async def _check_csrf(self, scope: Scope, receive: Receive,
                          cookie_token: str | None) -> tuple[Receive, bool]:
        if not cookie_token:
            return receive, False
        for k, v in scope.get("headers", []):
            if k == CSRF_HEADER:
                return receive, hmac.compare_digest(v.decode("latin-1"), cookie_token)
        ctype = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
        if not ctype.startswith(b"application/x-www-form-urlencoded"):
            return receive, False
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return receive, False
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        given = next((v for k, v in fields if k == CSRF_FIELD), "")
        return replay, bool(given) and hmac.compare_digest(given, cookie_token)

    async def _forbidden(self, send: Send) -> None:
        body = (b"<!doctype html><meta charset=utf-8><title>Forbidden</title><main><h1>"
                b"Form expired</h1><p>This form was not sent from this site's page (its "
                b"security token is missing or stale). Go back, reload the page and send it "
                b"again.</p></main>")
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode())] + self.headers})
        await send({"type": "http.response.body", "body": body})


def _cookie(scope: Scope, name: str) -> str | None:
    for k, v in scope.get("headers", []):
        if k == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(v.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no token
                continue
            if name in jar:
                return jar[name].value
    return None

"""API keys with roles, stored hashed, and the FastAPI dependencies that check them.

A key looks like ``ob_<key_id>_<secret>``. Only the key id, a random salt and
``sha256(salt + secret)`` are stored; the secret is shown once, at creation. The secret is 256
random bits, so a salted SHA-256 cannot be brute-forced and stays cheap enough to verify on
every request (a slow password hash would cost tens of milliseconds per call).

Roles are ordered: ``read`` < ``analyst`` (writes deals and scenarios) < ``admin`` (imports
lists, manages keys). Callers send the key as ``X-API-Key: …`` or ``Authorization: Bearer …``
(the web UI also accepts it from the ``ob_key`` cookie set by its sign-in form).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from fastapi import HTTPException, Request
from sqlalchemy import insert, select, update

from olivebranch.api.tables import api_key_expiry, api_keys
from olivebranch.errors import OliveBranchError
from olivebranch.store import Store

ROLES: tuple[str, ...] = ("read", "analyst", "admin")
#: What each access level needs. ``match`` and ``read`` can be opened to anonymous callers.
ACCESS_LEVELS: dict[str, str] = {"match": "read", "read": "read", "analyst": "analyst", "admin": "admin"}
COOKIE = "ob_key"
PREFIX = "ob_"
#: ``last_used_at`` is written at most this often per key, by a background thread
TOUCH_EVERY_S = 60.0
#: where a request's verified principal is kept (``scope["state"]``), so a key is checked once
SCOPE_KEY = "ob_principal"
log = logging.getLogger("olivebranch.api")


class ApiKeyError(OliveBranchError):
    """A key operation the user asked for cannot be done (unknown role, unknown key)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key (id, name, role) or the anonymous caller."""

    role: str | None
    key_id: str | None = None
    name: str = "anonymous"

    @property
    def anonymous(self) -> bool:
        return self.key_id is None

    def can(self, role: str) -> bool:
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    name: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
    expires_at: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and _as_utc(self.expires_at) <= datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def create_key(store: Store, name: str, role: str, *, days: float | None = None
               ) -> tuple[str, KeyInfo]:
    """Create a key; returns the full key (shown once) and its stored description. With
    ``days`` the key stops working that many days from now."""
    if role not in ROLES:
        raise ApiKeyError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if days is not None and not (0 < days <= 3660):
        raise ApiKeyError("a key lasts more than 0 and at most 3660 days")
    name = name.strip() or "unnamed"
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            insert(api_keys).values(
                key_id=key_id,
                name=name[:200],
                role=role,
                salt=salt,
                secret_hash=_hash(salt, secret),
                created_at=now,
                last_used_at=None,
                revoked=False,
            )
        )
        expires = now + timedelta(days=days) if days is not None else None
        if expires is not None:
            conn.execute(insert(api_key_expiry).values(key_id=key_id, expires_at=expires))
    return f"{PREFIX}{key_id}_{secret}", KeyInfo(key_id, name, role, now, None, False, expires)


def _with_expiry() -> Any:
    return (select(api_keys, api_key_expiry.c.expires_at)
            .select_from(api_keys.outerjoin(api_key_expiry,
                                            api_key_expiry.c.key_id == api_keys.c.key_id)))


def list_keys(store: Store) -> list[KeyInfo]:
    with store.engine.connect() as conn:
        rows = conn.execute(_with_expiry().order_by(api_keys.c.created_at)).all()
    return [
        KeyInfo(
            r.key_id, r.name, r.role, r.created_at, r.last_used_at, bool(r.revoked),
            r.expires_at,
        )
        for r in rows
    ]


def revoke_key(store: Store, key_id: str) -> None:
    key_id = key_id.removeprefix(PREFIX).split("_")[0]
    with store.engine.begin() as conn:
        done = conn.execute(
            update(api_keys).where(api_keys.c.key_id == key_id).values(revoked=True)
        ).rowcount
    if not done:
        raise ApiKeyError(f"no API key with id {key_id!r}")


def verify_key(store: Store, token: str) -> Principal | None:
    """The principal for a presented key, or None if it is unknown, malformed or revoked."""
    token = token.strip()
    if not token.startswith(PREFIX) or token.count("_") < 2:
        return None
    key_id, _, secret = token[len(PREFIX) :].partition("_")
    if len(key_id) > 32 or len(secret) > 200:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(_with_expiry().where(api_keys.c.key_id == key_id)).first()
    if row is None or row.revoked:
        return None
    if not hmac.compare_digest(row.secret_hash, _hash(row.salt, secret)):
        return None
    if row.expires_at is not None and _as_utc(row.expires_at) <= datetime.now(UTC):
        return None
    _touch(store, key_id)
    return Principal(role=row.role, key_id=key_id, name=row.name)


# ---------------------------------------------------------------- last_used_at, off the path
_touch_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="key-touch")
_touched: dict[tuple[str, str], float] = {}
_touch_lock = threading.Lock()


def _touch(store: Store, key_id: str) -> None:
    """Record that a key was used, in the background and at most once a minute per key: a
    request never waits for (or fails on) this write, even while another process holds the
    database's write lock."""
    now = time.monotonic()
    slot = (store.url, key_id)
    with _touch_lock:
        if now - _touched.get(slot, -TOUCH_EVERY_S) < TOUCH_EVERY_S:
            return
        _touched[slot] = now
    _touch_pool.submit(_write_touch, store, key_id, datetime.now(UTC))


def _write_touch(store: Store, key_id: str, when: datetime) -> None:
    try:
        with store.engine.begin() as conn:
            conn.execute(update(api_keys).where(api_keys.c.key_id == key_id)
                         .values(last_used_at=when))
    except Exception as exc:  # noqa: BLE001 - bookkeeping only: never fail a request on it
        log.warning("could not record the use of key %s: %s", key_id, exc)


#: value of ``X-Requested-With`` on writes from the web UI's scripts (see presented_key)
UI_HEADER = "olivebranch-ui"


def presented_key(request: Request) -> str | None:
    """The key a request carries, from the header, the bearer token or the UI cookie.

    The cookie counts for safe methods (GET, HEAD), and for writes sent by the UI's own
    scripts with the ``X-Requested-With: olivebranch-ui`` header: another site cannot make a
    browser send a custom header (a cross-origin request with one needs a CORS preflight,
    which this server never grants), and the cookie is ``SameSite=Strict`` besides."""
    value = request.headers.get("x-api-key")
    if value:
        return value
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() in ("bearer", "apikey") and token.strip():
            return token.strip()
    if request.method in ("GET", "HEAD") or request.headers.get("x-requested-with") == UI_HEADER:
        return request.cookies.get(COOKIE)
    return None


def known_principal(request: Request, token: str) -> tuple[bool, Principal | None]:
    """The principal already verified for this request (by the guard middleware)."""
    cached = request.scope.get("state", {}).get(SCOPE_KEY)
    if cached is not None and cached[0] == token:
        return True, cached[1]
    return False, None


def principal_for(request: Request) -> Principal:
    """Authenticate without authorising: who is this (raises 401 for a bad key)."""
    token = presented_key(request)
    if token is None:
        return Principal(role=None)
    found, principal = known_principal(request, token)
    if not found:
        principal = verify_key(request.app.state.ob.store, token)
        request.scope.setdefault("state", {})[SCOPE_KEY] = (token, principal)
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="invalid or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def anonymous_allowed(request: Request, level: str) -> bool:
    settings = request.app.state.settings
    if level == "match":
        return settings.anonymous_match or settings.anonymous_read
    if level == "read":
        return settings.anonymous_read
    return False


def check(request: Request, level: str) -> Principal:
    """Let the call through only at ``level`` (match, read, analyst, admin): 401 without a
    usable key (unless anonymous callers may), 403 with a key whose role is too low."""
    role = ACCESS_LEVELS[level]
    principal = principal_for(request)
    # who the audit trail names for the answers of this request (olivebranch.audit)
    from olivebranch.audit.log import ACTOR

    ACTOR.set(f"api:{principal.key_id}" if principal.key_id else "api:anonymous")
    if principal.anonymous:
        if anonymous_allowed(request, level):
            return principal
        raise HTTPException(
            status_code=401,
            detail=f"this endpoint needs an API key with role {role!r} or higher "
            "(send it as X-API-Key or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not principal.can(role):
        raise HTTPException(
            status_code=403,
            detail=f"your key has role {principal.role!r}; this needs {role!r} or higher",
        )
    return principal


def require(level: str) -> Callable[[Request], Any]:
    """A FastAPI dependency for :func:`check`. It is ``async`` so that FastAPI calls it on
    the event loop instead of the thread pool (anonymous calls touch no database); a key not
    yet verified is checked in a worker thread, so a slow database never stalls the loop."""
    ACCESS_LEVELS[level]  # fail at import time on a typo

    async def dependency(request: Request) -> Principal:
        token = presented_key(request)
        if token is not None and not known_principal(request, token)[0]:
            principal = await anyio.to_thread.run_sync(check, request, level)
            # the worker thread's context is a copy: name the caller in the request's too
            from olivebranch.audit.log import ACTOR

            ACTOR.set(f"api:{principal.key_id}" if principal.key_id else "api:anonymous")
            return principal
        return check(request, level)

    dependency.__name__ = f"require_{level}"
    return dependency


def principal_name(request: Request) -> str:
    """Who made a write, for the catalogue's revision history (``api:<key id> (<name>)``)."""
    p = principal_for(request)
    return "api:anonymous" if p.anonymous else f"api:{p.key_id} ({p.name})"

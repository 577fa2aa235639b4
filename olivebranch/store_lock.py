"""The store's import lock: one import writes at a time, across processes and servers.

Two imports running together would each compare their file against the same active version,
then both write; on SQLite the loser also died with a raw "database is locked". The lock makes
the second one stop at once with a message naming the first (what, where, since when).

* PostgreSQL: a session-level advisory lock on a dedicated connection; the server frees it if
  the importing process dies.
* SQLite (and any other database): a row in ``import_lock`` is the lock (its primary key makes
  a second insert fail). A row left behind by a process that died on this host, or older than
  ``STALE_SECONDS`` when written from another host, is taken over.

Every database also keeps the row while the lock is held, so the message can say who holds it.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from olivebranch.errors import ImportLockedError

LOCK_NAME = "import"
PG_LOCK_KEY = 0x6F6C_6976  # "oliv": the advisory-lock key of olivebranch imports
STALE_SECONDS = 6 * 3600


@dataclass
class Token:
    """What ``release`` needs: the lock table, the holder row's identity and, on PostgreSQL,
    the session."""

    table: Table
    host: str
    pid: int
    acquired_at: datetime
    session: Connection | None = None


def acquire(engine: Engine, table: Table, holder: str, wait: float = 0.0) -> Token:
    """Take the lock (a row of ``table``, the store's ``import_lock``); while another holds
    it, retry for ``wait`` seconds, then raise."""
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            return _acquire(engine, table, holder)
        except ImportLockedError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))


def _acquire(engine: Engine, table: Table, holder: str) -> Token:
    token = Token(table, socket.gethostname()[:255], os.getpid(), datetime.now(UTC))
    row = {"name": LOCK_NAME, "holder": holder[:500], "host": token.host, "pid": token.pid,
           "acquired_at": token.acquired_at}
    if engine.dialect.name == "postgresql":
        session = engine.connect()
        try:
            got = session.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            held = bool(got.scalar())
            session.commit()
        except Exception:
            session.close()
            raise
        if not held:
            current = holder_row(engine, table)
            session.close()
            raise ImportLockedError(message(current))
        token.session = session
        try:
            with engine.begin() as conn:  # we hold the lock: any row left is stale
                conn.execute(delete(table).where(table.c.name == LOCK_NAME))
                conn.execute(insert(table).values(**row))
        except Exception:
            release(engine, token)
            raise
        return token
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                conn.execute(insert(table).values(**row))
            return token
        except IntegrityError:
            current = holder_row(engine, table)
            if attempt == 0 and (current is None or is_stale(current)):
                if current is not None:
                    _delete(engine, table, current["host"], current["pid"])
                continue
            raise ImportLockedError(message(current)) from None
        except OperationalError as exc:
            if _busy(exc):
                raise ImportLockedError(
                    "another import is running: the database is busy writing; try again when "
                    "it has finished"
                ) from None
            raise
    raise ImportLockedError(message(holder_row(engine, table)))


def release(engine: Engine, token: Token) -> None:
    """Remove our row (retrying while SQLite is busy) and free the advisory lock."""
    for attempt in range(10):
        try:
            _delete(engine, token.table, token.host, token.pid)
            break
        except OperationalError as exc:
            if not _busy(exc) or attempt == 9:
                raise
            time.sleep(0.5 * (attempt + 1))
    if token.session is not None:
        try:
            token.session.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
            token.session.commit()
        finally:
            token.session.close()
            token.session = None


def holder_row(engine: Engine, table: Table) -> dict[str, Any] | None:
    t = table
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.name == LOCK_NAME)).first()
    return dict(row._mapping) if row is not None else None


def is_stale(row: dict[str, Any]) -> bool:
    """Left by a dead process on this host, or too old to belong to a running import."""
    if row["host"] == socket.gethostname()[:255]:
        try:
            os.kill(int(row["pid"]), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OSError):
            return False
        return False
    return _age(row) > STALE_SECONDS


def message(row: dict[str, Any] | None) -> str:
    if row is None:
        return "another import is running; try again when it has finished"
    since = _as_utc(row["acquired_at"])
    return (
        f"another import is running ({row['holder']}; process {row['pid']} on {row['host']}, "
        f"since {since:%Y-%m-%d %H:%M:%S} UTC, {int(_age(row))} s ago); try again when it has "
        f"finished"
    )


def _age(row: dict[str, Any]) -> float:
    return (datetime.now(UTC) - _as_utc(row["acquired_at"])).total_seconds()


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _delete(engine: Engine, table: Table, host: str, pid: int) -> None:
    """Remove the lock row if (and only if) it is the one of ``host``/``pid``."""
    t = table
    with engine.begin() as conn:
        conn.execute(delete(t).where(and_(t.c.name == LOCK_NAME, t.c.host == host, t.c.pid == pid)))


def _busy(exc: OperationalError) -> bool:
    text_ = str(exc.orig if exc.orig is not None else exc).lower()
    return "locked" in text_ or "busy" in text_

"""Admission limits against abuse: how many expensive jobs run at once (with a short queue),
how many expensive requests a key may make per minute, and how big a scenario may be.

Each refusal is a typed error carrying its HTTP status and a ``Retry-After`` (``api.errors``
answers it), so a client learns when to come back instead of holding a connection open.
Everything here is in memory, per app: the limits protect one server process.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from olivebranch.errors import OliveBranchError


class Refused(OliveBranchError):
    """A request turned away for now; ``retry_after`` seconds is a fair time to wait."""

    status = 503

    def __init__(self, message: str, *, retry_after: int, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        if status is not None:
            self.status = status


class TooBig(OliveBranchError):
    """A request whose content is over a size limit (names, changes)."""

    status = 422


class Gate:
    """At most ``running`` jobs at once; up to ``waiting`` more wait their turn for at most
    ``patience`` seconds (then 503); anyone beyond the queue gets 429 at once.

    It lives on the event loop (no thread is held while waiting) and binds to no loop, so
    apps started on different loops (tests) can share the class."""

    def __init__(self, name: str, running: int, waiting: int, patience: float) -> None:
        self.name = name
        self.running = max(1, running)
        self.waiting = max(0, waiting)
        self.patience = patience
        self.busy = 0
        self._queue: deque[asyncio.Future[None]] = deque()
        self.refused = 0

    @property
    def queued(self) -> int:
        return len(self._queue)

    def _retry(self) -> int:
        return max(1, math.ceil(self.patience / 2))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.busy < self.running and not self._queue:
            self.busy += 1
        else:
            if len(self._queue) >= self.waiting:
                self.refused += 1
                raise Refused(f"too many {self.name} at once ({self.busy} running, "
                              f"{len(self._queue)} waiting); try again shortly",
                              retry_after=self._retry(), status=429)
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._queue.append(waiter)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), self.patience)
            except TimeoutError:
                if waiter.done() and not waiter.cancelled():
                    pass  # handed a slot just as the wait ran out: take it
                else:
                    waiter.cancel()
                    self._drop(waiter)
                    self.refused += 1
                    raise Refused(f"the server is busy with other {self.name}; waited "
                                  f"{self.patience:.0f} s for a turn", retry_after=self._retry()
                                  ) from None
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._release()
                else:
                    waiter.cancel()
                    self._drop(waiter)
                raise
            # the slot was handed over by the releaser (busy already counts it)
        try:
            yield
        finally:
            self._release()

    def _drop(self, waiter: asyncio.Future[None]) -> None:
        try:
            self._queue.remove(waiter)
        except ValueError:
            pass

    def _release(self) -> None:
        while self._queue:
            nxt = self._queue.popleft()
            if not nxt.done():
                nxt.set_result(None)  # hand the slot over: busy stays the same
                return
        self.busy -= 1


class RateLimiter:
    """At most ``per_minute`` requests per caller in any 60-second window (sliding log)."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._log: dict[str, deque[float]] = {}
        self.refused = 0

    def hit(self, who: str, now: float | None = None) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic() if now is None else now
        log = self._log.setdefault(who, deque())
        while log and log[0] <= now - self.window:
            log.popleft()
        if len(log) >= self.per_minute:
            self.refused += 1
            raise Refused(f"rate limit: at most {self.per_minute} of these requests per minute "
                          "per key (or per address without a key)",
                          retry_after=math.ceil(log[0] + self.window - now), status=429)
        log.append(now)
        if len(self._log) > 10_000:  # forget idle callers
            for k in [k for k, v in self._log.items() if not v or v[-1] <= now - self.window]:
                del self._log[k]


#: longest scenario name (a name is also a URL path segment)
MAX_NAME = 100

#: scenario change fields that hold entity names or ids (delist, relist, designate)
_NAME_FIELDS = ("names", "entities")


def check_scenario_size(data: Any, *, max_changes: int, max_names: int) -> None:
    """Refuse a scenario (as sent, before it is parsed) with more changes or more names and
    entity ids in all than allowed: each one costs a lookup over the lists."""
    if not isinstance(data, dict):
        return
    name = data.get("name")
    if isinstance(name, str) and len(name) > MAX_NAME:
        raise TooBig(f"a scenario name has at most {MAX_NAME} characters ({len(name)} given)")
    changes = data.get("changes")
    if not isinstance(changes, list):
        return
    if len(changes) > max_changes:
        raise TooBig(f"the scenario has {len(changes)} changes; at most {max_changes} are "
                     "allowed (OLIVEBRANCH_MAX_SCENARIO_CHANGES)")
    names = sum(_count_names(c) for c in changes)
    if names > max_names:
        raise TooBig(f"the scenario names {names} entities in all; at most {max_names} are "
                     "allowed (OLIVEBRANCH_MAX_SCENARIO_NAMES); split it or select by programme")


def _count_names(change: Any) -> int:
    if not isinstance(change, dict):
        return 0
    total = 0
    for value in change.values():
        if isinstance(value, dict):
            for f in _NAME_FIELDS:
                got = value.get(f)
                total += len(got) if isinstance(got, list) else (1 if got else 0)
            total += _count_names(value) if any(isinstance(v, dict) for v in value.values()) else 0
    return total

"""What the running server holds: the store, the match index and the engines built from it.

One ``AppState`` lives in ``app.state.ob``; handlers read it from the request. Nothing is kept in
module globals, so several apps (tests, a bench) can run in one process with different stores.
Swapping the index after a list import is one attribute assignment, atomic for readers.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from olivebranch.api.settings import Settings
from olivebranch.store import Store

log = logging.getLogger("olivebranch.api")


@dataclass
class AppState:
    settings: Settings
    store: Store
    index: Any = None
    lookup: Any = None
    started: float = field(default_factory=time.time)
    timings: dict[str, float] = field(default_factory=dict)
    ready: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: Settings) -> AppState:
        """Open the store, import the bundled lists into an empty one, build the index."""
        t0 = time.perf_counter()
        store = Store(settings.db_url)
        state = cls(settings=settings, store=store)
        if settings.import_bundled_if_empty and not store.active_versions():
            from olivebranch.lists.importer import import_bundled

            log.info("no active lists: importing the bundled snapshots")
            t1 = time.perf_counter()
            import_bundled(store)
            state.timings["import_bundled_s"] = round(time.perf_counter() - t1, 3)
        state.rebuild_index()
        state.timings["startup_s"] = round(time.perf_counter() - t0, 3)
        state.ready = True
        return state

    def rebuild_index(self) -> None:
        """Build the match index from the active list versions and swap it in."""
        from olivebranch.api.screening import Lookup
        from olivebranch.match import MatchIndex

        t0 = time.perf_counter()
        index = MatchIndex.from_store(self.store)
        lookup = Lookup.build(self.store)
        self.index, self.lookup = index, lookup
        self.cache.clear()
        self.timings["index_build_s"] = round(time.perf_counter() - t0, 3)
        log.info("match index built in %.2fs", self.timings["index_build_s"])

"""What the running server holds: the store, the match index and the engines built from it.

One ``AppState`` lives in ``app.state.ob``; handlers read it from the request. Nothing is kept in
module globals, so several apps (tests, a bench) can run in one process with different stores.
Swapping the index after a list import is one attribute assignment, atomic for readers.

The deal and scenario engines memoise their expensive work (party matching, ownership status),
so the state keeps one verdict engine per index and caches whole scenario runs per
(scenario, date, catalogue generation); a deal or scenario write bumps the generation.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.api.catalogue import DealCatalogue, ScenarioCatalogue
from olivebranch.api.settings import Settings
from olivebranch.store import Store

log = logging.getLogger("olivebranch.api")
#: Whole-catalogue scenario runs kept in memory (oldest dropped first).
MAX_RUNS = 48


@dataclass
class AppState:
    settings: Settings
    store: Store
    index: Any = None
    lookup: Any = None
    deals: DealCatalogue | None = None
    scenarios: ScenarioCatalogue | None = None
    started: float = field(default_factory=time.time)
    timings: dict[str, float] = field(default_factory=dict)
    ready: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    ownership_lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0
    _verdicts: Any = None
    _scenario_engine: Any = None
    _runs: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    _ownership: dict[date | None, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: Settings) -> AppState:
        """Open the store, import the bundled lists into an empty one, build the index."""
        t0 = time.perf_counter()
        store = Store(settings.db_url)
        state = cls(
            settings=settings,
            store=store,
            deals=DealCatalogue(settings.deals_dir),
            scenarios=ScenarioCatalogue(settings.scenarios_dir),
        )
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
        """Build the match index from the active list versions and swap it in; every engine
        result computed from the old lists is dropped."""
        from olivebranch.api.screening import Lookup
        from olivebranch.match.cache import load_index

        t0 = time.perf_counter()
        index = load_index(self.store, use_cache=self.settings.index_cache)
        lookup = Lookup.build(self.store)
        with self.lock:
            self.index, self.lookup = index, lookup
            self._verdicts = None
            self._scenario_engine = None
            self._runs.clear()
            self._ownership.clear()
            self.generation += 1
        self.timings["index_build_s"] = round(time.perf_counter() - t0, 3)
        log.info("match index built in %.2fs", self.timings["index_build_s"])

    def warm_up(self) -> None:
        """Compute the status-quo run and today's ownership analysis ahead of the first page."""
        try:
            self.run("status-quo")
            self.ownership(None)
        except Exception:  # pragma: no cover - warm-up is best effort; pages compute on demand
            log.exception("warm-up failed")

    # ------------------------------------------------------------------ catalogue changes
    def catalogue_changed(self) -> None:
        with self.lock:
            self.generation += 1
            self._scenario_engine = None
            self._runs.clear()

    # ------------------------------------------------------------------ engines
    def verdicts(self) -> Any:
        from olivebranch.verdicts import Engine

        with self.lock:
            if self._verdicts is None:
                self._verdicts = Engine(self.store, match_index=self.index)
            return self._verdicts

    def scenario_engine(self) -> Any:
        from olivebranch.scenarios.engine import ScenarioEngine

        with self.lock:
            if self._scenario_engine is None:
                assert self.deals is not None
                self._scenario_engine = ScenarioEngine(self.verdicts(), self.store, self.deals.deals())
            return self._scenario_engine

    def run(self, scenario: str, as_of: date | None = None) -> Any:
        """A whole-catalogue run of one named scenario (cached)."""
        assert self.scenarios is not None
        entry = self.scenarios.get(scenario)
        key = (scenario, as_of, self.generation, str(entry.path))
        with self.lock:
            cached = self._runs.get(key)
            if cached is None:
                cached = self.scenario_engine().run(entry.scenario, as_of=as_of)
                while len(self._runs) >= MAX_RUNS:  # callers choose dates: keep memory bounded
                    self._runs.pop(next(iter(self._runs)))
                self._runs[key] = cached
            return cached

    def assessment(self, deal_id: str, scenario: str, as_of: date | None = None) -> tuple[Any, Any]:
        """(scenario run, DealVerdict) for one catalogue deal, with each party's screening and
        ownership status per regime filled in."""
        assert self.deals is not None
        entry = self.deals.get(deal_id)
        run = self.run(scenario, as_of)
        verdict = run.verdicts.get(deal_id)
        if verdict is None:  # the catalogue changed under a cached run
            self.catalogue_changed()
            run = self.run(scenario, as_of)
            verdict = run.verdicts[deal_id]
        if not verdict.parties:
            verdict.parties = self.party_table(entry.deal, run)
        return run, verdict

    def party_table(self, deal: Any, run: Any) -> dict[str, dict[str, Any]]:
        """party id -> name, role and, per regime, match/score/listed/owned/sectoral."""
        engine = self.verdicts()
        out: dict[str, dict[str, Any]] = {p.id: {"name": p.name, "role": p.role}
                                          for p in deal.parties}
        with self.lock:
            for regime in run.regimes:
                for pid, st in engine.party_statuses(deal, run.ctx, regime).items():
                    out[pid][regime] = {"match": st.match, "score": st.score,
                                        "listed": st.listed, "owned": st.owned,
                                        "sectoral": st.sectoral}
        return out

    def run_adhoc(self, scenario: Any, as_of: date | None = None) -> Any:
        with self.lock:
            return self.scenario_engine().run(scenario, as_of=as_of)

    def matrix(self, names: list[str], as_of: date | None = None) -> Any:
        from olivebranch.scenarios.engine import Matrix

        engine = self.scenario_engine()
        return Matrix([self.run(n, as_of) for n in names], engine.regimes)

    def ownership(self, as_of: date | None) -> Any:
        """The ownership analysis of the active lists on ``as_of`` (cached per date)."""
        from olivebranch.ownership import analyse

        with self.ownership_lock:
            if as_of not in self._ownership:
                if len(self._ownership) > 8:
                    self._ownership.clear()
                self._ownership[as_of] = analyse(self.store, as_of)
            return self._ownership[as_of]

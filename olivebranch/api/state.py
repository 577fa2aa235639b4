"""What the running server holds: the workspace, and the screening index the yente-compatible
endpoints answer from.

One ``AppState`` lives in ``app.state.ob``; handlers read it from the request. Nothing is kept
in module globals, so several apps (tests, a bench) can run in one process with different
stores. Verdicts, scenario runs and ownership come from the workspace, which takes "today" from
its clock at every request and keys its caches by the lists and the catalogues, so deals and
scenarios saved by another process (the CLI) show at the next request. Swapping the screening
index after a list import is one attribute assignment, atomic for readers.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.api.settings import Settings
from olivebranch.catalogue import DealCatalogue, ScenarioCatalogue
from olivebranch.findings import DealVerdict
from olivebranch.scenarios.engine import Matrix, ScenarioRun
from olivebranch.store import Store
from olivebranch.workspace import Clock, Workspace

if TYPE_CHECKING:
    from olivebranch.api.screening import Lookup
    from olivebranch.match.index import MatchIndex
    from olivebranch.ownership.analysis import OwnershipAnalysis

log = logging.getLogger("olivebranch.api")


@dataclass
class AppState:
    settings: Settings
    workspace: Workspace
    index: MatchIndex | None = None
    lookup: Lookup | None = None
    started: float = field(default_factory=time.time)
    timings: dict[str, float] = field(default_factory=dict)
    ready: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: the list versions the serving index was built from (``/catalog`` reports these, so
    #: it never names a version ``/match`` does not answer from yet)
    index_versions: list[Any] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Settings, *, clock: Clock | None = None) -> AppState:
        """Open the store, import the bundled lists into an empty one, build the index, and
        move user deal and scenario files of older versions (``deals_dir``,
        ``scenarios_dir``) into the store's catalogue."""
        t0 = time.perf_counter()
        store = Store(settings.db_url)
        state = cls(settings=settings,
                    workspace=Workspace(store, clock=clock, index_cache=settings.index_cache))
        if settings.import_bundled_if_empty and not store.active_versions():
            from olivebranch.errors import ImportLockedError
            from olivebranch.lists.importer import import_bundled

            log.info("no active lists: importing the bundled snapshots")
            t1 = time.perf_counter()
            try:
                import_bundled(store)
            except ImportLockedError as exc:  # another process is importing: serve what is there
                log.warning("bundled import skipped: %s", exc)
            state.timings["import_bundled_s"] = round(time.perf_counter() - t1, 3)
        state.import_legacy_files()
        state.rebuild_index()
        state.timings["startup_s"] = round(time.perf_counter() - t0, 3)
        state.ready = True
        return state

    @property
    def store(self) -> Store:
        return self.workspace.store

    @property
    def deals(self) -> DealCatalogue:
        return self.workspace.deals

    @property
    def scenarios(self) -> ScenarioCatalogue:
        return self.workspace.scenarios

    def import_legacy_files(self) -> None:
        for catalogue, directory in ((self.deals, self.settings.deals_dir),
                                     (self.scenarios, self.settings.scenarios_dir)):
            if directory is None or not directory.is_dir():
                continue
            files = sorted(p for p in directory.glob("*.y*ml") if not p.name.startswith("."))
            try:
                moved = catalogue.import_files(files, who=f"import:{directory}")
            except Exception:  # noqa: BLE001 - a bad old file must not stop the server
                log.exception("could not move files of %s into the catalogue", directory)
                continue
            if moved:
                log.info("moved %d file(s) of %s into the catalogue", len(moved), directory)

    def rebuild_index(self) -> None:
        """After a list import: forget what was derived from the old lists, build the
        screening index of the active versions and swap it in."""
        from olivebranch.api.screening import Lookup

        t0 = time.perf_counter()
        versions = self.store.active_versions()
        self.workspace.refresh()
        index = self.workspace.snapshots.current_index()
        lookup = Lookup.build(self.store)
        if [v.id for v in self.store.active_versions()] != [v.id for v in versions]:
            versions = self.store.active_versions()  # changed meanwhile: the index has these
        with self.lock:
            self.index, self.lookup, self.index_versions = index, lookup, versions
        self.timings["index_build_s"] = round(time.perf_counter() - t0, 3)
        log.info("match index built in %.2fs", self.timings["index_build_s"])

    def warm_up(self) -> None:
        """Compute today's status-quo run and ownership analysis ahead of the first page."""
        try:
            self.run("status-quo")
            self.ownership(None)
        except Exception:  # pragma: no cover - warm-up is best effort; pages compute on demand
            log.exception("warm-up failed")

    # ------------------------------------------------------------------ the workspace
    def run(self, scenario: str, as_of: date | None = None) -> ScenarioRun:
        """A whole-catalogue run of one named scenario (cached by the workspace). Only names
        in the catalogue: a caller never gets the server to read a file path."""
        self.scenarios.get(scenario)  # NotFound for an unknown name
        return self.workspace.run(scenario, as_of)

    def assessment(self, deal_id: str, scenario: str, as_of: date | None = None) -> DealVerdict:
        """One catalogue deal's verdict with each party's standing per regime."""
        self.deals.get(deal_id)  # NotFound for an unknown deal
        self.scenarios.get(scenario)
        return self.workspace.assess(deal_id, scenario, as_of)

    def matrix(self, names: list[str], as_of: date | None = None) -> Matrix:
        for name in names:
            self.scenarios.get(name)
        return self.workspace.matrix(names, as_of)

    def ownership(self, as_of: date | None) -> OwnershipAnalysis:
        """The ownership analysis of the lists on ``as_of`` (default: today)."""
        return self.workspace.ownership(as_of)

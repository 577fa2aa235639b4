"""The workspace: the one object every interface drives (CLI, API, web UI, bulk, benches).

It owns the store, the clock, the registry of regimes, the rule packs, the deal and scenario
catalogues (bundled files plus what users saved, in the store) and the verdict engine with the
snapshots of the lists it reads. Every question names its date or takes today's from the clock
*when it is asked*: a server running past midnight answers with the new day. Whatever depends on
the lists is read from the snapshot covering that date, so the same question gets the same
answer whichever interface asks it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from olivebranch.errors import NotFound, OliveBranchError
from olivebranch.memo import ResultCache, code_digest, digest, files_digest, registry_files
from olivebranch.paths import workspace_cache
from olivebranch.regimes import Registry, registry
from olivebranch.store import Store

if TYPE_CHECKING:
    # imported where used: ``screen`` builds a workspace for its listing snapshot only and
    # should not pay for the deal and scenario models (pydantic) at every start
    # the engine and the lists are loaded when a question needs them (a command whose answer
    # is on disk never loads them)
    from olivebranch.audit.hooks import Recorder
    from olivebranch.catalogue import DealCatalogue, ScenarioCatalogue
    from olivebranch.deals.models import Deal
    from olivebranch.findings import DealVerdict
    from olivebranch.listings import Listings
    from olivebranch.match.index import MatchIndex
    from olivebranch.ownership.analysis import OwnershipAnalysis
    from olivebranch.parties.lookup import PartyLookup
    from olivebranch.rules.model import PackDirs
    from olivebranch.scenarios.apply import ScenarioState
    from olivebranch.scenarios.engine import ScenarioEngine
    from olivebranch.scenarios.model import Scenario
    from olivebranch.scenarios.results import Matrix, ScenarioRun
    from olivebranch.snapshot import Snapshots
    from olivebranch.verdicts import Engine

log = logging.getLogger("olivebranch.workspace")
#: whole-catalogue scenario runs kept in memory (oldest dropped first)
MAX_RUNS = 48


def _default_packs() -> Path:
    from olivebranch.rules.model import PACKS_DIR

    return PACKS_DIR


class Clock(Protocol):
    """Where "today" comes from (injectable: tests move it past midnight)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's local time."""

    def now(self) -> datetime:
        return datetime.now()


@dataclass
class ManualClock:
    """A clock that moves only when told to (tests, replays)."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when


class Workspace:
    """See module doc. Thread-safe: the API serves requests from several threads."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        reg: Registry | None = None,
        packs: PackDirs = None,
        deals_dir: Path | None = None,
        scenarios_dir: Path | None = None,
        index: MatchIndex | None = None,
        index_cache: bool = True,
        cache_dir: Path | None = None,
        short_lived: bool = False,
        result_cache: bool | None = None,
        audit: bool = True,
    ) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.registry = reg or registry()
        self.packs = packs
        self._deals_dir, self._scenarios_dir = deals_dir, scenarios_dir
        self._deals: DealCatalogue | None = None
        self._scenarios: ScenarioCatalogue | None = None
        self._index, self._index_cache, self._cache_dir = index, index_cache, cache_dir
        self._short_lived = short_lived
        self._snapshots: Snapshots | None = None
        self._engine: Engine | None = None
        # whole answers on disk: for short-lived processes (a CLI command), which would
        # otherwise load the lists and the index for every question
        on_disk = short_lived if result_cache is None else result_cache
        self.results = ResultCache(self._cache_root() / "results") if on_disk else None
        self._inputs: str | None = None
        self.lock = threading.RLock()
        self._computing = threading.RLock()  # one scenario computation at a time
        self._scenario_engine: tuple[int, ScenarioEngine] | None = None
        self._runs: OrderedDict[tuple, ScenarioRun] = OrderedDict()
        self._ownership: OrderedDict[tuple, OwnershipAnalysis] = OrderedDict()
        # every answer is recorded in the audit trail (olivebranch.audit), whichever interface
        # asked; ``audit=False`` for benches' baselines and internal re-computations
        self.audit: Recorder | None = None
        if audit:
            from olivebranch.audit.hooks import Recorder

            self.audit = Recorder(self, _default_packs)

    @property
    def deals(self) -> DealCatalogue:
        """The deal catalogue: bundled files and deals saved by users (built on first use)."""
        if self._deals is None:
            from olivebranch.catalogue import DealCatalogue
            from olivebranch.deals.loader import DEALS_DIR

            self._deals = DealCatalogue(self.store, self._deals_dir or DEALS_DIR)
        return self._deals

    @property
    def scenarios(self) -> ScenarioCatalogue:
        """The scenario catalogue: bundled files and scenarios saved by users."""
        if self._scenarios is None:
            from olivebranch.catalogue import ScenarioCatalogue
            from olivebranch.scenarios.model import SCENARIOS_DIR

            self._scenarios = ScenarioCatalogue(self.store, self._scenarios_dir or SCENARIOS_DIR)
        return self._scenarios

    @property
    def snapshots(self) -> Snapshots:
        """The states of the lists, by day (built on first use)."""
        if self._snapshots is None:
            from olivebranch.snapshot import Snapshots

            with self.lock:
                if self._snapshots is None:
                    self._snapshots = Snapshots(
                        self.store, reg=self.registry, index=self._index,
                        use_cache=self._index_cache, cache_dir=self._cache_dir,
                        freeze=self._short_lived)
        return self._snapshots

    @property
    def engine(self) -> Engine:
        """The verdict engine (built on first use)."""
        if self._engine is None:
            from olivebranch.verdicts import Engine

            snapshots = self.snapshots
            with self.lock:
                if self._engine is None:
                    self._engine = Engine(self.store, snapshots=snapshots, packs=self.packs,
                                          reg=self.registry)
        return self._engine

    def _cache_root(self) -> Path:
        return self._cache_dir or workspace_cache()

    @classmethod
    def open(cls, url: str | None = None, **kwargs: object) -> Workspace:
        """The workspace over the configured store (``OLIVEBRANCH_DB``, else
        ``$OLIVEBRANCH_HOME/olivebranch.sqlite``). ``short_lived`` (a CLI command) lets it
        trade memory that is never given back for speed."""
        return cls(Store(url), **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ dates
    def today(self) -> date:
        """Today, read from the clock now (never remembered)."""
        return self.clock.now().date()

    def day(self, as_of: date | None = None) -> date:
        """The evaluation day: the one given, else today."""
        return as_of or self.today()

    def require_lists(self, as_of: date | None = None) -> None:
        """Refuse to give verdicts over an empty store (they would ignore every list)."""
        day = self.day(as_of)
        if not self.store.active_versions(day):
            raise OliveBranchError(
                f"the store ({self.store.url}) has no list versions in force on {day}: verdicts "
                "would ignore every list. Load them first: olivebranch lists load-bundled")

    def refresh(self) -> bool:
        """Forget everything derived from the lists if they changed (after an import)."""
        if self._snapshots is None:
            return False
        changed = self.snapshots.refresh()
        if changed:
            self.engine.forget()
            self._inputs = None
            with self.lock:
                self._runs.clear()
                self._ownership.clear()
                self._scenario_engine = None
        return changed

    def generation(self) -> tuple[str, int, int]:
        """Changes when the lists or the catalogues change (by this process or another)."""
        return (self.store.versions_stamp(), self.deals.generation(),
                self.scenarios.generation())

    # ------------------------------------------------------------------ answers on disk
    def _key(self, kind: str, day: date, *parts: object) -> str | None:
        """Key of a stored answer: everything it depends on (see ``olivebranch.memo``)."""
        from olivebranch.rules.model import PACKS_DIR

        if self.results is None:
            return None
        if self._inputs is None:
            packs = self.packs if self.packs is not None else PACKS_DIR
            dirs = [packs] if isinstance(packs, str | Path) else list(packs)
            self._inputs = digest(
                code_digest(), files_digest(registry_files(self.registry.path)),
                files_digest(p for d in dirs for p in Path(d).glob("*.yaml")), self.store.url)
        return digest(self._inputs, self.store.versions_stamp(), kind, day.isoformat(), *parts)

    def scenario_texts(self, scenario: Scenario) -> list[str]:
        """The scenario and the scenarios it builds on, each as its JSON text (what an answer
        under it depends on: cache keys and audit records)."""
        from olivebranch.scenarios.model import scenario_chain

        return [s.model_dump_json() for s in scenario_chain(scenario,
                                                            lookup=self.scenarios.lookup)]

    # ------------------------------------------------------------------ lists
    def index(self, as_of: date | None = None) -> MatchIndex:
        """The screening index of the lists in force on ``as_of`` (default: today)."""
        return self.snapshots.index(self.day(as_of))

    def listings(self, as_of: date | None = None) -> Listings:
        """Who is listed where on ``as_of``: the snapshot the engine reads too (without
        building the engine, so ``screen`` stays light)."""
        return self.snapshots.on(self.day(as_of)).listings

    def parties(self, as_of: date | None = None) -> PartyLookup:
        """Which records are one party, as the lists of ``as_of`` (default: today) use it."""
        return self.snapshots.on(self.day(as_of)).parties()

    def ownership(self, as_of: date | None = None) -> OwnershipAnalysis:
        """Every regime's ownership status over the whole stored graph on ``as_of``."""
        from olivebranch.ownership.analysis import analyse

        day = self.day(as_of)
        snap = self.snapshots.on(day)
        key = (snap.key, day)
        with self.lock:
            hit = self._ownership.get(key)
            if hit is None:
                hit = analyse(self.store, day, graph=snap.graph(),
                              classes=snap.listings.by_class(),
                              links=snap.ownership_data().links, reg=self.registry)
                self._ownership[key] = hit
                while len(self._ownership) > 4:
                    self._ownership.popitem(last=False)
            return hit

    # ------------------------------------------------------------------ catalogue
    def deal(self, ref: str | Deal) -> Deal:
        """A deal: given, by catalogue id, or from a deal file."""
        from olivebranch.deals.models import Deal

        if isinstance(ref, Deal):
            return ref
        found = self.deals.find(ref)
        if found is not None:
            return found
        p = Path(ref)
        if p.suffix in (".yaml", ".yml") or p.is_file():
            from olivebranch.deals.loader import load_deal

            return load_deal(p)
        raise NotFound(f"no deal {ref!r} in the catalogue (ids: olivebranch deals list) and no "
                       "such file")

    def scenario(self, ref: str | Scenario) -> Scenario:
        """A scenario: given, by catalogue name, or from a scenario file."""
        from olivebranch.scenarios.model import Scenario

        return ref if isinstance(ref, Scenario) else self.scenarios.resolve(ref)

    # ------------------------------------------------------------------ engines
    def scenario_engine(self) -> ScenarioEngine:
        """The scenario engine over the catalogue's deals (rebuilt when the catalogue
        changes; it shares the verdict engine's memo either way)."""
        from olivebranch.scenarios.engine import ScenarioEngine

        gen = self.deals.generation()
        with self.lock:
            if self._scenario_engine is None or self._scenario_engine[0] != gen:
                engine = ScenarioEngine(self.engine, self.store, self.deals.items(),
                                        lookup=self.scenarios.lookup)
                self._scenario_engine = (gen, engine)
            return self._scenario_engine[1]

    def context(self, scenario: str | Scenario = "status-quo", as_of: date | None = None
                ) -> ScenarioState:
        """The evaluation context of a scenario on a day (its own ``set_date`` wins)."""
        engine = self.scenario_engine()
        with self._computing:
            return engine.context(self.scenario(scenario), self.day(as_of))

    def run(self, scenario: str | Scenario = "status-quo", as_of: date | None = None, *,
            deals: Sequence[str | Deal] | None = None,
            regimes: Iterable[str] | None = None) -> ScenarioRun:
        """Verdicts of the catalogue (or of ``deals``) under a scenario on a day. Runs of the
        whole catalogue under a named scenario are cached until the lists, the catalogue or
        the day change."""
        from olivebranch.scenarios.results import ScenarioRun

        day = self.day(as_of)
        s = self.scenario(scenario)
        regs = tuple(regimes) if regimes is not None else None
        chosen = [self.deal(d) for d in deals] if deals is not None else None
        key = None
        if chosen is None:  # whole catalogue: cached by the scenario's content
            key = (s.model_dump_json(), day, regs, self.generation())
        with self.lock:
            if key is not None and key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
            items = chosen if chosen is not None else self.deals.items()
            disk = self._key("run", day, self.scenario_texts(s),
                             [d.model_dump_json() for d in items], regs)
            run = self.results.get(disk) if self.results is not None and disk else None
            engine = self.scenario_engine()
        if not isinstance(run, ScenarioRun):
            # computed outside the workspace lock: a long run (an ad hoc scenario) must not
            # hold up pages that read cached answers; runs take turns on the engine's memos
            with self._computing:
                run = engine.run(s, deals=chosen, regimes=regs, as_of=day)
            if self.results is not None and disk:
                with self.lock:
                    self.results.put(disk, run.stored())
        with self.lock:
            if key is not None:
                self._runs[key] = run
                while len(self._runs) > MAX_RUNS:
                    self._runs.popitem(last=False)
        if self.audit is not None:
            from olivebranch.present import verdict_matrix

            self.audit.scenario_run(s, day, chosen, verdict_matrix(run))
        return run

    def matrix(self, scenarios: Sequence[str | Scenario], as_of: date | None = None, *,
               deals: Sequence[str | Deal] | None = None,
               regimes: Iterable[str] | None = None) -> Matrix:
        from olivebranch.scenarios.results import Matrix

        runs = [self.run(s, as_of, deals=deals, regimes=regimes) for s in scenarios]
        return Matrix(runs, tuple(regimes) if regimes is not None else self.engine.regimes)

    def assess(self, deal: str | Deal, scenario: str | Scenario = "status-quo",
               as_of: date | None = None, regimes: Iterable[str] | None = None) -> DealVerdict:
        """One deal's verdict per regime, with findings, evidence and each party's standing.
        Under the status quo this evaluates just the deal; under another scenario it takes the
        deal's row of the (cached) catalogue run when the deal is in the catalogue."""
        return self.assess_many([deal], scenario, as_of, regimes)[0]

    def assess_many(self, deals: Sequence[str | Deal], scenario: str | Scenario = "status-quo",
                    as_of: date | None = None, regimes: Iterable[str] | None = None
                    ) -> list[DealVerdict]:
        """Several deals' verdicts under one scenario on one day (each kept on disk in a
        short-lived process, so asking again reads it back)."""
        from olivebranch.findings import DealVerdict

        items = [self.deal(d) for d in deals]
        day = self.day(as_of)
        s = self.scenario(scenario)
        regs = tuple(regimes) if regimes is not None else self.registry.assessed
        out: list[DealVerdict | None] = [None] * len(items)
        keys: list[str | None] = [None] * len(items)
        if self.results is not None:
            chain = self.scenario_texts(s)
            for i, d in enumerate(items):
                keys[i] = self._key("assess", day, chain, d.model_dump_json(), regs)
                hit = self.results.get(keys[i] or "")
                if isinstance(hit, DealVerdict):
                    out[i] = hit
        todo = [i for i, v in enumerate(out) if v is None]
        if todo:
            with self._computing:
                state = self.context(s, day)
                for i in todo:
                    out[i] = self.engine.assess(items[i], state.ctx, regs)
                    if self.results is not None and keys[i]:
                        self.results.put(keys[i] or "", out[i])
        verdicts = [v for v in out if v is not None]
        if self.audit is not None:
            self.audit.assessments(items, s, day, regs, verdicts)
        return verdicts

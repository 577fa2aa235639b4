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

from olivebranch.catalogue import DealCatalogue, ScenarioCatalogue
from olivebranch.deals.loader import DEALS_DIR
from olivebranch.deals.models import Deal
from olivebranch.errors import NotFound, OliveBranchError
from olivebranch.findings import DealVerdict
from olivebranch.listings import Listings
from olivebranch.regimes import Registry, registry
from olivebranch.rules.model import PackDirs
from olivebranch.scenarios.apply import ScenarioState
from olivebranch.scenarios.engine import Matrix, ScenarioEngine, ScenarioRun
from olivebranch.scenarios.model import SCENARIOS_DIR, Scenario
from olivebranch.snapshot import Snapshots
from olivebranch.store import Store
from olivebranch.verdicts import Engine

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex
    from olivebranch.ownership.analysis import OwnershipAnalysis

log = logging.getLogger("olivebranch.workspace")
#: whole-catalogue scenario runs kept in memory (oldest dropped first)
MAX_RUNS = 48


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
        deals_dir: Path = DEALS_DIR,
        scenarios_dir: Path = SCENARIOS_DIR,
        index: MatchIndex | None = None,
        index_cache: bool = True,
        cache_dir: Path | None = None,
        short_lived: bool = False,
    ) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.registry = reg or registry()
        self.packs = packs
        self.deals = DealCatalogue(store, deals_dir)
        self.scenarios = ScenarioCatalogue(store, scenarios_dir)
        self.snapshots = Snapshots(store, reg=self.registry, index=index,
                                   use_cache=index_cache, cache_dir=cache_dir,
                                   freeze=short_lived)
        self.engine = Engine(store, snapshots=self.snapshots, packs=packs, reg=self.registry)
        self.lock = threading.RLock()
        self._scenario_engine: tuple[int, ScenarioEngine] | None = None
        self._runs: OrderedDict[tuple, ScenarioRun] = OrderedDict()
        self._ownership: OrderedDict[tuple, OwnershipAnalysis] = OrderedDict()

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
        changed = self.snapshots.refresh()
        if changed:
            self.engine.forget()
            with self.lock:
                self._runs.clear()
                self._ownership.clear()
                self._scenario_engine = None
        return changed

    def generation(self) -> tuple[str, int, int]:
        """Changes when the lists or the catalogues change (by this process or another)."""
        return (self.snapshots.timeline().stamp, self.deals.generation(),
                self.scenarios.generation())

    # ------------------------------------------------------------------ lists
    def index(self, as_of: date | None = None) -> MatchIndex:
        """The screening index of the lists in force on ``as_of`` (default: today)."""
        return self.snapshots.index(self.day(as_of))

    def listings(self, as_of: date | None = None) -> Listings:
        return self.engine.listings(self.day(as_of))

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
        return ref if isinstance(ref, Scenario) else self.scenarios.resolve(ref)

    # ------------------------------------------------------------------ engines
    def scenario_engine(self) -> ScenarioEngine:
        """The scenario engine over the catalogue's deals (rebuilt when the catalogue
        changes; it shares the verdict engine's memo either way)."""
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
        with self.lock:
            return self.scenario_engine().context(self.scenario(scenario), self.day(as_of))

    def run(self, scenario: str | Scenario = "status-quo", as_of: date | None = None, *,
            deals: Sequence[str | Deal] | None = None,
            regimes: Iterable[str] | None = None) -> ScenarioRun:
        """Verdicts of the catalogue (or of ``deals``) under a scenario on a day. Runs of the
        whole catalogue under a named scenario are cached until the lists, the catalogue or
        the day change."""
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
            run = self.scenario_engine().run(s, deals=chosen, regimes=regs, as_of=day)
            if key is not None:
                self._runs[key] = run
                while len(self._runs) > MAX_RUNS:
                    self._runs.popitem(last=False)
            return run

    def matrix(self, scenarios: Sequence[str | Scenario], as_of: date | None = None, *,
               deals: Sequence[str | Deal] | None = None,
               regimes: Iterable[str] | None = None) -> Matrix:
        runs = [self.run(s, as_of, deals=deals, regimes=regimes) for s in scenarios]
        return Matrix(runs, tuple(regimes) if regimes is not None else self.engine.regimes)

    def assess(self, deal: str | Deal, scenario: str | Scenario = "status-quo",
               as_of: date | None = None, regimes: Iterable[str] | None = None) -> DealVerdict:
        """One deal's verdict per regime, with findings, evidence and each party's standing.
        Under the status quo this evaluates just the deal; under another scenario it takes the
        deal's row of the (cached) catalogue run when the deal is in the catalogue."""
        d = self.deal(deal)
        day = self.day(as_of)
        regs = tuple(regimes) if regimes is not None else self.engine.regimes
        with self.lock:
            state = self.context(scenario, day)
            verdict = self.engine.assess(d, state.ctx, regs)
        return verdict

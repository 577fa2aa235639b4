"""Evaluate the deal catalogue under scenarios: matrix, diff against the status quo, summary.

The verdict engine does the legal work and memoises what is expensive (party matching once,
ownership status per ``ctx.listing_key(regime)``), so a scenario that only lifts rules reuses
every matching and ownership result, and one that delists a parent recomputes ownership for
that regime only. This module just builds one context per scenario and tabulates.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.context import EFFECTS, PARTS, EvaluationContext, Rule, effect_rank, strongest
from olivebranch.deals.models import Deal
from olivebranch.findings import DealVerdict, RegimeVerdict
from olivebranch.listings import Listings
from olivebranch.regimes import registry
from olivebranch.scenarios.apply import ScenarioState, apply_scenario, scenario_date
from olivebranch.scenarios.model import Lookup, Scenario, all_assumptions
from olivebranch.store import Store

if TYPE_CHECKING:
    from olivebranch.verdicts import Engine

#: effects that stop a deal (``risk`` is reported but does not block)
BLOCKING_RANK = effect_rank("restricted")
#: every regime verdicts are given under (``data/regimes.yaml``)
DEFAULT_REGIMES = registry().assessed


@dataclass(frozen=True)
class Blocker:
    """A finding that keeps a deal from being clear under a regime, and who could lift it."""

    regime: str
    rule_id: str
    effect: str
    instrument: str
    lifted_by: str
    title: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "regime": self.regime,
            "rule_id": self.rule_id,
            "effect": self.effect,
            "instrument": self.instrument,
            "lifted_by": self.lifted_by,
        }


def blockers_of(regime: str, regime_verdict: Any) -> list[Blocker]:
    out: dict[str, Blocker] = {}
    for f in regime_verdict.findings:
        if effect_rank(f.effect) < BLOCKING_RANK:
            continue
        prev = out.get(f.rule_id)
        if prev is None or effect_rank(f.effect) > effect_rank(prev.effect):
            out[f.rule_id] = Blocker(
                regime=regime,
                rule_id=f.rule_id,
                effect=f.effect,
                instrument=getattr(f, "instrument", "") or "",
                lifted_by=getattr(f, "lifted_by", "") or "",
                title=getattr(f, "title", "") or "",
            )
    return sorted(out.values(), key=lambda b: (-effect_rank(b.effect), b.rule_id))


@dataclass
class ScenarioRun:
    """One scenario evaluated over the deals: verdict per deal × regime, with its context."""

    scenario: Scenario
    state: ScenarioState
    regimes: tuple[str, ...]
    verdicts: dict[str, Any]  # deal id -> DealVerdict
    titles: dict[str, str]
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def ctx(self) -> EvaluationContext:
        return self.state.ctx

    def verdict(self, deal_id: str, regime: str) -> str:
        rv = self.verdicts[deal_id].regimes.get(regime)
        return rv.verdict if rv is not None else "n/a"

    def blockers(self, deal_id: str, regime: str | None = None) -> list[Blocker]:
        out: list[Blocker] = []
        for r in self.regimes if regime is None else (regime,):
            rv = self.verdicts[deal_id].regimes.get(r)
            if rv is not None:
                out += blockers_of(r, rv)
        return out

    def counts(self, regime: str) -> Counter[str]:
        return Counter(self.verdict(d, regime) for d in self.verdicts)


@dataclass(frozen=True)
class Move:
    regime: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.regime}: {self.before} → {self.after}"

    @property
    def better(self) -> bool:
        return effect_rank(self.after) < effect_rank(self.before)


@dataclass
class DealDiff:
    """What a scenario changes for one deal compared with a baseline, and what still blocks."""

    deal_id: str
    title: str
    moves: list[Move]
    remaining: list[Blocker]
    after: dict[str, str] = field(default_factory=dict)

    @property
    def cleared(self) -> list[str]:
        return [m.regime for m in self.moves if m.after == "clear"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal_id,
            "title": self.title,
            "moved": [str(m) for m in self.moves],
            "verdicts": self.after,
            "still_blocked_by": [b.as_dict() for b in self.remaining],
        }


def diff(base: ScenarioRun, other: ScenarioRun) -> list[DealDiff]:
    """Per deal: regimes whose verdict moved from ``base`` to ``other``, and what still blocks."""
    out = []
    for deal_id in other.verdicts:
        if deal_id not in base.verdicts:
            continue
        moves = [
            Move(r, base.verdict(deal_id, r), other.verdict(deal_id, r))
            for r in other.regimes
            if base.verdict(deal_id, r) != other.verdict(deal_id, r)
        ]
        out.append(
            DealDiff(
                deal_id,
                other.titles.get(deal_id, deal_id),
                moves,
                other.blockers(deal_id),
                {r: other.verdict(deal_id, r) for r in other.regimes},
            )
        )
    return out


@dataclass
class Matrix:
    """Deals × scenarios × regimes."""

    runs: list[ScenarioRun]
    regimes: tuple[str, ...]

    def run(self, name: str) -> ScenarioRun:
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def deal_ids(self) -> list[str]:
        return list(self.runs[0].verdicts) if self.runs else []

    def rows(self) -> list[dict[str, str]]:
        """Flat rows (deal, title, scenario, regime, verdict, blockers) for csv/json."""
        out = []
        for run in self.runs:
            for deal_id in run.verdicts:
                for regime in self.regimes:
                    out.append({
                        "deal": deal_id,
                        "title": run.titles.get(deal_id, ""),
                        "scenario": run.name,
                        "regime": regime,
                        "verdict": run.verdict(deal_id, regime),
                        "blockers": " ".join(b.rule_id for b in run.blockers(deal_id, regime)),
                    })
        return out


@dataclass(frozen=True)
class Obstacle:
    rule_id: str
    regime: str
    instrument: str
    lifted_by: str
    cells: int  # deal × scenario cells it blocks (outside the baseline)
    deals: int
    scenarios: tuple[str, ...]


@dataclass
class Summary:
    """One screen for the whole catalogue across scenarios."""

    deals: int
    regimes: tuple[str, ...]
    scenarios: list[str]
    titles: dict[str, str]
    counts: dict[str, dict[str, dict[str, int]]]  # scenario -> regime -> verdict -> n
    all_clear: dict[str, int]  # scenario -> deals clear under every regime shown
    cleared_vs_base: dict[str, dict[str, int]]  # scenario -> regime -> deals newly clear
    obstacles: list[Obstacle]
    relief_scenarios: int = 0  # how many scenarios the obstacles were counted over

    def clear(self, scenario: str, regime: str) -> int:
        return self.counts[scenario][regime].get("clear", 0)

    def unblocked(self, scenario: str, regime: str) -> int:
        """Deals with nothing stronger than a risk under the regime."""
        return sum(n for v, n in self.counts[scenario][regime].items()
                   if v in ("clear", "risk", "n/a"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "deals": self.deals,
            "regimes": list(self.regimes),
            "scenarios": [
                {
                    "name": s,
                    "title": self.titles.get(s, s),
                    "verdicts": self.counts[s],
                    "clear": {r: self.clear(s, r) for r in self.regimes},
                    "not_blocked": {r: self.unblocked(s, r) for r in self.regimes},
                    "newly_clear": self.cleared_vs_base.get(s, {}),
                    "not_blocked_anywhere": self.all_clear[s],
                    "clear_everywhere": self.all_clear[s],  # older name, used by the web UI
                }
                for s in self.scenarios
            ],
            "top_obstacles": [o.__dict__ | {"scenarios": list(o.scenarios)} for o in self.obstacles],
        }


def summarise(matrix: Matrix, baseline: str = "status-quo", top: int = 10) -> Summary:
    """Clear counts per scenario and regime, and the rules that most often remain blockers
    under the relief scenarios (those that lift, delist or license; not the baseline)."""
    counts = {
        run.name: {r: dict(sorted(run.counts(r).items(), key=lambda kv: effect_rank_or(kv[0])))
                   for r in matrix.regimes}
        for run in matrix.runs
    }
    all_clear = {
        run.name: sum(
            all(run.verdict(d, r) in ("clear", "risk", "n/a") for r in matrix.regimes)
            for d in run.verdicts
        )
        for run in matrix.runs
    }
    names = [run.name for run in matrix.runs]
    base = matrix.run(baseline) if baseline in names else None
    cleared: dict[str, dict[str, int]] = {}
    if base is not None:
        for run in matrix.runs:
            if run is base:
                continue
            cleared[run.name] = {
                r: sum(
                    run.verdict(d, r) == "clear" and base.verdict(d, r) != "clear"
                    for d in run.verdicts if d in base.verdicts
                )
                for r in matrix.regimes
            }
    tally: dict[tuple[str, str], list[Any]] = {}
    relief = [run for run in matrix.runs if run is not base and _relaxes(run.scenario)]
    relief = relief or [run for run in matrix.runs if run is not base] or matrix.runs
    for run in relief:
        for deal_id in run.verdicts:
            for b in run.blockers(deal_id):
                entry = tally.setdefault((b.rule_id, b.regime), [b, 0, set(), set()])
                entry[1] += 1
                entry[2].add(deal_id)
                entry[3].add(run.name)
    obstacles = [
        Obstacle(b.rule_id, b.regime, b.instrument, b.lifted_by, n, len(ds),
                 tuple(s for s in names if s in sc))
        for b, n, ds, sc in tally.values()
    ]
    obstacles.sort(key=lambda o: (-o.cells, -o.deals, o.rule_id))
    titles = {run.name: run.scenario.title for run in matrix.runs}
    return Summary(len(matrix.deal_ids), matrix.regimes, names, titles, counts, all_clear,
                   cleared, obstacles[:top], len(relief))


def _relaxes(scenario: Scenario) -> bool:
    """A relief scenario lifts rules, delists or issues licences (snapback does none)."""
    from olivebranch.scenarios.model import action_of, resolve_changes

    return any(action_of(c) in ("lift", "delist", "start_licence")
               for _, _, c in resolve_changes(scenario))


def effect_rank_or(verdict: str) -> int:
    return effect_rank(verdict) if verdict in EFFECTS else len(EFFECTS)


STATUS_FACT_PREFIXES = ("party.", "parties.any_")
MAX_ENTRIES = 16  # cached regime evaluations kept per regime


def status_dependent(rule: Rule) -> bool:
    """Whether a rule looks at list or ownership status (so a listing change can move it)."""
    from olivebranch.rules import conditions

    return any(f.startswith(STATUS_FACT_PREFIXES) for f in conditions.facts_used(rule.condition))


@dataclass
class _RegimeEval:
    """One regime evaluated over the deals in one context: what it depended on, and results."""

    rules: dict[str, Rule]  # rules in force (compared by value: a changed parameter counts)
    fixed: tuple  # (lists on that day, general licences): must match to reuse anything
    listing: tuple  # (delisted, added, ownership rule): a change re-evaluates status rules
    ctx: EvaluationContext  # for the party statuses it saw (memoised by the verdict engine)
    verdicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # deal id -> (deal, RV)


class ScenarioEngine:
    """Runs scenarios over deals with one verdict engine, re-evaluating only what changed.

    ``verdicts`` is the :class:`~olivebranch.verdicts.Engine` (it memoises matching, and party
    statuses per listing key, in the snapshot of each day). On top of that, each regime's
    results are kept with what they depended on, part by part of the context
    (``olivebranch.context.PARTS``): the rules in force (by value, so a changed parameter
    counts), the ``fixed`` parts (general licences) and the lists of the day, and the
    ``status`` parts (the scenario's delistings and designations, the ownership rule). A later
    scenario that leaves all of that alone for a regime reuses its verdicts; one that lifts or
    changes some rules re-evaluates only those rules; one that changes listings re-evaluates
    only the rules that look at list or ownership status, for the deals whose parties moved.
    """

    def __init__(self, verdicts: Engine, store: Store | None, deals: Sequence[Deal],
                 regimes: Iterable[str] | None = None, *, reuse: bool = True,
                 lookup: Lookup | None = None) -> None:
        self.verdicts = verdicts
        self.lookup = lookup  # base scenarios by name (the workspace's catalogue)
        self.store = store if store is not None else verdicts.store
        self.deals = list(deals)
        self.regimes = tuple(regimes or verdicts.regimes)
        self.reuse = reuse
        self._bases: dict[date, EvaluationContext] = {}
        self._fingerprints: list[tuple[str, Any]] = []  # (regime, listings) -> token = position
        self._fp_cache: dict[tuple[str, str], int] = {}
        self._status_dep: dict[int, tuple[Rule, bool]] = {}
        self._evals: dict[str, list[_RegimeEval]] = {}
        self._interned: dict[frozenset[str], frozenset[str]] = {}
        self._changed: dict[tuple, tuple[Any, Any, set[str] | None]] = {}
        self._relevant_cache: dict[tuple[str, date], tuple[Any, set[str]]] = {}
        self.stats: Counter[str] = Counter()

    def index(self, day: date) -> Listings:
        """The listing snapshot of ``day`` (scenario selectors resolve against it)."""
        return self.verdicts.listings(day)

    def base_context(self, day: date | None) -> EvaluationContext:
        day = day or date.today()
        if day not in self._bases:
            self._bases[day] = self.verdicts.base_context(day)
        return self._bases[day]

    def context(self, scenario: Scenario, as_of: date | None = None) -> ScenarioState:
        """The scenario applied to the base context of its date (its own ``set_date`` wins
        over ``as_of``; neither: today)."""
        day = scenario_date(scenario, self.lookup) or as_of
        base = self.base_context(day)
        state = apply_scenario(base, scenario, self.index(base.as_of), self.lookup)
        # equal delisting sets share one object, so memo keys compare by identity, not content
        delisted = {r: self._interned.setdefault(v, v) for r, v in state.ctx.delisted.items()}
        return replace(state, ctx=state.ctx.evolve(delisted=delisted))

    # ------------------------------------------------------------------ reuse keys
    def _listings_token(self, day: date, regime: str) -> int:
        """Same token for two days whose lists for ``regime`` are identical (two days of one
        snapshot without reading the lists; other snapshots by content)."""
        snap = self.verdicts.snapshot(day)
        key = (snap.key, regime)
        if key not in self._fp_cache:
            lists = self.verdicts.registry.get(regime).lists
            seen = {k[1] for k in self._fp_cache}
            if regime not in seen:
                self._fingerprints.append((regime, snap.key))
                token = len(self._fingerprints) - 1
            else:
                listed = {lr: snap.listings.entities(lr) for lr in lists}
                token = None
                for i, (r, other) in enumerate(self._fingerprints):
                    if r != regime:
                        continue
                    if isinstance(other, str):  # compare with that snapshot's lists
                        other_snap = self.verdicts.snapshots.by_key(other)
                        if other_snap is None:
                            continue
                        other = {lr: other_snap.listings.entities(lr) for lr in lists}
                        self._fingerprints[i] = (r, other)
                    if other == listed:
                        token = i
                        break
                if token is None:
                    self._fingerprints.append((regime, listed))
                    token = len(self._fingerprints) - 1
            self._fp_cache[key] = token
        return self._fp_cache[key]

    def _keys(self, ctx: EvaluationContext, regime: str) -> tuple[tuple, tuple]:
        """(fixed, status) keys of a regime's evaluation, from the context parts' declared
        reuse: ``date`` and ``fixed`` parts must match to reuse anything, ``status`` parts
        decide whether party statuses may have moved."""
        lists = self.verdicts.registry.get(regime).lists
        fixed: list[Any] = []
        status: list[Any] = []
        for part in PARTS:
            if part.reuse == "date":
                fixed.append(self._listings_token(ctx.as_of, regime))
            elif part.reuse == "fixed":
                fixed.append(part.scope(ctx, regime, lists))
            elif part.reuse == "status":
                status.append(part.scope(ctx, regime, lists))
        return tuple(fixed), tuple(status)

    def _is_status_rule(self, rule: Rule) -> bool:
        hit = self._status_dep.get(id(rule))
        if hit is None or hit[0] is not rule:
            hit = (rule, status_dependent(rule))
            self._status_dep[id(rule)] = hit
        return hit[1]

    # ------------------------------------------------------------------ listing changes
    def _status_moved(self, deal: Deal, old: EvaluationContext, new: EvaluationContext,
                      regime: str) -> bool:
        """Whether the deal's parties can stand differently under ``regime`` in ``new``.

        Cheap test first: a party's status depends only on its own list entries and on the
        owners above it in the ownership graph, so if no record whose listing changed is among
        them, nothing moved. Otherwise the memoised statuses are compared.
        """
        changed = self._changed_records(old, new, regime)
        if changed is not None:
            relevant = self._relevant(deal, new.as_of)
            if not (changed & relevant):
                self.stats["status_unmoved"] += 1
                return False
        return (self.verdicts.party_statuses(deal, old, regime)
                != self.verdicts.party_statuses(deal, new, regime))

    def _changed_records(self, old: EvaluationContext, new: EvaluationContext,
                         regime: str) -> set[str] | None:
        key = (id(old), id(new), regime)
        if key not in self._changed:
            # keep the contexts alive: their ids stay unique while cached
            self._changed[key] = (old, new, self.verdicts.changed_records(old, new, regime))
        return self._changed[key][2]

    def _relevant(self, deal: Deal, day: date) -> set[str]:
        key = (deal.id, day)
        hit = self._relevant_cache.get(key)
        if hit is not None and hit[0] is deal:
            return hit[1]
        ids = self.verdicts.upstream(deal, day)
        self._relevant_cache[key] = (deal, ids)
        return ids

    # ------------------------------------------------------------------ evaluation
    def _regime_verdicts(self, ctx: EvaluationContext, regime: str,
                         deals: Sequence[Any]) -> dict[str, Any]:
        active = {r.id: r for r in ctx.active_rules(regime)}
        status_rules = {i for i, r in active.items() if self._is_status_rule(r)}
        fixed, listing = self._keys(ctx, regime)
        best: tuple[_RegimeEval, set[str]] | None = None
        for entry in self._evals.get(regime, []) if self.reuse else []:
            if entry.fixed != fixed:
                continue
            if entry.listing != listing and entry.ctx.as_of != ctx.as_of:
                continue  # telling which parties moved would need that day's statuses
            changed = {i for i in active.keys() | entry.rules.keys()
                       if not _same(active.get(i), entry.rules.get(i))}
            # lifted rules only drop findings; what costs is re-evaluating rules in force
            todo = changed & active.keys()
            worst = len(todo | status_rules) if entry.listing != listing else len(todo)
            if best is None or (worst, len(todo)) < best[2]:
                best = (entry, changed, (worst, len(todo)))
        new = _RegimeEval(active, fixed, listing, ctx)
        limit = 0.6 * max(len(active), 1)
        out: dict[str, Any] = {}
        sub: dict[tuple[frozenset[str], bool], EvaluationContext] = {}
        for deal in deals:
            rv = None
            cached = best[0].verdicts.get(deal.id) if best is not None else None
            if cached is not None and cached[0] is deal:
                entry, changed = best[0], best[1]
                moved = entry.listing != listing and self._status_moved(
                    deal, entry.ctx, ctx, regime)
                if moved:
                    changed = changed | status_rules  # this deal's parties moved
                todo = changed & active.keys()
                if not changed:
                    rv = cached[1]
                    self.stats["reused"] += 1
                elif len(todo) <= limit:
                    # parties unmoved: evaluate under the listing the cached run saw, whose
                    # statuses the verdict engine has memoised (they are equal by the test above)
                    own = moved or entry.ctx.as_of != ctx.as_of
                    key = (frozenset(changed), own)
                    if key not in sub:
                        lists = ctx if own else entry.ctx
                        sub[key] = ctx.evolve(
                            rules={i: active[i] for i in todo}, delisted=lists.delisted,
                            added=lists.added, ownership_params=lists.ownership_params)
                    fresh = self.verdicts.assess(deal, sub[key], (regime,)).regimes[regime]
                    rv = _merge(cached[1], fresh, key[0], active)
                    self.stats["partial"] += 1
            if rv is None:
                rv = self.verdicts.assess(deal, ctx, (regime,)).regimes[regime]
                self.stats["full"] += 1
            new.verdicts[deal.id] = (deal, rv)
            out[deal.id] = rv
        if self.reuse:
            entries = self._evals.setdefault(regime, [])
            entries.insert(0, new)
            del entries[MAX_ENTRIES:]
        return out

    def run(self, scenario: Scenario, *, deals: Sequence[Any] | None = None,
            regimes: Iterable[str] | None = None, as_of: date | None = None) -> ScenarioRun:
        started = time.perf_counter()
        regimes = tuple(regimes or self.regimes)
        deals = list(deals if deals is not None else self.deals)
        state = self.context(scenario, as_of)
        per_regime = {r: self._regime_verdicts(state.ctx, r, deals) for r in regimes}
        verdicts = {
            d.id: DealVerdict(
                deal_id=d.id, title=d.title, as_of=state.ctx.as_of, scenario=scenario.name,
                regimes={r: per_regime[r][d.id] for r in regimes},
                uncertain=[u.model_dump() for u in getattr(d, "uncertain", [])],
            )
            for d in deals
        }
        titles = {d.id: d.title for d in deals}
        return ScenarioRun(scenario, state, regimes, verdicts, titles,
                           time.perf_counter() - started)

    def matrix(self, scenarios: Sequence[Scenario], *, deals: Sequence[Any] | None = None,
               regimes: Iterable[str] | None = None, as_of: date | None = None) -> Matrix:
        regimes = tuple(regimes or self.regimes)
        runs = [self.run(s, deals=deals, regimes=regimes, as_of=as_of) for s in scenarios]
        return Matrix(runs, regimes)


def _same(a: Rule | None, b: Rule | None) -> bool:
    return a is b or (a is not None and b is not None and a == b)


def _merge(old: Any, fresh: Any, changed: set[str], active: Mapping[str, Rule]) -> Any:
    """Old findings of unchanged rules + fresh findings of the re-evaluated ones."""
    findings = [f for f in old.findings if f.rule_id not in changed] + list(fresh.findings)
    findings.sort(key=lambda f: (-effect_rank(f.effect), f.rule_id, f.party or ""))
    return RegimeVerdict(old.regime, strongest([f.effect for f in findings]), findings,
                         sorted(active))


def assumptions_of(scenario: Scenario, lookup: Lookup | None = None) -> list[str]:
    return all_assumptions(scenario, lookup=lookup)

"""Evaluate the deal catalogue under scenarios: matrix, diff against the status quo, summary.

The verdict engine does the legal work and memoises what is expensive (party matching once,
ownership status per ``ctx.listing_key(regime)``), so a scenario that only lifts rules reuses
every matching and ownership result, and one that delists a parent recomputes ownership for
that regime only. This module just builds one context per scenario and tabulates.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.context import PARTS, EvaluationContext, Rule, effect_rank, strongest
from olivebranch.deals.models import Deal
from olivebranch.findings import DealVerdict, RegimeVerdict
from olivebranch.scenarios.apply import ScenarioState, apply_scenario, scenario_date
from olivebranch.scenarios.model import (
    Lookup,
    Scenario,
    action_of,
    all_assumptions,
    resolve_changes,
)
from olivebranch.scenarios.results import (  # noqa: F401 - the results, for the engine's callers
    BLOCKING_RANK,
    DEFAULT_REGIMES,
    Blocker,
    DealDiff,
    Matrix,
    Move,
    Obstacle,
    ScenarioRun,
    Summary,
    blockers_of,
    diff,
    effect_rank_or,
    summarise,
)
from olivebranch.store import Store

if TYPE_CHECKING:
    from olivebranch.listings import Listings
    from olivebranch.verdicts import Engine

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
        self._matchers: dict[date, _IndexMatcher] = {}
        #: the clock's today: a veto (``eu_lapse``) bites at the first expiry after it
        self.origin: date | None = None

    def matcher(self, day: date) -> Callable[[str], list[tuple[str, str, float, int]]]:
        """Names in scenario selections resolved with the day's screening index (cached per
        name: a scenario naming 2,000 companies asks the index 2,000 times, never scans)."""
        if day not in self._matchers:
            self._matchers[day] = _IndexMatcher(lambda: self.verdicts.snapshots.index(day))
        return self._matchers[day]

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
        state = apply_scenario(base, scenario, self.index(base.as_of), self.lookup,
                               matcher=self.matcher(base.as_of),
                               origin=self.origin or as_of or date.today())
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
        relief = any(action_of(c) in ("lift", "delist", "start_licence", "eu_lapse", "host_list",
                                        "set_effect", "territory")
                     for _, _, c in resolve_changes(scenario, lookup=self.lookup))
        return ScenarioRun(scenario, state, regimes, verdicts, titles,
                           time.perf_counter() - started, relief)

    def matrix(self, scenarios: Sequence[Scenario], *, deals: Sequence[Any] | None = None,
               regimes: Iterable[str] | None = None, as_of: date | None = None) -> Matrix:
        regimes = tuple(regimes or self.regimes)
        runs = [self.run(s, deals=deals, regimes=regimes, as_of=as_of) for s in scenarios]
        return Matrix(runs, regimes)


class _IndexMatcher:
    """name -> [(record id, caption, score, party)] from a screening index, memoised."""

    def __init__(self, index: Callable[[], Any]) -> None:
        self._index = index
        self._memo: dict[str, list[tuple[str, str, float, int]]] = {}

    def __call__(self, name: str) -> list[tuple[str, str, float, int]]:
        hit = self._memo.get(name)
        if hit is None:
            from olivebranch.match.model import Query

            idx = self._index()
            party = idx.parts.party
            res = idx.search(Query(name=name, schema="LegalEntity"), limit=8, threshold=0.5)
            hit = [(r.entity_id, r.caption, r.score, int(party[idx.position(r.entity_id)]))
                   for r in res]
            self._memo[name] = hit
        return hit


def _same(a: Rule | None, b: Rule | None) -> bool:
    return a is b or (a is not None and b is not None and a == b)


def _merge(old: Any, fresh: Any, changed: set[str], active: Mapping[str, Rule]) -> Any:
    """Old findings of unchanged rules + fresh findings of the re-evaluated ones."""
    findings = [f for f in old.findings if f.rule_id not in changed] + list(fresh.findings)
    findings.sort(key=lambda f: (-effect_rank(f.effect), f.rule_id, f.party or ""))
    verdict = strongest([f.effect for f in findings])
    return RegimeVerdict(old.regime, verdict, findings, sorted(active), nexus=old.nexus,
                         clear_reason=(fresh.clear_reason or old.clear_reason)
                         if verdict == "clear" else None)


def assumptions_of(scenario: Scenario, lookup: Lookup | None = None) -> list[str]:
    return all_assumptions(scenario, lookup=lookup)

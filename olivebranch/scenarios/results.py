"""What evaluating scenarios gives: a run per scenario (verdict per deal and regime), the
blockers that remain, diffs between runs, the matrix of runs and its summary.

Plain data, kept apart from the engine that computes it, so a run can be stored and read back
(the workspace keeps whole runs on disk) without loading the engine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from olivebranch.context import EFFECTS, EvaluationContext, effect_rank
from olivebranch.regimes import registry
from olivebranch.scenarios.model import Scenario


class RunState(Protocol):
    """What a run keeps of the scenario applied: its context and what it logged."""

    ctx: EvaluationContext
    log: tuple[str, ...]


@dataclass(frozen=True)
class AppliedScenario:
    """The part of a ScenarioState a stored run keeps (no list snapshot, no engine)."""

    ctx: EvaluationContext
    log: tuple[str, ...] = ()
    lifted: dict[str, Any] = field(default_factory=dict)


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
    state: RunState  # the scenario applied (a ScenarioState; a cached run keeps less)
    regimes: tuple[str, ...]
    verdicts: dict[str, Any]  # deal id -> DealVerdict
    titles: dict[str, str]
    seconds: float = 0.0
    #: the scenario (with its bases) lifts rules, delists or issues licences
    relief: bool = False

    @property
    def name(self) -> str:
        return self.scenario.name

    def stored(self) -> ScenarioRun:
        """This run without the engine's objects (the list snapshot), to keep on disk."""
        state = AppliedScenario(self.state.ctx, tuple(self.state.log),
                                dict(getattr(self.state, "lifted", {}) or {}))
        return ScenarioRun(self.scenario, state, self.regimes, self.verdicts, self.titles,
                           self.seconds, self.relief)

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
    #: regime -> rule ids that fired in the baseline and no longer do (and the reverse), even
    #: where the verdict did not move (e.g. Decree 520 stops while 79/81 still apply)
    stopped: dict[str, list[str]] = field(default_factory=dict)
    started: dict[str, list[str]] = field(default_factory=dict)

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
            "rules_stopped": self.stopped,
            "rules_started": self.started,
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
        stopped: dict[str, list[str]] = {}
        started: dict[str, list[str]] = {}
        for r in other.regimes:
            before, after = fired(base, deal_id, r), fired(other, deal_id, r)
            if before - after:
                stopped[r] = sorted(before - after)
            if after - before:
                started[r] = sorted(after - before)
        out.append(
            DealDiff(
                deal_id,
                other.titles.get(deal_id, deal_id),
                moves,
                other.blockers(deal_id),
                {r: other.verdict(deal_id, r) for r in other.regimes},
                stopped,
                started,
            )
        )
    return out


def fired(run: ScenarioRun, deal_id: str, regime: str) -> set[str]:
    """Ids of the rules that fired for a deal under a regime in a run."""
    rv = run.verdicts[deal_id].regimes.get(regime)
    return {f.rule_id for f in rv.findings} if rv is not None else set()


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
    relief = [run for run in matrix.runs if run is not base and _relaxes(run)]
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


def _relaxes(run: ScenarioRun) -> bool:
    """A relief scenario lifts rules, delists or issues licences (snapback does none)."""
    return run.relief


def effect_rank_or(verdict: str) -> int:
    return effect_rank(verdict) if verdict in EFFECTS else len(EFFECTS)



"""What would it take: per deal and regime, the smallest sets of moves that make the deal clear
(or not blocked), grouped by who can make each move, cheapest first.

A *move* is a scenario change someone can make: lift a rule, delist a party's list entries,
issue (or re-issue) a general licence, let an EU decision lapse by one veto, or change a
host-state list (Russia's unfriendly states). Candidate moves come from the findings that
block the deal; what each one removes is found by applying it to the status quo and
re-evaluating the deal (so ownership and group effects count), and every answer is checked
the same way: a path is returned only if applying all its moves really unlocks the deal, and
only if no smaller path found first already does (minimal sets).

Who makes a move (``Actor``) comes from the rule's ``lifted_by`` and regime, or, for a
delisting, from the programmes of the entries removed (a US designation under EO 13660-13662
needs the CAATSA §216 congressional review). Costs order the paths: what one executive can do
alone is cheapest, what needs a legislature or unanimity dearest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from olivebranch import hostdata, yamlsafe
from olivebranch.context import effect_rank
from olivebranch.errors import InvalidInput
from olivebranch.scenarios.apply import ScenarioState, apply_change
from olivebranch.scenarios.model import (
    ACTIONS,
    ScenarioError,
    load_scenario,
)

if TYPE_CHECKING:
    from olivebranch.deals.models import Deal
    from olivebranch.scenarios.engine import ScenarioEngine

TARGETS = ("clear", "unblocked", "licensable")
#: target -> the worst verdict it accepts: clear; not blocked (clear or a screening risk);
#: licensable (a licence or host approval at worst: nothing prohibited)
CEILING = {"clear": "clear", "unblocked": "risk", "licensable": "licence_required"}
MAX_MOVES = 4
MAX_PATHS = 5


@lru_cache(maxsize=1)
def _actors_data() -> dict[str, Any]:
    return yamlsafe.load((hostdata.HOST_DIR / "actors.yaml").read_text(encoding="utf-8"))


class _Actors(dict):
    """actor id -> (cost, plain words), from ``data/host/actors.yaml``."""

    def __missing__(self, key: str) -> tuple[int, str]:
        return (5, key)


def actors() -> dict[str, tuple[int, str]]:
    return _Actors({k: (int(v["cost"]), v["title"])
                    for k, v in (_actors_data().get("actors") or {}).items()})


ACTORS = actors()


def actor_of_rule(regime: str, lifted_by: str) -> str:
    return ((_actors_data().get("lifts") or {}).get(regime) or {}).get(lifted_by) \
        or f"{regime}_{lifted_by}"


def actor_of_delisting(regime: str, programmes: Iterable[str]) -> str:
    row = (_actors_data().get("delists") or {}).get(regime)
    if not row:
        return f"{regime}_lists"
    if any(p in (row.get("reviewed") or ()) for p in programmes):
        return row.get("reviewed_actor") or row["actor"]
    return row["actor"]


@dataclass(frozen=True)
class Move:
    """One change someone can make, as scenario changes."""

    key: str  # unique, e.g. "lift:US-EO14071-NEW-INVESTMENT"
    kind: str  # lift | delist | licence | eu_lapse | host_list
    actor: str
    what: str
    changes: tuple[Any, ...] = field(compare=False, default=())
    rules: tuple[str, ...] = ()  # the blocking rules it is meant to remove

    @property
    def cost(self) -> int:
        return ACTORS.get(self.actor, (5, ""))[0]

    def scenario_changes(self) -> list[dict[str, Any]]:
        """The move as scenario-file changes (``{action: body}`` mappings, JSON-ready): what
        the scenario builder is pre-filled with, and what ``parse_scenario`` reads back."""
        return [change_dict(c) for c in self.changes]

    def as_dict(self) -> dict[str, Any]:
        return {"move": self.key, "kind": self.kind, "actor": self.actor,
                "actor_title": ACTORS.get(self.actor, (5, self.actor))[1], "what": self.what,
                "rules": list(self.rules), "changes": self.scenario_changes()}


@dataclass
class Path:
    moves: tuple[Move, ...]
    verdict_after: str
    remaining: list[str]  # rules still firing (at or below the target)

    @property
    def cost(self) -> int:
        return sum(m.cost for m in self.moves)

    def as_dict(self) -> dict[str, Any]:
        return {"cost": self.cost, "moves": [m.as_dict() for m in self.moves],
                "actors": sorted({m.actor for m in self.moves}),
                "verdict_after": self.verdict_after, "still_firing": self.remaining}


@dataclass
class RegimeUnlock:
    regime: str
    verdict: str
    target: str
    blocking: list[dict[str, Any]]  # the findings in the way: rule, party, effect, who lifts
    paths: list[Path]
    candidates: list[Move]
    note: str = ""

    def by_actor(self) -> dict[str, list[dict[str, Any]]]:
        """The candidate moves that appear in some path, grouped by who can make them."""
        used = {m.key for p in self.paths for m in p.moves}
        out: dict[str, list[dict[str, Any]]] = {}
        for m in sorted(self.candidates, key=lambda m: (m.cost, m.actor, m.key)):
            if m.key in used:
                out.setdefault(m.actor, []).append(m.as_dict())
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"regime": self.regime, "verdict": self.verdict, "target": self.target,
                "unlocked_already": not self.blocking, "blocking": self.blocking,
                "paths": [p.as_dict() for p in self.paths], "by_actor": self.by_actor(),
                "note": self.note}


@dataclass
class Unlock:
    """The answer for one deal: one entry per regime."""

    deal_id: str
    title: str
    as_of: date
    target: str
    regimes: list[RegimeUnlock]

    def as_dict(self) -> dict[str, Any]:
        return {"deal": self.deal_id, "title": self.title, "as_of": str(self.as_of),
                "target": self.target, "actors": {k: v[1] for k, v in ACTORS.items()},
                "regimes": {r.regime: r.as_dict() for r in self.regimes}}


# ----------------------------------------------------------------------------- moves
def _change(action: str, body: Any) -> Any:
    return ACTIONS[action].model_validate({action: body})


def change_dict(change: Any) -> dict[str, Any]:
    """A parsed change back as the mapping a scenario file holds (what was given, no defaults)."""
    return change.model_dump(mode="json", exclude_unset=True, by_alias=True)


def candidate_moves(state: ScenarioState, deal: Deal, regime: str, blocking: Sequence[Any],
                    statuses: dict[str, Any], *, lift_only: bool = False) -> list[Move]:
    """Moves that could remove some of the blocking findings (``blocking``)."""
    from olivebranch.rules.conditions import facts_used

    rules = state.ctx.rules
    out: dict[str, Move] = {}

    def add(m: Move) -> None:
        if m.key not in out:
            out[m.key] = m
        else:  # the same move meant for more rules
            old = out[m.key]
            out[m.key] = Move(old.key, old.kind, old.actor, old.what, old.changes,
                              tuple(sorted(set(old.rules) | set(m.rules))))

    for f in blocking:
        rule = rules.get(f.rule_id)
        if rule is None:
            continue
        add(Move(f"lift:{rule.id}", "lift", actor_of_rule(regime, rule.lifted_by),
                 f"lift {rule.id} ({rule.instrument[:80]})",
                 (_change("lift", [rule.id]),), (rule.id,)))
        if lift_only:
            continue
        # an EU rule under a decision one veto can let lapse
        if regime == "eu" and rule.lifted_by == "council_unanimity":
            for dec in hostdata.eu_decisions().values():
                lapse = [c for c in dec.lapse if "lift" in c]
                if lapse and _selected_by(rule, lapse[0]["lift"]):
                    add(Move(f"eu_lapse:{dec.id}", "eu_lapse", "eu_veto",
                             f"one member vetoes renewal of {dec.title}; it lapses at expiry "
                             f"({dec.next_expiry(state.origin or state.ctx.as_of)})",
                             tuple(_change(next(iter(c)), c[next(iter(c))]) for c in dec.lapse),
                             (rule.id,)))
        # general licences that can authorise what the rule prohibits
        for gl in rule.licences:
            if gl in state.ctx.general_licences or gl in state.ended:
                add(Move(f"licence:{gl}", "licence", actor_of_rule(regime, "executive"),
                         f"issue (or re-issue) general licence {gl}",
                         (_change("start_licence", {"id": gl}),), (rule.id,)))
        # a host-state list the rule reads (Russia's unfriendly states)
        used = facts_used(rule.condition)
        for hl in hostdata.host_lists().values():
            if hl.fact in used and hl.host == regime:
                juris = sorted({p.jurisdiction for p in deal.parties
                                if p.jurisdiction in hl.members})
                for j in juris:  # one state at a time: a path names the states it needs
                    add(Move(f"host_list:{hl.id}:-{j}", "host_list",
                             "ru_government" if hl.host == "ru" else f"{hl.host}_government",
                             f"take {j.upper()} off {hl.title}",
                             (_change("host_list", {"list": hl.id, "remove": [j]}),),
                             (rule.id,)))
        # the party's own list entries, or the listed owners that block it
        if f.party and (rule.kind in ("blocking", "ownership_rule")):
            st = statuses.get(f.party)
            if st is not None:
                records: dict[str, set[str]] = {}
                for e in st.entries:
                    if e.get("designation") != "sectoral" and e.get("entity_id"):
                        records.setdefault(e["entity_id"], set()).add(e.get("program") or "")
                for p in st.paths:
                    for d in p.get("designations", []):
                        if d.get("entity_id"):
                            records.setdefault(d["entity_id"], set()).add(d.get("program") or "")
                listed = state.index.entities(regime)
                ids = sorted(r for r in records if r in listed)
                if ids:
                    progs = sorted({p for r in ids for p in records[r] if p})
                    add(Move(f"delist:{regime}:{','.join(ids)}", "delist",
                             actor_of_delisting(regime, progs),
                             f"delist {', '.join(ids)} under {regime}"
                             + (f" ({', '.join(progs)})" if progs else ""),
                             (_change("delist", {"regime": regime, "entities": ids}),),
                             (rule.id,)))
    return list(out.values())


def _selected_by(rule: Any, sel: dict[str, Any]) -> bool:
    from olivebranch.scenarios.apply import select_rules
    from olivebranch.scenarios.model import RuleSelector

    return bool(select_rules([rule], RuleSelector.model_validate(sel)))


# ----------------------------------------------------------------------------- search
class Unlocker:
    """Searches moves for deals in one scenario engine (its verdict engine memoises)."""

    def __init__(self, engine: ScenarioEngine, *, as_of: date | None = None,
                 baseline: str = "status-quo") -> None:
        self.engine = engine
        self.state = engine.context(engine.lookup(baseline) if engine.lookup and
                                    engine.lookup(baseline) else load_scenario(baseline), as_of)
        self.evaluations = 0

    def _verdict(self, deal: Deal, state: ScenarioState, regime: str) -> Any:
        self.evaluations += 1
        return self.engine.verdicts.assess(deal, state.ctx, (regime,)).regimes[regime]

    def _apply(self, moves: Iterable[Move]) -> ScenarioState:
        state = self.state
        for m in moves:
            for c in m.changes:
                state = apply_change(state, c)
        return state

    def regime(self, deal: Deal, regime: str, target: str = "unblocked", *,
               lift_only: bool = False, max_moves: int = MAX_MOVES,
               max_paths: int = MAX_PATHS) -> RegimeUnlock:
        limit = effect_rank(CEILING.get(target, "risk"))
        rv = self._verdict(deal, self.state, regime)
        blocking = [f for f in rv.findings if effect_rank(f.effect) > limit]
        info = [{"rule": f.rule_id, "party": f.party, "effect": f.effect, "kind": f.kind,
                 "lifted_by": f.lifted_by,
                 "actor": actor_of_rule(regime, f.lifted_by)} for f in blocking]
        if not blocking:
            return RegimeUnlock(regime, rv.verdict, target, [], [], [])
        statuses = self.engine.verdicts.party_statuses(deal, self.state.ctx, regime)
        moves = candidate_moves(self.state, deal, regime, blocking, statuses,
                                lift_only=lift_only)
        keys = {(f.rule_id, f.party) for f in blocking}

        def remaining(state: ScenarioState) -> tuple[set[tuple[str, str | None]], Any]:
            v = self._verdict(deal, state, regime)
            return {(f.rule_id, f.party) for f in v.findings
                    if effect_rank(f.effect) > limit}, v

        covers: dict[str, frozenset] = {}
        usable = []
        for m in moves:
            try:
                left, _ = remaining(self._apply([m]))
            except ScenarioError:
                continue
            covers[m.key] = frozenset(keys - left)
            # a move that removes nothing alone may still be needed with another (two
            # investors' states off a host list): kept for host lists
            if covers[m.key] or m.kind == "host_list":
                usable.append(m)
        usable.sort(key=lambda m: (m.cost, m.key))
        paths: list[Path] = []
        found: list[frozenset[str]] = []
        for size in range(1, max_moves + 1):
            combos = sorted(itertools.combinations(usable, size),
                            key=lambda c: (sum(m.cost for m in c), [m.key for m in c]))
            for combo in combos:
                ks = frozenset(m.key for m in combo)
                if any(f <= ks for f in found):
                    continue  # a smaller path is inside it: not minimal
                alone = frozenset().union(*(covers[m.key] for m in combo))
                if alone != keys and not any(m.kind == "host_list" for m in combo):
                    continue  # cannot remove every blocking finding (each move alone)
                left, v = remaining(self._apply(combo))
                if left:
                    continue
                found.append(ks)
                paths.append(Path(combo, v.verdict, sorted({f.rule_id for f in v.findings})))
            if len(paths) >= max_paths:
                break
        paths.sort(key=lambda p: (p.cost, len(p.moves), [m.key for m in p.moves]))
        note = "" if paths else (f"no set of up to {max_moves} moves found" if usable else
                                 "no move found for the blocking findings")
        return RegimeUnlock(regime, rv.verdict, target, info, paths[:max_paths], usable, note)

    def deal(self, deal: Deal, regimes: Sequence[str] | None = None, target: str = "unblocked",
             **kw: Any) -> Unlock:
        regimes = tuple(regimes or self.engine.regimes)
        return Unlock(deal.id, deal.title, self.state.ctx.as_of, target,
                      [self.regime(deal, r, target, **kw) for r in regimes])


def unlock(ws: Any, deal: str | Deal, regimes: Sequence[str] | None = None,
           target: str = "unblocked", as_of: date | None = None, *,
           baseline: str = "status-quo", **kw: Any) -> Unlock:
    """``Unlock`` for one deal of a workspace (the CLI, the API and the deal page call this),
    from the status quo or from another scenario (``baseline``)."""
    if target not in TARGETS:
        raise ScenarioError(f"unknown target {target!r}; known: {', '.join(TARGETS)}")
    bad = [r for r in regimes or () if r not in ws.registry.assessed]
    if bad:  # a clear 400 (API) rather than the engine's KeyError
        raise InvalidInput(f"regime: unknown regime(s) {', '.join(bad)} "
                           f"(known: {', '.join(ws.registry.assessed)})")
    d = ws.deal(deal)
    with ws.lock:
        engine = ws.scenario_engine()
        return Unlocker(engine, as_of=ws.day(as_of), baseline=baseline).deal(
            d, regimes, target, **kw)

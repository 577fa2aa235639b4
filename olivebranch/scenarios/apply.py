"""Applying a scenario's changes: pure functions from one EvaluationContext to the next.

Rules are lifted by removing them from ``ctx.rules`` (kept aside so a later ``restore`` can put
them back, parameters and all). Listings are tracked per designation, not per entity: an entity
counts as delisted under a regime only when every one of its designations there is removed, so
"delist programme RUSSIA-EO14024" leaves Gazprom Neft blocked through its EO 13662 listing.
The ownership rule then propagates: the verdict engine recomputes ownership status for a regime
whenever ``ctx.listing_key(regime)`` changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from olivebranch.context import PARTS, EvaluationContext, GeneralLicence, Rule
from olivebranch.listings import DesignationKey, Listings
from olivebranch.scenarios.model import (
    Designate,
    EndLicence,
    ListingSelector,
    Lookup,
    RuleSelector,
    Scenario,
    ScenarioError,
    SetParam,
    StartLicence,
    action_of,
    all_assumptions,
    body_of,
    resolve_changes,
    touches,
)

EMPTY_INDEX = Listings.from_designations([])


@dataclass(frozen=True)
class ScenarioState:
    """A context plus what the scenario has set aside, so later changes can undo earlier ones."""

    ctx: EvaluationContext
    index: Listings = EMPTY_INDEX
    lifted: Mapping[str, Rule] = field(default_factory=dict)
    ended: Mapping[str, GeneralLicence] = field(default_factory=dict)
    removed: Mapping[str, frozenset[DesignationKey]] = field(default_factory=dict)  # per regime
    off: Mapping[str, frozenset[str]] = field(default_factory=dict)  # entities fully removed
    log: tuple[str, ...] = ()
    touched: frozenset[str] = frozenset()  # context parts the changes declared


# ----------------------------------------------------------------------------- rules
def select_rules(rules: Iterable[Rule], sel: RuleSelector) -> list[Rule]:
    """Rules matching every filter of the selector."""
    regex = re.compile(sel.instrument_regex, re.I) if sel.instrument_regex else None
    out = []
    for r in rules:
        if sel.rules and r.id not in sel.rules:
            continue
        if sel.regime and r.regime not in sel.regime:
            continue
        if sel.lifted_by and r.lifted_by not in sel.lifted_by:
            continue
        if sel.instrument and sel.instrument.lower() not in (r.instrument or "").lower():
            continue
        if regex and not regex.search(r.instrument or ""):
            continue
        if sel.kind and r.kind not in sel.kind:
            continue
        if sel.exclude_kind and r.kind in sel.exclude_kind:
            continue
        if r.id in sel.exclude:
            continue
        out.append(r)
    return out


def _known_ids(state: ScenarioState, sel: RuleSelector) -> None:
    known = set(state.ctx.rules) | set(state.lifted)
    missing = [i for i in sel.rules if i not in known]
    if missing:
        raise ScenarioError(f"unknown rule id(s): {', '.join(missing)}")


def lift(state: ScenarioState, sel: RuleSelector) -> ScenarioState:
    _known_ids(state, sel)
    chosen = select_rules(state.ctx.rules.values(), sel)
    already = select_rules(state.lifted.values(), sel)
    if not chosen and not already:
        raise ScenarioError(f"lift matches no rule ({sel.describe()})")
    ids = {r.id for r in chosen}
    rules = {k: v for k, v in state.ctx.rules.items() if k not in ids}
    lifted = {**state.lifted, **{r.id: r for r in chosen}}
    note = f"lift {', '.join(sorted(ids)) or 'nothing new'}"
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted, log=(*state.log, note))


def restore(state: ScenarioState, sel: RuleSelector) -> ScenarioState:
    _known_ids(state, sel)
    chosen = select_rules(state.lifted.values(), sel)
    if not chosen and not select_rules(state.ctx.rules.values(), sel):
        raise ScenarioError(f"restore matches no rule ({sel.describe()})")
    ids = {r.id for r in chosen}
    rules = {**state.ctx.rules, **{r.id: r for r in chosen}}
    lifted = {k: v for k, v in state.lifted.items() if k not in ids}
    note = f"restore {', '.join(sorted(ids)) or 'nothing (none lifted)'}"
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted, log=(*state.log, note))


def set_param(state: ScenarioState, change: SetParam) -> ScenarioState:
    if change.ownership:
        regime = change.ownership
        params = dict(state.ctx.ownership_params)
        params[regime] = {**(params.get(regime) or {}), change.param: change.value}
        note = f"ownership rule {regime}: {change.param} = {change.value!r}"
        return replace(state, ctx=state.ctx.evolve(ownership_params=params), log=(*state.log, note))
    rid = change.rule or ""
    rule = state.ctx.rules.get(rid) or state.lifted.get(rid)
    if rule is None:
        raise ScenarioError(f"unknown rule id: {rid}")
    if not rule.params:
        raise ScenarioError(f"rule {rid} has no parameters to change")
    if change.param not in rule.params:
        known = ", ".join(sorted(rule.params))
        raise ScenarioError(f"rule {rid} has no parameter {change.param!r}; it has: {known}")
    new = replace(rule, params={**rule.params, change.param: change.value})
    note = f"{rid}: {change.param} {rule.params[change.param]!r} → {change.value!r}"
    if rid in state.lifted:
        return replace(state, lifted={**state.lifted, rid: new}, log=(*state.log, note))
    rules = {**state.ctx.rules, rid: new}
    return replace(state, ctx=state.ctx.evolve(rules=rules), log=(*state.log, note))


# ----------------------------------------------------------------------------- licences
def end_licence(state: ScenarioState, change: EndLicence) -> ScenarioState:
    gls = dict(state.ctx.general_licences)
    ended = dict(state.ended)
    for gid in change.licences:
        if gid in gls:
            ended[gid] = gls.pop(gid)
        elif gid not in ended:
            raise ScenarioError(f"unknown general licence: {gid}")
    note = f"end licence {', '.join(change.licences)}"
    return replace(state, ctx=state.ctx.evolve(general_licences=gls), ended=ended,
                   log=(*state.log, note))


def start_licence(state: ScenarioState, change: StartLicence) -> ScenarioState:
    gls = dict(state.ctx.general_licences)
    ended = dict(state.ended)
    old = gls.get(change.id) or ended.pop(change.id, None)
    if old is None and change.like:
        model = gls.get(change.like) or ended.get(change.like)
        if model is None:
            raise ScenarioError(f"start_licence {change.id}: unknown licence {change.like!r} "
                                "to copy (like)")
        old = replace(model, id=change.id, title=change.title or f"{model.title} "
                      f"(as {change.id})", supersedes=model.id, effective_from=None)
    if old is None:
        if not (change.regime and change.title):
            raise ScenarioError(f"new general licence {change.id} needs a regime and a title")
        old = GeneralLicence(id=change.id, regime=change.regime, title=change.title)
    if change.rules is not None or change.effect is not None:
        old = replace(old, rules=tuple(change.rules) if change.rules is not None else old.rules,
                      effect=change.effect or old.effect)
    gl = replace(
        old,
        regime=change.regime or old.regime,
        title=change.title or old.title,
        citation=change.citation or old.citation,
        # (re)issued: in force from the given day (or now) until the given day (or open-ended)
        effective_from=change.effective_from or min(state.ctx.as_of, old.effective_from or date.min),
        effective_until=change.effective_until,
        condition=_licence_condition(change) if change.condition is not None else old.condition,
    )
    gls[gl.id] = gl
    note = f"start licence {gl.id}"
    return replace(state, ctx=state.ctx.evolve(general_licences=gls), ended=ended,
                   log=(*state.log, note))


def _licence_condition(change: StartLicence) -> Any:
    """A licence condition in the rule packs' condition language, parsed (errors say where)."""
    from olivebranch.rules import conditions

    try:
        return conditions.parse(change.condition, f"start_licence {change.id}: condition")
    except conditions.ConditionError as exc:
        raise ScenarioError(str(exc)) from None


# ----------------------------------------------------------------------------- listings
def _resolve_entities(state: ScenarioState, regime: str, ids: list[str], names: list[str],
                      *, must_be_listed: bool) -> list[str]:
    listed = state.index.entities(regime)
    out: list[str] = []
    for ref in ids:
        ref = ref.strip()
        candidates = state.index.record_id(ref)
        hit = next((c for c in candidates if c in listed), None)
        if hit is None and must_be_listed and ref not in (state.ctx.added.get(regime) or {}):
            raise ScenarioError(f"entity {ref} is not listed under {regime} on {state.ctx.as_of}")
        out.append(hit or candidates[0])
    for name in names:
        hits = state.index.resolve_name(regime, name)
        if not hits and not must_be_listed:
            # a designation of someone not (yet) listed here: look across all regimes
            hits = sorted({e for r in state.index.listed_regimes for e in state.index.resolve_name(r, name)})
        if len(hits) != 1:
            pool = regime if hits or must_be_listed else "any regime"
            hint = hits or [
                s for r in ([regime] if must_be_listed else list(state.index.listed_regimes))
                for s in state.index.suggest(r, name)
            ][:5]
            what = "is ambiguous" if hits else f"matches no entity listed under {pool}"
            raise ScenarioError(
                f"name {name!r} {what}; give entity ids"
                + (f" (candidates: {'; '.join(hint)})" if hint else "")
            )
        out.append(hits[0])
    return out


def _selected_keys(state: ScenarioState, sel: ListingSelector) -> dict[str, set[DesignationKey]]:
    listed = state.index.entities(sel.regime)
    picked: dict[str, set[DesignationKey]] = {}
    for eid in _resolve_entities(state, sel.regime, sel.entities, sel.names, must_be_listed=True):
        picked.setdefault(eid, set()).update(listed.get(eid, ()))
    if sel.program:
        progs = {p.upper() for p in sel.program}
        found = False
        for eid, keys in listed.items():
            hit = {k for k in keys if (k[1] or "").upper() in progs}
            if hit:
                found = True
                picked.setdefault(eid, set()).update(hit)
        if not found and not state.index.knows_programs(progs):
            # a programme no list version carries is a mistake; one the lists of this day
            # happen to carry none of (an older day) removes nothing
            raise ScenarioError(
                f"no {sel.regime} designation under programme {', '.join(sel.program)} "
                f"on {state.ctx.as_of}"
            )
    if sel.source:
        picked = {e: {k for k in ks if k[2] in sel.source} for e, ks in picked.items()}
    return picked


def is_delisted(keys: frozenset[DesignationKey], removed: frozenset[DesignationKey]) -> bool:
    """Off the list when every blocking designation is removed (or, for an entity with none,
    every designation). A remaining sectoral (SSI) listing does not keep an entity blocked;
    the SSI rules reach those companies through their corporate group."""
    blocking = frozenset(k for k in keys if k[3] == "blocking")
    return bool(keys) and (blocking or keys) <= removed


def _off(state: ScenarioState, regime: str, removed: frozenset[DesignationKey],
         touched: Iterable[str]) -> frozenset[str]:
    """Entities off the list after a change: only the ``touched`` ones can have moved."""
    listed = state.index.entities(regime)
    touched = set(touched)
    prev = state.off.get(regime, frozenset())
    now = {e for e in touched if is_delisted(listed.get(e, frozenset()), removed)}
    return frozenset((prev - touched) | now)


def _with_listings(state: ScenarioState, regime: str, removed: frozenset[DesignationKey],
                   touched: Iterable[str], added: dict[str, dict[str, str]],
                   note: str) -> ScenarioState:
    off = {**state.off, regime: _off(state, regime, removed, touched)}
    delisted = dict(state.ctx.delisted)
    for r in set(off) | set(delisted):
        d = off.get(r, frozenset()) - set(added.get(r, {}))
        if d:
            delisted[r] = d
        else:
            delisted.pop(r, None)
    added = {r: a for r, a in added.items() if a}
    ctx = state.ctx.evolve(delisted=delisted, added=added)
    return replace(state, ctx=ctx, removed={**state.removed, regime: removed}, off=off,
                   log=(*state.log, note))


def delist(state: ScenarioState, sel: ListingSelector) -> ScenarioState:
    picked = _selected_keys(state, sel)
    keys = set().union(*picked.values()) if picked else set()
    removed = frozenset(state.removed.get(sel.regime, frozenset()) | keys)
    added = {r: dict(a) for r, a in state.ctx.added.items()}
    for eid in picked:
        added.get(sel.regime, {}).pop(eid, None)  # undo a scenario designation too
    out = _with_listings(state, sel.regime, removed, picked, added, "")
    before, after = state.off.get(sel.regime, frozenset()), out.off[sel.regime]
    still = sum(1 for e in picked if e not in after)
    note = f"delist {sel.describe()}: {len(after - before)} entities off the list"
    if still:
        note += f"; {still} stay listed under another programme"
    return replace(out, log=(*state.log, note))


def relist(state: ScenarioState, sel: ListingSelector) -> ScenarioState:
    picked = _selected_keys(state, sel)
    keys = set().union(*picked.values()) if picked else set()
    removed = frozenset(state.removed.get(sel.regime, frozenset()) - keys)
    added = {r: dict(a) for r, a in state.ctx.added.items()}
    return _with_listings(state, sel.regime, removed, picked, added,
                          f"relist {sel.describe()}")


def designate(state: ScenarioState, change: Designate) -> ScenarioState:
    ids = _resolve_entities(state, change.regime, change.entities, change.names,
                            must_be_listed=False)
    added = {r: dict(a) for r, a in state.ctx.added.items()}
    removed = state.removed.get(change.regime, frozenset())
    listed = state.index.entities(change.regime)
    for eid in ids:
        # a new (blocking) designation; it also undoes any delisting of the entity's old ones
        removed = removed - listed.get(eid, frozenset())
        added.setdefault(change.regime, {})[eid] = change.note
    note = f"designate under {change.regime}: {', '.join(ids)}"
    return _with_listings(state, change.regime, frozenset(removed), ids, added, note)


def set_date(state: ScenarioState, day: date) -> ScenarioState:
    return replace(state, ctx=state.ctx.evolve(as_of=day), log=(*state.log, f"evaluate on {day}"))


APPLY: dict[str, Callable[[ScenarioState, Any], ScenarioState]] = {
    "lift": lift,
    "restore": restore,
    "delist": delist,
    "relist": relist,
    "designate": designate,
    "end_licence": end_licence,
    "start_licence": start_licence,
    "set_param": set_param,
    "set_date": set_date,
}


def apply_change(state: ScenarioState, change: Any) -> ScenarioState:
    """Apply one change; it may alter only the context parts its type declares."""
    out = APPLY[action_of(change)](state, body_of(change))
    declared = touches(change)
    for part in PARTS:
        if part.name not in declared and part.name != "label" and \
                state.ctx.part(part.name) != out.ctx.part(part.name):
            raise TypeError(f"change type {action_of(change)!r} changed the context part "
                            f"{part.name!r} it does not declare (touches: {declared})")
    return replace(out, touched=out.touched | frozenset(declared))


def scenario_date(scenario: Scenario, lookup: Lookup | None = None) -> date | None:
    """The evaluation date the scenario sets (its last ``set_date``), if any."""
    day = None
    for _, _, change in resolve_changes(scenario, lookup=lookup):
        if action_of(change) == "set_date":
            day = body_of(change)
    return day


def apply_scenario(
    ctx: EvaluationContext, scenario: Scenario, index: Listings = EMPTY_INDEX,
    lookup: Lookup | None = None,
) -> ScenarioState:
    """Apply the scenario (base chain first) to ``ctx``. Errors name scenario and change."""
    state = ScenarioState(ctx=ctx, index=index)
    for name, i, change in resolve_changes(scenario, lookup=lookup):
        try:
            state = apply_change(state, change)
        except ScenarioError as exc:
            where = scenario.path if name == scenario.name and scenario.path else name
            raise ScenarioError(f"{where}, changes[{i}].{action_of(change)}: {exc}") from None
    ctx = state.ctx.evolve(scenario=scenario.name,
                           assumptions=tuple(all_assumptions(scenario, lookup=lookup)))
    return replace(state, ctx=ctx)


def apply(ctx: EvaluationContext, scenario: Scenario,
          index: Listings = EMPTY_INDEX) -> EvaluationContext:
    """``apply_scenario`` returning just the new context."""
    return apply_scenario(ctx, scenario, index).ctx

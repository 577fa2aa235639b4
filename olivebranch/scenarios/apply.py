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

from olivebranch import hostdata
from olivebranch.context import PARTS, EvaluationContext, GeneralLicence, Rule
from olivebranch.listings import DesignationKey, Listings
from olivebranch.scenarios import rewrite
from olivebranch.scenarios.model import (
    ACTIONS,
    Designate,
    EndLicence,
    EuLapse,
    HostListChange_,
    ListingSelector,
    Lookup,
    RuleSelector,
    Scenario,
    ScenarioError,
    SetEffect,
    SetParam,
    StartLicence,
    Territory,
    action_of,
    all_assumptions,
    body_of,
    effective_of,
    resolve_changes,
    touches,
)

#: a name -> [(entity id, caption, score, party number)] lookup in the screening index
Matcher = Callable[[str], list[tuple[str, str, float, int]]]

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
    matcher: Matcher | None = None  # the screening index of the day, for names
    origin: date | None = None  # the clock's today (a veto's default day)
    group_base: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # rule -> groups
    host_members: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)


# ----------------------------------------------------------------------------- rules
def select_rules(rules: Iterable[Rule], sel: RuleSelector) -> list[Rule]:
    """Rules matching every filter of the selector (or, for a union, any of its members)."""
    rules = list(rules)
    if sel.any_of:
        seen: dict[str, Rule] = {}
        for part in sel.any_of:
            for r in select_rules(rules, part):
                seen.setdefault(r.id, r)
        ids = {r.id for r in select_rules(rules, sel.model_copy(update={"any_of": []}))} \
            if _has_filters(sel) else set(seen)
        return [r for r in seen.values() if r.id in ids and r.id not in sel.exclude]
    regex = re.compile(sel.instrument_regex, re.I) if sel.instrument_regex else None
    unregex = re.compile(sel.exclude_instrument_regex, re.I) if sel.exclude_instrument_regex \
        else None
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
        if unregex and unregex.search(r.instrument or ""):
            continue
        if sel.kind and r.kind not in sel.kind:
            continue
        if sel.effect and r.effect not in sel.effect:
            continue
        if sel.sector and not (set(sel.sector) & rule_sectors(r)):
            continue
        if sel.exclude_kind and r.kind in sel.exclude_kind:
            continue
        if r.id in sel.exclude:
            continue
        out.append(r)
    return out


def _has_filters(sel: RuleSelector) -> bool:
    return bool(sel.rules or sel.regime or sel.lifted_by or sel.instrument or sel.instrument_regex
                or sel.exclude_instrument_regex or sel.kind or sel.effect or sel.sector
                or sel.exclude_kind)


def rule_sectors(rule: Rule) -> set[str]:
    """Sectors a rule names: in ``asset.sectors`` leaves of its condition or its parameters."""
    from olivebranch.rules.conditions import _resolve, leaves

    out: set[str] = set()
    for leaf in leaves(rule.condition):
        if leaf.fact == "asset.sectors":
            v = _resolve(leaf.value, rule.params)
            out |= {str(x) for x in (v if isinstance(v, list | tuple | set) else [v])}
    for k, v in rule.params.items():
        if "sector" in k and isinstance(v, list | tuple):
            out |= {str(x) for x in v}
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
    if change.param == "groups":
        state = replace(state, group_base={**state.group_base, rid: tuple(change.value or ())})
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
STRONG = 0.9  # a single match at least this strong is taken when no exact one exists
EXACT = 0.99


def resolve_name(state: ScenarioState, regime: str | None, name: str
                 ) -> tuple[list[str], str]:
    """The records a name stands for under ``regime`` (None: any regime), with a note saying
    how it was read. With the screening index: every record of the one party whose name
    matches exactly, or the single strong match; without (hand-made listings): exact names.
    Raises naming the candidates when the name is ambiguous or matches nothing."""
    listed = state.index.entities(regime) if regime else None
    pool = regime or "any regime"
    if state.matcher is not None:
        hits = [h for h in state.matcher(name) if listed is None or h[0] in listed]
        exact = [h for h in hits if h[2] >= EXACT]
        parties = {h[3] for h in exact}
        if len(parties) == 1:
            ids = sorted({h[0] for h in exact})
            return ids, f"{name!r} → {', '.join(ids)} ({exact[0][1]}, exact)"
        strong = [h for h in hits if h[2] >= STRONG]
        if not exact and len({h[3] for h in strong}) == 1 and \
                not any(h[2] >= STRONG - 0.1 and h[3] != strong[0][3] for h in hits):
            ids = sorted({h[0] for h in strong})
            return ids, f"{name!r} → {', '.join(ids)} ({strong[0][1]}, score {strong[0][2]:.2f})"
        cands = [f"{h[0]} ({h[1]}, {h[2]:.2f})" for h in (exact or hits)[:6]]
        what = "is ambiguous" if len(parties) > 1 or len(strong) > 1 else \
            f"matches no entity listed under {pool}"
        raise ScenarioError(f"name {name!r} {what}; give entity ids"
                            + (f" (candidates: {'; '.join(cands)})" if cands else ""))
    regimes = [regime] if regime else list(state.index.listed_regimes)
    hits = sorted({e for r in regimes for e in state.index.resolve_name(r, name)})
    if len(hits) == 1:
        return hits, f"{name!r} → {hits[0]} (exact)"
    hint = hits or [x for r in regimes for x in state.index.suggest(r, name)][:5]
    what = "is ambiguous" if hits else f"matches no entity listed under {pool}"
    raise ScenarioError(f"name {name!r} {what}; give entity ids"
                        + (f" (candidates: {'; '.join(hint)})" if hint else ""))


def _resolve_entities(state: ScenarioState, regime: str, ids: list[str], names: list[str],
                      *, must_be_listed: bool) -> tuple[list[str], list[str]]:
    """Entity ids and names to record ids (and notes on how names were read). Every bad
    reference is reported, not just the first."""
    listed = state.index.entities(regime)
    out: list[str] = []
    notes: list[str] = []
    problems: list[str] = []
    for ref in ids:
        ref = ref.strip()
        candidates = state.index.record_id(ref)
        hit = next((c for c in candidates if c in listed), None)
        if hit is None and must_be_listed and ref not in (state.ctx.added.get(regime) or {}):
            problems.append(f"entity {ref} is not listed under {regime} on {state.ctx.as_of}")
            continue
        out.append(hit or candidates[0])
    for name in names:
        try:
            try:
                found, note = resolve_name(state, regime, name)
            except ScenarioError:
                if must_be_listed:
                    raise
                # a designation of someone not (yet) listed here: look across all regimes
                found, note = resolve_name(state, None, name)
                found = found[:1]
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        out += found
        notes.append(note)
    if problems:
        raise ScenarioError("; ".join(problems))
    return out, notes


_MEMBERS: dict[tuple[int, str, tuple[str, ...]], tuple[Any, frozenset[str]]] = {}
_PROGRAMMES: dict[tuple[int, str], tuple[Any, dict[str, dict[str, frozenset]]]] = {}


def _by_programme(state: ScenarioState, regime: str) -> dict[str, dict[str, frozenset]]:
    """programme (upper case) -> entity -> its designation keys under that programme, per
    listing snapshot (built once: a programme delisting then costs its own size)."""
    key = (id(state.index), regime)
    hit = _PROGRAMMES.get(key)
    if hit is None or hit[0] is not state.index:
        out: dict[str, dict[str, set]] = {}
        for eid, keys in state.index.entities(regime).items():
            for k in keys:
                out.setdefault((k[1] or "").upper(), {}).setdefault(eid, set()).add(k)
        frozen = {p: {e: frozenset(v) for e, v in ents.items()} for p, ents in out.items()}
        if len(_PROGRAMMES) > 64:
            _PROGRAMMES.clear()
        hit = _PROGRAMMES[key] = (state.index, frozen)
    return hit[1]


def _members(state: ScenarioState, regime: str, groups: Iterable[str]) -> set[str]:
    """Records listed under ``regime`` that belong to the groups (parent or name pattern),
    kept per listing snapshot."""
    key = (id(state.index), regime, tuple(sorted(set(groups))))
    hit = _MEMBERS.get(key)
    if hit is None or hit[0] is not state.index:
        if len(_MEMBERS) > 256:
            _MEMBERS.clear()
        hit = _MEMBERS[key] = (state.index, frozenset(_find_members(state, regime, key[2])))
    return set(hit[1])


def _find_members(state: ScenarioState, regime: str, groups: Iterable[str]) -> set[str]:
    gs = [hostdata.groups()[g] for g in groups]
    listed = state.index.entities(regime)
    out: set[str] = set()
    pats = [re.compile(g.match, re.I) for g in gs if g.match]
    if pats:
        names = state.index.names
        for eid in listed:
            if any(p.search(n) for n in names.get(eid, ()) for p in pats):
                out.add(eid)
    for g in gs:
        out |= set(_parents(state, regime, g.id))
    return out


_PARENTS: dict[tuple[int, str, str], tuple[str, ...]] = {}


def _parents(state: ScenarioState, regime: str, group: str) -> tuple[str, ...]:
    key = (id(state.index), regime, group)
    if key not in _PARENTS:
        g = hostdata.groups().get(group)
        try:
            found = tuple(resolve_name(state, regime, g.parent)[0]) if g else ()
        except ScenarioError:
            found = ()
        if len(_PARENTS) > 4096:
            _PARENTS.clear()
        _PARENTS[key] = found
    return _PARENTS[key]


def _sector_groups(sectors: Iterable[str]) -> list[str]:
    want = set(sectors)
    from olivebranch.facts import ENERGY

    if "energy" in want:
        want |= set(ENERGY)
    return [g.id for g in hostdata.groups().values() if want & set(g.sectors)]


def _selected_keys(state: ScenarioState, sel: ListingSelector
                   ) -> tuple[dict[str, dict[str, set[DesignationKey]]], list[str]]:
    """regime -> entity -> designation keys the selection takes (every selector must hold;
    a union adds its members' selections), and notes on names read."""
    out: dict[str, dict[str, set[DesignationKey]]] = {}
    notes: list[str] = []
    problems: list[str] = []
    for part in sel.parts():
        try:
            picked, n = _part_keys(state, part)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        notes += n
        for eid, keys in picked.items():
            out.setdefault(part.regime or "", {}).setdefault(eid, set()).update(keys)
    if problems:
        raise ScenarioError("; ".join(problems))
    return out, notes


def _part_keys(state: ScenarioState, sel: ListingSelector
               ) -> tuple[dict[str, set[DesignationKey]], list[str]]:
    regime = sel.regime or ""
    listed = state.index.entities(regime)
    notes: list[str] = []
    pool: dict[str, frozenset[DesignationKey]] = dict(listed)
    if sel.entities or sel.names:
        ids, notes = _resolve_entities(state, regime, sel.entities, sel.names,
                                       must_be_listed=True)
        pool = {e: listed.get(e, frozenset()) for e in ids}
    groups = list(sel.group) + _sector_groups(sel.sector)
    if sel.sector and not groups:
        raise ScenarioError(f"no corporate group in sector(s) {', '.join(sel.sector)}")
    if groups:
        members = _members(state, regime, groups)
        pool = {e: k for e, k in pool.items() if e in members}
    if sel.program:
        progs = {p.upper() for p in sel.program}
        by_prog = _by_programme(state, regime)
        if not any(p in by_prog for p in progs) and not state.index.knows_programs(progs):
            # a programme no list version carries is a mistake; one the lists of this day
            # happen to carry none of (an older day) removes nothing
            raise ScenarioError(
                f"no {regime} designation under programme {', '.join(sel.program)} "
                f"on {state.ctx.as_of}")
        narrowed: dict[str, frozenset[DesignationKey]] = {}
        for p in progs:
            for e, ks in by_prog.get(p, {}).items():
                if e in pool:
                    narrowed[e] = narrowed.get(e, frozenset()) | ks
        pool = narrowed
    if sel.source:
        pool = {e: frozenset(k for k in ks if k[2] in sel.source) for e, ks in pool.items()}
    if sel.kind:
        pool = {e: frozenset(k for k in ks if k[3] in sel.kind) for e, ks in pool.items()}
    if sel.exclude:
        x = sel.exclude
        drop: set[str] = set()
        if x.entities or x.names:
            ids, n = _resolve_entities(state, regime, x.entities, x.names, must_be_listed=False)
            drop |= set(ids)
            notes += [f"except {t}" for t in n]
        if x.group or x.sector:
            drop |= _members(state, regime, list(x.group) + _sector_groups(x.sector))
        xprogs = {p.upper() for p in x.program}
        pool = {e: frozenset(k for k in ks if (k[1] or "").upper() not in xprogs)
                for e, ks in pool.items() if e not in drop}
    added = state.ctx.added.get(regime) or {}
    picked = {e: set(ks) for e, ks in pool.items() if ks or e in added}
    if (sel.entities or sel.names) and not picked and not sel.exclude:
        raise ScenarioError(f"the named entities have no {regime} designation matching "
                            f"{sel.describe()}")
    return picked, notes


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
                   log=(*state.log, note) if note else state.log)


def delist(state: ScenarioState, sel: ListingSelector) -> ScenarioState:
    by_regime, notes = _selected_keys(state, sel)
    out = state
    parts = []
    for regime, picked in by_regime.items():
        keys = set().union(*picked.values()) if picked else set()
        removed = frozenset(out.removed.get(regime, frozenset()) | keys)
        added = {r: dict(a) for r, a in out.ctx.added.items()}
        for eid in picked:
            added.get(regime, {}).pop(eid, None)  # undo a scenario designation too
        before = out.off.get(regime, frozenset())
        out = _with_listings(out, regime, removed, picked, added, "")
        after = out.off[regime]
        still = sum(1 for e in picked if e not in after)
        parts.append(f"{regime}: {len(after - before)} entities off the list"
                     + (f", {still} keep another listing" if still else ""))
        out = follow_groups(out, regime)
    note = f"delist {sel.describe()}: " + "; ".join(parts)
    if notes:
        note += " [names: " + "; ".join(notes) + "]"
    return replace(out, log=(*state.log, note, *out.log[len(state.log):]))


def relist(state: ScenarioState, sel: ListingSelector) -> ScenarioState:
    by_regime, notes = _selected_keys(state, sel)
    out = state
    for regime, picked in by_regime.items():
        keys = set().union(*picked.values()) if picked else set()
        removed = frozenset(out.removed.get(regime, frozenset()) - keys)
        added = {r: dict(a) for r, a in out.ctx.added.items()}
        out = _with_listings(out, regime, removed, picked, added, "")
        out = follow_groups(out, regime)
    note = f"relist {sel.describe()}" + (" [names: " + "; ".join(notes) + "]" if notes else "")
    return replace(out, log=(*state.log, note))


def designate(state: ScenarioState, change: Designate) -> ScenarioState:
    ids, notes = _resolve_entities(state, change.regime, change.entities, change.names,
                                   must_be_listed=False)
    added = {r: dict(a) for r, a in state.ctx.added.items()}
    removed = state.removed.get(change.regime, frozenset())
    listed = state.index.entities(change.regime)
    for eid in ids:
        # a new (blocking) designation; it also undoes any delisting of the entity's old ones
        removed = removed - listed.get(eid, frozenset())
        added.setdefault(change.regime, {})[eid] = change.note
    note = f"designate under {change.regime}: {', '.join(ids)}"
    if notes:
        note += " [names: " + "; ".join(notes) + "]"
    out = _with_listings(state, change.regime, frozenset(removed), ids, added, note)
    return follow_groups(out, change.regime)


def follow_groups(state: ScenarioState, regime: str) -> ScenarioState:
    """Rules keyed on corporate groups (``params.groups``) follow the listing of each group's
    parent under the rule's regime: a group whose parent is off the list (a blocking rule: no
    blocking designation left; a sectoral one: no designation left) leaves the rule, and comes
    back when the parent is relisted."""
    rules = dict(state.ctx.rules)
    lifted = dict(state.lifted)
    base = dict(state.group_base)
    removed = state.removed.get(regime, frozenset())
    delisted = state.ctx.delisted.get(regime, frozenset())
    listed = state.index.entities(regime)
    notes = []
    for pool in (rules, lifted):
        for rid, rule in list(pool.items()):
            if rule.regime != regime or "groups" not in rule.params:
                continue
            orig = base.setdefault(rid, tuple(rule.params["groups"] or ()))
            keep = []
            for g in orig:
                parents = _parents(state, regime, g)
                if not parents:
                    keep.append(g)
                    continue
                if rule.kind == "sectoral":
                    off = all(listed.get(p, frozenset()) <= removed for p in parents)
                else:
                    off = all(p in delisted for p in parents)
                if not off:
                    keep.append(g)
            if list(keep) != list(rule.params["groups"] or ()):
                pool[rid] = replace(rule, params={**rule.params, "groups": keep})
                gone = sorted(set(rule.params["groups"] or ()) - set(keep))
                back = sorted(set(keep) - set(rule.params["groups"] or ()))
                notes.append(f"{rid}: groups " + (f"-{', -'.join(gone)}" if gone else "")
                             + (f" +{', +'.join(back)}" if back else ""))
    if not notes:
        return replace(state, group_base=base)
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted, group_base=base,
                   log=(*state.log, "follow the parents' listings: " + "; ".join(notes)))


def set_date(state: ScenarioState, day: date) -> ScenarioState:
    return replace(state, ctx=state.ctx.evolve(as_of=day), log=(*state.log, f"evaluate on {day}"))


# ----------------------------------------------------------------------------- effects
def set_effect(state: ScenarioState, change: SetEffect) -> ScenarioState:
    sel = RuleSelector.model_validate(change.model_dump(exclude={"to"}))
    chosen = select_rules(state.ctx.rules.values(), sel)
    chosen_lifted = select_rules(state.lifted.values(), sel)
    if not chosen and not chosen_lifted:
        raise ScenarioError(f"set_effect matches no rule ({sel.describe()})")
    rules = {**state.ctx.rules, **{r.id: _with_effect(r, change.to) for r in chosen}}
    lifted = {**state.lifted, **{r.id: _with_effect(r, change.to) for r in chosen_lifted}}
    ids = sorted({r.id for r in chosen} | {r.id for r in chosen_lifted})
    note = f"effect of {', '.join(ids)} → {change.to}"
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted,
                   log=(*state.log, note))


def _with_effect(rule: Rule, effect: str) -> Rule:
    """The rule with a new effect, in each of its dated phases too."""
    phases = tuple(replace(p, effect=effect) for p in getattr(rule, "phases", ()) or ())
    return replace(rule, effect=effect, **({"phases": phases} if phases else {}))


# ----------------------------------------------------------------------------- host state
def host_list(state: ScenarioState, change: HostListChange_) -> ScenarioState:
    """Rewrite the rules reading a host list (its fact, e.g. ``persons.unfriendly``) to read
    the investors' jurisdictions against the list as changed."""
    from olivebranch.rules.conditions import Leaf, Node, facts_used

    hl = hostdata.host_lists()[change.list_id]
    remove, add = hostdata.expand_codes(change.remove), hostdata.expand_codes(change.add)
    known = {**state.ctx.rules, **state.lifted}
    missing = [r for r in change.rules if r not in known]
    if missing:
        raise ScenarioError(f"unknown rule id(s): {', '.join(missing)}")
    members = dict(state.host_members)
    rules, lifted = dict(state.ctx.rules), dict(state.lifted)
    changed = []
    for pool in (rules, lifted):
        for rid, rule in list(pool.items()):
            if change.rules and rid not in change.rules:
                continue
            key = (hl.id, rid)
            if key not in members and hl.fact not in facts_used(rule.condition):
                continue
            now = (members.get(key, hl.members) - remove) | add
            members[key] = frozenset(now)

            def swap(leaf: Any, now: frozenset[str] = frozenset(now), rule: Rule = rule) -> Any:
                if leaf.fact == hl.fact:
                    new = Leaf("investors.jurisdictions", "contains_any", sorted(now))
                    return new if rewrite.leaf_holds(leaf, True, rule.params) else \
                        Node("not", (new,))
                if leaf.fact == "investors.jurisdictions" and leaf.op == "contains_any":
                    return Leaf(leaf.fact, leaf.op, sorted(now))
                return leaf

            pool[rid] = replace(rule, condition=rewrite.rewrite_leaves(rule.condition, swap))
            changed.append(rid)
    if not changed:
        raise ScenarioError(f"no rule reads {hl.id} ({hl.fact})"
                            + (f" among {', '.join(change.rules)}" if change.rules else ""))
    what = ", ".join([f"-{c}" for c in change.remove] + [f"+{c}" for c in change.add])
    note = f"{hl.id} {what} for {', '.join(sorted(changed))}"
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted,
                   host_members=members, log=(*state.log, note))


def territory(state: ScenarioState, change: Territory) -> ScenarioState:
    """Rewrite the rules' ``asset.occupied`` (and, for recognising regimes, ``asset.country``)
    leaves so that assets in the moved areas read as the new status."""
    from olivebranch.rules.conditions import Leaf

    areas = hostdata.areas()
    moves: list[tuple[list[str], str, Any, set[str] | None]] = []  # areas, fact, value, regimes
    if change.line_as_of is not None:
        held = set(hostdata.occupied_on(change.line_as_of))
        back = sorted(set(areas) - held)
        if back:
            moves.append((back, "asset.occupied", "none", None))
    chosen = list(change.areas)
    if chosen and change.status == "returned":
        moves.append((chosen, "asset.occupied", "none", None))
    elif chosen and change.status == "occupied":
        for value in sorted({areas[a].occupied for a in chosen}):
            moves.append(([a for a in chosen if areas[a].occupied == value], "asset.occupied",
                          value, None))
    elif chosen and change.status == "recognised":
        moves.append((chosen, "asset.occupied", "none", set(change.by)))
        moves.append((chosen, "asset.country", "ru", set(change.by)))
    rules, lifted = dict(state.ctx.rules), dict(state.lifted)
    changed: set[str] = set()
    for where_areas, fact, value, regimes in moves:
        where = Leaf("asset.oblast", "in", sorted(where_areas))
        for pool in (rules, lifted):
            for rid, rule in list(pool.items()):
                if regimes is not None and rule.regime not in regimes:
                    continue
                from olivebranch.rules.conditions import facts_used

                if fact not in facts_used(rule.condition):
                    continue
                if fact == "asset.country" and not _country_specific(rule):
                    continue

                def swap(leaf: Any, rule: Rule = rule, fact: str = fact, value: Any = value,
                         where: Any = where) -> Any:
                    if leaf.fact != fact:
                        return leaf
                    return rewrite.as_if(leaf, value, where, rule.params)

                pool[rid] = replace(rule, condition=rewrite.rewrite_leaves(rule.condition, swap))
                changed.add(rid)
    desc = (f"line of control as of {change.line_as_of}" if change.line_as_of else "") + \
        (f"; {', '.join(chosen)} {change.status}" if chosen else "") + \
        (f" by {', '.join(change.by)}" if change.by else "")
    note = f"territory {desc.strip('; ')}: {len(changed)} rules read the new status" + \
        (f" ({', '.join(sorted(changed))})" if changed else "")
    return replace(state, ctx=state.ctx.evolve(rules=rules), lifted=lifted,
                   log=(*state.log, note))


def _country_specific(rule: Rule) -> bool:
    """Rules that test the host country for ru or ua (not, e.g., a supplier's country)."""
    from olivebranch.rules.conditions import leaves

    return any(lf.fact == "asset.country" and lf.value in ("ru", "ua", ["ru"], ["ua"])
               for lf in leaves(rule.condition))


def eu_lapse(state: ScenarioState, change: EuLapse) -> ScenarioState:
    """A veto of one EU decision: what it carries lapses at the end of its current term."""
    dec = hostdata.eu_decisions()[change.decision]
    veto = change.veto_on or state.origin or state.ctx.as_of
    day = dec.next_expiry(veto)
    if state.ctx.as_of < day:
        note = f"veto of {dec.id} on {veto}: it lapses on {day} (not yet on {state.ctx.as_of})"
        return replace(state, log=(*state.log, note))
    out = state
    for raw in dec.lapse:
        action = next(iter(raw))
        sub = ACTIONS[action].model_validate(dict(raw))
        out = APPLY[action](out, body_of(sub))
    note = f"veto of {dec.id} on {veto}: {dec.title} lapsed on {day}"
    return replace(out, log=(*state.log, note, *out.log[len(state.log):]))


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
    "set_effect": set_effect,
    "host_list": host_list,
    "territory": territory,
    "eu_lapse": eu_lapse,
}


def apply_change(state: ScenarioState, change: Any, day: date | None = None) -> ScenarioState:
    """Apply one change; it may alter only the context parts its type declares. A change
    whose ``effective`` day is after ``day`` (the evaluation day) is skipped."""
    when = effective_of(change)
    if when is not None and (day or state.ctx.as_of) < when:
        note = f"{action_of(change)} from {when}: not yet in effect"
        return replace(state, log=(*state.log, note))
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
    lookup: Lookup | None = None, *, matcher: Matcher | None = None,
    origin: date | None = None,
) -> ScenarioState:
    """Apply the scenario (base chain first) to ``ctx``. Errors name scenario and change;
    every change is tried, and all the problems are reported together."""
    state = ScenarioState(ctx=ctx, index=index, matcher=matcher, origin=origin)
    day = scenario_date(scenario, lookup) or ctx.as_of
    problems: list[str] = []
    for name, i, change in resolve_changes(scenario, lookup=lookup):
        try:
            state = apply_change(state, change, day)
        except ScenarioError as exc:
            where = scenario.path if name == scenario.name and scenario.path else name
            problems.append(f"{where}, changes[{i}].{action_of(change)}: {exc}")
    if problems:
        err = ScenarioError("\n".join(problems))
        err.problems = problems  # type: ignore[attr-defined]
        raise err
    ctx = state.ctx.evolve(scenario=scenario.name,
                           assumptions=tuple(all_assumptions(scenario, lookup=lookup)))
    return replace(state, ctx=ctx)


def apply(ctx: EvaluationContext, scenario: Scenario,
          index: Listings = EMPTY_INDEX) -> EvaluationContext:
    """``apply_scenario`` returning just the new context."""
    return apply_scenario(ctx, scenario, index).ctx

"""The state of the world a verdict is computed against.

A verdict is a pure function of (deal, EvaluationContext). The context says which rules are in
force (with their parameters), which entities each regime lists, which general licences apply,
what ownership-rule parameters each regime uses, and the evaluation date. Scenarios are
functions from one context to another (lift rules, delist or add designations, change a
parameter, move the date); the engine then re-evaluates only what a change touches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from olivebranch.regimes import registry

#: Effects, weakest to strongest (``data/regimes.yaml``). A regime's verdict is the strongest
#: effect among fired rules.
EFFECTS: tuple[str, ...] = registry().effect_ids
#: Who can lift a measure (``data/regimes.yaml``, from the research's ``lifted_by``).
LIFTED_BY: tuple[str, ...] = registry().lifted_by_ids


def effect_rank(effect: str) -> int:
    return EFFECTS.index(effect)


def strongest(effects: list[str]) -> str:
    return max(effects, key=effect_rank) if effects else "clear"


@dataclass(frozen=True)
class Phase:
    """One dated phase of a measure: in force ``from_`` to ``until`` (inclusive), with its own
    effect, the condition under which it applies (grandfathering, contract terms, tenors) and
    parameter values that differ from the rule's."""

    from_: date | None
    until: date | None
    effect: str
    when: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Rule:
    """One legal measure as data: citation, dates, who can lift it, condition and effect.

    ``condition`` is the parsed form of the rule's condition over deal facts (the rule engine
    decides its shape); ``params`` holds numbers a scenario may change (thresholds, caps).
    """

    id: str
    regime: str
    title: str
    instrument: str
    effect: str
    lifted_by: str
    condition: Any
    article: str | None = None
    citation: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    kind: str | None = None
    confidence: str = "uncertain"
    params: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    notes: str | None = None
    licences: tuple[str, ...] = ()  # ids of general licences that can authorise what it prohibits
    #: nexus kinds that let it fire (``rules/nexus.yaml``); empty: not restricted by nexus
    nexus: tuple[str, ...] = ()
    #: set for rules about exposure without nexus (secondary sanctions): what is exposed
    exposure: str | None = None
    #: an obligation on a person of the regime about a subsidiary's conduct (EU Art. 8a): fires
    #: only when another rule of the regime would bind the subsidiary if it were a person of it
    obligation: bool = False
    #: dated phases (``rules/phases.yaml``); empty: one phase, the rule's own dates and effect
    phases: tuple[Phase, ...] = ()
    #: the measure lapses unless renewed and no renewal after this day was verified
    verified_until: date | None = None
    measure: str | None = None

    def in_force(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        if self.effective_until and day > self.effective_until:
            return False
        return True

    def phases_on(self, day: date) -> list[Phase]:
        """Phases covering ``day``, latest first (the rule itself when it has none)."""
        if not self.phases:
            return [Phase(self.effective_from, self.effective_until, self.effect)] \
                if self.in_force(day) else []
        return [p for p in reversed(self.phases) if p.covers(day)]


@dataclass(frozen=True)
class GeneralLicence:
    """An authorisation that turns a prohibition into a permitted (or licensable) activity:
    a general licence, an exemption written in the measure, a derogation a competent authority
    may grant, a wind-down. ``effective_until`` is the last day covered (inclusive)."""

    id: str
    regime: str
    title: str
    citation: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    condition: Any = None  # the scope: when the licence covers a finding
    #: what a covered finding becomes (clear, restricted; derogations: licence_required)
    effect: str = "restricted"
    #: rule ids whose findings it can clear or narrow (besides rules naming it)
    rules: tuple[str, ...] = ()
    kind: str = "general_licence"  # general_licence | exemption | derogation | wind_down
    number: str | None = None
    series: str | None = None
    supersedes: str | None = None
    authorises: str = ""
    confidence: str = "uncertain"
    note: str = ""

    def in_force(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        if self.effective_until and day > self.effective_until:
            return False
        return True


@dataclass(frozen=True)
class EvaluationContext:
    """Everything except the deal that a verdict depends on. Immutable: scenarios make new ones."""

    as_of: date
    rules: Mapping[str, Rule]
    general_licences: Mapping[str, GeneralLicence] = field(default_factory=dict)
    #: regime -> entity ids removed from that regime's lists by a scenario
    delisted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: regime -> entity id -> note, designations a scenario adds
    added: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: regime -> ownership-rule parameter overrides (threshold, aggregate, counts_control, …)
    ownership_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    scenario: str = "status-quo"
    assumptions: tuple[str, ...] = ()

    def active_rules(self, regime: str | None = None) -> list[Rule]:
        return [
            r
            for r in self.rules.values()
            if r.in_force(self.as_of) and (regime is None or r.regime == regime)
        ]

    def evolve(self, **changes: Any) -> EvaluationContext:
        return replace(self, **changes)

    def listing_key(self, regime: str, lists: tuple[str, ...] | None = None) -> tuple:
        """What the party statuses of ``regime`` depend on besides the date: the scenario's
        delistings and designations under the regime's ``lists`` and its ownership overrides
        (the ``status`` parts of the context). Used to memoise statuses across scenarios."""
        lists = lists if lists is not None else _lists(regime)
        out: list[Any] = []
        for part in PARTS:
            if part.reuse == "status":
                value = part.scope(self, regime, lists)
                out.extend(value if part.name == "listings" else (value,))
        return tuple(out)

    def part(self, name: str) -> tuple:
        """The raw values of one part (see :data:`PARTS`)."""
        return tuple(getattr(self, f) for f in PART[name].fields)


def _lists(regime: str) -> tuple[str, ...]:
    r = registry().regimes.get(regime)
    return r.lists if r is not None else (regime,)


# ---------------------------------------------------------------------------- context parts
@dataclass(frozen=True)
class ContextPart:
    """A part of the context, the fields it covers, and what changing it means for verdicts
    already computed (``reuse``):

    - ``date``: verdicts of another day are reused when the lists of both days are the same
      (the engine's listings token) and nothing else differs; rules are compared by value;
    - ``rules``: only the rules that differ (by value: a changed parameter counts) are
      re-evaluated;
    - ``fixed``: any difference re-evaluates everything under the regime;
    - ``status``: party statuses may move: rules reading status facts are re-evaluated for
      deals whose parties' status moved;
    - ``none``: changes no verdict (labels).

    ``scope(ctx, regime, lists)`` is the part's value as far as one regime is concerned (so a
    delisting under the EU does not touch US verdicts). Every field of the context belongs to
    exactly one part, and every scenario change type declares the parts it changes
    (``scenarios.model``): a new field or change type cannot be forgotten by the reuse logic.
    """

    name: str
    fields: tuple[str, ...]
    reuse: str
    scope: Callable[[EvaluationContext, str, tuple[str, ...]], Any]


def _listing_scope(ctx: EvaluationContext, regime: str, lists: tuple[str, ...]) -> Any:
    delisted = tuple(ctx.delisted.get(lr, frozenset()) for lr in lists)
    added = tuple(tuple(sorted((ctx.added.get(lr) or {}).items())) for lr in lists)
    return (delisted[0] if len(delisted) == 1 else delisted,
            added[0] if len(added) == 1 else added)


def _ownership_scope(ctx: EvaluationContext, regime: str, lists: tuple[str, ...]) -> Any:
    overrides = tuple(sorted((ctx.ownership_params.get(regime) or {}).items()))
    # the rule's own history: which of its dated parameter changes apply on the day
    r = registry().regimes.get(regime)
    history = (r.ownership or {}).get("history") if r is not None else None
    applied = tuple(str(h.get("before")) for h in history or ()
                    if h.get("before") is not None and ctx.as_of < _as_day(h["before"]))
    return (overrides, applied) if applied else overrides


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _licence_scope(ctx: EvaluationContext, regime: str, lists: tuple[str, ...]) -> Any:
    # a licence clears findings of its own regime only (evaluation.rule_licences)
    return tuple(sorted((g for g in ctx.general_licences.values()
                         if g.regime == regime and g.in_force(ctx.as_of)), key=lambda g: g.id))


PARTS: tuple[ContextPart, ...] = (
    ContextPart("date", ("as_of",), "date", lambda ctx, regime, lists: ctx.as_of),
    ContextPart("rules", ("rules",), "rules",
                lambda ctx, regime, lists: tuple(sorted(r.id for r in ctx.active_rules(regime)))),
    ContextPart("licences", ("general_licences",), "fixed", _licence_scope),
    ContextPart("listings", ("delisted", "added"), "status", _listing_scope),
    ContextPart("ownership", ("ownership_params",), "status", _ownership_scope),
    ContextPart("label", ("scenario", "assumptions"), "none", lambda ctx, regime, lists: None),
)
PART: dict[str, ContextPart] = {p.name: p for p in PARTS}


def _check_parts() -> None:
    """Every context field in exactly one part (a field in none would be ignored by reuse)."""
    from dataclasses import fields

    owned = [f for p in PARTS for f in p.fields]
    names = [f.name for f in fields(EvaluationContext)]
    missing = sorted(set(names) - set(owned))
    doubled = sorted({f for f in owned if owned.count(f) > 1})
    if missing or doubled or set(owned) - set(names):
        raise TypeError(f"EvaluationContext fields without a part: {missing}; in two parts: "
                        f"{doubled}; parts naming no field: {sorted(set(owned) - set(names))}")


_check_parts()

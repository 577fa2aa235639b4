"""The state of the world a verdict is computed against.

A verdict is a pure function of (deal, EvaluationContext). The context says which rules are in
force (with their parameters), which entities each regime lists, which general licences apply,
what ownership-rule parameters each regime uses, and the evaluation date. Scenarios are
functions from one context to another (lift rules, delist or add designations, change a
parameter, move the date); the engine then re-evaluates only what a change touches.
"""

from __future__ import annotations

from collections.abc import Mapping
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

    def in_force(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        if self.effective_until and day > self.effective_until:
            return False
        return True


@dataclass(frozen=True)
class GeneralLicence:
    """An authorisation that turns a prohibition into a permitted (or licensable) activity."""

    id: str
    regime: str
    title: str
    citation: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    condition: Any = None

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

    def listing_key(self, regime: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...], tuple]:
        """What the ownership status of ``regime`` depends on, for caching across scenarios."""
        added = tuple(sorted((self.added.get(regime) or {}).items()))
        params = tuple(sorted((self.ownership_params.get(regime) or {}).items()))
        return (self.delisted.get(regime, frozenset()), added, params)

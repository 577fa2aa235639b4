"""Each regime's ownership-or-control rule as data (the registry, ``data/regimes.yaml``).

The engine never hard-codes a threshold: it reads a :class:`RegimeRule` per regime, which a
scenario may override (``EvaluationContext.ownership_params``) or date (``history``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from olivebranch.errors import OliveBranchError
from olivebranch.regimes import Registry, registry

#: Parameters a scenario may override.
OVERRIDABLE = ("threshold", "strict", "aggregate", "counts_control", "sectoral_50pct")


@dataclass(frozen=True)
class RegimeRule:
    """One regime's ownership-or-control test, with its citation and open questions."""

    regime: str
    rule_id: str
    title: str
    threshold: float
    strict: bool
    aggregate: bool
    counts_control: bool
    sectoral_50pct: bool = False
    indirect: str = "through_covered"
    seed_regimes: tuple[str, ...] = ()
    instrument: str = ""
    article: str = ""
    citation: tuple[str, ...] = ()
    confidence: str = "uncertain"
    summary: str = ""
    uncertain: tuple[str, ...] = ()
    effective_from: date | None = None
    notes: tuple[str, ...] = ()

    def reaches(self, share: float) -> bool:
        """Does ``share`` (percent) meet this rule's threshold? Tolerates float rounding."""
        eps = 1e-9
        return share > self.threshold + eps if self.strict else share >= self.threshold - eps

    @property
    def test(self) -> str:
        op = ">" if self.strict else "≥"
        agg = "aggregated" if self.aggregate else "per designated person"
        ctl = "control counts" if self.counts_control else "control alone does not count"
        return f"{op} {self.threshold:g}% ({agg}; {ctl})"

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> RegimeRule:
        if not overrides:
            return self
        unknown = set(overrides) - set(OVERRIDABLE)
        if unknown:
            raise OliveBranchError(
                f"unknown ownership parameter(s) for {self.regime}: {', '.join(sorted(unknown))}"
            )
        changes = dict(overrides)
        if "threshold" in changes:
            changes["threshold"] = float(changes["threshold"])
        note = "scenario override: " + ", ".join(f"{k}={v}" for k, v in sorted(changes.items()))
        return replace(self, **changes, notes=(*self.notes, note))

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "rule_id": self.rule_id,
            "title": self.title,
            "test": self.test,
            "threshold": self.threshold,
            "strict": self.strict,
            "aggregate": self.aggregate,
            "counts_control": self.counts_control,
            "sectoral_50pct": self.sectoral_50pct,
            "instrument": self.instrument,
            "article": self.article,
            "citation": list(self.citation),
            "confidence": self.confidence,
            "uncertain": list(self.uncertain),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RoleClasses:
    """Which edge roles mean control, and which are mere links (reported, never counted)."""

    control: tuple[str, ...] = ()
    link: tuple[str, ...] = ()

    def classify(self, role: str | None, default: str) -> str:
        text = (role or "").strip().lower()
        if text.startswith(("non-", "non ", "no ", "not ", "without ")):
            return default
        if text:
            if any(r == text or r in text for r in self.control):
                return "control"
            if any(r == text or r in text for r in self.link):
                return "link"
        return default


@dataclass(frozen=True)
class OwnershipParams:
    """Everything ``compute_status`` needs: one rule per regime plus role classes."""

    regimes: Mapping[str, RegimeRule]
    roles: RoleClasses = field(default_factory=RoleClasses)

    def for_regimes(self, regimes: list[str] | tuple[str, ...]) -> OwnershipParams:
        return OwnershipParams({r: self.regimes[r] for r in regimes if r in self.regimes}, self.roles)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]] | None) -> OwnershipParams:
        if not overrides:
            return self
        regimes = {
            name: rule.with_overrides(overrides.get(name)) for name, rule in self.regimes.items()
        }
        return OwnershipParams(regimes, self.roles)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_params(
    as_of: date | None = None,
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    reg: Registry | None = None,
) -> OwnershipParams:
    """Rules as they applied on ``as_of`` (default: today), with scenario overrides applied.
    The rules are the regimes' ``ownership`` entries of the registry (``data/regimes.yaml``)."""
    reg = reg or registry()
    day = as_of or date.today()
    regimes: dict[str, RegimeRule] = {}
    for regime in reg.regimes.values():
        if not regime.ownership:
            continue
        name = regime.id
        values = dict(regime.ownership)
        notes: list[str] = []
        for h in values.pop("history", None) or []:
            before = _as_date(h.get("before"))
            if before is not None and day < before:
                changes = {k: v for k, v in h.items() if k in OVERRIDABLE}
                values.update(changes)
                if h.get("note"):
                    notes.append(str(h["note"]))
        try:
            regimes[name] = RegimeRule(
                regime=name,
                rule_id=str(values["rule_id"]),
                title=str(values.get("title", values["rule_id"])),
                threshold=float(values["threshold"]),
                strict=bool(values["strict"]),
                aggregate=bool(values["aggregate"]),
                counts_control=bool(values["counts_control"]),
                sectoral_50pct=bool(values.get("sectoral_50pct", False)),
                indirect=str(values.get("indirect", "through_covered")),
                seed_regimes=regime.lists,
                instrument=str(values.get("instrument", "")),
                article=str(values.get("article", "")),
                citation=tuple(values.get("citation") or ()),
                confidence=str(values.get("confidence", "uncertain")),
                summary=str(values.get("summary", "")).strip(),
                uncertain=tuple(values.get("uncertain") or ()),
                effective_from=_as_date(values.get("effective_from")),
                notes=tuple(notes),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise OliveBranchError(f"{reg.path}: ownership rule of regime {name!r}: bad or "
                                   f"missing field {exc}") from exc
    roles = reg.ownership_roles
    params = OwnershipParams(
        regimes, RoleClasses(control=roles.get("control", ()), link=roles.get("link", ())))
    return params.with_overrides(overrides)

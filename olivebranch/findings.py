"""What a verdict is: per deal and regime, the strongest effect among the findings, and why.

A :class:`Finding` is one rule that fired (for the deal, or for one party), with the evidence
behind it: list entries, ownership paths, facts, notes, the licence that narrows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.context import EFFECTS


@dataclass
class Finding:
    """One rule that fired for one deal (and, for party rules, one party), with evidence."""

    rule_id: str
    regime: str
    effect: str
    title: str
    instrument: str
    article: str | None
    citation: str | None
    confidence: str
    lifted_by: str
    text: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    party: str | None = None
    kind: str | None = None
    licence: str | None = None
    notes: str | None = None
    #: an exposure without nexus (secondary sanctions, designation risk), shown apart
    exposure: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id, "regime": self.regime, "effect": self.effect,
            "title": self.title, "instrument": self.instrument, "article": self.article,
            "citation": self.citation, "confidence": self.confidence,
            "lifted_by": self.lifted_by, "text": self.text, "evidence": self.evidence,
            "party": self.party, "kind": self.kind, "licence": self.licence, "notes": self.notes,
            "exposure": self.exposure,
        }


@dataclass
class RegimeVerdict:
    regime: str
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    #: the regime's nexus kinds the deal has, each with why (None: not computed)
    nexus: dict[str, list[dict[str, Any]]] | None = None
    #: why a deal involving a listed party is clear (no nexus, licence, below threshold)
    clear_reason: str | None = None

    @property
    def blockers(self) -> list[Finding]:
        """Findings that stand in the way (anything stronger than a risk)."""
        return [f for f in self.findings if EFFECTS.index(f.effect) > EFFECTS.index("risk")]

    @property
    def exposures(self) -> list[Finding]:
        """Exposure findings (no nexus needed), shown apart from prohibitions."""
        return [f for f in self.findings if f.exposure]

    @property
    def rule_ids(self) -> list[str]:
        return sorted({f.rule_id for f in self.findings})

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime, "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "blockers": sorted({f.rule_id for f in self.blockers}),
            "exposures": sorted({f.rule_id for f in self.exposures}),
            "nexus": self.nexus, "clear_reason": self.clear_reason,
            "checked": self.checked,
        }


@dataclass
class DealVerdict:
    deal_id: str
    title: str
    as_of: date
    scenario: str
    regimes: dict[str, RegimeVerdict]
    uncertain: list[dict[str, str]] = field(default_factory=list)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def matrix_row(self) -> dict[str, str]:
        return {r: v.verdict for r, v in self.regimes.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id, "title": self.title, "as_of": self.as_of.isoformat(),
            "scenario": self.scenario,
            "regimes": {r: v.to_dict() for r, v in self.regimes.items()},
            "uncertain": self.uncertain, "parties": self.parties,
        }

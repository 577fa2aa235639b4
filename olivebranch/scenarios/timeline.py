"""A scenario on a timeline: verdicts month by month (24 months by default), so that changes
with an ``effective`` day, EU vetoes biting at expiry, phases and licence expiries show when
they move each deal. The scenario's own ``set_date`` is set aside: the timeline sets the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.hostdata import add_months
from olivebranch.scenarios.model import Scenario, action_of, resolve_changes

MONTHS = 24


@dataclass
class Timeline:
    scenario: str
    days: list[date]
    regimes: tuple[str, ...]
    #: deal -> regime -> verdict per day (same order as ``days``)
    verdicts: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    log: dict[str, list[str]] = field(default_factory=dict)  # day -> what the scenario did

    def changes(self) -> list[dict[str, Any]]:
        """Every (deal, regime) whose verdict moves within the timeline, with when."""
        out = []
        for deal, per in self.verdicts.items():
            for regime, vs in per.items():
                steps = [{"from": str(self.days[0]), "verdict": vs[0]}]
                for d, prev, v in zip(self.days[1:], vs, vs[1:], strict=False):
                    if v != prev:
                        steps.append({"from": str(d), "verdict": v})
                if len(steps) > 1:
                    out.append({"deal": deal, "regime": regime, "steps": steps})
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "days": [str(d) for d in self.days],
                "regimes": list(self.regimes), "moves": self.changes(),
                "verdicts": self.verdicts}


def undated(scenario: Scenario, lookup: Any = None) -> Scenario:
    """The scenario's changes (base chain first) without its ``set_date``."""
    changes = [c for _, _, c in resolve_changes(scenario, lookup=lookup)
               if action_of(c) != "set_date"]
    return scenario.model_copy(update={"base": [], "changes": changes})


def timeline(ws: Any, scenario: str | Scenario, start: date | None = None,
             months: int = MONTHS, *, regimes: Any = None) -> Timeline:
    s = ws.scenario(scenario)
    flat = undated(s, ws.scenarios.lookup)
    start = start or ws.day(None)
    days = [add_months(start.replace(day=1), m) if m else start for m in range(months)]
    out = Timeline(s.name, days, ())
    for d in days:
        run = ws.run(flat, d, regimes=regimes)
        out.regimes = run.regimes
        out.log[str(d)] = list(run.state.log)
        for deal_id, v in run.verdicts.items():
            per = out.verdicts.setdefault(deal_id, {})
            for r in run.regimes:
                per.setdefault(r, []).append(v.regimes[r].verdict)
    return out

"""The decision calendar: known future dates at which a deal's verdict could move, with the
deals each could move.

Dates come from data, never from code: EU decisions' expiries (``data/host/eu_decisions.yaml``:
a renewal or a veto falls on each), rules' start and end dates (phase dates, host-state decree
end dates such as Decree 520's), and general licences' expiries (rule packs and licence files).
A date is linked to the deals whose findings it concerns under the status quo (a rule or a
licence ending) or on the day itself (a rule starting). Dates already past with nothing
recorded after them (an EU decision whose recorded term has ended, a decree carried as
'presumed renewed') are flagged as stale data to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from olivebranch import hostdata


@dataclass
class Event:
    day: date
    kind: str  # eu_renewal | rule_start | rule_end | licence_end | stale
    title: str
    what: str  # the decision, rule or licence id
    regime: str
    deals: list[str] = field(default_factory=list)
    stale: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"date": str(self.day), "kind": self.kind, "title": self.title, "id": self.what,
                "regime": self.regime, "deals": self.deals, "stale": self.stale,
                "note": self.note}


def _fired(run: Any) -> dict[str, set[str]]:
    """rule id -> deals it fires for in a run."""
    out: dict[str, set[str]] = {}
    for deal_id, v in run.verdicts.items():
        for rv in v.regimes.values():
            for f in rv.findings:
                out.setdefault(f.rule_id, set()).add(deal_id)
    return out


def _licensed(run: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for deal_id, v in run.verdicts.items():
        for rv in v.regimes.values():
            for f in rv.findings:
                if f.licence:
                    out.setdefault(f.licence, set()).add(deal_id)
    return out


def calendar(ws: Any, start: date | None = None, end: date | None = None,
             *, max_start_runs: int = 6) -> list[Event]:
    """Events between ``start`` (default: the workspace's today) and ``end`` (default: two
    years on), plus stale data found before ``start``."""
    from olivebranch.scenarios.apply import select_rules
    from olivebranch.scenarios.model import RuleSelector

    today = ws.day(None)
    start = start or today
    end = end or start + timedelta(days=730)
    base = ws.run("status-quo", today)
    fired = _fired(base)
    ctx = base.ctx
    events: list[Event] = []

    # EU decisions: each expiry is a renewal (or a veto's lapse)
    for dec in hostdata.eu_decisions().values():
        deals: set[str] = set()
        for change in dec.lapse:
            if "lift" in change:
                sel = RuleSelector.model_validate(change["lift"])
                for r in select_rules(ctx.rules.values(), sel):
                    deals |= fired.get(r.id, set())
            if "delist" in change:  # listings: deals with EU blocking findings
                for deal_id, v in base.verdicts.items():
                    rv = v.regimes.get("eu")
                    if rv and any(f.kind in ("blocking", "ownership_rule") for f in rv.findings):
                        deals.add(deal_id)
        if dec.expires < today:
            events.append(Event(dec.expires, "stale", f"{dec.title}: recorded term ended",
                                dec.id, "eu", sorted(deals), True,
                                f"no renewal after {dec.expires} recorded in "
                                "data/host/eu_decisions.yaml"))
        for d in dec.expiries(start, end):
            events.append(Event(d, "eu_renewal", f"{dec.title} expires unless renewed "
                                "(unanimity; one veto lapses it)", dec.id, "eu", sorted(deals),
                                note=f"last recorded: {dec.renewed}" if dec.renewed else ""))

    # rules: end dates (in force today, ending), start dates and phase changes to come
    starts: dict[date, list[Any]] = {}
    for r in ctx.rules.values():
        ends = {r.effective_until} | {p.until for p in getattr(r, "phases", ()) or ()}
        begins = {r.effective_from} | {p.from_ for p in getattr(r, "phases", ()) or ()}
        for d in sorted(x for x in ends if x and start <= x <= end):
            events.append(Event(d, "rule_end", f"{r.title} (phase) ends", r.id, r.regime,
                                sorted(fired.get(r.id, set()))))
        for d in sorted(x for x in begins if x and start <= x <= end):
            starts.setdefault(d, []).append(r)
        verified = getattr(r, "verified_until", None)
        if verified and verified < today and r.in_force(today):
            events.append(Event(verified, "stale", f"{r.title}: renewal after {verified} not "
                                "verified", r.id, r.regime, sorted(fired.get(r.id, set())), True,
                                "carried as presumed renewed (rules/phases.yaml); check the "
                                "source"))
    for n, (d, rules) in enumerate(sorted(starts.items())):
        on_day = _fired(ws.run("status-quo", d)) if n < max_start_runs else {}
        for r in rules:
            events.append(Event(d, "rule_start", f"{r.title} (phase) starts", r.id, r.regime,
                                sorted(on_day.get(r.id, set())),
                                note="" if n < max_start_runs else "deals not evaluated"))

    # general licences
    licensed = _licensed(base)
    for gl in ctx.general_licences.values():
        if gl.effective_until and start <= gl.effective_until <= end:
            events.append(Event(gl.effective_until, "licence_end", f"{gl.title} expires",
                                gl.id, gl.regime, sorted(licensed.get(gl.id, set()))))
    events.sort(key=lambda e: (e.day, e.kind, e.what))
    return events

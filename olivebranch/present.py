"""How results are shown, shared by the CLI, the API and the web UI: labels from the registry,
and the plain-data shapes of a scenario run, a comparison and a scenario description.

The API validates these dicts into its response models; the web UI renders them (or returns
them as JSON); the CLI prints them. One shape per result, so the three agree.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.regimes import Registry, registry

if TYPE_CHECKING:
    from olivebranch.catalogue import Entry
    from olivebranch.deals.models import Deal
    from olivebranch.scenarios.engine import ScenarioRun
    from olivebranch.scenarios.model import Lookup, Scenario


def labels(reg: Registry | None = None) -> dict[str, str]:
    """Effect id -> label (``prohibited`` -> ``Prohibited``), plus ``n/a``."""
    return {**{e.id: e.label for e in (reg or registry()).effects}, "n/a": "n/a"}


def regime_names(reg: Registry | None = None) -> dict[str, str]:
    reg = reg or registry()
    return {r: reg.name(r) for r in reg.ids}


def plain(value: Any) -> Any:
    """JSON-ready form of a scenario change body (pydantic models, dates, lists)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def scenario_info(entry: Entry[Scenario], lookup: Lookup | None = None) -> dict[str, Any]:
    """A catalogue scenario: description, assumptions (base chain first), changes, origin."""
    from olivebranch.errors import OliveBranchError
    from olivebranch.scenarios.model import action_of, all_assumptions, body_of

    s = entry.item
    try:
        assumptions = all_assumptions(s, lookup=lookup)
    except OliveBranchError:
        assumptions = list(s.assumptions)
    return {"name": s.name, "title": s.title, "description": s.description,
            "assumptions": assumptions, "base": list(s.base), "origin": entry.origin,
            "revision": entry.revision,
            "changes": [{action_of(c): plain(body_of(c))} for c in s.changes]}


def verdict_matrix(run: ScenarioRun) -> dict[str, dict[str, str]]:
    """deal id -> regime -> verdict."""
    return {d: {r: run.verdict(d, r) for r in run.regimes} for d in run.verdicts}


def run_result(run: ScenarioRun) -> dict[str, Any]:
    """One scenario over the deals: verdicts and blockers per deal, clear counts."""
    return {
        "scenario": run.name,
        "title": run.scenario.title,
        "as_of": run.ctx.as_of.isoformat(),
        "regimes": list(run.regimes),
        "assumptions": list(run.ctx.assumptions),
        "deals": [
            {"deal": deal_id, "title": run.titles.get(deal_id, deal_id),
             "verdicts": {r: run.verdict(deal_id, r) for r in run.regimes},
             "blockers": [b.as_dict() for b in run.blockers(deal_id)]}
            for deal_id in run.verdicts
        ],
        "clear": {r: run.counts(r).get("clear", 0) for r in run.regimes},
        "seconds": round(run.seconds, 3),
    }


def compare_runs(a: ScenarioRun, b: ScenarioRun) -> dict[str, Any]:
    """What moves from scenario run ``a`` to ``b``, deal by deal, and what still blocks."""
    from olivebranch.scenarios.engine import diff

    diffs = diff(a, b)
    return {
        "a": a.name, "b": b.name, "as_of": b.ctx.as_of.isoformat(), "regimes": list(b.regimes),
        "changed": sum(1 for d in diffs if d.moves),
        "newly_clear": {r: sum(1 for d in diffs if r in d.cleared) for r in b.regimes},
        "diffs": [d.as_dict() for d in diffs],
    }


def deal_rows(run: ScenarioRun, entries: dict[str, Entry[Deal]],
              base: ScenarioRun | None = None) -> list[dict[str, Any]]:
    """The catalogue as a table: each deal with its verdicts and, against ``base``, what they
    were before where they moved."""
    rows = []
    for entry in entries.values():
        d = entry.item
        if d.id not in run.verdicts:
            continue
        verdicts = run.verdicts[d.id].matrix_row
        changed = {}
        if base is not None and d.id in base.verdicts:
            before = base.verdicts[d.id].matrix_row
            changed = {r: before[r] for r in verdicts if before.get(r) != verdicts[r]}
        rows.append({"id": d.id, "title": d.title, "asset": d.asset.name,
                     "country": d.asset.country, "sectors": list(d.asset.sectors),
                     "origin": entry.origin, "verdicts": verdicts, "changed": changed})
    return rows


def asset_flags(deal: Deal) -> list[str]:
    """The asset's flags rules look at, in words."""
    a = deal.asset
    flags = [name for name, on in (
        ("arctic", a.arctic), ("offshore", a.offshore), ("deepwater", a.deepwater),
        ("shale", a.shale), ("continental shelf", a.shelf),
        ("federal significance", a.federal_significance), ("strategic (57-FZ)", a.strategic),
        ("special zone", a.special_zone), ("UA strategic mineral", a.ua_strategic_mineral),
    ) if on]
    if a.occupied != "none":
        flags.append(f"occupied: {a.occupied}")
    return flags


#: party status -> (fill, label) for the deal picture, weakest first
PARTY_COLOURS = {
    "not_screened": ("#eceff3", "not screened"),
    "none": ("#d7f2dd", "no listing"),
    "ambiguous": ("#fdf3c4", "ambiguous match"),
    "sectoral": ("#ffe3c2", "sectoral list"),
    "owned": ("#ffd1b3", "owned by listed"),
    "listed": ("#f8c9c9", "listed"),
}
STATUS_RANK = tuple(PARTY_COLOURS)


def party_status(statuses: dict[str, Any]) -> str:
    """The strongest status of one party across regimes (for colouring)."""
    best = "not_screened"
    for key, s in statuses.items():
        if not isinstance(s, dict) or key in ("name", "role"):
            continue
        if s.get("listed"):
            st = "listed"
        elif s.get("owned"):
            st = "owned"
        elif s.get("sectoral"):
            st = "sectoral"
        elif s.get("match") == "ambiguous":
            st = "ambiguous"
        elif s.get("match") == "not_screened":
            st = "not_screened"
        else:
            st = "none"
        if STATUS_RANK.index(st) > STATUS_RANK.index(best):
            best = st
    return best

"""The scenario builder: the choices a change can make (rules, programmes, sectors, listed
parties, host-state and ownership parameters) and what one change touches before anything runs.

``options()`` reads the status-quo context of the workspace (its rules, parameters and the
listing snapshot), so the builder offers exactly what a scenario file could name. ``impact()``
applies one change alone to that context with the scenario engine's own functions
(``scenarios.apply``) and counts the rules it lifts or changes and the listed entities it
takes off (or puts on) a list: the numbers an analyst wants before running the catalogue.
"""

from __future__ import annotations

import re
import typing
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from olivebranch.deals.models import Sector
from olivebranch.regimes import registry

router = APIRouter(include_in_schema=False)
SECTORS: tuple[str, ...] = typing.get_args(Sector)


def _base(request: Request) -> Any:
    from olivebranch.api.deps import state

    return state(request).workspace.context("status-quo")


def _mentions(rule: Any) -> set[str]:
    """Sectors a rule's condition or text names (the condition is data: its repr lists them)."""
    text = f"{rule.condition!r} {rule.title} {rule.text}".lower()
    return {s for s in SECTORS if s in text or s.replace("_", " ") in text}


def options(request: Request) -> dict[str, Any]:
    reg = registry()
    st = _base(request)
    rules = sorted(st.ctx.rules.values(), key=lambda r: (r.regime, r.id))
    by_sector: dict[str, list[str]] = {s: [] for s in SECTORS}
    rule_rows = []
    params = []
    for r in rules:
        sectors = sorted(_mentions(r))
        for s in sectors:
            by_sector[s].append(r.id)
        rule_rows.append({"id": r.id, "regime": r.regime, "title": r.title,
                          "instrument": r.instrument, "kind": r.kind, "effect": r.effect,
                          "lifted_by": r.lifted_by, "sectors": sectors})
        for name, value in (r.params or {}).items():
            params.append({"target": "rule", "rule": r.id, "regime": r.regime, "param": name,
                           "value": value, "title": r.title,
                           "host": reg.get(r.regime).host_state if r.regime in reg.ids else False})
    for regime, values in sorted(st.ctx.ownership_params.items()):
        for name, value in (values or {}).items():
            params.append({"target": "ownership", "regime": regime, "param": name, "value": value,
                           "title": f"{reg.name(regime)} ownership rule", "host": False})
    programmes = []
    for regime in st.index.listed_regimes:
        counts: Counter[str] = Counter()
        for keys in st.index.entities(regime).values():
            for prog in {k[1] for k in keys if k[1]}:
                counts[prog] += 1
        programmes += [{"regime": regime, "program": p, "entities": n}
                       for p, n in sorted(counts.items())]
    from olivebranch import present

    return {
        "labels": present.labels(),
        "regimes": [{"id": r, "name": reg.name(r), "host": reg.get(r).host_state} for r in reg.ids],
        "lifted_by": list(reg.lifted_by_ids),
        "kinds": list(reg.kind_ids),
        "rules": rule_rows,
        "programmes": programmes,
        "sectors": [{"id": s, "rules": ids} for s, ids in by_sector.items() if ids],
        "params": params,
        "listed_regimes": list(st.index.listed_regimes),
    }


def impact(request: Request, change: Any) -> dict[str, Any]:
    """Rules and listed entities one change touches, applied alone to the status quo."""
    from olivebranch.errors import OliveBranchError
    from olivebranch.scenarios.apply import apply_change
    from olivebranch.scenarios.model import ScenarioError, action_of, parse_scenario

    probe = {"name": "builder-probe", "title": "probe", "description": "one change",
             "assumptions": ["probe"], "changes": [change]}
    try:
        scenario = parse_scenario(probe, "change")
    except OliveBranchError as exc:
        return {"ok": False, "error": str(exc).replace("change: changes[0]", "change")}
    base = _base(request)
    (parsed,) = scenario.changes
    try:
        after = apply_change(base, parsed)
    except ScenarioError as exc:
        return {"ok": False, "error": str(exc)}
    action = action_of(parsed)
    rules: set[str] = set(after.lifted) - set(base.lifted)
    rules |= {k for k, v in after.ctx.rules.items() if base.ctx.rules.get(k) is not v}
    if action == "set_param" and parsed.set_param.ownership:
        rules.add(f"ownership rule ({parsed.set_param.ownership})")
    licences = set(after.ended) ^ set(base.ended)
    licences |= {k for k, v in after.ctx.general_licences.items() if base.ctx.general_licences.get(k) is not v}
    off = {r: set(v) - set(base.off.get(r, ())) for r, v in after.off.items()}
    added = {r: set(v) - set(base.ctx.added.get(r, {})) for r, v in after.ctx.added.items()}
    entities = sorted({e for v in off.values() for e in v} | {e for v in added.values() for e in v})
    still = 0
    if action in ("delist", "relist"):
        sel = getattr(parsed, action)
        from olivebranch.scenarios.apply import _selected_keys

        # the selection algebra answers regime -> entity -> keys (a union spans regimes), plus notes
        picked, _notes = _selected_keys(base, sel)
        still = sum(1 for regime, ents in picked.items() for e in ents
                    if e not in after.off.get(regime or sel.regime or "", ()))
    names = {e: _name(request, e) for e in entities[:12]}
    return {
        "ok": True, "action": action,
        "rules": len(rules), "rule_ids": sorted(rules)[:50],
        "licences": sorted(licences),
        "entities": len(entities), "entity_sample": [{"id": e, "name": names[e]} for e in entities[:12]],
        "stay_listed": still,
        "log": [line for line in after.log if line][-1:] if after.log else [],
    }


def _name(request: Request, entity_id: str) -> str:
    from olivebranch.api.deps import state

    try:
        return state(request).ownership(None).name(entity_id)
    except Exception:  # noqa: BLE001 - a name is a nicety; the id is shown anyway
        return entity_id


def prefill(request: Request) -> dict[str, Any] | None:
    """A builder opened with changes in its URL (the deal page's "what would it take" paths:
    ``?change=<JSON>&label=…&change=…`` with ``deal``, ``regime``, ``expect``, ``now``,
    ``base``, ``as_of``, ``name``, ``title``, ``why``): the changes checked with the scenario
    parser (every problem listed), and what the page shows about them. None without
    ``change``."""
    import json

    import yaml

    from olivebranch.errors import OliveBranchError, ParseError
    from olivebranch.scenarios.model import NAME_RE, parse_scenario

    q = request.query_params
    raw = q.getlist("change")
    if not raw:
        return None
    problems: list[str] = []
    changes: list[Any] = []
    place: list[int] = []  # the link's numbering of each change read
    for i, text in enumerate(raw[:50]):
        try:
            changes.append(json.loads(text))
            place.append(i + 1)
        except ValueError:
            problems.append(f"change {i + 1} is not JSON")
    name = q.get("name", "")[:64]
    if not re.match(NAME_RE, name):
        name = "my-scenario"
    why = q.get("why", "")[:500]
    scenario: dict[str, Any] = {
        "name": name, "title": q.get("title", "")[:120] or "My scenario",
        "description": ("What would it take: " + why) if why else "Built in the scenario builder.",
        "assumptions": ["The changes below are adopted as listed."],
        "changes": changes,
    }
    base = q.get("base", "")
    if base and base != "status-quo":
        scenario["base"] = [base[:64]]

    def renumber(where: str) -> str:
        return re.sub(r"^changes\[(\d+)\]\.?", lambda m: f"change {place[int(m.group(1))]} ",
                      where).strip()

    try:
        parse_scenario(scenario, "link")
    except ParseError as exc:
        found = getattr(exc, "problems", None) or [(exc.where, exc.reason)]
        problems += [f"{renumber(w)}: {m}" if w else m for w, m in found]
    except OliveBranchError as exc:
        problems.append(str(exc))
    problems.sort(key=lambda m: int(re.match(r"change (\d+)", m).group(1))
                  if re.match(r"change (\d+)", m) else 0)
    labels = q.getlist("label")
    items = [{"change": c,
              "text": (labels[place[i] - 1][:200] if place[i] - 1 < len(labels) else "")
              or (next(iter(c), "change") if isinstance(c, dict) else "change"),
              "json": json.dumps(c, ensure_ascii=False, sort_keys=True)}
             for i, c in enumerate(changes)]
    focus = None
    if q.get("deal") and q.get("regime"):
        focus = {"deal": q.get("deal", "")[:120], "regime": q.get("regime", "")[:8],
                 "expect": q.get("expect", "")[:40], "now": q.get("now", "")[:40]}
    return {"scenario": scenario, "picked": items, "problems": problems, "focus": focus,
            "as_of": q.get("as_of", "")[:10],
            "yaml": yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True),
            "json": json.dumps({**scenario, "items": items, "focus": focus,
                                "as_of": q.get("as_of", "")[:10]}, ensure_ascii=False)}


@router.get("/scenarios/new", response_class=HTMLResponse)
def builder_page(request: Request) -> HTMLResponse:
    from olivebranch.api.deps import state
    from olivebranch.web.pages import principal, render

    who = principal(request, "read")
    ob = state(request)
    scenarios = [{"name": e.name, "title": e.item.title}
                 for e in ob.scenarios.entries().values()]
    pre = prefill(request)
    focus_title = None
    if pre and pre["focus"]:
        deal_id = pre["focus"]["deal"]
        entry = ob.deals.entries().get(deal_id)  # never a path: only catalogue ids
        focus_title = entry.item.title if entry is not None else deal_id
    return render(request, "builder.html", who, nav="scenarios", scenarios=scenarios,
                  can_save=who.can("analyst"), prefill=pre, focus_title=focus_title)


@router.get("/scenarios/builder/options.json")
def builder_options(request: Request) -> Response:
    from olivebranch.web.pages import principal

    principal(request, "read")
    return JSONResponse(options(request))


@router.post("/scenarios/builder/impact")
async def builder_impact(request: Request) -> Response:
    """POST one change (``{"lift": {...}}``); answer how many rules and entities it touches."""
    from olivebranch.web.pages import principal

    principal(request, "read")
    try:
        change = await request.json()
    except ValueError:
        return JSONResponse({"ok": False, "error": "send one change as JSON"}, status_code=400)
    from starlette.concurrency import run_in_threadpool

    return JSONResponse(await run_in_threadpool(impact, request, change))

"""The deal editor's form, described from the deal models themselves (``deals.models``), so a
field added to the format shows up in the browser with its type, choices and help text.

``form_spec()`` is what ``static/editor.js`` renders: one list of fields per part of a deal
(deal, asset, activity, party, stake, uncertain), each ``{name, kind, required, options, help,
label}``. Help comes from the model's field description, or from ``HELP`` here where the model
has none; roles and sectors get a sentence each so a new analyst knows what to pick.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from olivebranch.deals.models import Activity, Asset, Deal, Party, Stake, Uncertain

#: help for fields whose model has no description
HELP: dict[str, str] = {
    "deal.id": "Short unique identifier: lowercase letters, digits, - and _ (e.g. arctic-lng-2-us-stake).",
    "deal.title": "One line a colleague understands: who does what with which asset.",
    "deal.description": "What is proposed, by whom, reported where.",
    "deal.sources": "Where the facts come from: one reference or URL per line.",
    "deal.as_of": "The date the deal's facts were last checked.",
    "asset.name": "The project or asset as it is usually called (Arctic LNG 2, Vankor).",
    "asset.region": "Region, province or field, in words.",
    "asset.sectors": "Every sector the asset is in; rules on energy and minerals key on these.",
    "asset.stage": "Where the project stands today.",
    "asset.offshore": "Offshore production or infrastructure.",
    "asset.shale": "Shale (tight) oil or gas.",
    "activity.types": "What the deal does; pick every activity that applies.",
    "activity.import_into": "Territories the output is imported into (import bans apply there).",
    "activity.products": "Products bought, sold or shipped under the deal.",
    "activity.services": "Services supplied (one per line), e.g. engineering, insurance.",
    "activity.equipment": "Equipment supplied (one per line), e.g. gas turbines, LNG modules.",
    "activity.price_above_cap": "Is oil or products sold above the G7 price cap? Leave unknown if unknown.",
    "activity.value_usd": "Deal value in US dollars (no separators).",
    "activity.description": "Anything about the activity the lists above cannot say.",
    "party.id": "Short id used by stakes: lowercase letters, digits, - and _.",
    "party.name": "The name as a sanctions list would spell it (screened as you type).",
    "party.role": "What the party does in the deal.",
    "party.kind": "Company, person, state body, fund or vessel: picks the screening schema.",
    "party.aliases": "Other names, transliterations or former names, one per line.",
    "party.identifiers": "Registration numbers, INN, OGRN, LEI, IMO, one per line.",
    "party.state_controlled": "Controlled by a state (through shares or otherwise).",
    "party.note": "Anything a reviewer should know about this party.",
    "stake.holder": "The party that holds the shares.",
    "stake.in": "The company the shares are in.",
    "stake.before": "Percentage held before the deal (0-100).",
    "stake.after": "Percentage held after the deal (0-100).",
    "stake.note": "Source or caveat for this stake.",
    "uncertain.field": "The field that is uncertain, as a path (parties[0].name).",
    "uncertain.note": "Why it is uncertain, and what would settle it.",
}

ROLE_HELP: dict[str, str] = {
    "investor": "Puts money in for equity: the party whose regime's investment bans matter most.",
    "operator": "Runs the asset day to day.",
    "partner": "Co-owner or joint-venture partner that stays in the project.",
    "offtaker": "Buys the output (LNG, oil, metals) under a supply contract.",
    "lender": "Lends money to the project or a party; financing bans apply.",
    "supplier": "Supplies equipment, technology or goods.",
    "target": "The company whose shares or assets change hands.",
    "seller": "Sells its shares or output in the deal.",
    "state": "The host state or a state body acting as such (usually not screened).",
    "fund": "An investment or sovereign fund.",
    "service_provider": "Provides services (engineering, consulting, maintenance).",
    "shipper": "Carries goods by sea or pipeline.",
    "insurer": "Insures or reinsures the project, cargo or vessels.",
}

PARTS: dict[str, type[BaseModel]] = {
    "deal": Deal, "asset": Asset, "activity": Activity, "party": Party, "stake": Stake,
    "uncertain": Uncertain,
}
#: fields the editor shows as their own sections rather than inputs
NESTED = {"asset", "activity", "parties", "stakes", "uncertain"}


def _literal_options(tp: Any) -> list[str] | None:
    if typing.get_origin(tp) is Literal:
        return [str(a) for a in typing.get_args(tp)]
    return None


def _strip_none(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _kind(tp: Any) -> tuple[str, list[str] | None]:
    """(input kind, options) for a model field's annotation."""
    tp, optional = _strip_none(tp)
    options = _literal_options(tp)
    if options is not None:
        return ("choice" if not optional else "choice-optional"), options
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        options = _literal_options(item)
        return ("multi", options) if options else ("lines", None)
    if tp is bool:
        return ("tristate" if optional else "bool"), None
    if tp in (int, float):
        return "number", None
    if tp is date:
        return "date", None
    return "text", None


def _label(name: str) -> str:
    special = {"in": "In (company)", "value_usd": "Value (USD)", "ua_strategic_mineral":
               "Strategic mineral (Ukraine)", "as_of": "Facts checked on", "id": "Id",
               "import_into": "Imported into", "subsoil_use": "Subsoil use",
               "research_id": "Research id", "price_above_cap": "Price above cap"}
    return special.get(name, name.replace("_", " ").capitalize())


def fields(part: str) -> list[dict[str, Any]]:
    model = PARTS[part]
    out = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if part == "deal" and key in NESTED:
            continue
        kind, options = _kind(info.annotation)
        if key in ("description", "note") and kind == "text":
            kind = "textarea"
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        out.append({
            "name": key,
            "label": _label(key),
            "kind": kind,
            "options": options,
            "required": info.is_required(),
            "default": default if isinstance(default, str | bool | int | float) else None,
            "help": info.description or HELP.get(f"{part}.{key}", ""),
        })
    return out


def form_spec() -> dict[str, Any]:
    """Everything the editor needs to draw the form, as JSON."""
    from olivebranch import present

    return {
        "parts": {part: fields(part) for part in PARTS},
        "roles": ROLE_HELP,
        "labels": present.labels(),
    }


def blank_deal() -> dict[str, Any]:
    """A new deal: one party, so the form starts with something to fill."""
    return {
        "id": "", "title": "",
        "asset": {"name": "", "country": "", "sectors": []},
        "activity": {"types": []},
        "parties": [{"id": "", "name": "", "role": "investor", "jurisdiction": ""}],
        "stakes": [],
    }


# ---------------------------------------------------------------------------- pages and helpers
from fastapi import APIRouter, Request  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, Response  # noqa: E402

router = APIRouter(include_in_schema=False)
#: deal files are small; the API's own limit on bodies applies too
MAX_TEXT = 512 * 1024


def _page(request: Request, deal: dict[str, Any], *, deal_id: str | None, origin: str,
          revision: int) -> HTMLResponse:
    from olivebranch.web.pages import principal, render

    who = principal(request, "read")
    return render(request, "editor.html", who, nav="deals", spec=form_spec(), deal=deal,
                  deal_id=deal_id, origin=origin, revision=revision,
                  can_save=who.can("analyst"))


@router.get("/deals/new", response_class=HTMLResponse)
def new_deal(request: Request) -> HTMLResponse:
    return _page(request, blank_deal(), deal_id=None, origin="new", revision=0)


@router.get("/deals/{deal_id}/edit", response_class=HTMLResponse)
def edit_deal(request: Request, deal_id: str) -> HTMLResponse:
    from olivebranch.api.deps import state
    from olivebranch.catalogue import deal_data

    entry = state(request).deals.get(deal_id)
    return _page(request, deal_data(entry.item), deal_id=entry.name, origin=entry.origin,
                 revision=entry.revision)


@router.post("/deals/editor/parse")
async def parse_deal_text(request: Request) -> Response:
    """A deal file's text (YAML or JSON) as data for the form; not validated here (the form
    shows the validator's problems once it is filled in)."""
    import yaml

    from olivebranch import yamlsafe
    from olivebranch.web.pages import principal

    principal(request, "read")
    raw = await request.body()
    if len(raw) > MAX_TEXT:
        return JSONResponse({"error": f"file over {MAX_TEXT // 1024} KB"}, status_code=400)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return JSONResponse({"error": f"not UTF-8 text (byte {exc.start})"}, status_code=400)
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlLimitError as exc:
        return JSONResponse({"error": exc.reason, "line": exc.line}, status_code=400)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return JSONResponse({"error": f"not valid YAML or JSON: {reason}", "line": line},
                            status_code=400)
    if not isinstance(data, dict):
        return JSONResponse({"error": "a deal file is a mapping (id, title, asset, …)"},
                            status_code=400)
    return JSONResponse({"deal": _jsonable(data)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.post("/deals/editor/export.yaml")
async def export_yaml(request: Request) -> Response:
    """The form's deal (JSON body) as a YAML deal file, keys in the format's order."""
    import json

    import yaml

    from olivebranch.web.pages import principal

    principal(request, "read")
    raw = await request.body()
    if len(raw) > MAX_TEXT:
        return JSONResponse({"error": "deal too large"}, status_code=400)
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return JSONResponse({"error": f"not JSON: {exc}"}, status_code=400)
    name = str(data.get("id") or "deal") if isinstance(data, dict) else "deal"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    safe = "".join(c for c in name if c.isalnum() or c in "-_")[:80] or "deal"
    return Response(text, media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.yaml"'})

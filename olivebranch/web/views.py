"""Server-rendered pages of the analyst UI. Each view reads the workspace from ``app.state``;
pages that show results also answer ``?format=json`` with the data they render (the same
shapes as the API, from ``olivebranch.present``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from olivebranch import present
from olivebranch.api import auth, screening
from olivebranch.api.deps import parse_date, state
from olivebranch.api.settings import app_version
from olivebranch.match import DEFAULT_THRESHOLD
from olivebranch.web.pages import LoginRequired, error_page, principal, render, templates

HERE = Path(__file__).resolve().parent
router = APIRouter(include_in_schema=False)
SCHEMATA = ("LegalEntity", "Person", "Company", "Organization", "Vessel", "Airplane")
BASIS = {
    "designated": ("Designated", "v-prohibited"),
    "owned": ("Blocked: owned", "v-licence_required"),
    "controlled": ("Blocked: controlled", "v-licence_required"),
    "possibly_owned": ("Possibly owned", "v-risk"),
    None: ("Not blocked", "v-clear"),
}
#: page titles of typed errors, by HTTP status
ERROR_TITLES = {400: "Bad request", 404: "Not found", 409: "Conflict"}


def mount(app: FastAPI) -> None:
    from olivebranch.web import batch, builder, editor, explorer, guide, palette

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # the workbench's fixed paths (/deals/new, …) before the pages' /deals/{deal_id}
    for module in (editor, builder, batch, explorer, guide, palette):
        app.include_router(module.router)
    app.include_router(router)
    # typed errors raised by a page are answered with an error page (api.errors)
    app.state.error_page = lambda request, status, message: error_page(
        request, auth.Principal(role=None), status, ERROR_TITLES.get(status, "Error"), message)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)






@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return RedirectResponse("/deals", status_code=303)


@router.get("/screen", response_class=HTMLResponse)
def screen(
    request: Request,
    q: str = "",
    schema: str = "LegalEntity",
    birth_date: str = "",
    country: str = "",
    identifier: str = "",
    dataset: str = "default",
) -> HTMLResponse:
    who = principal(request, "match")
    ob = state(request)
    q = q.strip()[:300]
    datasets = [{"name": "default", "title": "All lists"}] + [
        {"name": k, "title": v} for k, v in sorted(ob.lookup.titles.items())
    ]
    results: list[dict[str, Any]] = []
    error = None
    elapsed = 0.0
    if q:
        props: dict[str, list[str]] = {"name": [q]}
        if birth_date.strip():
            props["birthDate" if schema == "Person" else "incorporationDate"
                  if schema in ("Company", "Organization") else "birthDate"] = [birth_date.strip()]
        if country.strip():
            props["country"] = [country.strip().lower()]
        if identifier.strip():
            props["idNumber" if schema == "Person" else "registrationNumber"] = [identifier.strip()]
        if schema not in SCHEMATA:
            schema = "LegalEntity"
        if schema == "LegalEntity":
            props.pop("birthDate", None)
        t0 = time.perf_counter()
        try:
            screening.check_dataset(dataset, ob.lookup)
            query = screening.make_query(schema, props)
            found = screening.run_query(
                ob.index, query, dataset=dataset, limit=15, threshold=DEFAULT_THRESHOLD,
                cutoff=0.5,
            )
            results = [screening.scored_entity(r, ob.lookup, DEFAULT_THRESHOLD) for r in found]
            from olivebranch.audit.screening import record_page

            record_page(ob, "web:screen", schema, props, results, dataset=dataset, limit=15,
                        threshold=DEFAULT_THRESHOLD, cutoff=0.5)
        except KeyError:
            error = f"unknown list {dataset!r}"
        except screening.BadQuery as exc:
            error = str(exc)
        elapsed = (time.perf_counter() - t0) * 1000
    return render(
        request,
        "screen.html",
        who,
        nav="screen",
        q=q,
        schema=schema,
        birth_date=birth_date,
        country=country,
        identifier=identifier,
        dataset=dataset,
        datasets=datasets,
        dataset_title=dict((d["name"], d["title"]) for d in datasets).get(dataset, dataset),
        schemata=SCHEMATA,
        results=results,
        hits=sum(1 for r in results if r["match"]),
        threshold=DEFAULT_THRESHOLD,
        error=error,
        elapsed_ms=elapsed,
    )


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI document rendered server-side (Swagger UI would load scripts from a CDN)."""
    spec = request.app.openapi()
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = []
            for prm in op.get("parameters", []):
                sch = prm.get("schema", {})
                kind = sch.get("type") or " | ".join(
                    a.get("type", "?") for a in sch.get("anyOf", []) if isinstance(a, dict))
                params.append({**prm, "type": kind,
                               "description": prm.get("description") or sch.get("description")})
            body = None
            content = (op.get("requestBody") or {}).get("content", {})
            for media, c in content.items():
                ref = (c.get("schema") or {}).get("$ref", "")
                body = f"{media}: {ref.rsplit('/', 1)[-1] or 'object'}"
            dependencies = [d for d in ("admin", "analyst") if d in (op.get("summary") or "")]
            by_tag.setdefault((op.get("tags") or ["Other"])[0], []).append({
                "id": op.get("operationId", f"{method}-{path}"), "method": method, "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "params": params, "body": body, "auth": ", ".join(dependencies),
                "responses": [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()],
            })
    tags = [{"name": t["name"], "description": t.get("description", ""), "ops": by_tag.pop(t["name"], [])}
            for t in spec.get("tags", [])]
    tags += [{"name": k, "description": "", "ops": v} for k, v in by_tag.items()]
    who = auth.Principal(role=None)
    return render(request, "apidocs.html", who, nav="docs", spec=spec, tags=[t for t in tags if t["ops"]],
                  schemas=sorted(spec.get("components", {}).get("schemas", {})))


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request) -> HTMLResponse:
    from olivebranch.api.routers.lists import version_model

    who = principal(request, "read")
    versions = [version_model(v) for v in state(request).store.active_versions()]
    return render(request, "lists.html", who, nav="lists", versions=versions)


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    from olivebranch.entities import describe_entity, resolve_entity_id

    who = principal(request, "match")
    ob = state(request)
    resolved = resolve_entity_id(ob.store, entity_id)
    if resolved is None:
        return error_page(request, who, 404, "Unknown entity",
                          f"No entity {entity_id!r} in the active lists.")
    e = describe_entity(ob.store, resolved)
    extra = entity_ownership(request, resolved)
    return render(request, "entity.html", who, nav="screen", e=e, **extra)


def entity_ownership(request: Request, entity_id: str) -> dict[str, Any]:
    """Status per regime with the paths that carry it, and the ownership picture."""
    from olivebranch.ownership.picture import svg

    analysis = state(request).ownership(None)
    status: dict[str, dict[str, Any]] = {}
    paths: list[dict[str, str]] = []
    for regime, st in analysis.status(entity_id).items():
        label, css = BASIS.get(st.basis, (str(st.basis).replace("_", " "), "v-restricted"))
        note = ""
        if st.share is not None and st.basis in ("owned", "possibly_owned"):
            note = f"{st.share:g}% held by blocked owners"
        if st.sectoral:
            note = (note + "; " if note else "") + f"sectoral: {st.sectoral.replace('_', ' ')}"
        status[regime] = {"label": label, "css": css, "note": note}
        for path in st.paths[:4]:
            paths.append({"regime": regime.upper(), "text": path.text()})
    picture = None
    if analysis.graph.node(entity_id) is not None:
        picture = _inline_svg(svg(analysis, entity_id, depth=2))
    return {"status": status, "paths": paths, "picture": picture, "ownership": True}


def _inline_svg(text: str) -> str:
    start = text.find("<svg")
    return text[start:] if start >= 0 else text




@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", auth.Principal(role=None), next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: str = Form(..., max_length=200), next: str = Form("/")) -> Response:
    who = auth.verify_key(state(request).store, key)
    if who is None:
        resp = render(request, "login.html", auth.Principal(role=None), next=_safe_next(next),
                      error="That key is unknown or revoked.")
        resp.status_code = 401
        return resp
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(auth.COOKIE, key.strip(), httponly=True, samesite="strict", max_age=8 * 3600)
    return resp


@router.get("/logout")
def logout() -> Response:
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(auth.COOKIE)
    return resp


def _safe_next(value: str) -> str:
    """Only same-site paths (no open redirects)."""
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


# ---------------------------------------------------------------------- deals and scenarios
def _scenario_list(request: Request) -> list[Any]:
    return state(request).scenarios.items()


def _json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


@router.get("/deals", response_class=HTMLResponse)
def deals_page(request: Request, scenario: str = "status-quo", as_of: str = "") -> Response:
    who = principal(request, "read")
    ob = state(request)
    day = parse_date(as_of)
    ob.scenarios.get(scenario)
    run = ob.run(scenario, day)
    base = ob.run("status-quo", day) if scenario != "status-quo" else None
    rows = present.deal_rows(run, ob.deals.entries(), base)
    if _json(request):
        return JSONResponse({"scenario": run.name, "as_of": run.ctx.as_of.isoformat(),
                             "regimes": list(run.regimes), "deals": rows})
    return render(
        request, "deals.html", who, nav="deals", rows=rows, regimes=run.regimes,
        scenario=scenario, scenarios=_scenario_list(request), as_of=as_of,
        run_title=run.scenario.title, run_as_of=run.ctx.as_of.isoformat(),
        scenario_description=run.scenario.description if scenario != "status-quo" else "",
        assumptions=list(run.ctx.assumptions),
        clear={r: run.counts(r).get("clear", 0) for r in run.regimes},
        errors=ob.deals.errors,
    )


def _deal_context(request: Request, deal_id: str, scenario: str, as_of: str) -> dict[str, Any]:
    from olivebranch.monitor.freshness import warnings as freshness_warnings
    from olivebranch.scenarios.model import all_assumptions
    from olivebranch.web.reports import deal_picture_svg

    ob = state(request)
    day = parse_date(as_of)
    entry = ob.deals.get(deal_id)
    s = ob.scenarios.get(scenario).item
    v = ob.assessment(deal_id, scenario, day)
    deal = entry.item
    return {
        "deal": deal, "origin": entry.origin, "v": v, "scenario": scenario, "as_of": as_of,
        "run_title": s.title, "assumptions": all_assumptions(s, lookup=ob.scenarios.lookup),
        "asset_flags": present.asset_flags(deal),
        "party_names": {p.id: p.name for p in deal.parties},
        "picture": deal_picture_svg(deal, v),
        "list_age_warnings": freshness_warnings(ob.store, v.as_of, as_of=day),
    }


@router.get("/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(request: Request, deal_id: str, scenario: str = "status-quo",
              as_of: str = "", target: str = "", unlock: str = "") -> Response:
    who = principal(request, "read")
    ctx = _deal_context(request, deal_id, scenario, as_of)
    if _json(request):
        return JSONResponse(ctx["v"].to_dict())
    ctx.update(_unlock_context(request, ctx, target, compute=unlock == "1" or UNLOCK_INLINE))
    return render(request, "deal.html", who, nav="deals", scenarios=_scenario_list(request), **ctx)


#: the deal page works out "what would it take" as it renders (else on request: ?unlock=1,
#: or the page's script fetches /deals/{id}/unlock?fragment=1)
UNLOCK_INLINE = True


def _unlock_context(request: Request, ctx: dict[str, Any], target: str, *,
                    compute: bool) -> dict[str, Any]:
    """The "what would it take" panel of a deal page (``_unlock.html``)."""
    from olivebranch.web import unlocking

    chosen = unlocking.target_of(target)
    out: dict[str, Any] = {"unlock_targets": unlocking.TARGET_LABELS, "unlock_target": chosen,
                           "unlock": None, "unlock_src": None}
    deal, scenario, as_of = ctx["deal"], ctx["scenario"], ctx["as_of"]
    if compute:
        ob = state(request)
        answer = unlocking.compute(ob, deal.id, scenario, parse_date(as_of), chosen)
        out["unlock"] = unlocking.panel(ob, answer, scenario=scenario, as_of=as_of,
                                        party_names=ctx["party_names"])
    else:
        query = {"scenario": scenario, "target": chosen, "fragment": "1",
                 **({"as_of": as_of} if as_of else {})}
        out["unlock_src"] = f"/deals/{quote(deal.id)}/unlock?{urlencode(query)}"
    return out


@router.get("/deals/{deal_id}/unlock", response_class=HTMLResponse)
def unlock_page(request: Request, deal_id: str, scenario: str = "status-quo", as_of: str = "",
                target: str = "", fragment: str = "") -> Response:
    """The "what would it take" panel alone: a page (no script needed), the bare panel
    (``?fragment=1``, which the deal page's script puts in place), or ``?format=json``
    (the API's shape, ``/api/deals/{id}/unlock``)."""
    from olivebranch.web import unlocking

    who = principal(request, "read")
    if _json(request):
        ob = state(request)
        answer = unlocking.compute(ob, deal_id, scenario, parse_date(as_of),
                                   unlocking.target_of(target))
        return JSONResponse(unlocking.answer_dict(answer, scenario))
    ctx = _deal_context(request, deal_id, scenario, as_of)
    ctx.update(_unlock_context(request, ctx, target, compute=True))
    if fragment == "1":
        return render(request, "_unlock.html", who, **ctx)
    return render(request, "unlock.html", who, nav="deals", **ctx)


def report_html(request: Request, deal_id: str, scenario: str, as_of: str) -> str:
    from olivebranch.web.reports import generated_stamp

    ctx = _deal_context(request, deal_id, scenario, as_of)
    from olivebranch.web.palette import stylesheet

    css = (HERE / "static" / "style.css").read_text(encoding="utf-8") + stylesheet()
    template = templates.get_template("report.html")
    return template.render(
        css=css, version=app_version(), generated=generated_stamp(),
        list_versions=state(request).store.active_versions(), **ctx,
    )


@router.get("/deals/{deal_id}/report", response_class=HTMLResponse)
def report_page(request: Request, deal_id: str, scenario: str = "status-quo",
                as_of: str = "") -> HTMLResponse:
    principal(request, "read")
    return HTMLResponse(report_html(request, deal_id, scenario, as_of))


@router.get("/deals/{deal_id}/report.pdf")
def report_pdf(request: Request, deal_id: str, scenario: str = "status-quo",
               as_of: str = "") -> Response:
    from olivebranch.web.reports import html_to_pdf

    principal(request, "read")
    pdf = html_to_pdf(report_html(request, deal_id, scenario, as_of))
    name = f"olivebranch-{deal_id}-{scenario}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, as_of: str = "") -> Response:
    from olivebranch.scenarios.chart import chart_svg
    from olivebranch.scenarios.engine import summarise

    who = principal(request, "read")
    ob = state(request)
    day = parse_date(as_of)
    entries = list(ob.scenarios.entries().values())
    summary = summarise(ob.matrix([e.name for e in entries], day))
    infos = [present.scenario_info(e, ob.scenarios.lookup) for e in entries]
    if _json(request):
        return JSONResponse({"summary": summary.as_dict(), "scenarios": infos})
    return render(
        request, "scenarios.html", who, nav="scenarios", summary=summary.as_dict(),
        chart=_inline_svg(chart_svg(summary)), scenarios=infos, as_of=as_of,
    )


@router.get("/scenarios/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: str = "status-quo", b: str = "us-executive-relief",
                 as_of: str = "") -> Response:
    from olivebranch.scenarios.chart import chart_svg
    from olivebranch.scenarios.engine import diff, summarise

    who = principal(request, "read")
    ob = state(request)
    day = parse_date(as_of)
    ob.scenarios.get(a)
    ob.scenarios.get(b)
    run_a, run_b = ob.run(a, day), ob.run(b, day)
    cmp = present.compare_runs(run_a, run_b)
    if _json(request):
        return JSONResponse(cmp)
    diffs = diff(run_a, run_b)
    moved = [d for d in diffs if d.moves]
    moved.sort(key=lambda d: (-len(d.cleared), -len(d.moves), d.deal_id))
    unchanged = [d for d in diffs if not d.moves and d.remaining]
    summary = summarise(ob.matrix([a, b] if a != b else [a], day), baseline=a)
    return render(
        request, "compare.html", who, nav="scenarios", cmp=cmp, moved=moved,
        unchanged=unchanged, a_title=run_a.scenario.title, b_title=run_b.scenario.title,
        clear_a={r: run_a.counts(r).get("clear", 0) for r in run_a.regimes},
        clear_b={r: run_b.counts(r).get("clear", 0) for r in run_b.regimes},
        chart=_inline_svg(chart_svg(summary)), scenarios=_scenario_list(request), as_of=as_of,
    )

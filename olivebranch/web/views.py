"""Server-rendered pages of the analyst UI. Each view reads the engines from ``app.state``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from olivebranch.api import auth, screening
from olivebranch.api.deps import state
from olivebranch.match import DEFAULT_THRESHOLD

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
SCHEMATA = ("LegalEntity", "Person", "Company", "Organization", "Vessel", "Airplane")


class LoginRequired(Exception):
    """The page needs a key the browser has not presented."""


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


def principal(request: Request, level: str) -> auth.Principal:
    """The caller, if allowed at ``level``; anonymous callers without access go to sign-in."""
    try:
        return auth.require(level)(request)
    except HTTPException as exc:
        if exc.status_code == 401:
            raise LoginRequired() from None
        raise


def render(request: Request, template: str, who: auth.Principal, **context: Any) -> HTMLResponse:
    ob = state(request)
    from olivebranch.api.app import _version

    base = {
        "principal": who,
        "version": _version(),
        "list_versions": ob.store.active_versions(),
        "nav": context.pop("nav", None),
    }
    return templates.TemplateResponse(request, template, {**base, **context})


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
    """Status per regime, carrying paths and the picture, if the ownership engine is there."""
    return {"status": None, "paths": [], "picture": None, "ownership": False}


def error_page(request: Request, who: auth.Principal, status: int, title: str, message: str) -> HTMLResponse:
    resp = render(request, "error.html", who, title=title, message=message, status=status)
    resp.status_code = status
    return resp


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

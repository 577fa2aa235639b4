"""The application factory: one FastAPI app per ``Settings`` that mounts the HTTP API
(``olivebranch.api``) and the web UI (``olivebranch.web``) over one workspace held in
``app.state``. The API never imports the web UI; this module is the only place both meet."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from olivebranch.api import errors, guard
from olivebranch.api.settings import Settings, app_version
from olivebranch.api.state import AppState

DESCRIPTION = """\
Sanctions screening and deal feasibility over the official lists, with nothing else to install.

* **Screening** (`/match`, `/search`, `/entities`, `/catalog`, `/algorithms`) speaks the
  OpenSanctions *yente* API, so yente clients work unchanged.
* **olivebranch** (`/api/…`): list versions, ownership with its picture, the deal catalogue
  with per-regime verdicts, and sanctions-relief scenarios.

Authentication: send an API key as `X-API-Key: ob_…` or `Authorization: Bearer ob_…`. Roles:
`read` < `analyst` (writes deals and scenarios) < `admin` (imports lists, manages keys). With
`OLIVEBRANCH_ANONYMOUS_MATCH=1` (the default, for local use) the screening endpoints need no
key; `OLIVEBRANCH_ANONYMOUS_READ=1` (default) opens the other read-only endpoints too.

*Not legal advice*: every verdict carries its citations and the confidence of its rule.
"""

TAGS = [
    {"name": "Matching", "description": "yente-compatible screening endpoints"},
    {"name": "Lists", "description": "official list versions in the store"},
    {"name": "Ownership", "description": "who owns whom, and what it means per regime"},
    {"name": "Deals", "description": "the deal catalogue and per-regime verdicts"},
    {"name": "Scenarios", "description": "sanctions-relief scenarios and what they unlock"},
    {"name": "Admin", "description": "API keys and list imports (admin role)"},
    {"name": "System", "description": "health and readiness"},
]


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    """Build the app. The store is opened and the index built at start-up (lifespan), unless a
    ready ``state`` is passed in (tests and benches share one across apps)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # CPU-bound work (a scenario run, an index build) runs in worker threads; a short GIL
        # switch interval lets the event loop in often, so /healthz and cheap pages stay fast
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        if getattr(app.state, "ob", None) is None:
            app.state.ob = AppState.start(settings)
            if settings.warm_up:
                threading.Thread(target=app.state.ob.warm_up, name="warm-up", daemon=True).start()
        yield

    app = FastAPI(
        title="olivebranch",
        version=app_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN, which an offline machine cannot
        # reach; /docs is rendered by the web UI from the same OpenAPI document instead.
        docs_url=None,
        redoc_url=None,
    )
    app.state.ob = state
    app.state.settings = settings
    errors.install(app)
    from olivebranch.api.fastpath import FastMatch

    app.add_middleware(FastMatch)  # inner: sees the body the guard let through
    from olivebranch.api.security import SecurityMiddleware

    app.add_middleware(SecurityMiddleware, settings=settings)  # headers, CSRF, base URL
    # outermost: sizes, keys, rate limits and queues before a byte of the body is read
    app.state.guard = guard.install(app, settings)

    from olivebranch.api.routers import (
        admin,
        deals,
        files,
        health,
        lists,
        match,
        monitor,
        ownership,
        reviews,
        scenarios,
        unlock,
    )
    from olivebranch.web import alerts, views

    for module in (health, match, lists, ownership, unlock, deals, scenarios, files, reviews,
                   admin, monitor):
        app.include_router(module.router)
    views.mount(app)
    app.include_router(alerts.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


#: operations whose JSON body is a deal or a scenario file (validated by those modules, so the
#: route takes the raw body and the schema is added to the document here)
BODY_SCHEMAS = {
    ("/api/deals", "post"): "Deal",
    ("/api/deals/{deal_id}", "put"): "Deal",
    ("/api/deals/validate", "post"): "Deal",
    ("/api/scenarios", "post"): "Scenario",
    ("/api/scenarios/{name}", "put"): "Scenario",
    ("/api/scenarios/run", "post"): "Scenario",
}


#: answers of the outer guard (any route): status -> description
GUARD_ANSWERS = {
    "400": "Bad request (a malformed parameter or URL)",
    "401": "API key missing, invalid, revoked or expired",
    "403": "API key lacks the role",
    "404": "No such item (deal, scenario, entity, list version)",
    "413": "Request body too large (checked before it is read)",
    "414": "A URL path segment is too long",
    "422": "Invalid input (including text that is not valid Unicode, or a scenario over the "
           "size limits)",
    "429": "Rate limit or queue full; see Retry-After",
    "503": "Busy: waited in the queue too long; see Retry-After",
}


def _openapi(app: FastAPI) -> dict:
    """FastAPI's document plus the deal and scenario file schemas for the bodies that carry
    them (deal files and scenario files are the same shapes as on disk)."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from olivebranch.deals.models import Deal
    from olivebranch.scenarios.model import json_schema as scenario_schema

    spec = get_openapi(title=app.title, version=app.version, description=app.description,
                       routes=app.routes, tags=app.openapi_tags)
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"
    deal = Deal.model_json_schema(by_alias=True, ref_template=ref)
    scenario = scenario_schema()
    for schema, name in ((deal, "Deal"), (scenario, "Scenario")):
        defs = schema.pop("$defs", {})
        if name == "Scenario":
            text = json.dumps(schema)
            text = text.replace('"#/$defs/', '"#/components/schemas/')
            schema = json.loads(text)
            defs = json.loads(json.dumps(defs).replace('"#/$defs/', '"#/components/schemas/'))
        for key, value in defs.items():
            components.setdefault(key, value)
        schema.pop("$schema", None)
        components[name] = schema
    for (path, method), name in BODY_SCHEMAS.items():
        op = spec.get("paths", {}).get(path, {}).get(method)
        if op is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
            }
    # validation errors are answered by errors.validation_handler, in this shape
    for ops in spec.get("paths", {}).values():
        for op in ops.values():
            bad = op.get("responses", {}).get("422")
            if bad is not None:
                bad["content"] = {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ValidationErrorResponse"}}}
    # what the guard and the error handler may answer on any route (api.guard, api.limits)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for path, ops in spec.get("paths", {}).items():
        for op in ops.values():
            responses = op.setdefault("responses", {})
            for status, text in GUARD_ANSWERS.items():
                if status == "503" and not path.startswith("/api/scenarios"):
                    continue
                responses.setdefault(status, {"description": text, "content": error})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = spec
    return spec

"""The alerts page of the analyst UI: what the monitor found, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from olivebranch.api.deps import state

router = APIRouter(include_in_schema=False)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, run: int | None = None) -> Response:
    from olivebranch.monitor.alerts import recent
    from olivebranch.web.views import principal, render

    who = principal(request, "read")
    items = recent(state(request).store, 200, run)
    if request.query_params.get("format") == "json":
        return JSONResponse([a.to_dict() for a in items])
    return render(request, "alerts.html", who, nav="alerts", alerts=items, run=run)

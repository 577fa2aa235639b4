"""The ownership explorer: an interactive graph of who owns whom around one entity (cytoscape,
vendored under ``static/vendor``), grown one level at a time from ``/api/ownership/{id}``, with
the same statuses and colours as the rest of the UI and a table of what is on screen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

router = APIRouter(include_in_schema=False)
#: ownership status -> (label, verdict class): one colour scale for the whole UI
STATUS = {
    "designated": ("Designated", "prohibited"),
    "owned": ("Blocked: owned", "licence_required"),
    "controlled": ("Blocked: controlled", "licence_required"),
    "possibly_owned": ("Possibly owned", "risk"),
    "sectoral_designated": ("Sectoral: designated", "restricted"),
    "sectoral_owned": ("Sectoral: owned", "restricted"),
    "none": ("Not blocked", "clear"),
}


@router.get("/ownership", response_class=HTMLResponse)
def ownership_search(request: Request, q: str = "") -> Response:
    from olivebranch.api import screening
    from olivebranch.api.deps import state
    from olivebranch.match import DEFAULT_THRESHOLD
    from olivebranch.web.pages import principal, render

    who = principal(request, "read")
    q = q.strip()[:300]
    results = []
    if q:
        ob = state(request)
        query = screening.make_query("LegalEntity", {"name": [q]})
        found = screening.run_query(ob.index, query, dataset="default", limit=10,
                                    threshold=DEFAULT_THRESHOLD, cutoff=0.5)
        graph = ob.ownership(None).graph
        results = [_row(r, graph) for r in found]
        results.sort(key=lambda r: not r["in_graph"])  # companies with ownership data first
        if len(results) == 1 or (results and results[0]["score"] >= 0.99 and results[0]["in_graph"]
                                 and request.query_params.get("go") == "1"):
            return RedirectResponse(f"/ownership/{results[0]['id']}", status_code=303)
    return render(request, "ownership_search.html", who, nav="ownership", q=q, results=results)


def _row(found: object, graph: object) -> dict:
    """One search row: a party (one result per party since party-based screening) is shown by
    the first of its records the ownership graph knows (the OFAC record usually carries the
    ownership data, whichever record matched best), else by its best record."""
    records = list(getattr(found, "records", None) or []) or [found]
    pick = next((r for r in records if graph.node(r.entity_id) is not None), None)  # type: ignore[attr-defined]
    shown = pick or found
    return {"id": shown.entity_id, "caption": shown.caption or found.caption,  # type: ignore[attr-defined]
            "score": found.score, "in_graph": pick is not None}  # type: ignore[attr-defined]


@router.get("/ownership/{entity_id}", response_class=HTMLResponse)
def explorer(request: Request, entity_id: str) -> HTMLResponse:
    from olivebranch.api.routers.ownership import resolve
    from olivebranch.web.pages import principal, render

    who = principal(request, "read")
    analysis, eid = resolve(request, entity_id, None)
    regimes = list(analysis.results)
    return render(request, "explorer.html", who, nav="ownership", entity_id=eid,
                  name=analysis.name(eid), regimes=regimes, statuses=STATUS)

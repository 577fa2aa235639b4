"""Ownership of an entity: each regime's status with the paths that carry it, and a picture."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from olivebranch.api.auth import require
from olivebranch.api.deps import parse_date, state
from olivebranch.api.models import ErrorResponse
from olivebranch.errors import NotFound

router = APIRouter(prefix="/api/ownership", tags=["Ownership"],
                   dependencies=[Depends(require("read"))])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    404: {"model": ErrorResponse, "description": "Unknown entity"},
}
AS_OF = Query(None, max_length=10, description="Evaluate as of this date (YYYY-MM-DD)")
DEPTH = Query(2, ge=1, le=6, description="Levels up and down")


class OwnershipNode(BaseModel):
    entity_id: str
    name: str
    status: dict[str, str | None]


class OwnershipReport(BaseModel):
    entity_id: str
    name: str
    as_of: str | None
    status: dict[str, dict[str, Any]]
    rules: dict[str, dict[str, Any]]
    nodes: list[OwnershipNode]
    edges: list[dict[str, Any]]


def resolve(request: Request, ref: str, as_of: str | None) -> tuple[Any, str]:
    """(analysis, entity id) for an id or OFAC entry number; 404 if neither list nor graph
    knows it."""
    from olivebranch.entities import resolve_entity_id

    ob = state(request)
    day = parse_date(as_of)
    analysis = ob.ownership(day)
    if analysis.graph.node(ref) is not None:
        return analysis, ref
    found = resolve_entity_id(ob.store, ref, as_of=day)
    if found is None:
        raise NotFound(f"no entity {ref!r} in the lists or the ownership graph")
    return analysis, found


def report(analysis: Any, eid: str, depth: int, as_of: str | None) -> OwnershipReport:
    g = analysis.graph
    v = g.node(eid)
    nodes, edges = g.neighbourhood(v, depth) if v is not None else (set(), [])
    return OwnershipReport(
        entity_id=eid,
        name=analysis.name(eid),
        as_of=as_of,
        status={r: st.to_dict() for r, st in analysis.status(eid).items()},
        rules=analysis.rules(),
        nodes=[
            OwnershipNode(
                entity_id=g.ids[u],
                name=analysis.name(g.ids[u]),
                status={r: res.code(u) for r, res in analysis.results.items()},
            )
            for u in sorted(nodes)
        ],
        edges=[g.edge(e).to_dict() for e in edges],
    )


@router.get("/{entity_id}", response_model=OwnershipReport, responses=ERRORS,
            summary="Status per regime (designated, owned, controlled…) with ownership paths")
def ownership(request: Request, entity_id: str, as_of: str | None = AS_OF,
              depth: int = DEPTH) -> OwnershipReport:
    analysis, eid = resolve(request, entity_id, as_of)
    return report(analysis, eid, depth, as_of)


@router.get("/{entity_id}/picture.svg", response_class=Response, responses=ERRORS,
            summary="The ownership graph around the entity, coloured by status (SVG)")
def picture(request: Request, entity_id: str, as_of: str | None = AS_OF,
            depth: int = DEPTH) -> Response:
    from olivebranch.ownership.picture import svg

    analysis, eid = resolve(request, entity_id, as_of)
    return Response(svg(analysis, eid, depth=depth), media_type="image/svg+xml")

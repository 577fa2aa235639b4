"""Official list versions in the store: what is active, its history, and what changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from olivebranch.api.auth import require
from olivebranch.api.deps import state
from olivebranch.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/lists", tags=["Lists"], dependencies=[Depends(require("read"))])


#: a version id as the database can hold it (a larger number is a 422, not an overflow)
VERSION_ID = Path(..., ge=1, le=2**63 - 1)


class VersionModel(BaseModel):
    id: int
    source: str
    title: str | None = None
    regime: str | None = None
    published: date | None = None
    imported_at: datetime
    entity_count: int
    active: bool
    counts: dict[str, Any] = {}
    note: str | None = None


class DiffModel(BaseModel):
    source: str
    old_version: int
    new_version: int
    added: list[dict[str, str]]
    removed: list[dict[str, str]]
    changed: list[dict[str, Any]]


def utc(value: datetime | None) -> datetime | None:
    """A stored time as UTC with its offset (SQLite gives times back without one; RFC 3339,
    which the API document promises, needs it)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def version_model(v: Any) -> VersionModel:
    from olivebranch.lists import registry

    spec = registry().get(v.source)
    return VersionModel(
        id=v.id,
        source=v.source,
        title=spec.title if spec else None,
        regime=spec.regime if spec else None,
        published=v.published,
        imported_at=utc(v.imported_at),
        entity_count=v.entity_count,
        active=v.active,
        counts=v.counts,
        note=v.note,
    )


@router.get("", response_model=list[VersionModel], summary="The active version of each list")
def active_lists(request: Request) -> list[VersionModel]:
    return [version_model(v) for v in state(request).store.active_versions()]


@router.get(
    "/versions", response_model=list[VersionModel], summary="Every stored version of every list"
)
def all_versions(request: Request, source: str | None = Query(None, max_length=64)) -> list[VersionModel]:
    return [version_model(v) for v in state(request).store.versions(source)]


@router.get(
    "/diff/{old_id}/{new_id}",
    response_model=DiffModel,
    summary="What changed between two versions of one list",
)
def diff(request: Request, old_id: int = VERSION_ID, new_id: int = VERSION_ID) -> DiffModel:
    from olivebranch.lists.diff import diff_versions

    try:
        d = diff_versions(state(request).store, old_id, new_id)
    except KeyError as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return DiffModel(
        source=d.source,
        old_version=d.old_version,
        new_version=d.new_version,
        added=[{"id": i, "schema": s, "caption": c} for i, s, c in d.added],
        removed=[{"id": i, "schema": s, "caption": c} for i, s, c in d.removed],
        changed=[{"id": c.entity_id, "caption": c.caption, "changes": c.changes} for c in d.changed],
    )

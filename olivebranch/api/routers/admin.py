"""Admin endpoints: API keys and list imports. All need the ``admin`` role."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from olivebranch.api import auth
from olivebranch.api.deps import parse_date, state
from olivebranch.api.routers.lists import VersionModel, version_model

router = APIRouter(prefix="/api/admin", tags=["Admin"], dependencies=[Depends(auth.require("admin"))])


class KeyModel(BaseModel):
    key_id: str
    name: str
    role: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked: bool = False


class NewKey(BaseModel):
    name: str = Field(..., min_length=1, max_length=200, examples=["payments screening"])
    role: str = Field(..., pattern="^(read|analyst|admin)$", examples=["read"])


class CreatedKey(KeyModel):
    key: str = Field(..., description="The full key. Shown once; only its hash is stored.")


class ImportResult(BaseModel):
    source: str
    skipped: bool
    seconds: float
    warnings: list[str] = []
    version: VersionModel | None = None
    index_rebuilt: bool = False


def _key_model(k: auth.KeyInfo) -> KeyModel:
    return KeyModel(
        key_id=k.key_id,
        name=k.name,
        role=k.role,
        created_at=k.created_at,
        last_used_at=k.last_used_at,
        revoked=k.revoked,
    )


@router.get("/keys", response_model=list[KeyModel], summary="List API keys (never the secrets)")
def keys(request: Request) -> list[KeyModel]:
    return [_key_model(k) for k in auth.list_keys(state(request).store)]


@router.post("/keys", response_model=CreatedKey, status_code=201, summary="Create an API key")
def create_key(request: Request, body: NewKey) -> CreatedKey:
    key, info = auth.create_key(state(request).store, body.name, body.role)
    return CreatedKey(key=key, **_key_model(info).model_dump())


@router.delete("/keys/{key_id}", status_code=204, summary="Revoke an API key")
def revoke_key(request: Request, key_id: str) -> None:
    try:
        auth.revoke_key(state(request).store, key_id)
    except auth.ApiKeyError as exc:
        raise HTTPException(404, detail=str(exc)) from None


@router.post(
    "/lists/{source}/import",
    response_model=ImportResult,
    summary="Import an official list file as a new active version, then rebuild the index",
)
def import_list(
    request: Request,
    source: str,
    file: UploadFile = File(..., description="The publisher's file (XML, CSV, JSON lines …)"),
    published: str | None = Form(None, description="List date (YYYY-MM-DD) if the file has none"),
    force: bool = Form(False),
) -> ImportResult:
    from olivebranch.lists import registry
    from olivebranch.lists.importer import import_path

    if source not in registry():
        raise HTTPException(404, detail=f"unknown source {source!r}; known: {', '.join(sorted(registry()))}")
    ob = state(request)
    suffix = Path(file.filename or "upload").suffix[:16]
    with tempfile.TemporaryDirectory(prefix="olivebranch-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with open(path, "wb") as fh:
            shutil.copyfileobj(file.file, fh)
        report = import_path(
            ob.store, path, source, published=parse_date(published, "published"), force=force
        )
    rebuilt = False
    if not report.skipped:
        with ob.lock:
            ob.rebuild_index()
        rebuilt = True
    return ImportResult(
        source=report.source,
        skipped=report.skipped,
        seconds=round(report.seconds, 3),
        warnings=report.warnings[:100],
        version=version_model(report.version) if report.version else None,
        index_rebuilt=rebuilt,
    )


@router.post(
    "/lists/load-bundled",
    response_model=list[ImportResult],
    summary="Import every bundled list snapshot (unchanged ones are skipped)",
)
def load_bundled(request: Request) -> list[ImportResult]:
    from olivebranch.lists.importer import import_bundled

    ob = state(request)
    reports = import_bundled(ob.store)
    changed = any(not r.skipped for r in reports)
    if changed:
        with ob.lock:
            ob.rebuild_index()
    return [
        ImportResult(
            source=r.source,
            skipped=r.skipped,
            seconds=round(r.seconds, 3),
            warnings=r.warnings[:100],
            version=version_model(r.version) if r.version else None,
            index_rebuilt=changed,
        )
        for r in reports
    ]

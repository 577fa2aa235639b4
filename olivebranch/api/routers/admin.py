"""Admin endpoints: API keys and list imports. All need the ``admin`` role."""

from __future__ import annotations

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
    summary="Import an official list (one file, the source's whole file set, or a zip of it) "
    "as a new active version, then rebuild the index",
    responses={
        400: {"description": "The file is broken, hostile, or another source's file"},
        409: {"description": "Another import is running (see Retry-After), or the file looks "
                            "incomplete or much smaller than the active version"},
    },
)
def import_list(
    request: Request,
    source: str,
    file: list[UploadFile] = File(
        ...,
        description="The publisher's file(s): one file (XML, CSV, XLSX, JSON lines …), all the "
        "files of a set such as OFAC's sdn.csv, add.csv, alt.csv and sdn_comments.csv (repeat "
        "the field), or a zip holding them. What each file is comes from its content, not its "
        "name.",
    ),
    published: str | None = Form(None, description="List date (YYYY-MM-DD) if the file has none"),
    force: bool = Form(False),
    accept_shrink: bool = Form(
        False,
        description="Store the file even if it has far fewer designations than the active "
        "version, or looks cut off (no end marker)",
    ),
    max_shrink: float | None = Form(
        None, ge=0.0, le=1.0,
        description="Largest drop against the active version accepted without accept_shrink "
        "(default 0.1)",
    ),
) -> ImportResult:
    from olivebranch.errors import ImportLockedError, ImportRefusedError, ParseError
    from olivebranch.lists import registry
    from olivebranch.lists.fileset import stage
    from olivebranch.lists.importer import import_path

    if source not in registry():
        raise HTTPException(404, detail=f"unknown source {source!r}; known: {', '.join(sorted(registry()))}")
    ob = state(request)
    names = [f.filename or f"upload{i}" for i, f in enumerate(file)]
    with tempfile.TemporaryDirectory(prefix="olivebranch-upload-") as tmp:
        try:
            path = stage([(n, f.file) for n, f in zip(names, file, strict=True)], Path(tmp))
            report = import_path(
                ob.store, path, source, published=parse_date(published, "published"), force=force,
                accept_shrink=accept_shrink, max_shrink=max_shrink,
                label="upload: " + ", ".join(n[:100] for n in names[:10]),
            )
        except ImportLockedError as exc:
            raise HTTPException(409, detail=str(exc), headers={"Retry-After": "30"}) from None
        except ParseError as exc:
            status = 409 if isinstance(exc, ImportRefusedError) else 400
            raise HTTPException(status, detail=_without_dir(str(exc), tmp)) from None
    rebuilt = False
    if not report.skipped:
        from olivebranch.parties import after_import

        after_import(ob.store)  # the parties of the new version, before the index groups them
        with ob.lock:
            ob.rebuild_index()
        rebuilt = True
    return ImportResult(
        source=report.source,
        skipped=report.skipped,
        seconds=round(report.seconds, 3),
        warnings=[_without_dir(w, tmp) for w in report.warnings[:100]],
        version=version_model(report.version) if report.version else None,
        index_rebuilt=rebuilt,
    )


def _without_dir(message: str, folder: str) -> str:
    """Messages name the uploaded files, not the server's temporary directory."""
    return message.replace(folder + "/", "").replace(folder, "upload")


@router.post(
    "/lists/load-bundled",
    response_model=list[ImportResult],
    summary="Import every bundled list snapshot (unchanged ones are skipped)",
)
def load_bundled(request: Request) -> list[ImportResult]:
    from olivebranch.errors import ImportLockedError
    from olivebranch.lists.importer import import_bundled

    ob = state(request)
    try:
        reports = import_bundled(ob.store)
    except ImportLockedError as exc:
        raise HTTPException(409, detail=str(exc), headers={"Retry-After": "30"}) from None
    changed = any(not r.skipped for r in reports)
    if changed:
        from olivebranch.parties import after_import

        after_import(ob.store)
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

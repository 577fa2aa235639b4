"""Monitoring alerts and runs: what changed in the lists and whom it touched."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from olivebranch.api.auth import require
from olivebranch.api.deps import state

router = APIRouter(prefix="/api/monitor", tags=["Monitor"], dependencies=[Depends(require("read"))])


@router.get("/alerts", summary="Latest alerts (newest first)")
def alerts(request: Request, limit: int = Query(100, ge=1, le=1000),
           run: int | None = Query(None, description="only this run's")) -> list[dict[str, Any]]:
    from olivebranch.monitor.alerts import recent

    return [a.to_dict() for a in recent(state(request).store, limit, run)]


@router.get("/runs", summary="Latest monitor runs with their per-source outcome")
def runs(request: Request, limit: int = Query(20, ge=1, le=500)) -> list[dict[str, Any]]:
    from olivebranch.monitor.tables import monitor_runs

    q = select(monitor_runs).order_by(monitor_runs.c.id.desc()).limit(limit)
    with state(request).store.engine.connect() as conn:
        return [{**dict(r._mapping), "started_at": r.started_at.isoformat(),
                 "finished_at": r.finished_at.isoformat() if r.finished_at else None}
                for r in conn.execute(q)]

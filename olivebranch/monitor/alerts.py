"""Where alerts go: the store (always), a JSON lines file, a webhook.

The webhook receives one POST per run with ``{"run": id, "alerts": [...]}`` as JSON, signed
with a secret shared with the receiver: ``X-Olivebranch-Signature: sha256=<hex HMAC-SHA256 of
"<timestamp>.<body>">`` and ``X-Olivebranch-Timestamp: <unix seconds>`` (the timestamp inside
the signed text stops replays of an old body). Connection errors, timeouts, 429 and 5xx are
retried with backoff; a 4xx other than 429 is not (the receiver refused the body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from olivebranch.monitor.tables import monitor_alerts
from olivebranch.store import Store

SIGNATURE_HEADER = "X-Olivebranch-Signature"
TIMESTAMP_HEADER = "X-Olivebranch-Timestamp"


@dataclass
class Alert:
    kind: str  # designation_added | designation_removed | designation_amended | update_failed | verdict_changed
    title: str
    payload: dict[str, Any]
    source: str | None = None
    entity_id: str | None = None
    id: int | None = None
    run_id: int | None = None
    created_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "run_id": self.run_id, "kind": self.kind, "title": self.title,
                "source": self.source, "entity_id": self.entity_id,
                "created_at": self.created_at.isoformat() if self.created_at else None,
                **self.payload}


def save(store: Store, run_id: int, alerts: list[Alert]) -> None:
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        for a in alerts:
            a.run_id, a.created_at = run_id, now
            res = conn.execute(insert(monitor_alerts).values(
                run_id=run_id, created_at=now, kind=a.kind, source=a.source,
                entity_id=a.entity_id, title=a.title, payload=a.payload))
            a.id = res.inserted_primary_key[0] if res.inserted_primary_key else None


def recent(store: Store, limit: int = 100, run_id: int | None = None) -> list[Alert]:
    q = select(monitor_alerts).order_by(monitor_alerts.c.id.desc()).limit(limit)
    if run_id is not None:
        q = q.where(monitor_alerts.c.run_id == run_id)
    with store.engine.connect() as conn:
        return [Alert(m["kind"], m["title"], m["payload"] or {}, m["source"], m["entity_id"],
                      m["id"], m["run_id"], m["created_at"])
                for m in (r._mapping for r in conn.execute(q))]


def write_jsonl(path: Path, alerts: Iterable[Alert]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "a", encoding="utf-8") as fh:
        for a in alerts:
            fh.write(json.dumps(a.to_dict(), ensure_ascii=False, default=str) + "\n")
            n += 1
    return n


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *,
           max_age: float | None = 300.0, now: float | None = None) -> bool:
    """What a receiver checks: the signature, and that the timestamp is recent."""
    if max_age is not None:
        try:
            if abs((now or time.time()) - float(timestamp)) > max_age:
                return False
        except ValueError:
            return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass
class Delivery:
    ok: bool
    attempts: int
    status: int | None
    error: str | None = None


def post_webhook(url: str, secret: str, run_id: int, alerts: list[Alert], *, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 1.0) -> Delivery:
    body = json.dumps({"run": run_id, "alerts": [a.to_dict() for a in alerts]},
                      ensure_ascii=False, default=str).encode()
    status, error = None, None
    for attempt in range(1, retries + 2):
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: ts,
                   SIGNATURE_HEADER: sign(secret, ts, body), "User-Agent": "olivebranch-monitor"}
        try:
            resp = httpx.post(url, content=body, headers=headers, timeout=timeout)
            status, error = resp.status_code, None
            if resp.status_code < 300:
                return Delivery(True, attempt, status)
            error = f"HTTP {resp.status_code}"
            if 400 <= resp.status_code < 500 and resp.status_code != 429:
                return Delivery(False, attempt, status, f"{error}: refused by the receiver")
        except httpx.HTTPError as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        if attempt <= retries:
            time.sleep(min(backoff * 2 ** (attempt - 1), 30))
    return Delivery(False, retries + 1, status, error)

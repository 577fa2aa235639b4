"""Writing, reading and verifying the hash-chained audit trail."""

from __future__ import annotations

import getpass
import hashlib
import json
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from olivebranch.audit.tables import audit_blobs, audit_records
from olivebranch.errors import NotFound
from olivebranch.store import Store

GENESIS = "0" * 64
#: Who is asking, for the records written in this context (the API sets it per request).
ACTOR: ContextVar[str | None] = ContextVar("olivebranch_actor", default=None)


def actor() -> str:
    """The current actor: set by the API per request (``api:<key id>``), else the local user."""
    who = ACTOR.get()
    if who:
        return who
    try:
        return f"local:{getpass.getuser()}"
    except Exception:  # no user name (containers)
        return "local:unknown"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def sha(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def record_hash(prev: str, at: str, who: str, action: str, subject: str | None,
                inputs: Any, result_digest: str) -> str:
    return sha({"prev": prev, "at": at, "who": who, "action": action, "subject": subject,
                "inputs": inputs, "result": result_digest})


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    who: str
    action: str
    subject: str | None
    inputs: dict[str, Any]
    result: Any
    result_digest: str
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": _iso(self.at)}


def _iso(at: datetime) -> str:
    """The stored time as hashed: UTC, microseconds, no zone suffix (SQLite drops zones)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


class AuditLog:
    """The audit trail of one store. Thread-safe; writers in other processes are kept in one
    chain by the unique ``prev_hash`` (a lost race retries on the new last record)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._blobs: set[str] = set()

    def blob(self, kind: str, content: Any) -> str:
        """Keep ``content`` once under its hash; returns the hash."""
        return self.blobs(kind, [content])[0]

    def blobs(self, kind: str, contents: list[Any]) -> list[str]:
        """Keep each content once under its hash (one query for those not known yet)."""
        digests = [sha(c) for c in contents]
        todo = {d: c for d, c in zip(digests, contents, strict=True) if d not in self._blobs}
        if todo:
            with self.store.engine.begin() as conn:
                have = {r[0] for r in conn.execute(select(audit_blobs.c.digest).where(
                    audit_blobs.c.digest.in_(list(todo))))}
                for d, c in todo.items():
                    if d not in have:
                        try:
                            with conn.begin_nested():
                                conn.execute(insert(audit_blobs).values(digest=d, kind=kind,
                                                                        content=c))
                        except IntegrityError:
                            pass
            self._blobs.update(todo)
        return digests

    def get_blob(self, digest: str) -> Any:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(audit_blobs.c.content).where(audit_blobs.c.digest == digest)
                               ).first()
        if row is None:
            raise NotFound(f"audit: no stored content with hash {digest}")
        return row[0]

    def record(self, action: str, *, inputs: dict[str, Any], result: Any,
               subject: str | None = None, who: str | None = None) -> int:
        """Append one record; returns its id."""
        return self.record_many([(action, subject, inputs, result)], who=who)[0]

    def record_many(self, items: list[tuple[str, str | None, dict[str, Any], Any]], *,
                    who: str | None = None) -> list[int]:
        """Append ``(action, subject, inputs, result)`` records in one transaction, chained in
        order; returns their ids."""
        who = who or actor()
        # as the database gives them back (JSON types only), so that verify hashes the same
        rows = [(a, subj, json.loads(canonical(i)), json.loads(canonical(r)))
                for a, subj, i, r in items]
        with self._lock:
            for _attempt in range(50):
                at = datetime.now(UTC).replace(tzinfo=None)
                try:
                    with self.store.engine.begin() as conn:
                        last = conn.execute(select(audit_records.c.hash)
                                            .order_by(audit_records.c.id.desc()).limit(1)).first()
                        prev = last[0] if last else GENESIS
                        values = []
                        for action, subject, inputs, result in rows:
                            digest = sha(result)
                            h = record_hash(prev, _iso(at), who, action, subject, inputs, digest)
                            values.append({"at": at, "who": who, "action": action,
                                           "subject": subject, "inputs": inputs,
                                           "result": result, "result_digest": digest,
                                           "prev_hash": prev, "hash": h})
                            prev = h
                        conn.execute(insert(audit_records), values)  # one statement for all
                        found = dict(conn.execute(
                            select(audit_records.c.hash, audit_records.c.id).where(
                                audit_records.c.hash.in_([v["hash"] for v in values]))).all())
                    return [int(found[v["hash"]]) for v in values]
                except (IntegrityError, OperationalError):
                    # another writer took this place in the chain (or holds the database's
                    # write lock): read the new last record and try again
                    time.sleep(0.005 * (1 + _attempt))
                    continue
            raise RuntimeError("audit: could not append records (chain contended)")

    def list(self, *, action: str | None = None, limit: int = 50,
             subject: str | None = None) -> list[AuditRecord]:
        q = select(audit_records).order_by(audit_records.c.id.desc()).limit(limit)
        if action:
            q = q.where(audit_records.c.action == action)
        if subject:
            q = q.where(audit_records.c.subject == subject)
        with self.store.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def get(self, record_id: int) -> AuditRecord:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(audit_records).where(audit_records.c.id == record_id)).first()
        if row is None:
            raise NotFound(f"no audit record {record_id}")
        return _row(row)

    def count(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_records)).scalar() or 0)

    def verify(self) -> VerifyReport:
        """Walk the chain from the first record: each record's result matches its digest, its
        hash matches its content, and it names the previous record's hash."""
        prev, n = GENESIS, 0
        with self.store.engine.connect() as conn:
            for r in conn.execute(select(audit_records).order_by(audit_records.c.id)):
                rec = _row(r)
                n += 1
                if rec.prev_hash != prev:
                    return VerifyReport(False, n, rec.id, "does not follow the previous record "
                                        "(a record before it was deleted, inserted or edited)")
                if sha(rec.result) != rec.result_digest:
                    return VerifyReport(False, n, rec.id, "its result was edited (digest differs)")
                expected = record_hash(prev, _iso(rec.at), rec.who, rec.action, rec.subject,
                                       rec.inputs, rec.result_digest)
                if expected != rec.hash:
                    return VerifyReport(False, n, rec.id, "its content was edited (hash differs)")
                prev = rec.hash
        return VerifyReport(True, n, None, "chain intact")


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    broken_at: int | None
    reason: str


def _row(r: Any) -> AuditRecord:
    m = r._mapping
    return AuditRecord(m["id"], m["at"], m["who"], m["action"], m["subject"], m["inputs"] or {},
                       m["result"], m["result_digest"], m["prev_hash"], m["hash"])

# ---------------------------------------------------------------- records of lower layers
# (the importer and the CLI's screening record through these; they depend on the store only)
def record_import(store: Any, report: Any) -> int | None:
    """A list import (every interface imports through ``lists.importer.import_path``)."""
    v = report.version
    if v is None:
        return None
    inputs = {"source": report.source, "file": report.path, "file_hash": v.file_hash,
              "skipped": report.skipped}
    result = {"version": v.id, "published": str(v.published) if v.published else None,
              "entities": v.entity_count,
              "designations": int((v.counts or {}).get("schema", {}).get("Sanction", 0)),
              "warnings": list(report.warnings)}
    return AuditLog(store).record("list_import", subject=report.source, inputs=inputs,
                                  result=result)


def _file_digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _lists(store: Any, day: date | None) -> list[dict[str, Any]]:
    return [{"id": v.id, "source": v.source, "file_hash": v.file_hash}
            for v in sorted(store.active_versions(day), key=lambda v: v.source)]


def record_batch_screening(store: Any, src: Path, dst: Path, counts: dict[str, int], *,
                           day: date | None, limit: int, threshold: float | None) -> int:
    """A batch screen: the input file by hash, the lists, the options; the counts and the hash
    of the output file (which holds every result)."""
    inputs = {"file": src.name, "file_hash": _file_digest(src), "as_of": str(day) if day else None,
              "limit": limit, "threshold": threshold, "lists": _lists(store, day)}
    result = {**counts, "output": str(dst), "output_hash": _file_digest(dst)}
    return AuditLog(store).record("screening", subject=src.name, inputs=inputs, result=result)


def record_query(store: Any, query: Any, results: list[Any], *, day: date | None, limit: int,
                 threshold: float | None) -> int:
    """One screened name: the query, the lists, and each result's record id and score."""
    inputs = {"query": {"names": query.names, "schema": query.schema,
                        "birth_date": query.birth_date, "countries": query.countries,
                        "identifiers": query.identifiers},
              "as_of": str(day) if day else None, "limit": limit, "threshold": threshold,
              "lists": _lists(store, day)}
    result = [{"entity_id": r.entity_id, "score": round(r.score, 4), "match": r.match}
              for r in results]
    return AuditLog(store).record("screening", subject=query.names[0] if query.names else None,
                                  inputs=inputs, result=result)

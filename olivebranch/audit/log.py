"""Writing, reading and verifying the hash-chained audit trail."""

from __future__ import annotations

import atexit
import functools
import getpass
import hashlib
import itertools
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from olivebranch.audit.tables import audit_blobs, audit_records
from olivebranch.errors import NotFound
from olivebranch.store import Store

GENESIS = "0" * 64
T = TypeVar("T")
#: one record to append: (action, subject, inputs, result)
Item = tuple[str, str | None, dict[str, Any], Any]
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


_TOKEN = secrets.token_hex(16)


class RawJSON(str):
    """A value already in canonical JSON (:func:`canonical_text`), spliced as is when it is a
    value of the top-level dict being serialised: inputs shared by many records (the list
    versions of the serving index) are serialised once."""


def canonical_text(value: Any) -> str:
    """The canonical JSON of a value: sorted keys, no spaces, UTF-8 kept (what is hashed)."""
    if isinstance(value, dict):
        raw = [k for k, v in value.items() if isinstance(v, RawJSON)]
        if raw:
            # each raw value is serialised as a placeholder no caller can write (a secret
            # token), then put in its place
            marks = {k: f"\x00{_TOKEN}{i}\x00" for i, k in enumerate(raw)}
            text = _dumps({k: marks.get(k, v) for k, v in value.items()})
            for k, mark in marks.items():
                text = text.replace(_dumps(mark), value[k], 1)
            return text
    return _dumps(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def canonical(value: Any) -> bytes:
    return canonical_text(value).encode()


def sha(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def record_hash(prev: str, at: str, who: str, action: str, subject: str | None,
                inputs: Any, result_digest: str) -> str:
    return sha({"prev": prev, "at": at, "who": who, "action": action, "subject": subject,
                "inputs": inputs, "result": result_digest})


def _chain_hash(prev: str, at: str, who: str, action: str, subject: str | None,
                inputs_json: str, result_digest: str) -> str:
    """:func:`record_hash` with the inputs already in canonical JSON (the same bytes)."""
    d = functools.partial(json.dumps, ensure_ascii=False)
    text = (f'{{"action":{d(action)},"at":{d(at)},"inputs":{inputs_json},"prev":{d(prev)},'
            f'"result":{d(result_digest)},"subject":{d(subject)},"who":{d(who)}}}')
    return hashlib.sha256(text.encode()).hexdigest()


_COLUMNS = "at, who, action, subject, inputs, result, result_digest, prev_hash, hash"
#: rows per INSERT statement (9 parameters each; SQLite allows 32,766)
_ROWS_PER_STATEMENT = 500


def _insert(conn: Connection, at: datetime, rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """Insert chained records with one multi-row statement (JSON given as text); returns the
    new ids by record hash."""
    pg = conn.dialect.name == "postgresql"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    js = f"CAST({mark} AS JSON)" if pg else mark
    row_sql = f"({mark}, {mark}, {mark}, {mark}, {js}, {js}, {mark}, {mark}, {mark})"
    # SQLite keeps times as text in SQLAlchemy's layout; PostgreSQL gets the zone (UTC), as
    # it would read a zone-less time in the session's zone
    when: Any = at.replace(tzinfo=UTC) if pg else at.strftime("%Y-%m-%d %H:%M:%S.%f")
    ids: dict[str, int] = {}
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start:start + _ROWS_PER_STATEMENT]
        sql = (f"INSERT INTO audit_records ({_COLUMNS}) VALUES "
               + ", ".join([row_sql] * len(chunk)) + " RETURNING id, hash")
        params = tuple(v for r in chunk for v in (when, *r))
        ids.update((h, int(i)) for i, h in conn.exec_driver_sql(sql, params))
    return ids


class _ChainRace(Exception):
    """Another writer appended to the chain first (the unique ``prev_hash``)."""


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
        self._guard = threading.Lock()
        self._blobs: set[str] = set()
        self._deferred: _Deferred | None = None
        self._quick_engine: Engine | None = None
        # the hash of the last record this object appended: the next append's guess of the
        # chain's end (a writer in another process may have appended since; the unique
        # prev_hash then refuses the insert, and the chain's end is read again)
        self._last: str | None = None
        self._written: str | None = None

    @classmethod
    def of(cls, store: Store) -> AuditLog:
        """The store's audit log, shared by everything that writes through this store object
        (one lock, the blobs known stored)."""
        log = store.__dict__.get("_audit_log")
        if log is None:
            log = store.__dict__.setdefault("_audit_log", cls(store))
        return log

    def blob(self, kind: str, content: Any) -> str:
        """Keep ``content`` once under its hash; returns the hash."""
        return self.blobs(kind, [content])[0]

    def blobs(self, kind: str, contents: list[Any]) -> list[str]:
        """Keep each content once under its hash (one query for those not known yet)."""
        digests = [sha(c) for c in contents]
        self.keep({d: (kind, lambda c=c: c) for d, c in zip(digests, contents, strict=True)})
        return digests

    def keep(self, blobs: dict[str, tuple[str, Callable[[], Any]]]) -> None:
        """Store contents under the digests given (``digest -> (kind, content)``) unless they
        are stored already: one query for the digests this process has not seen; a content
        is only made when it must be stored."""
        todo = {d: v for d, v in blobs.items() if d not in self._blobs}
        if not todo:
            return
        with self.store.engine.begin() as conn:
            have = {r[0] for r in conn.execute(select(audit_blobs.c.digest).where(
                audit_blobs.c.digest.in_(list(todo))))}
            for d, (kind, content) in todo.items():
                if d not in have:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(audit_blobs).values(digest=d, kind=kind,
                                                                    content=content()))
                    except IntegrityError:
                        pass
        self._blobs.update(todo)

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

    def record_answer(self, items: list[Item], *, who: str | None = None) -> list[int]:
        """Append the records of an answer about to be given (``/match``, the screening form;
        their inputs hold JSON types only):
        now, in one insert, when the database takes the write at once; else (SQLite's write
        lock is held by a list import, say) handed to a writer thread that appends them, in
        order, as soon as it can, so that answering never waits for the database. Returns the
        ids, or ``[]`` when the records were deferred (:meth:`flush` waits for them)."""
        who = who or actor()
        deferred = self._deferred
        if deferred is None or not deferred.pending():
            if self._lock.acquire(blocking=False):
                try:
                    for _attempt in range(3):
                        try:
                            with self._quick().begin() as conn:
                                ids = self._append(conn, items, who, native=True)
                            self._last = self._written
                            return ids
                        except _ChainRace:
                            continue
                except OperationalError:
                    pass
                finally:
                    self._lock.release()
        with self._guard:
            if self._deferred is None:
                self._deferred = _Deferred(self)
        self._deferred.put(items, who, _iso(datetime.now(UTC)))
        return []

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until deferred records are written; False if some still wait."""
        return self._deferred is None or self._deferred.flush(timeout)

    def _quick(self) -> Engine:
        """The engine for writes that must not wait: on SQLite one whose connections give up
        on a held write lock after 0.2 s (the store's wait five seconds)."""
        if self._quick_engine is None:
            with self._guard:
                if self._quick_engine is None:
                    engine = self.store.engine
                    if engine.dialect.name == "sqlite" and self.store.url.startswith(
                            "sqlite:///") and ":memory:" not in self.store.url:
                        from sqlalchemy import create_engine

                        from olivebranch.store import _sqlite_pragmas

                        engine = create_engine(self.store.url, connect_args={"timeout": 0.2})
                        _sqlite_pragmas(engine)
                    self._quick_engine = engine
        return self._quick_engine

    def record_many(self, items: list[tuple[str, str | None, dict[str, Any], Any]], *,
                    who: str | Sequence[str] | None = None, native: bool = False) -> list[int]:
        """Append ``(action, subject, inputs, result)`` records in one transaction (one insert),
        chained in order; returns their ids. ``native``: the inputs hold JSON types only
        (dicts with string keys, lists, strings, numbers, None), so they are hashed as given."""
        return self.transaction(lambda _conn: None, lambda _none: items, who=who,
                                native=native)[1]

    def transaction(self, work: Callable[[Connection], T],
                    items_of: Callable[[T], list[tuple[str, str | None, dict[str, Any], Any]]],
                    *, who: str | Sequence[str] | None = None,
                    native: bool = False) -> tuple[T, list[int]]:
        """Run ``work(conn)`` and append the records ``items_of(its result)`` in the same
        database transaction: the change and its record are stored together or not at all (a
        reviewer's decision). ``work`` runs again if another writer took the place in the
        chain (its transaction was rolled back), so it must only write through ``conn``."""
        who = who or actor()
        with self._lock:
            for attempt in range(50):
                try:
                    with self.store.engine.begin() as conn:
                        out = work(conn)
                        ids = self._append(conn, items_of(out), who, native)
                    if ids:
                        self._last = self._written
                    return out, ids
                except (_ChainRace, OperationalError):
                    # another writer took this place in the chain (or holds the database's
                    # write lock): read the new last record and try again
                    time.sleep(0.005 * (1 + attempt))
            raise RuntimeError("audit: could not append records (chain contended)")

    def _append(self, conn: Connection, items: list[tuple[str, str | None, dict[str, Any], Any]],
                who: str | Sequence[str], native: bool = False) -> list[int]:
        """Chain ``items`` after the last record and insert them with one statement. Each
        record's inputs and result are serialised once: the same canonical JSON is hashed
        and stored. ``who``: one actor for all, or one per item."""
        if not items:
            return []
        whos = [who] * len(items) if isinstance(who, str) else list(who)
        at = datetime.now(UTC).replace(tzinfo=None)
        stamp = _iso(at)
        prev = self._last
        if prev is None:
            last = conn.exec_driver_sql(
                "SELECT hash FROM audit_records ORDER BY id DESC LIMIT 1").first()
            prev = last[0] if last else GENESIS
        rows = []
        for (action, subject, inputs, result), who in zip(items, whos, strict=True):
            # hashed as the database gives them back (JSON types only), so verify agrees
            if native:
                text_inputs, text_result = canonical_text(inputs), canonical_text(result)
            else:
                text_inputs = canonical_text(json.loads(canonical(inputs)))
                text_result = canonical_text(json.loads(canonical(result)))
            digest = hashlib.sha256(text_result.encode()).hexdigest()
            h = _chain_hash(prev, stamp, who, action, subject, text_inputs, digest)
            rows.append((who, action, subject, text_inputs, text_result, digest, prev, h))
            prev = h
        self._last = None  # set again once this transaction is committed
        try:
            ids = _insert(conn, at, rows)
        except IntegrityError as exc:  # the unique prev_hash: someone appended first
            raise _ChainRace() from exc
        self._written = prev
        return [ids[r[-1]] for r in rows]

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


#: Most answers whose records one deferred transaction carries.
GROUP_COMMIT = 500


class _Deferred:
    """Records of answers already given that wait for the database: appended in order by
    one thread (each request's records in one insert), retried until they are written.
    Records written late carry ``answered_at`` in their inputs."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log
        self.items: deque[tuple[list[Item], str, str]] = deque()
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def pending(self) -> int:
        return len(self.items)

    def put(self, items: list[Item], who: str, answered_at: str) -> None:
        with self.cond:
            self.items.append((items, who, answered_at))
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="olivebranch-audit",
                                               daemon=True)
                self.thread.start()
                atexit.register(self.flush, 30.0)
            self.cond.notify_all()

    def run(self) -> None:
        while True:
            with self.cond:
                self.cond.wait_for(lambda: bool(self.items))
                # every request waiting so far, in order, in one transaction (group commit:
                # under concurrent requests one commit carries many answers' records)
                batch = list(itertools.islice(self.items, GROUP_COMMIT))
            late: list[Item] = []
            whos: list[str] = []
            for items, who, at in batch:
                late += [(a, s, {**i, "answered_at": at}, r) for a, s, i, r in items]
                whos += [who] * len(items)
            try:
                self.log.record_many(late, who=whos, native=True)
            except Exception:  # noqa: BLE001 - keep them and try again
                logging.getLogger("olivebranch.audit").exception(
                    "audit: %d deferred record(s) not written yet; retrying", len(late))
                time.sleep(1.0)
                continue
            with self.cond:
                for _ in batch:
                    self.items.popleft()
                self.cond.notify_all()

    def flush(self, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: not self.items, timeout)


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
    return AuditLog.of(store).record("list_import", subject=report.source, inputs=inputs,
                                  result=result)


def _file_digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def list_refs(versions: Iterable[Any]) -> list[dict[str, Any]]:
    """The list versions an answer came from, as records name them."""
    return [{"id": v.id, "source": v.source, "file_hash": v.file_hash}
            for v in sorted(versions, key=lambda v: v.source)]


def _lists(store: Any, day: date | None) -> list[dict[str, Any]]:
    return list_refs(store.active_versions(day))


def record_batch_screening(store: Any, src: Path, dst: Path, counts: dict[str, int], *,
                           day: date | None, limit: int, threshold: float | None) -> int:
    """A batch screen: the input file by hash, the lists, the options; the counts and the hash
    of the output file (which holds every result)."""
    inputs = {"file": src.name, "file_hash": _file_digest(src), "as_of": str(day) if day else None,
              "limit": limit, "threshold": threshold, "lists": _lists(store, day)}
    result = {**counts, "output": str(dst), "output_hash": _file_digest(dst)}
    return AuditLog.of(store).record("screening", subject=src.name, inputs=inputs, result=result)


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
    return AuditLog.of(store).record("screening", subject=query.names[0] if query.names else None,
                                  inputs=inputs, result=result)

"""The versioned entity store.

Every import of a source file becomes a *version*; exactly one version per source is active.
Entities are kept as FollowTheMoney dicts (JSON) so that they round-trip to the OpenSanctions
ecosystem; designations (who is listed where, under which programme, since when) are
denormalised into their own table because every later stage queries them.

Storage sits behind SQLAlchemy Core: SQLite by default, any SQLAlchemy URL via
``OLIVEBRANCH_DB`` (PostgreSQL for multi-user deployments).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:  # followthemoney takes ~0.5 s to import; reading versions does not need it
    from followthemoney import EntityProxy

metadata = MetaData()

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False, index=True),
    Column("published", Date, nullable=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("filename", Text, nullable=True),
    Column("file_hash", String(64), nullable=True),
    Column("entity_count", Integer, nullable=False, default=0),
    Column("counts", JSON, nullable=True),
    Column("active", Boolean, nullable=False, default=False),
    Column("note", Text, nullable=True),
)

entities = Table(
    "entities",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(255), primary_key=True),
    Column("schema", String(64), nullable=False),
    Column("caption", Text, nullable=True),
    Column("data", JSON, nullable=False),
)
Index("ix_entities_id", entities.c.id)

designations = Table(
    "designations",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("sanction_id", String(255), nullable=False),
    Column("regime", String(16), nullable=False),
    Column("authority", Text, nullable=True),
    Column("program", Text, nullable=True),
    Column("source_id", String(128), nullable=True),
    Column("listing_date", String(32), nullable=True),
    Column("end_date", String(32), nullable=True),
)
Index("ix_designations_version_entity", designations.c.version_id, designations.c.entity_id)
Index("ix_designations_entity", designations.c.entity_id)

#: One row while an import runs: who holds the store's import lock (see ``Store.import_lock``).
import_locks = Table(
    "import_lock",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", Text, nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", DateTime(timezone=True), nullable=False),
)


#: Parts of :meth:`Store.versions_stamp` that table modules register (name -> function of the
#: store): the lists' state includes what is derived from them and stored beside them.
STAMP_PARTS: dict[str, Callable[[Store], object]] = {}
#: How records group into real-world parties, registered by the module that resolves them
#: (``olivebranch.parties``): a function of the store and list version ids giving ``(key,
#: load)``, ``key`` naming the grouping (for caches) and ``load()`` the record -> group map,
#: or ``None`` when the records are not resolved.
RecordGroups = Callable[["Store", list[int]], "tuple[object, Callable[[], dict[str, str]]] | None"]
RECORD_GROUPS: dict[str, RecordGroups] = {}

#: Modules that add their own tables to ``metadata`` (imported before ``create_all``).
TABLE_MODULES = ("olivebranch.ownership.tables", "olivebranch.api.tables", "olivebranch.audit",
                 "olivebranch.audit.tables", "olivebranch.parties.tables",
                 "olivebranch.catalogue_table", "olivebranch.reviews.tables",
                 "olivebranch.monitor.tables")


def _load_table_modules() -> None:
    import importlib

    package = Path(__file__).resolve().parent
    for name in TABLE_MODULES:
        # look for the file first: importing a missing submodule would import its package
        rel = Path(*name.split(".")[1:])
        if (package / rel.with_suffix(".py")).is_file() or (package / rel / "__init__.py").is_file():
            importlib.import_module(name)


def default_url() -> str:
    """``OLIVEBRANCH_DB`` if set (a URL or a plain file path), else ``./var/olivebranch.sqlite``."""
    value = os.environ.get("OLIVEBRANCH_DB")
    if value:
        return value if "://" in value else f"sqlite:///{Path(value).resolve()}"
    path = Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "olivebranch.sqlite"
    return f"sqlite:///{path.resolve()}"


@dataclass(frozen=True)
class Version:
    """One imported file of one source."""

    id: int
    source: str
    published: date | None
    imported_at: datetime
    filename: str | None
    file_hash: str | None
    entity_count: int
    counts: dict[str, Any]
    active: bool
    note: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Version:
        m = row._mapping
        return cls(
            id=m["id"],
            source=m["source"],
            published=m["published"],
            imported_at=m["imported_at"],
            filename=m["filename"],
            file_hash=m["file_hash"],
            entity_count=m["entity_count"],
            counts=m["counts"] or {},
            active=bool(m["active"]),
            note=m["note"],
        )


@dataclass
class Designation:
    """A listing of one entity by one authority, as stored (derived from FtM ``Sanction``)."""

    entity_id: str
    sanction_id: str
    regime: str
    source: str
    version_id: int
    authority: str | None = None
    program: str | None = None
    source_id: str | None = None
    listing_date: str | None = None
    end_date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _model() -> Any:
    from followthemoney import model

    return model


def _sqlite_pragmas(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


class Store:
    """Access to the versioned entity store. Holds no global state beyond its engine."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        _load_table_modules()
        from olivebranch.migrations import ensure_schema

        ensure_schema(self.engine, metadata)

    # ------------------------------------------------------------------ versions
    def versions(self, source: str | None = None) -> list[Version]:
        q = select(versions).order_by(versions.c.source, versions.c.id)
        if source:
            q = q.where(versions.c.source == source)
        with self.engine.connect() as conn:
            return [Version.from_row(r) for r in conn.execute(q)]

    def record_groups(self, version_ids: Iterable[int]
                      ) -> tuple[object, Callable[[], dict[str, str]]] | None:
        """``(key, load)`` of the registered grouping of records into parties for these list
        versions (see ``RECORD_GROUPS``), or ``None``."""
        for _name, groups in sorted(RECORD_GROUPS.items()):
            found = groups(self, list(version_ids))
            if found is not None:
                return found
        return None

    def versions_stamp(self) -> str:
        """Changes whenever a version is imported, activated or deleted, or the records are
        resolved into parties again (a new resolution run)."""
        import hashlib

        parts: list[object] = sorted((v.id, v.source, v.active, str(v.published), v.file_hash)
                                     for v in self.versions())
        # state that table modules add (the parties the records are resolved into)
        parts.extend((name, part(self)) for name, part in sorted(STAMP_PARTS.items()))
        return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]

    def active_versions(self, as_of: date | None = None) -> list[Version]:
        """The active version of each source; with ``as_of``, the newest version of each source
        published on or before that day (time travel)."""
        if as_of is None:
            return [v for v in self.versions() if v.active]
        chosen: dict[str, Version] = {}
        all_versions = self.versions()
        for v in all_versions:
            if v.published is not None and v.published > as_of:
                continue
            cur = chosen.get(v.source)
            key = (v.published or date.min, v.id)
            if cur is None or key > (cur.published or date.min, cur.id):
                chosen[v.source] = v
        # A source whose every version is newer than ``as_of`` (e.g. a cumulative supplement
        # published on its newest listing) still counts through its active version when that
        # version holds designations dated on or before ``as_of``; ``designations(as_of=…)``
        # then keeps only those.
        for v in all_versions:
            if v.active and v.source not in chosen and self._has_listing_before(v.id, as_of):
                chosen[v.source] = v
        return list(chosen.values())

    def _has_listing_before(self, version_id: int, as_of: date) -> bool:
        q = select(func.count()).where(
            and_(
                designations.c.version_id == version_id,
                designations.c.listing_date.is_not(None),
                designations.c.listing_date <= as_of.isoformat(),
            )
        )
        with self.engine.connect() as conn:
            return bool(conn.execute(q).scalar())

    def get_version(self, version_id: int) -> Version | None:
        if not -(2**31) <= version_id < 2**31:  # no such id; PostgreSQL's integer column
            return None                          # refuses the comparison (a 500, not a 404)
        with self.engine.connect() as conn:
            row = conn.execute(select(versions).where(versions.c.id == version_id)).first()
        return Version.from_row(row) if row else None

    def find_version_by_hash(self, source: str, file_hash: str) -> Version | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(versions)
                .where(and_(versions.c.source == source, versions.c.file_hash == file_hash))
                .order_by(versions.c.id.desc())
            ).first()
        return Version.from_row(row) if row else None

    def add_version(
        self,
        source: str,
        items: Iterable[EntityProxy],
        *,
        regime: str,
        published: date | None = None,
        filename: str | None = None,
        file_hash: str | None = None,
        note: str | None = None,
        activate: bool = True,
    ) -> Version:
        """Store a complete parsed file as a new version, in one transaction.

        Nothing is written unless everything is: a failure leaves the previously active version
        of the source untouched. ``regime`` (us, eu, uk, un, au, ca, …) is recorded on every
        designation so later stages can ask "is this entity listed under regime X?".
        """
        rows: list[dict[str, Any]] = []
        sanctions: list[EntityProxy] = []
        counts: dict[str, Any] = {"schema": {}, "program": {}}
        seen: set[str] = set()
        for proxy in items:
            if proxy.id is None:
                raise ValueError(f"{source}: entity without id ({proxy.schema.name})")
            if proxy.id in seen:
                raise ValueError(f"{source}: duplicate entity id {proxy.id}")
            seen.add(proxy.id)
            rows.append(
                {
                    "id": proxy.id,
                    "schema": proxy.schema.name,
                    "caption": proxy.caption,
                    "data": proxy.to_dict(),
                }
            )
            counts["schema"][proxy.schema.name] = counts["schema"].get(proxy.schema.name, 0) + 1
            if proxy.schema.is_a("Sanction"):
                sanctions.append(proxy)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            vid = conn.execute(
                insert(versions).values(
                    source=source,
                    published=published,
                    imported_at=now,
                    filename=filename,
                    file_hash=file_hash,
                    entity_count=len(rows),
                    counts=None,
                    active=False,
                    note=note,
                )
            ).inserted_primary_key[0]
            for r in rows:
                r["version_id"] = vid
            for chunk in _chunks(rows, 2000):
                conn.execute(insert(entities), chunk)
            drows = []
            for s in sanctions:
                for target in s.get("entity"):
                    programs = s.get("program") or [None]
                    for program in programs:
                        counts["program"][program or "-"] = counts["program"].get(program or "-", 0) + 1
                        drows.append(
                            {
                                "version_id": vid,
                                "entity_id": target,
                                "sanction_id": s.id,
                                "regime": regime,
                                "authority": s.first("authority"),
                                "program": program,
                                "source_id": s.first("authorityId"),
                                "listing_date": s.first("listingDate") or s.first("startDate"),
                                "end_date": s.first("endDate"),
                            }
                        )
            for chunk in _chunks(drows, 2000):
                conn.execute(insert(designations), chunk)
            conn.execute(update(versions).where(versions.c.id == vid).values(counts=counts))
            if activate:
                conn.execute(
                    update(versions)
                    .where(and_(versions.c.source == source, versions.c.id != vid))
                    .values(active=False)
                )
                conn.execute(update(versions).where(versions.c.id == vid).values(active=True))
        v = self.get_version(vid)
        assert v is not None
        return v

    def activate(self, version_id: int) -> Version:
        v = self.get_version(version_id)
        if v is None:
            raise KeyError(f"no version {version_id}")
        with self.engine.begin() as conn:
            conn.execute(update(versions).where(versions.c.source == v.source).values(active=False))
            conn.execute(update(versions).where(versions.c.id == version_id).values(active=True))
        return self.get_version(version_id)  # type: ignore[return-value]

    def delete_version(self, version_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(designations).where(designations.c.version_id == version_id))
            conn.execute(delete(entities).where(entities.c.version_id == version_id))
            conn.execute(delete(versions).where(versions.c.id == version_id))

    # ------------------------------------------------------------------ import lock
    @contextmanager
    def import_lock(self, holder: str, wait: float = 0.0) -> Iterator[None]:
        """Hold the store's import lock, or raise ``ImportLockedError`` (at once, or after
        ``wait`` seconds of retrying).

        Only one import writes at a time, whichever process or server runs it. PostgreSQL
        uses a session advisory lock (released by the server if the process dies); every
        database also gets a row in ``import_lock`` naming the holder, for the message. On
        SQLite the row is the lock: a row left by a dead process on this host, or older than
        ``IMPORT_LOCK_STALE`` seconds, is taken over.
        """
        from olivebranch.store_lock import acquire, release

        token = acquire(self.engine, import_locks, holder, wait=wait)
        try:
            yield
        finally:
            release(self.engine, token)

    # ------------------------------------------------------------------ entities
    def _version_ids(self, version_ids: Iterable[int] | None, as_of: date | None) -> list[int]:
        if version_ids is not None:
            return list(version_ids)
        return [v.id for v in self.active_versions(as_of)]

    def iter_entity_dicts(
        self,
        *,
        version_ids: Iterable[int] | None = None,
        schemata: Iterable[str] | None = None,
        as_of: date | None = None,
        ids: Iterable[str] | None = None,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(version_id, FtM dict) for every entity of the given (default: active) versions
        (only those with the given ``ids``, if any)."""
        vids = self._version_ids(version_ids, as_of)
        if not vids:
            return
        # the JSON as stored, decoded here with orjson (twice as fast as the json module; a
        # driver that decodes JSON itself hands over dicts)
        q = select(entities.c.version_id, type_coerce(entities.c.data, Text)).where(
            entities.c.version_id.in_(vids))
        if schemata is not None:
            q = q.where(entities.c.schema.in_(list(schemata)))
        wanted = None if ids is None else sorted(set(ids))
        with self.engine.connect() as conn:
            for chunk in ([None] if wanted is None else _chunks(wanted, 500)):
                query = q if chunk is None else q.where(entities.c.id.in_(chunk))
                for vid, data in conn.execution_options(yield_per=5000).execute(query):
                    yield vid, _json(data)

    def iter_entities(self, **kwargs: Any) -> Iterator[EntityProxy]:
        for _vid, data in self.iter_entity_dicts(**kwargs):
            yield _model().get_proxy(data, cleaned=True)

    def get_entity(
        self, entity_id: str, *, as_of: date | None = None, version_ids: Iterable[int] | None = None
    ) -> EntityProxy | None:
        """One entity, merged across all active sources that carry this id (OFAC SDN and the
        Consolidated list share OFAC's entry numbers, for example)."""
        merged: EntityProxy | None = None
        for data in self.entity_records(entity_id, as_of=as_of, version_ids=version_ids):
            proxy = _model().get_proxy(data, cleaned=True)
            merged = proxy if merged is None else merged.merge(proxy)
        return merged

    def entity_records(
        self, entity_id: str, *, as_of: date | None = None, version_ids: Iterable[int] | None = None
    ) -> list[dict[str, Any]]:
        """The stored FtM dicts of one id in the given (default: active) versions, in the order
        :meth:`get_entity` merges them (for readers that do without followthemoney's model)."""
        vids = self._version_ids(version_ids, as_of)
        if not vids:
            return []
        q = select(entities.c.data).where(
            and_(entities.c.id == entity_id, entities.c.version_id.in_(vids))
        )
        with self.engine.connect() as conn:
            return [data for (data,) in conn.execute(q)]

    def get_entities(
        self, ids: Iterable[str], *, as_of: date | None = None
    ) -> dict[str, EntityProxy]:
        out: dict[str, EntityProxy] = {}
        for eid in set(ids):
            e = self.get_entity(eid, as_of=as_of)
            if e is not None:
                out[eid] = e
        return out

    def referencing(
        self, entity_id: str, *, schemata: Iterable[str] | None = None, as_of: date | None = None
    ) -> list[EntityProxy]:
        """Entities (sanctions, addresses, links, ownerships) whose properties point at
        ``entity_id``. Uses a LIKE pre-filter, then checks entity-typed properties exactly."""
        out = []
        for data in self.referencing_records([entity_id], schemata=schemata, as_of=as_of):
            proxy = _model().get_proxy(data, cleaned=True)
            for prop, value in proxy.itervalues():
                if prop.type.name == "entity" and value == entity_id:
                    out.append(proxy)
                    break
        return out

    def referencing_records(
        self, entity_ids: Iterable[str], *, schemata: Iterable[str] | None = None,
        as_of: date | None = None, version_ids: Iterable[int] | None = None,
    ) -> list[dict[str, Any]]:
        """The stored FtM dicts that mention any of ``entity_ids`` as a quoted string, in one
        pass over the versions' entities, ordered by version and id (the caller checks which
        property holds the id)."""
        vids = self._version_ids(version_ids, as_of)
        wanted = list(dict.fromkeys(entity_ids))
        if not vids or not wanted:
            return []
        c = entities.c
        as_text = func.cast(c.data, Text)
        # every row is read: a plain scan beats one index lookup per row (``+ 0`` keeps the
        # version filter off the primary key's index)
        q = select(c.version_id, c.id, c.data).where((c.version_id + 0).in_(vids))
        if schemata is not None:
            q = q.where(c.schema.in_(list(schemata)))
        q = q.where(or_(*(as_text.like(f'%"{eid}"%') for eid in wanted)))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        rows.sort(key=lambda r: (r[0], r[1]))
        return [data for _vid, _id, data in rows]

    # -------------------------------------------------------------- designations
    def designations(
        self,
        entity_id: str | None = None,
        *,
        as_of: date | None = None,
        version_ids: Iterable[int] | None = None,
        entity_ids: Iterable[str] | None = None,
    ) -> list[Designation]:
        """Designations of the given (default: active, or as of a day) versions; with ``as_of``,
        only listings dated on or before it. ``entity_id`` / ``entity_ids`` narrow the query."""
        vmap = {v.id: v.source for v in self.versions()}
        vids = self._version_ids(version_ids, as_of)
        if not vids:
            return []
        c = designations.c
        q = select(c.entity_id, c.sanction_id, c.regime, c.version_id, c.authority, c.program,
                   c.source_id, c.listing_date, c.end_date).where(c.version_id.in_(vids))
        if as_of is not None:
            # listings dated after the evaluation day did not exist yet on that day
            q = q.where((c.listing_date.is_(None)) | (c.listing_date <= as_of.isoformat()))
        if entity_id is not None:
            q = q.where(c.entity_id == entity_id)
        wanted = None if entity_ids is None else sorted(set(entity_ids))
        out: list[Designation] = []
        with self.engine.connect() as conn:
            for chunk in ([None] if wanted is None else _chunks(wanted, 500)):
                query = q if chunk is None else q.where(c.entity_id.in_(chunk))
                for eid, sid, regime, vid, auth, prog, src_id, listed, ended in conn.execute(query):
                    out.append(Designation(eid, sid, regime, vmap[vid], vid, auth, prog, src_id,
                                           listed, ended))
        return out

    def has_programs(self, programs: Iterable[str]) -> bool:
        """Does any version hold a designation under one of these programmes (any case)?"""
        wanted = [p.upper() for p in programs]
        if not wanted:
            return False
        q = select(designations.c.program).where(
            func.upper(designations.c.program).in_(wanted)).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(q).first() is not None

    def designation_dates(self, version_ids: Iterable[int] | None = None) -> set[str]:
        """Every distinct listing and end date (as stored) of the given (default: all) versions:
        the days on which who is listed can change."""
        c = designations.c
        out: set[str] = set()
        with self.engine.connect() as conn:
            for col in (c.listing_date, c.end_date):
                q = select(col).distinct().where(col.is_not(None))
                if version_ids is not None:
                    q = q.where(c.version_id.in_(list(version_ids)))
                out.update(v for (v,) in conn.execute(q) if v)
        return out

    def count_entities(self, version_id: int) -> dict[str, int]:
        q = (
            select(entities.c.schema, func.count())
            .where(entities.c.version_id == version_id)
            .group_by(entities.c.schema)
        )
        with self.engine.connect() as conn:
            return {s: n for s, n in conn.execute(q)}


def serialize(conn: Connection, key: str) -> None:
    """Make concurrent transactions that call this with the same ``key`` run one after the other
    (until the calling transaction ends): a read-then-write such as "supersede the live
    judgement on this pair, then add mine" stays whole when two users do it at once.

    PostgreSQL (READ COMMITTED) would let both read, then both write: a transaction-level
    advisory lock on the key's hash makes the second wait. SQLite already runs one writing
    transaction at a time (the first write takes the database's write lock).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def _json(value: Any) -> Any:
    """A stored JSON value decoded (what the ``JSON`` column type gives): orjson, or the json
    module for what orjson refuses (lone surrogates, integers beyond 64 bits, NaN)."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)

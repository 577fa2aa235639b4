"""Issue 15 item 3: the store's schema comes from Alembic revisions, on SQLite and PostgreSQL.

The comparison test is the guard for everyone adding tables: a table or column added to the
SQLAlchemy metadata without a revision under olivebranch/migrations/versions fails it, naming
what differs (docs/postgresql.md says how to write the revision).
"""

from __future__ import annotations

from sqlalchemy import create_engine, insert, inspect, select, text

from olivebranch import migrations
from olivebranch.store import Store, _load_table_modules, metadata, versions


def _engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url)


def test_migrated_schema_equals_the_metadata(backend_url: str) -> None:
    _load_table_modules()
    engine = _engine(backend_url)
    migrations.upgrade(engine)  # the revisions alone, no create_all
    diff = migrations.describe_differences(engine, metadata)
    engine.dispose()
    assert not diff, (
        "the tables made by the Alembic revisions differ from the SQLAlchemy metadata "
        f"({engine.dialect.name}); add a revision under olivebranch/migrations/versions and "
        "set migrations.HEAD to it (see docs/postgresql.md):\n"
        + "\n".join(f"  {d!r}" for d in diff))


def test_a_table_without_a_revision_is_reported(backend_url: str) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table

    _load_table_modules()
    grown = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(grown)
    Table("a_table_without_revision", grown, Column("id", Integer, primary_key=True))
    engine = _engine(backend_url)
    migrations.upgrade(engine)
    diff = migrations.describe_differences(engine, grown)
    engine.dispose()
    assert [(d[0], d[1].name) for d in diff] == [("add_table", "a_table_without_revision")]


def test_head_is_the_newest_revision() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_heads() == [migrations.HEAD], "one line of revisions, ending at HEAD"


def test_a_new_store_is_at_head_and_reopens_without_migrating(backend_url: str) -> None:
    store = Store(backend_url)
    with store.engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.HEAD
    store.add_version("demo", [], regime="other")
    again = Store(backend_url)
    assert [v.source for v in again.versions()] == ["demo"]


def test_a_store_made_before_migrations_is_stamped_and_kept(backend_url: str) -> None:
    """Stores created by create_all (before Alembic) keep their data and join the revisions."""
    from datetime import UTC, datetime

    _load_table_modules()
    engine = _engine(backend_url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(versions).values(source="old", imported_at=datetime.now(UTC),
                                             entity_count=0, active=True))
    assert not inspect(engine).has_table("alembic_version")
    store = Store(backend_url)
    with store.engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.HEAD
        assert conn.execute(select(versions.c.source)).scalars().all() == ["old"]
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()

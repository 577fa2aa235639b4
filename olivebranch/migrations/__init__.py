"""Schema migrations of the store (Alembic).

``ensure_schema`` runs when a ``Store`` opens: a store already at ``HEAD`` costs one query (Alembic
is imported only when there is something to do); an empty database is built by running every
revision; a store made before migrations existed (tables, no ``alembic_version``) is stamped at
the baseline, then upgraded. Every command opens the store this way, so there is no separate upgrade step.

Adding a table or column: change the SQLAlchemy table, then add a revision under ``versions/``
(see docs/postgresql.md) and set ``HEAD`` to it; ``tests/test_migrations.py`` fails while the
migrated schema and the metadata differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision (kept in step with ``versions/`` by tests/test_migrations.py).
HEAD = "0002_wave_b"
BASELINE = "0001_baseline"
HERE = Path(__file__).resolve().parent
#: PostgreSQL advisory-lock key held while one process migrates ("olim").
PG_MIGRATE_KEY = 0x6F6C_696D


def alembic_config(connection: Connection | None = None,
                   metadata: MetaData | None = None) -> Config:
    """Alembic's configuration for our revisions, on ``connection``; ``metadata`` (the store's,
    with every table module loaded) is needed by autogenerate only."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(HERE / "versions"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    cfg.attributes["metadata"] = metadata
    return cfg


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine, metadata: MetaData) -> None:
    """Bring the database to ``HEAD``; then create any table of ``metadata`` that no revision
    creates yet (so a table added without its revision still works; the migration test fails
    until the revision is written)."""
    with engine.connect() as conn:
        try:
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # no alembic_version table yet
            rev = None
        conn.rollback()
    if rev != HEAD:
        upgrade(engine, legacy_metadata=metadata)
    metadata.create_all(engine)


def upgrade(engine: Engine, revision: str = "head", *,
            legacy_metadata: MetaData | None = None) -> None:
    """Run the missing revisions (one process at a time on PostgreSQL). A store made before
    migrations (tables, no ``alembic_version``) gets the tables of ``legacy_metadata`` it lacks
    (the baseline's), then is stamped at the baseline."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATE_KEY})
        cfg = alembic_config(conn)
        if current_revision(conn) is None and inspect(conn).has_table("versions"):
            # made before migrations: its tables are the baseline's (created by create_all)
            if legacy_metadata is not None:
                legacy_metadata.create_all(conn)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)


def describe_differences(engine: Engine, metadata: MetaData) -> list[Any]:
    """Alembic's comparison of the database with ``metadata`` (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))

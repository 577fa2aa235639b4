"""Alembic environment: runs on the connection the store hands over (``alembic_config``)."""

from __future__ import annotations

from alembic import context

from olivebranch.store import _load_table_modules, metadata

_load_table_modules()
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("olivebranch migrations run through olivebranch.migrations.upgrade")
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()

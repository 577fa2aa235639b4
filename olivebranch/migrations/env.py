"""Alembic environment: runs on the connection and metadata that ``alembic_config`` hands over
(it does not import the store: the store imports the migrations)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("olivebranch migrations run through olivebranch.migrations.upgrade")
context.configure(connection=connection, target_metadata=context.config.attributes.get("metadata"),
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()

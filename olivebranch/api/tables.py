"""The API-key table, added to the store's metadata (the store imports this module)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, String, Table

from olivebranch.store import metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("salt", String(64), nullable=False),
    Column("secret_hash", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
)

#: when a key stops working (a table of its own, so stores made before keys expired need no
#: column added; a key without a row here never expires)
api_key_expiry = Table(
    "api_key_expiry",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

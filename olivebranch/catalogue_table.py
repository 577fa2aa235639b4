"""The catalogue's table (``olivebranch.catalogue``), apart from the catalogue itself: every
``Store`` loads the table modules when it opens, and the catalogue imports the deal and
scenario models (pydantic, a fifth of a short command's time) that a store does not need."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Integer, String, Table

from olivebranch.store import metadata

catalogue_items = Table(
    "catalogue_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # global order of writes
    Column("kind", String(16), nullable=False),  # deal | scenario
    Column("name", String(200), nullable=False),  # deal id or scenario name
    Column("revision", Integer, nullable=False),  # 1, 2, … per item
    Column("data", JSON, nullable=True),  # the document; None for a deletion
    Column("deleted", Boolean, nullable=False, default=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("saved_by", String(200), nullable=True),
)
Index("ix_catalogue_items_kind_name", catalogue_items.c.kind, catalogue_items.c.name,
      catalogue_items.c.revision)

"""The audit trail's tables, on the store's SQLAlchemy metadata.

* ``audit_records``: one answer: ``at``, ``who`` (``api:<key id>`` or ``local:<user>``),
  ``action`` (assessment, scenario_run, screening, list_import, review), ``subject``, its
  ``inputs`` and ``result`` (JSON), ``result_digest``, ``prev_hash`` and ``hash`` (SHA-256 over
  the canonical record and the previous hash). ``prev_hash`` is unique: two writers racing for
  the same place in the chain cannot both win.
* ``audit_blobs``: contents referred to by hash (rule packs, a deal, a scenario chain), stored
  once.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text

from olivebranch.store import metadata

audit_records = Table(
    "audit_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(255), nullable=False),
    Column("action", String(32), nullable=False, index=True),
    Column("subject", Text, nullable=True),
    Column("inputs", JSON, nullable=False),
    Column("result", JSON, nullable=True),
    Column("result_digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)

audit_blobs = Table(
    "audit_blobs",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("content", JSON, nullable=False),
)

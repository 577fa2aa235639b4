"""The reviewer-memory table, on the store's SQLAlchemy metadata (created with the store's tables).

* ``screening_reviews``: one reviewer's decision on one screening hit: who was screened
  (``subject``: a normalised name, or a customer id from a batch file), which listed party was
  hit (``party_id`` and its ``record_ids`` then), ``decision`` (``true_match`` /
  ``false_positive``), ``reason``, ``reviewer``, ``created_at``, and what the listed party's
  records said then (``content``: per record its names, identifiers and listings;
  ``fingerprint``: their hash), so that a change to them re-raises the hit. A later decision
  on the same hit supersedes an earlier one (``deleted_at`` set; the row stays as history).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from olivebranch.store import metadata

screening_reviews = Table(
    "screening_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(512), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("party_id", String(255), nullable=False),
    Column("record_ids", JSON, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("reviewer", String(255), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("content", JSON, nullable=False),
    Column("version_ids", JSON, nullable=True),
    Column("deleted_at", String(32), nullable=True),
)
Index("ix_screening_reviews_subject", screening_reviews.c.subject, screening_reviews.c.deleted_at)

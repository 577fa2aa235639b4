"""The monitor's tables, on the store's SQLAlchemy metadata (created with the store's tables).

* ``watchlists`` / ``watchlist_entries``: named counterparty files (a batch screening CSV saved
  with its own ids). The parties of the deals are a watchlist too, built from the catalogue on
  every run (``deals``), so they follow the deals' revisions.
* ``watch_hits``: what each watchlist entry matched, with the run that found it and the run
  that cleared it (a removal or an amendment that no longer matches).
* ``monitor_runs``: one ``monitor run``: when, status, per-source outcome, counts.
* ``monitor_alerts``: what a run found: the designation added, removed or amended (with the
  record), the watchlist entries and deals it touches, verdicts before and after.
* ``monitor_state``: key -> JSON: the versions last seen per source, the rule-pack digest and
  the verdict baseline per deal and scenario, against which the next run compares.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table, Text

from olivebranch.store import metadata

watchlists = Table(
    "watchlists",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("origin", Text, nullable=True),
    Column("rows", Integer, nullable=False, default=0),
)

watchlist_entries = Table(
    "watchlist_entries",
    metadata,
    Column("watchlist", String(128), primary_key=True),
    Column("entry_id", String(255), primary_key=True),
    Column("name", Text, nullable=False),
    Column("schema", String(32), nullable=False),
    Column("birth_date", String(32), nullable=True),
    Column("identifiers", Text, nullable=True),
    Column("countries", Text, nullable=True),
)

watch_hits = Table(
    "watch_hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(128), nullable=False),
    Column("entry_id", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("score", Float, nullable=False),
    Column("found_run", Integer, nullable=True),
    Column("cleared_run", Integer, nullable=True),
    Column("cleared_why", Text, nullable=True),
)
Index("ix_watch_hits_entity", watch_hits.c.entity_id)
Index("ix_watch_hits_entry", watch_hits.c.watchlist, watch_hits.c.entry_id)

monitor_runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False),
    Column("summary", JSON, nullable=True),
)

monitor_alerts = Table(
    "monitor_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("source", String(64), nullable=True),
    Column("entity_id", String(255), nullable=True),
    Column("title", Text, nullable=False),
    Column("payload", JSON, nullable=False),
)

monitor_state = Table(
    "monitor_state",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("value", JSON, nullable=False),
)

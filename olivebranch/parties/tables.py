"""The parties' tables, on the store's SQLAlchemy metadata (created with the store's tables).

* ``party_runs``: one resolution of one set of list versions (the active ones, or those of a
  past day), with counts per rule and timings. Parties are versioned with the lists this way.
* ``party_members``: record -> party for each run, with the record's evidence digest (what an
  incremental run compares) and the deterministic group it was in.
* ``party_links``: each run's automatic decisions: links (rule, score, why), suggestions for
  review and blocked pairs.
* ``party_aliases``: party ids that stopped being used because their party merged into another
  (old id -> the id that carries on), so that an old id still leads somewhere.
* ``party_judgements``: reviewers' (and imported) judgements on pairs of records, in
  nomenklatura's resolver layout: ``target``/``source`` ordered as nomenklatura orders them,
  ``judgement`` positive/negative/unsure, ``user``, ``created_at``, ``deleted_at`` (a later
  judgement on the same pair supersedes an earlier one, which keeps its row as history),
  plus the reviewer's ``reason``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from olivebranch.store import RECORD_GROUPS, STAMP_PARTS, metadata

party_runs = Table(
    "party_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_ids", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("seconds", Float, nullable=True),
    Column("cpu_seconds", Float, nullable=True),
    Column("records", Integer, nullable=False, default=0),
    Column("parties", Integer, nullable=False, default=0),
    Column("counts", JSON, nullable=True),
    Column("complete", Boolean, nullable=False, default=False),
    Column("note", Text, nullable=True),
)
Index("ix_party_runs_versions", party_runs.c.version_ids)

party_members = Table(
    "party_members",
    metadata,
    Column("run_id", Integer, ForeignKey("party_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("record_id", String(255), primary_key=True),
    Column("party_id", String(64), nullable=False),
    Column("digest", String(40), nullable=True),
    Column("block", Integer, nullable=True),
)
Index("ix_party_members_party", party_members.c.run_id, party_members.c.party_id)

party_links = Table(
    "party_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("party_runs.id", ondelete="CASCADE"), nullable=False),
    Column("left_id", String(255), nullable=False),
    Column("right_id", String(255), nullable=False),
    Column("rule", String(40), nullable=False),
    Column("judgement", String(16), nullable=False),
    Column("score", Float, nullable=True),
    Column("reason", Text, nullable=True),
    Column("applied", Boolean, nullable=False, default=False),
    Column("left_group", JSON, nullable=True),
    Column("right_group", JSON, nullable=True),
)
Index("ix_party_links_run", party_links.c.run_id, party_links.c.judgement)
Index("ix_party_links_left", party_links.c.run_id, party_links.c.left_id)
Index("ix_party_links_right", party_links.c.run_id, party_links.c.right_id)

party_aliases = Table(
    "party_aliases",
    metadata,
    Column("old_id", String(64), primary_key=True),
    Column("party_id", String(64), nullable=False),
    Column("run_id", Integer, nullable=True),
)

party_judgements = Table(
    "party_judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(255), nullable=False),
    Column("source", String(255), nullable=False),
    Column("judgement", String(16), nullable=False),
    Column("score", Float, nullable=True),
    Column("user", String(255), nullable=False),
    Column("reason", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("deleted_at", String(32), nullable=True),
)
Index("ix_party_judgements_pair", party_judgements.c.target, party_judgements.c.source)
Index("ix_party_judgements_live", party_judgements.c.deleted_at)


def newest_run(store: object) -> int:
    """The newest complete run's id (0: none); part of the store's ``versions_stamp``, so that
    what is derived from the lists is derived again after a new resolution."""
    from sqlalchemy import func, select

    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        found = conn.execute(select(func.max(party_runs.c.id))
                             .where(party_runs.c.complete.is_(True))).scalar()
    return int(found or 0)


STAMP_PARTS["parties"] = newest_run


def current_run(store: object, version_ids: list[int] | None = None) -> int | None:
    """The newest complete run of exactly these list versions, else the newest complete run
    (a past day's records are grouped as the newest resolution groups them), else ``None``."""
    from sqlalchemy import func, select

    newest = select(func.max(party_runs.c.id)).where(party_runs.c.complete.is_(True))
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        if version_ids is not None:
            key = ",".join(str(v) for v in sorted(set(version_ids)))
            found = conn.execute(newest.where(party_runs.c.version_ids == key)).scalar()
            if found is not None:
                return int(found)
        found = conn.execute(newest).scalar()
    return int(found) if found is not None else None


def party_map(store: object, run_id: int) -> dict[str, str]:
    """Record -> party id of one run."""
    from sqlalchemy import select

    q = select(party_members.c.record_id, party_members.c.party_id).where(
        party_members.c.run_id == run_id)
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return dict(conn.execute(q).all())  # type: ignore[arg-type]


def record_groups(store: object, version_ids: list[int]) -> tuple[object, object] | None:
    """The store's current resolution as ``(key, load record -> party map)`` (see
    ``olivebranch.store.RECORD_GROUPS``); ``None`` before any run."""
    try:
        run = current_run(store, version_ids)
    except Exception:  # noqa: BLE001 - an old store without the parties' tables
        return None
    if run is None:
        return None
    return f"parties:{run}", lambda: party_map(store, run)


RECORD_GROUPS["parties"] = record_groups  # type: ignore[assignment]

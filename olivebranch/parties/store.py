"""Reading and writing the parties' tables (runs, members, links, aliases, judgements).

Everything goes through the store's SQLAlchemy engine, so SQLite and PostgreSQL behave alike.
A run is written in one transaction: readers see the previous run until the new one is complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from olivebranch.parties.judgements import NO_JUDGEMENT, ordered, timestamp
from olivebranch.parties.resolve import Judged, Link, Resolution
from olivebranch.parties.tables import (
    party_aliases,
    party_judgements,
    party_links,
    party_members,
    party_runs,
)
from olivebranch.store import Store, serialize

#: Runs kept per store (older ones are deleted with their members and links).
KEEP_RUNS = 8


def version_key(version_ids: Iterable[int]) -> str:
    return ",".join(str(v) for v in sorted(set(version_ids)))


@dataclass(frozen=True)
class Run:
    """One stored resolution."""

    id: int
    version_ids: tuple[int, ...]
    mode: str
    started_at: datetime
    seconds: float | None
    cpu_seconds: float | None
    records: int
    parties: int
    counts: dict[str, Any]
    note: str | None

    @classmethod
    def from_row(cls, row: Any) -> Run:
        m = row._mapping
        vids = tuple(int(v) for v in (m["version_ids"] or "").split(",") if v)
        return cls(m["id"], vids, m["mode"], m["started_at"], m["seconds"], m["cpu_seconds"],
                   m["records"], m["parties"], m["counts"] or {}, m["note"])


@dataclass(frozen=True)
class Judgement:
    """A stored reviewer's judgement (nomenklatura's edge plus a reason)."""

    target: str
    source: str
    judgement: str
    user: str
    created_at: str
    reason: str | None = None
    score: float | None = None

    def as_judged(self) -> Judged:
        return Judged(self.target, self.source, self.judgement, self.user, self.reason or "",
                      self.created_at)


class PartyStore:
    """The parties' tables of one :class:`~olivebranch.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # ----------------------------------------------------------------------- runs
    def runs(self) -> list[Run]:
        q = select(party_runs).where(party_runs.c.complete.is_(True)).order_by(party_runs.c.id)
        with self.engine.connect() as conn:
            return [Run.from_row(r) for r in conn.execute(q)]

    def latest_run(self, version_ids: Iterable[int] | None = None) -> Run | None:
        """The newest complete run (of exactly these versions, if given)."""
        q = select(party_runs).where(party_runs.c.complete.is_(True))
        if version_ids is not None:
            q = q.where(party_runs.c.version_ids == version_key(version_ids))
        q = q.order_by(party_runs.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return Run.from_row(row) if row else None

    def members(self, run_id: int) -> dict[str, tuple[str, str | None, int | None]]:
        """record -> (party id, digest, deterministic block) of one run."""
        q = select(party_members.c.record_id, party_members.c.party_id, party_members.c.digest,
                   party_members.c.block).where(party_members.c.run_id == run_id)
        with self.engine.connect() as conn:
            return {r: (p, d, b) for r, p, d, b in conn.execute(q)}

    def party_map(self, run_id: int) -> dict[str, str]:
        q = select(party_members.c.record_id, party_members.c.party_id).where(
            party_members.c.run_id == run_id)
        with self.engine.connect() as conn:
            return dict(conn.execute(q).all())

    def links(self, run_id: int, *, judgement: str | None = None,
              record_ids: Iterable[str] | None = None) -> list[Link]:
        q = select(party_links).where(party_links.c.run_id == run_id)
        if judgement is not None:
            q = q.where(party_links.c.judgement == judgement)
        if record_ids is not None:
            ids = list(record_ids)
            q = q.where(party_links.c.left_id.in_(ids) | party_links.c.right_id.in_(ids))
        q = q.order_by(party_links.c.id)
        with self.engine.connect() as conn:
            return [_link(r) for r in conn.execute(q)]

    def aliases(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(party_aliases.c.old_id, party_aliases.c.party_id)).all())

    def known_party_ids(self) -> set[str]:
        """Every party id ever given (so that a retired id is never minted again)."""
        with self.engine.connect() as conn:
            ids = {p for (p,) in conn.execute(select(party_members.c.party_id).distinct())}
            ids |= {p for (p,) in conn.execute(select(party_aliases.c.old_id))}
        return ids

    def save_run(
        self,
        *,
        version_ids: Iterable[int],
        mode: str,
        started_at: datetime,
        seconds: float,
        cpu_seconds: float,
        resolution: Resolution,
        party_of: dict[str, str],
        digests: dict[str, str],
        aliases: dict[str, str],
        counts: dict[str, Any],
        note: str | None = None,
    ) -> Run:
        """Write a complete run in one transaction and prune old runs."""
        block_of = {rid: i for i, block in enumerate(resolution.blocks) for rid in block}
        with self.engine.begin() as conn:
            run_id = conn.execute(insert(party_runs).values(
                version_ids=version_key(version_ids), mode=mode, started_at=started_at,
                seconds=seconds, cpu_seconds=cpu_seconds, records=len(party_of),
                parties=len(set(party_of.values())), counts=counts, complete=False, note=note,
            )).inserted_primary_key[0]
            rows = [{"run_id": run_id, "record_id": r, "party_id": p, "digest": digests.get(r),
                     "block": block_of.get(r)} for r, p in party_of.items()]
            for chunk in _chunks(rows, 5000):
                conn.execute(insert(party_members), chunk)
            lrows = [_link_row(run_id, link) for link in
                     (*resolution.links, *resolution.suggestions, *resolution.blocked)]
            for chunk in _chunks(lrows, 5000):
                conn.execute(insert(party_links), chunk)
            for old, new in aliases.items():
                conn.execute(delete(party_aliases).where(party_aliases.c.old_id == old))
                conn.execute(insert(party_aliases).values(old_id=old, party_id=new,
                                                          run_id=run_id))
            # an alias pointing at an id that became an alias itself follows it
            if aliases:
                for old, new in list(self._aliases_conn(conn).items()):
                    final = new
                    seen = {old}
                    while final in aliases and final not in seen:
                        seen.add(final)
                        final = aliases[final]
                    if final != new:
                        conn.execute(update(party_aliases).where(party_aliases.c.old_id == old)
                                     .values(party_id=final))
            conn.execute(update(party_runs).where(party_runs.c.id == run_id)
                         .values(complete=True))
            keep = [r for (r,) in conn.execute(
                select(party_runs.c.id).order_by(party_runs.c.id.desc()).limit(KEEP_RUNS))]
            if keep:
                old_runs = [r for (r,) in conn.execute(
                    select(party_runs.c.id).where(party_runs.c.id.not_in(keep)))]
                if old_runs:
                    conn.execute(delete(party_links).where(party_links.c.run_id.in_(old_runs)))
                    conn.execute(delete(party_members).where(
                        party_members.c.run_id.in_(old_runs)))
                    conn.execute(delete(party_runs).where(party_runs.c.id.in_(old_runs)))
        run = self.latest_run()
        assert run is not None
        return run

    @staticmethod
    def _aliases_conn(conn: Any) -> dict[str, str]:
        return dict(conn.execute(select(party_aliases.c.old_id, party_aliases.c.party_id)).all())

    # ----------------------------------------------------------------- judgements
    def judgements(self, *, include_deleted: bool = False,
                   record_ids: Iterable[str] | None = None) -> list[Judgement]:
        """Reviewers' judgements, newest last."""
        q = select(party_judgements)
        if not include_deleted:
            q = q.where(party_judgements.c.deleted_at.is_(None))
        if record_ids is not None:
            ids = list(record_ids)
            q = q.where(party_judgements.c.target.in_(ids) | party_judgements.c.source.in_(ids))
        q = q.order_by(party_judgements.c.created_at, party_judgements.c.id)
        with self.engine.connect() as conn:
            return [Judgement(m["target"], m["source"], m["judgement"], m["user"],
                              m["created_at"], m["reason"], m["score"])
                    for m in (r._mapping for r in conn.execute(q))]

    def judgement(self, a: str, b: str) -> Judgement | None:
        target, source = ordered(a, b)
        for j in self.judgements(record_ids=[target]):
            if j.target == target and j.source == source:
                return j
        return None

    def decide(self, a: str, b: str, judgement: str, *, user: str, reason: str | None = None,
               score: float | None = None, created_at: str | None = None) -> Judgement:
        """Record a judgement on a pair; it supersedes any earlier one on the same pair."""
        from olivebranch.audit.log import AuditLog

        target, source = ordered(a, b)
        now = created_at or timestamp()

        def write(conn: Any) -> None:
            serialize(conn, f"party_judgement:{target}|{source}")  # two reviewers, one pair
            conn.execute(update(party_judgements).where(and_(
                party_judgements.c.target == target, party_judgements.c.source == source,
                party_judgements.c.deleted_at.is_(None))).values(deleted_at=now))
            if judgement != NO_JUDGEMENT:
                conn.execute(insert(party_judgements).values(
                    target=target, source=source, judgement=judgement, score=score, user=user,
                    reason=reason, created_at=now, deleted_at=None))

        # the judgement and its audit record are stored together (olivebranch.audit)
        inputs = {"kind": "party_pair", "pair": [target, source], "judgement": judgement,
                  "user": user, "reason": reason, "score": score}
        AuditLog.of(self.store).transaction(write, lambda _none: [
            ("review", f"{target}|{source}", inputs, {"judgement": judgement})])
        return Judgement(target, source, judgement, user, now, reason, score)

    def judgement_mark(self) -> str:
        """Changes with every decision or withdrawal (newest row id and withdrawn rows)."""
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(party_judgements.c.id))).scalar() or 0
            gone = conn.execute(select(func.count()).select_from(party_judgements).where(
                party_judgements.c.deleted_at.is_not(None))).scalar() or 0
        return f"{top}:{gone}"

    def count_judgements(self) -> int:
        q = select(func.count()).select_from(party_judgements).where(
            party_judgements.c.deleted_at.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar() or 0)


def _link(row: Any) -> Link:
    m = row._mapping
    return Link(m["left_id"], m["right_id"], m["rule"], m["judgement"], m["score"],
                m["reason"] or "", tuple(m["left_group"] or ()), tuple(m["right_group"] or ()),
                bool(m["applied"]))


def _link_row(run_id: int, link: Link) -> dict[str, Any]:
    return {"run_id": run_id, "left_id": link.left, "right_id": link.right, "rule": link.rule,
            "judgement": link.judgement, "score": link.score, "reason": link.reason,
            "applied": link.applied,
            "left_group": list(link.left_group) or None,
            "right_group": list(link.right_group) or None}


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def now() -> datetime:
    return datetime.now(UTC)

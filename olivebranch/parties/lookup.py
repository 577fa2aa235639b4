"""Which party a record belongs to, cheaply, for every consumer that reasons about parties.

Listing status, ownership seeds, screening and the entity page all ask "which other records are
the same party as this one?". :class:`PartyLookup` answers from one stored resolution run,
reading only the parties asked about (one indexed query per batch of records) until a
whole-list question loads the full map once. It imports neither followthemoney nor the
resolver, so it costs nothing in a short CLI command that never asks.

Without any stored run every record is its own party (the behaviour before resolution).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select

from olivebranch.parties.tables import current_run, newest_run, party_members

if TYPE_CHECKING:
    from olivebranch.store import Store

#: records per IN (...) query
CHUNK = 500
#: batches of records asked about before the whole run is read at once
BULK_AFTER = 40


def current_run_id(store: Store, version_ids: Iterable[int] | None = None) -> int | None:
    """The newest complete run of exactly these list versions, else the newest complete run,
    else ``None`` (``parties.tables.current_run``)."""
    return current_run(store, None if version_ids is None else list(version_ids))


def parties_mark(store: Store) -> int:
    """Changes whenever a resolution run is stored (caches keyed by the lists add it)."""
    try:
        return newest_run(store)
    except Exception:  # noqa: BLE001 - a store without the parties' tables has no runs
        return 0


class PartyLookup:
    """Record -> party id and party -> records of one run (read on demand, then kept)."""

    def __init__(self, store: Store | None, run_id: int | None,
                 mapping: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self._party: dict[str, str] = {}
        self._members: dict[str, tuple[str, ...]] = {}
        self._asked: set[str] = set()
        self._queries = 0
        self._full = False
        if mapping is not None:
            self._fill(mapping.items())
            self._full = True

    @classmethod
    def of(cls, store: Store, version_ids: Iterable[int] | None = None) -> PartyLookup:
        """The lookup of the store's current run for these versions (identity if none)."""
        try:
            run = current_run_id(store, version_ids)
        except Exception:  # noqa: BLE001 - tables missing in an old store: no parties
            run = None
        return cls(store, run, {} if run is None else None)

    @classmethod
    def identity(cls) -> PartyLookup:
        return cls(None, None, {})

    @property
    def resolved(self) -> bool:
        """Whether a resolution run stands behind the answers."""
        return self.run_id is not None

    def _fill(self, rows: Iterable[tuple[str, str]]) -> None:
        groups: dict[str, list[str]] = {}
        for rid, pid in rows:
            self._party[rid] = pid
            groups.setdefault(pid, []).append(rid)
        for pid, rids in groups.items():
            have = self._members.get(pid, ())
            self._members[pid] = tuple(sorted(set(have) | set(rids)))

    def load_all(self) -> None:
        """Read the whole run at once (for whole-list questions)."""
        if self._full or self.store is None or self.run_id is None:
            self._full = True
            return
        q = select(party_members.c.record_id, party_members.c.party_id).where(
            party_members.c.run_id == self.run_id)
        with self.store.engine.connect() as conn:
            self._fill(conn.execute(q).all())
        self._full = True

    def prefetch(self, record_ids: Iterable[str]) -> None:
        """Read the parties of these records and all their other records (two queries)."""
        if self._full or self.store is None or self.run_id is None:
            return
        want = [r for r in set(record_ids) if r not in self._asked]
        if not want:
            return
        self._queries += 1
        if self._queries > BULK_AFTER:
            # a whole catalogue or graph is being asked about: one read of the run is cheaper
            self.load_all()
            return
        self._asked.update(want)
        pm = party_members.c
        with self.store.engine.connect() as conn:
            for i in range(0, len(want), CHUNK):
                chunk = want[i:i + CHUNK]
                inner = select(pm.party_id).where(pm.run_id == self.run_id,
                                                   pm.record_id.in_(chunk))
                q = select(pm.record_id, pm.party_id).where(
                    pm.run_id == self.run_id, pm.party_id.in_(inner.scalar_subquery()))
                rows = conn.execute(q).all()
                self._fill(rows)
                self._asked.update(r for r, _ in rows)

    def party(self, record_id: str) -> str:
        """The party id of a record (the record id itself when it is in no run)."""
        if record_id not in self._party:
            self.prefetch([record_id])
        return self._party.get(record_id, record_id)

    def records(self, record_id: str) -> tuple[str, ...]:
        """Every record of the record's party, itself included (sorted)."""
        pid = self.party(record_id)
        return self._members.get(pid, (record_id,))

    def members(self, party_id: str) -> tuple[str, ...]:
        """The records of a party id (empty if unknown)."""
        if party_id not in self._members and not self._full and self.store is not None \
                and self.run_id is not None:
            pm = party_members.c
            with self.store.engine.connect() as conn:
                rows = conn.execute(select(pm.record_id, pm.party_id).where(
                    pm.run_id == self.run_id, pm.party_id == party_id)).all()
            self._fill(rows)
            self._asked.update(r for r, _ in rows)
        return self._members.get(party_id, ())

    def grouped(self) -> list[str]:
        """Every record of a party of two or more records (reads the whole run)."""
        self.load_all()
        return [r for members in self._members.values() if len(members) > 1 for r in members]

    def mapping(self) -> dict[str, str]:
        """The full record -> party map of the run."""
        self.load_all()
        return dict(self._party)


__all__ = ["PartyLookup", "current_run_id", "parties_mark"]

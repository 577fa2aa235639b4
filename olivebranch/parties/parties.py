"""The read side: which party a record belongs to, a party's records, its merged entity.

:class:`Parties` is a snapshot of one stored run, loaded once (about 40,000 rows) and then
answering from memory; consumers (screening, ``/match``, listing status, ownership, the entity
page) hold one per request or per process. Party ids are stable across list versions
(:mod:`olivebranch.parties.ids`); an id that stopped being used because its party merged into
another still resolves through :meth:`Parties.canonical`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from followthemoney import EntityProxy, model

from olivebranch.parties.resolve import Link
from olivebranch.parties.store import PartyStore, Run
from olivebranch.store import Store


class PartiesNotResolved(LookupError):
    """No resolution run exists for the store and none was allowed to run."""


class Parties:
    """One run's record -> party mapping, in memory."""

    def __init__(self, store: Store, run: Run, party_of: dict[str, str],
                 aliases: dict[str, str]) -> None:
        self.store = store
        self.run = run
        self._party_of = party_of
        self._aliases = aliases
        self._records: dict[str, list[str]] = {}
        for rid, pid in party_of.items():
            self._records.setdefault(pid, []).append(rid)
        for members in self._records.values():
            members.sort()

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        store: Store,
        *,
        as_of: date | None = None,
        refresh: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> Parties:
        """The parties of the active list versions (or of ``as_of``).

        With ``refresh`` (default), a missing or stale run (lists imported or judgements made
        since) is brought up to date first, incrementally when possible. With
        ``refresh=False`` the newest stored run is used as it is; :class:`PartiesNotResolved`
        if there is none."""
        from olivebranch.parties.resolver import PartyResolver

        ps = PartyStore(store)
        vids = [v.id for v in store.active_versions(as_of)]
        run = ps.latest_run(vids)
        if refresh:
            resolver = PartyResolver(store)
            if run is None or not resolver.is_current(as_of):
                resolver.run(as_of=as_of, progress=progress)
                run = ps.latest_run(vids)
        if run is None:
            run = ps.latest_run()
        if run is None:
            raise PartiesNotResolved("no party resolution yet: run `olivebranch parties xref`")
        return cls(store, run, ps.party_map(run.id), ps.aliases())

    # ------------------------------------------------------------------ lookups
    def party_of(self, record_id: str) -> str | None:
        """The party id of a record (``None`` for an id that is not a record of this run)."""
        return self._party_of.get(record_id)

    def canonical(self, ref: str) -> str | None:
        """The current party id for a record id, a party id, or a party id that merged into
        another (``None`` if unknown)."""
        if ref in self._records:
            return ref
        if ref in self._party_of:
            return self._party_of[ref]
        seen = set()
        while ref in self._aliases and ref not in seen:
            seen.add(ref)
            ref = self._aliases[ref]
            if ref in self._records:
                return ref
        return None

    def records(self, party_id: str) -> list[str]:
        """The record ids of a party (sorted; empty if the id is unknown)."""
        pid = self.canonical(party_id)
        return list(self._records.get(pid, [])) if pid else []

    def parties(self) -> Iterator[str]:
        """Every party id of this run."""
        return iter(sorted(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and self.canonical(ref) is not None

    def same_party(self, a: str, b: str) -> bool:
        pa, pb = self.canonical(a), self.canonical(b)
        return pa is not None and pa == pb

    def sources(self, party_id: str) -> list[str]:
        """The list sources (datasets) holding the party's records."""
        from olivebranch.store import entities, versions

        ids = self.records(party_id)
        if not ids:
            return []
        from sqlalchemy import select

        q = (select(versions.c.source).distinct()
             .select_from(entities.join(versions, entities.c.version_id == versions.c.id))
             .where(entities.c.id.in_(ids), versions.c.id.in_(list(self.run.version_ids))))
        with self.store.engine.connect() as conn:
            return sorted(s for (s,) in conn.execute(q))

    def links(self, party_id: str) -> list[Link]:
        """The automatic and reviewers' links that hold the party together (applied ones)."""
        ids = set(self.records(party_id))
        if not ids:
            return []
        ps = PartyStore(self.store)
        return [link for link in ps.links(self.run.id, record_ids=sorted(ids))
                if link.applied and link.left in ids and link.right in ids]

    def merged_entity(self, party_id: str) -> EntityProxy | None:
        """The party as one FollowTheMoney entity: its records' properties merged under the
        party id, schema the records' common schema (``None`` if the id is unknown)."""
        pid = self.canonical(party_id)
        if pid is None:
            return None
        merged: EntityProxy | None = None
        for rid in self._records[pid]:
            proxy = self.store.get_entity(rid, version_ids=self.run.version_ids)
            if proxy is None:
                continue
            proxy = model.get_proxy(proxy.to_dict(), cleaned=True)
            if merged is None:
                merged = proxy
            else:
                try:
                    merged = merged.merge(proxy)
                except Exception:  # noqa: BLE001 - incompatible schemata never resolve together
                    continue
        if merged is not None:
            merged.id = pid
        return merged

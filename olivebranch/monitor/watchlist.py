"""Watchlists: who is re-screened when a list changes.

Two kinds: the parties of every catalogue and user deal (``deals``, rebuilt from the catalogue
on every run so it follows the deals' revisions; host states and other ``screen: false``
parties are left out), and named counterparty files: a batch screening CSV (``id, schema,
name, birth_date, identifier, country``) saved in the store with its own ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from olivebranch.deals.models import Deal
from olivebranch.errors import InvalidInput, NotFound
from olivebranch.match.batch import iter_rows, row_query
from olivebranch.match.model import Query
from olivebranch.monitor.tables import watch_hits, watchlist_entries, watchlists
from olivebranch.store import Store

#: The watchlist of deal parties (not stored: built from the catalogue).
DEALS = "deals"
KIND_SCHEMA = {"person": "Person", "vessel": "Vessel", "company": "Company",
               "fund": "Company", "state_body": "Organization"}
_SEP = "\x1f"


@dataclass(frozen=True)
class WatchEntry:
    watchlist: str
    entry_id: str
    names: tuple[str, ...]
    schema: str = "LegalEntity"
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    deal_id: str | None = None
    pins: tuple[str, ...] = field(default=())

    def query(self) -> Query:
        return Query(name=list(self.names), schema=self.schema, birth_date=self.birth_date,
                     identifiers=list(self.identifiers), countries=list(self.countries),
                     id=self.entry_id)


def deal_entries(deals: Iterable[Deal]) -> list[WatchEntry]:
    """One entry per screened party of each deal: ``<deal id>/<party id>``."""
    out = []
    for d in deals:
        for p in d.parties:
            if not p.screen:
                continue
            out.append(WatchEntry(DEALS, f"{d.id}/{p.id}", (p.name, *p.aliases),
                                  KIND_SCHEMA.get(p.kind, "LegalEntity"), None,
                                  tuple(p.identifiers), (p.jurisdiction,) if p.jurisdiction else (),
                                  d.id, tuple(p.pin)))
    return out


def save_csv(store: Store, name: str, path: Path, *, replace: bool = False) -> int:
    """Save a batch screening CSV as watchlist ``name`` (its ``id`` column as entry ids; rows
    without one get ``row-<line>``). Refuses a bad row with its line, and a taken name unless
    ``replace``. Returns the number of entries."""
    if name == DEALS:
        raise InvalidInput(f"'{DEALS}' is the watchlist of deal parties; choose another name")
    rows = []
    seen: set[str] = set()
    for line, row, error in iter_rows(path):
        if error is not None or row is None:
            raise InvalidInput(f"{path}, line {line}: {error}")
        try:
            q = row_query(row, line)
        except ValueError as exc:
            raise InvalidInput(f"{path}, line {line}: {exc}") from None
        assert q.id is not None
        if q.id in seen:
            raise InvalidInput(f"{path}, line {line}: id {q.id!r} appears twice")
        seen.add(q.id)
        rows.append({"watchlist": name, "entry_id": q.id, "name": _SEP.join(q.names),
                     "schema": q.schema, "birth_date": q.birth_date,
                     "identifiers": _SEP.join(q.identifiers), "countries": _SEP.join(q.countries)})
    if not rows:
        raise InvalidInput(f"{path}: no rows to watch")
    with store.engine.begin() as conn:
        exists = conn.execute(select(watchlists.c.name).where(watchlists.c.name == name)).first()
        if exists and not replace:
            raise InvalidInput(f"watchlist {name!r} exists (use --replace)")
        conn.execute(delete(watchlist_entries).where(watchlist_entries.c.watchlist == name))
        conn.execute(delete(watchlists).where(watchlists.c.name == name))
        conn.execute(insert(watchlists), [{"name": name, "created_at": datetime.now(UTC),
                                          "origin": path.name, "rows": len(rows)}])
        for i in range(0, len(rows), 5000):
            conn.execute(insert(watchlist_entries), rows[i:i + 5000])
    return len(rows)


def names(store: Store) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(watchlists).order_by(watchlists.c.name))]


def remove(store: Store, name: str) -> None:
    with store.engine.begin() as conn:
        if conn.execute(delete(watchlists).where(watchlists.c.name == name)).rowcount == 0:
            raise NotFound(f"no watchlist {name!r}")
        conn.execute(delete(watchlist_entries).where(watchlist_entries.c.watchlist == name))
        conn.execute(delete(watch_hits).where(watch_hits.c.watchlist == name))


def stored_entries(store: Store, only: Iterable[str] | None = None) -> Iterator[WatchEntry]:
    """The entries of the saved watchlists (all, or those named)."""
    q = select(watchlist_entries).order_by(watchlist_entries.c.watchlist,
                                           watchlist_entries.c.entry_id)
    if only is not None:
        q = q.where(watchlist_entries.c.watchlist.in_(list(only)))
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            m = r._mapping
            yield WatchEntry(m["watchlist"], m["entry_id"], tuple(m["name"].split(_SEP)),
                             m["schema"], m["birth_date"],
                             tuple(x for x in (m["identifiers"] or "").split(_SEP) if x),
                             tuple(x for x in (m["countries"] or "").split(_SEP) if x))

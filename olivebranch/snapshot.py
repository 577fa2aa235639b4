"""One state of the lists, shared by every question asked about the days it covers.

Who is listed, which ownership edges hold and what the screening index contains change only on
a few days: a version's publication, a listing date, a designation's end, an edge's start or
end, a supersession. A store's :class:`Timeline` knows those days, so any evaluation day maps
to the last change on or before it; two days with the same change share one :class:`Snapshot`:
one :class:`~olivebranch.listings.Listings`, one screening index, one ownership graph and the
identity links derived from it. What is slow to derive (identity links across lists, names of
unlisted graph nodes, OFAC directives) is kept on disk, keyed by the store, its list versions,
the snapshot's day and the code that derives it, so a new process reads it instead of
recomputing it.

:class:`Snapshots` hands them out (a few kept in memory); the workspace owns one per store.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.listings import Listings, supersession_days
from olivebranch.ownership.edges import EDGE_SCHEMATA, Edge, edges_from_ftm
from olivebranch.ownership.graph import OwnershipGraph
from olivebranch.ownership.rules import load_params
from olivebranch.paths import DATA_DIR, PACKAGE_DIR, workspace_cache
from olivebranch.regimes import Registry, registry
from olivebranch.store import Store, Version

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex
    from olivebranch.ownership.identity import Link
    from olivebranch.parties.lookup import PartyLookup

log = logging.getLogger("olivebranch.snapshot")
#: bump when the layout of what is cached on disk changes
CACHE_FORMAT = 1
#: snapshots (and screening indexes other than the current one) kept in memory
KEEP = 4


def cache_root() -> Path:
    return workspace_cache()


# ---------------------------------------------------------------------------- dates as stored
def _month_after(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1)


def _parse(text: str) -> date | None:
    try:
        if len(text) >= 10:
            return date.fromisoformat(text[:10])
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        if len(text) == 4:
            return date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def listing_day(value: str | None) -> date | None:
    """First day on which a stored listing date counts as reached (the store compares the
    strings: ``listing_date <= day``; ``"2014"`` counts from 1 Jan 2014, a date with a time
    from the next day)."""
    if not value:
        return None
    day = _parse(value)
    if day is not None and len(value) > 10:
        day += timedelta(days=1)
    return day


def end_day(value: str | None) -> date | None:
    """First day on which a designation with this end date is no longer in force."""
    if not value or len(value.strip()) < 10:
        return None
    day = _parse(value.strip())
    return day + timedelta(days=1) if day else None


def edge_days(edge: Edge) -> list[date]:
    """Days on which an edge starts or stops being in place (``Edge.active_on``)."""
    out = []
    if edge.start:
        d = _parse(edge.start[:10])
        if d:
            out.append(d)
    if edge.end:
        e = edge.end
        d = _parse(e[:10])
        if d and len(e) >= 10:
            out.append(d)
        elif d and len(e) == 7:
            out.append(_month_after(d.year, d.month))
        elif d and len(e) == 4:
            out.append(date(d.year + 1, 1, 1))
    return out


# ---------------------------------------------------------------------------- the timeline
class Timeline:
    """The list versions of a store and the days on which what they say changes. What it
    reads (the change days, the ownership edges) is kept on disk under ``cache_dir``, keyed by
    the versions."""

    def __init__(self, store: Store, reg: Registry, cache_dir: Path | None = None) -> None:
        self.store = store
        self.registry = reg
        self.cache_dir = cache_dir
        self.versions: list[Version] = store.versions()
        self.active_ids = tuple(sorted(v.id for v in self.versions if v.active))
        self.stamp = store.versions_stamp()
        self._lock = threading.Lock()
        self._on: dict[date, tuple[int, ...]] = {}
        self._index_days: list[date] | None = None
        self._days: list[date] | None = None
        self._edges: dict[int, list[Edge]] | None = None

    def versions_on(self, day: date) -> tuple[int, ...]:
        """Ids of the versions in force on ``day`` (``Store.active_versions``)."""
        hit = self._on.get(day)
        if hit is None:
            hit = self._on[day] = tuple(sorted(v.id for v in self.store.active_versions(day)))
        return hit

    def sources(self, ids: Iterable[int]) -> list[str]:
        want = set(ids)
        return [v.source for v in self.versions if v.id in want]

    # ------------------------------------------------------------------ change days
    def _load_days(self) -> None:
        listed: set[date] = set()
        ended: set[date] = set()
        for text in self.store.designation_dates():
            d = listing_day(text)
            if d:
                listed.add(d)
            e = end_day(text)
            if e:
                ended.add(e)
        published = {v.published for v in self.versions if v.published}
        self._index_days = sorted(listed | published)
        edges = {d for items in self.edges().values() for e in items for d in edge_days(e)}
        self._days = sorted(listed | ended | published | edges | supersession_days())

    def _cache_path(self) -> Path | None:
        if self.cache_dir is None:
            return None
        raw = f"{code_digest()}|{self.store.url}|{self.stamp}"
        url = hashlib.sha1(str(self.store.url).encode()).hexdigest()[:8]
        return self.cache_dir / f"timeline-{url}-{hashlib.sha1(raw.encode()).hexdigest()[:16]}.pickle"

    def change_days(self) -> list[date]:
        with self._lock:
            if self._days is None:
                path = self._cache_path()
                cached = read_cache(path) if path is not None else None
                if isinstance(cached, tuple) and len(cached) == 3:
                    self._days, self._index_days, self._edges = cached
                else:
                    self._load_days()
                    if path is not None:
                        write_cache(path, (self._days, self._index_days, self._edges))
        assert self._days is not None
        return self._days

    def index_days(self) -> list[date]:
        self.change_days()
        assert self._index_days is not None
        return self._index_days

    def canonical(self, day: date) -> date:
        """The last change on or before ``day`` (``day`` itself if nothing changed before)."""
        days = self.change_days()
        i = bisect.bisect_right(days, day)
        return days[i - 1] if i else day

    def index_as_of(self, day: date) -> date | None:
        """The ``as_of`` to build the screening index of ``day`` with: ``None`` (the active
        versions, the cache every process shares) when that is the same index."""
        days = self.index_days()
        vids = self.versions_on(day)
        if vids == self.active_ids and (not days or day >= days[-1]):
            return None
        i = bisect.bisect_right(days, day)
        return days[i - 1] if i else day

    # ------------------------------------------------------------------ ownership edges
    def edges(self) -> dict[int, list[Edge]]:
        """Every ownership edge the store states, per version (read once)."""
        if self._edges is None:
            roles = load_params(reg=self.registry).roles
            sources = {v.id: v.source for v in self.versions}
            out: dict[int, list[Edge]] = {}
            for vid, data in self.store.iter_entity_dicts(
                    version_ids=list(sources), schemata=EDGE_SCHEMATA):
                out.setdefault(vid, []).extend(edges_from_ftm(data, roles, source=sources[vid]))
            self._edges = out
        return self._edges

    def edges_on(self, vids: Iterable[int]) -> list[Edge]:
        all_edges = self.edges()
        return [e for v in vids for e in all_edges.get(v, ())]


# ---------------------------------------------------------------------------- derived data
@dataclass
class OwnershipData:
    """What is slow to derive about a snapshot's ownership graph, kept on disk: identity links
    of graph nodes to records listed under another id, the names of unlisted graph nodes (to
    place deal parties on them), and OFAC's SSI directives per record."""

    links: dict[str, dict[str, list[Link]]] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    directives: dict[str, frozenset[str]] = field(default_factory=dict)


@cache
def code_digest() -> str:
    """Digest of the code and data that derive what snapshots cache on disk."""
    h = hashlib.sha1(str(CACHE_FORMAT).encode())
    files = [PACKAGE_DIR / "listings.py", PACKAGE_DIR / "snapshot.py", DATA_DIR / "regimes.yaml",
             *sorted((PACKAGE_DIR / "ownership").glob("*.py")),
             *sorted((PACKAGE_DIR / "deals").glob("*.py")), PACKAGE_DIR / "lists" / "base.py",
             *sorted((PACKAGE_DIR / "lists").glob("*.py"))]
    for path in files:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


class Snapshot:
    """The lists as they stand over a stretch of days (see module doc)."""

    def __init__(self, owner: Snapshots, key: str, day: date, version_ids: tuple[int, ...]
                 ) -> None:
        self.owner = owner
        self.key = key
        self.day = day  # the first day of the stretch (the change that starts it)
        self.version_ids = version_ids
        timeline = owner.timeline()
        self.listings = Listings(day, store=owner.store, version_ids=version_ids,
                                 sources=timeline.sources(version_ids), reg=owner.registry)
        self._lock = threading.RLock()
        self._graph: OwnershipGraph | None = None
        self._data: OwnershipData | None = None
        #: per-snapshot memo of the verdict engine (party statuses, nodes …): dropped with it
        self.memo: dict[str, dict] = {}

    def index(self) -> MatchIndex:
        return self.owner.index(self.day)

    def parties(self) -> PartyLookup:
        """Which records are one party (the store's current resolution; see
        ``olivebranch.parties``), as the snapshot's listings use it."""
        return self.listings.parties

    def graph(self) -> OwnershipGraph:
        """The stored ownership graph of the snapshot's days (edges in place, duplicates
        resolved)."""
        with self._lock:
            if self._graph is None:
                edges = self.owner.timeline().edges_on(self.version_ids)
                self._graph = OwnershipGraph.build(edges, as_of=self.day)
            return self._graph

    def ownership_data(self) -> OwnershipData:
        """Identity links, node names and directives: from the disk cache, else derived."""
        with self._lock:
            if self._data is None:
                self._data = self.owner.load_or_derive(self)
            return self._data

    def derive(self) -> OwnershipData:
        from olivebranch.ownership.identity import link_identities
        from olivebranch.ownership.records import name_key, ssi_directives

        store, graph, listings = self.owner.store, self.graph(), self.listings
        classes = listings.by_class()
        by_regime: dict[str, set[str]] = {}
        for kind in ("blocking", "sectoral"):
            for regime, ids in classes[kind].items():
                by_regime.setdefault(regime, set()).update(ids)
        links = link_identities(store, graph.ids, by_regime, version_ids=self.version_ids) \
            if len(graph) else {}
        if len(graph):
            # every record of a party with several records, on the graph or not: the owners
            # view of a record off the graph (the UK's Arctic LNG 2) then shows its OFAC status
            parties = self.listings.parties
            parties.load_all()
            add_party_links(links, {*graph.ids, *parties.grouped()}, by_regime, parties)
        listed: set[str] = set().union(*by_regime.values()) if by_regime else set()
        listed.update(*classes["other"].values())
        names: dict[str, list[str]] = {}
        unlisted = [n for n in graph.ids if n not in listed]
        for _vid, data in store.iter_entity_dicts(version_ids=self.version_ids, ids=unlisted):
            node = data.get("id")
            props = data.get("properties") or {}
            for value in (props.get("name") or []) + (props.get("alias") or []):
                key = name_key(value)
                if key and node not in names.get(key, ()):
                    names.setdefault(key, []).append(node)
        return OwnershipData(links, names, ssi_directives(store, self.version_ids))


def add_party_links(links: dict[str, dict[str, list[Link]]], node_ids: Iterable[str],
                    by_regime: dict[str, set[str]], parties: PartyLookup) -> None:
    """Ownership edges attach to parties: a graph node whose party has a record listed under a
    regime is linked to that record (in place), so a chain crosses list boundaries (Vostok Oil
    <- Rosneft's OFAC record, seeded by Rosneft's UK record under the UK rule)."""
    from olivebranch.ownership.identity import Link

    if not parties.resolved:
        return
    nodes = sorted(node_ids)
    parties.prefetch(nodes)
    for node in nodes:
        others = [r for r in parties.records(node) if r != node]
        if not others:
            continue
        pid = parties.party(node)
        for regime, listed in by_regime.items():
            for other in others:
                if other not in listed:
                    continue
                have = links.setdefault(regime, {}).setdefault(node, [])
                if any(link.other_id == other for link in have):
                    continue
                have.append(Link(node, other, f"same party {pid}"))


class Snapshots:
    """Snapshots of one store, by day; also the screening indexes they use."""

    def __init__(self, store: Store, *, reg: Registry | None = None,
                 index: MatchIndex | None = None, use_cache: bool = True,
                 cache_dir: Path | None = None,
                 index_loader: Callable[[Store, date | None], MatchIndex] | None = None,
                 freeze: bool = False) -> None:
        self.store = store
        self.freeze = freeze
        self.registry = reg or registry()
        self.fixed_index = index
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self._index_loader = index_loader
        self._lock = threading.RLock()
        self._timeline: Timeline | None = None
        self._snaps: OrderedDict[str, Snapshot] = OrderedDict()
        self._indexes: OrderedDict[date | None, MatchIndex] = OrderedDict()

    # ------------------------------------------------------------------ store state
    def timeline(self) -> Timeline:
        with self._lock:
            if self._timeline is None:
                self._timeline = Timeline(self.store, self.registry, self._disk())
            return self._timeline

    def _disk(self) -> Path | None:
        return (self.cache_dir or cache_root()) if self.use_cache else None

    def refresh(self) -> bool:
        """Drop everything if the store's list versions changed (an import, an activation);
        True if they did."""
        with self._lock:
            fresh = Timeline(self.store, self.registry, self._disk())
            if self._timeline is not None and fresh.stamp == self._timeline.stamp:
                return False
            self._timeline = fresh
            self._snaps.clear()
            self._indexes.clear()
            return True

    # ------------------------------------------------------------------ snapshots
    def key(self, day: date) -> tuple[str, date]:
        t = self.timeline()
        start = t.canonical(day)
        return f"{t.stamp}:{start.isoformat()}", start

    def on(self, day: date) -> Snapshot:
        """The snapshot that covers ``day``."""
        key, start = self.key(day)
        with self._lock:
            snap = self._snaps.get(key)
            if snap is None:
                snap = Snapshot(self, key, start, self.timeline().versions_on(start))
                self._snaps[key] = snap
                while len(self._snaps) > KEEP:
                    self._snaps.popitem(last=False)
            else:
                self._snaps.move_to_end(key)
            return snap

    def by_key(self, key: str) -> Snapshot | None:
        """A snapshot still in memory, by its key."""
        with self._lock:
            return self._snaps.get(key)

    # ------------------------------------------------------------------ screening index
    def index(self, day: date) -> MatchIndex:
        """The screening index of ``day``'s lists (one per distinct index, a few kept)."""
        if self.fixed_index is not None:
            return self.fixed_index
        as_of = self.timeline().index_as_of(day)
        with self._lock:
            hit = self._indexes.get(as_of)
            if hit is not None:
                self._indexes.move_to_end(as_of)
                return hit
        index = self._load_index(as_of)
        with self._lock:
            self._indexes[as_of] = index
            while len(self._indexes) > KEEP:
                self._indexes.popitem(last=False)
        return index

    def current_index(self) -> MatchIndex:
        """The screening index of the active list versions (what screening without a date
        and the yente-compatible API use)."""
        if self.fixed_index is not None:
            return self.fixed_index
        self.timeline()  # the versions it is built from (refresh compares them)
        with self._lock:
            hit = self._indexes.get(None)
        if hit is None:
            hit = self._load_index(None)
            with self._lock:
                self._indexes[None] = hit
        return hit

    def _load_index(self, as_of: date | None) -> MatchIndex:
        if self._index_loader is not None:
            index = self._index_loader(self.store, as_of)
        else:
            from olivebranch.match.cache import load_index

            index = load_index(self.store, as_of, use_cache=self.use_cache)
        if self.freeze:
            # a short-lived process keeps the index to its end: keep the collector from
            # rescanning its millions of objects at every later allocation burst
            gc.freeze()
        return index

    def set_index(self, index: MatchIndex, as_of: date | None = None) -> None:
        """Use ``index`` for the lists of ``as_of`` (``None``: the active versions)."""
        with self._lock:
            self._indexes[as_of] = index

    # ------------------------------------------------------------------ disk cache
    def _path(self, snap: Snapshot) -> Path:
        root = self.cache_dir or cache_root()
        url = hashlib.sha1(str(self.store.url).encode()).hexdigest()[:8]
        raw = f"{code_digest()}|{self.store.url}|{snap.key}|{snap.version_ids}"
        return root / f"ownership-{url}-{hashlib.sha1(raw.encode()).hexdigest()[:16]}.pickle"

    def load_or_derive(self, snap: Snapshot) -> OwnershipData:
        path = self._path(snap)
        data = read_cache(path) if self.use_cache else None
        if isinstance(data, OwnershipData):
            return data
        data = snap.derive()
        if self.use_cache:
            write_cache(path, data)
        return data


def read_cache(path: Path) -> object | None:
    """A pickled cache file, or None (missing or unreadable: then it is rebuilt)."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache file is rebuilt, never fatal
        log.warning("ignoring unreadable cache file %s", path)
        return None


def write_cache(path: Path, data: object, keep: int = 8) -> None:
    """Write a cache file atomically and keep the ``keep`` newest of its kind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        prefix = "-".join(path.name.split("-")[:2])
        files = sorted(path.parent.glob(f"{prefix}-*.pickle"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


__all__ = ["OwnershipData", "Snapshot", "Snapshots", "Timeline"]

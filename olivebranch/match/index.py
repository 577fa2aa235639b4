"""The screening index over every listed entity of the active list versions.

Candidate retrieval never scans all names: each name token is posted under its
romanisation-folded form, its consonant skeleton and its single-letter deletions (a SymSpell-
style neighbourhood, so one typo still meets), and identifiers under their normalised form.
A query collects entities from those posting lists, weighted by how rare each key is, and
only the best few dozen candidates are scored in full.

Layout: everything the index holds is a handful of flat arrays and a few byte blobs (see
:class:`Parts`), so that the on-disk cache (``cache.py``) is opened with ``numpy`` memory maps
in milliseconds instead of unpickling a million Python objects. Sorted fixed-width byte arrays
stand in for dictionaries (posting keys, entity ids: a binary search each), listed entities
and the scorer's analysed forms of their names (stored field by field, so a change to the
scorer's ``NameForm`` needs only a cache-format bump) are decoded from the blobs only when a
query reaches them. A freshly built index and an opened one run exactly the same code on
exactly the same arrays.
"""

from __future__ import annotations

import json
import marshal
import math
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from olivebranch.match.analysis import (
    F_COMPACT,
    F_KIND,
    FORM_FIELDS,
    FORM_SETS,
    FORM_TOKENS,
    MARSHAL_VERSION,
    T_ALTS,
    T_FOLD,
    T_INITIAL,
    T_NUMERIC,
    T_SKEL,
    T_WEIGHT,
    TOKEN_FIELDS,
    TOKEN_SETS,
    Analyses,
    NameCache,
    _build_object,
    analyse,
    cache_dir,
    canonical,
    dumps,
    in_parallel,
    restore,
)
from olivebranch.match.bound import below
from olivebranch.match.forked import Beside
from olivebranch.match.grouped import PartyMatch
from olivebranch.match.model import DEFAULT_THRESHOLD, MatchResult, Query
from olivebranch.match.names import NameForm, Token, analyze, kind_of
from olivebranch.match.profile import dict_profile, profile_names, query_profile, weak_names
from olivebranch.match.score import MATCHABLE, Profile, explain, schema_compatible, score_profiles

if TYPE_CHECKING:  # followthemoney takes ~0.5 s to import: only ``get`` and building need it
    from followthemoney import EntityProxy

#: Candidates scored in full per query.
CANDIDATES = 30
#: Keys posted for more entities than this are too common to select anything.
MAX_POSTING = 4000
#: Listed names kept in the per-token retrieval memo (8 bytes each), per index.
SHARE_CACHE = 8_000_000
ID_SCHEMATA = ("Identification", "Passport")
ALL_KINDS = ("person", "org", "object")


@dataclass(eq=False)
class Entry:
    """One listed entity as the index keeps it; ``data`` (the merged FtM dict) is decoded on
    each access, so holding entries does not hold every listed record."""

    id: str
    schema: str
    caption: str
    profile: Profile
    sources: list[str]
    source_ids: list[str]
    programs: list[str]
    datasets: list[str]
    #: (source, record number, programme, listing date) of each designation
    listings: tuple[tuple[str | None, ...], ...] = ()
    #: the party the record belongs to (``olivebranch.parties``; the record id if unresolved)
    party_id: str = ""
    _index: MatchIndex | None = field(default=None, repr=False)
    _pos: int = field(default=-1, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        assert self._index is not None
        return self._index.entity_data(self._pos)


def _deletions(s: str) -> set[str]:
    return {s[:i] + s[i + 1 :] for i in range(len(s))}


def token_keys(tok: Token) -> frozenset[str]:
    """Posting keys of one listed name token."""
    if tok.initial or not tok.fold:
        return frozenset()
    keys = _keys(tok.fold, tok.skel, tok.numeric)
    if tok.alts:
        keys = keys | {"f:" + a for a in tok.alts}
    return keys


def value_keys(values: Sequence[Any]) -> frozenset[str]:
    """:func:`token_keys` of a token given as its (canonical) field values
    (``analysis.Analyses``)."""
    fold = values[T_FOLD]
    if values[T_INITIAL] or not fold:
        return frozenset()
    keys = _keys(fold, values[T_SKEL], values[T_NUMERIC])
    if values[T_ALTS]:
        keys = keys | {"f:" + a for a in values[T_ALTS]}
    return keys


@lru_cache(maxsize=300_000)
def _keys(fold: str, skel: str, numeric: bool) -> frozenset[str]:
    keys = {"f:" + fold}
    if len(skel) >= 3:
        keys.add("s:" + skel)
    if len(fold) >= 4 and not numeric:
        keys.update("d:" + d for d in _deletions(fold))
    if len(fold) >= 8 and not numeric:
        keys.add("p:" + fold[:5])
        keys.add("x:" + fold[-6:])
    return frozenset(keys)


def query_keys(tok: Token) -> list[tuple[str, float]]:
    """Keys a query token looks up, with how much a hit counts."""
    if tok.initial or not tok.fold:
        return []
    if tok.patronymic:
        # patronymics are common and rarely decide retrieval: exact and phonetic keys only
        return [("f:" + tok.fold, 1.0), ("s:" + tok.skel, 0.5)]
    keys = _query_keys(tok.fold, tok.skel, tok.lossy, tok.numeric)
    if tok.alts:
        keys = keys + [("f:" + a, 0.9) for a in tok.alts]
    return keys


@lru_cache(maxsize=50_000)
def _query_keys(fold: str, skel: str, lossy: bool, numeric: bool) -> list[tuple[str, float]]:
    keys = [("f:" + fold, 1.0)]
    if len(skel) >= 3:
        keys.append(("s:" + skel, 0.8 if lossy else 0.5))
    if numeric:
        return keys
    if len(fold) >= 4:
        keys.append(("d:" + fold, 0.7))
        for d in _deletions(fold):
            keys.append(("f:" + d, 0.7))
            keys.append(("d:" + d, 0.6))
    if len(fold) >= 8:
        keys.append(("p:" + fold[:5], 0.4))
        keys.append(("x:" + fold[-6:], 0.4))
        # words written together (RomanKotekin, SergeyTsivilev): both halves must be words
        for cut in range(4, len(fold) - 3):
            keys.append(("f:" + fold[:cut], 0.5))
            keys.append(("f:" + fold[cut:], 0.5))
    return keys


# ---------------------------------------------------------------------------- stored layout

#: The arrays of :class:`Parts`, in the order they are written.
ARRAYS = ("entry_ids", "entry_off", "data_off", "entry_form_off", "entry_forms", "form_off",
          "token_off", "name_entry", "name_form", "name_weak", "name_norm", "key_text",
          "key_off", "postings", "idf", "party", "party_off", "party_members")
BLOBS = ("entries", "data", "forms", "tokens")


@dataclass
class Parts:
    """Everything an index holds. E listed entities (sorted by id), N listed names, K keys.

    * ``entry_ids`` (E, ``S<w>``, sorted): entity ids, UTF-8; position = entity number;
    * ``entries`` blob, ``entry_off`` (E+1): per entity its caption, sources, source ids,
      programmes, datasets, listings and party id, then the fields of its scorer ``Profile``
      (see :func:`_encode_values`);
    * ``data`` blob, ``data_off`` (E+1): per entity its merged FtM dict, marshalled;
    * ``forms`` blob, ``form_off`` (F+1): the scorer's analysed form (``NameForm``) of each
      distinct (name, kind), its tokens as numbers into the ``tokens`` blob, ``token_off``
      (T+1) (see :func:`_encode_values`); ``entry_form_off`` (E+1)/``entry_forms``: the form
      numbers of each entity's names then weak names;
    * ``name_entry``/``name_form``/``name_weak``/``name_norm`` (N): a listed name's entity,
      its form number, whether it is a weak alias, and 1/√weight;
    * ``key_text`` (K, ``S<w>``, sorted), ``key_off`` (K+1), ``postings``, ``idf`` (K): the
      posting lists in CSR form (name numbers; identifier keys hold ``-1 - entity``);
    * ``party`` (E): party number of each entity (records of one party on several lists: the
      stored resolution's parties, see ``olivebranch.parties``, else same full name),
      ``party_off`` (E+1)/``party_members``: the entities of each party of two or more.
    """

    entry_ids: np.ndarray
    entry_off: np.ndarray
    data_off: np.ndarray
    entry_form_off: np.ndarray
    entry_forms: np.ndarray
    form_off: np.ndarray
    token_off: np.ndarray
    name_entry: np.ndarray
    name_form: np.ndarray
    name_weak: np.ndarray
    name_norm: np.ndarray
    key_text: np.ndarray
    key_off: np.ndarray
    postings: np.ndarray
    idf: np.ndarray
    party: np.ndarray
    party_off: np.ndarray
    party_members: np.ndarray
    entries: bytes | Any
    data: bytes | Any
    forms: bytes | Any
    tokens: bytes | Any
    version_ids: tuple[int, ...] = ()
    as_of: str = ""  # the day the listings were taken as of ("" = the active versions)

    def save(self, directory: Path) -> None:
        """Write the parts as ``.npy`` files and raw blobs into an (empty) directory."""
        directory.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            np.save(directory / f"{name}.npy", np.ascontiguousarray(getattr(self, name)),
                    allow_pickle=False)
        for name in BLOBS:
            (directory / f"{name}.bin").write_bytes(getattr(self, name))
        meta = {"entries": int(len(self.entry_ids)), "names": int(len(self.name_entry)),
                "keys": int(len(self.key_text)), "version_ids": list(self.version_ids),
                "as_of": self.as_of}
        (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def open(cls, directory: Path) -> Parts:
        """Memory-map the parts written by :meth:`save` (pages are read when touched)."""
        import mmap

        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        # plain ndarray views of the maps: np.memmap's Python-level __getitem__ is slow
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r",
                                allow_pickle=False).view(np.ndarray) for name in ARRAYS}
        blobs: dict[str, Any] = {}
        for name in BLOBS:
            with (directory / f"{name}.bin").open("rb") as f:
                size = f.seek(0, 2)
                blobs[name] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        parts = cls(**arrays, **blobs, version_ids=tuple(meta.get("version_ids", ())),
                    as_of=meta.get("as_of", ""))
        if (len(parts.entry_ids) != meta["entries"] or len(parts.name_entry) != meta["names"]
                or len(parts.key_text) != meta["keys"]
                or int(parts.entry_off[-1]) != len(parts.entries)
                or int(parts.data_off[-1]) != len(parts.data)
                or int(parts.form_off[-1]) != len(parts.forms)
                or int(parts.token_off[-1]) != len(parts.tokens)):
            raise ValueError(f"{directory}: index files do not agree with meta.json")
        return parts


def _sorted_bytes(values: Sequence[bytes]) -> np.ndarray:
    width = max((len(v) for v in values), default=1) or 1
    return np.array(values, dtype=f"S{width}")


def _lookup(table: np.ndarray, keys: Sequence[bytes]) -> list[int]:
    """Positions of ``keys`` in a sorted fixed-width byte array (-1 where absent)."""
    width = table.dtype.itemsize
    out = [-1] * len(keys)
    if not len(table) or not keys:
        return out
    fits = [i for i, k in enumerate(keys) if len(k) <= width]
    if not fits:
        return out
    q = np.array([keys[i] for i in fits], dtype=table.dtype)
    pos = np.searchsorted(table, q)
    pos[pos >= len(table)] = len(table) - 1
    found = table[pos] == q
    for i, p, ok in zip(fits, pos.tolist(), found.tolist(), strict=True):
        if ok:
            out[i] = p
    return out


#: The scorer's analysed forms are stored field by field, whatever fields they have; fields
#: holding tokens hold token numbers (tokens are stored once each, by content); set-valued
#: fields are stored as sorted tuples (``analysis.canonical``).
_FORM_FIELDS = FORM_FIELDS
_TOKEN_FIELDS = TOKEN_FIELDS
_FORM_TOKEN_FIELDS = (FORM_TOKENS,)
#: A listed entity's scorer profile is stored the same way (whatever fields it has).
_PROFILE_FIELDS = tuple(f.name for f in fields(Profile))
_PROFILE_SETS = tuple(i for i, f in enumerate(fields(Profile)) if "frozenset" in str(f.type))


def _encode_values(values: Any) -> bytes:
    """Canonical bytes of plain values (``analysis.dumps``); pickle for a field type marshal
    does not know (slower, but general)."""
    try:
        return b"m" + dumps(values)
    except ValueError:
        return b"p" + pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(raw: bytes) -> Any:
    values: Any = marshal.loads(raw[1:]) if raw[:1] == b"m" else pickle.loads(raw[1:])
    return values


class _Entries(Sequence[Entry]):
    """The listed entities as a read-only sequence, decoded on access."""

    def __init__(self, index: MatchIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, i: int) -> Entry:  # type: ignore[override]
        if isinstance(i, slice):
            return [self._index._entry(j) for j in range(*i.indices(len(self)))]  # type: ignore[return-value]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._index._entry(i)

    def __iter__(self) -> Iterator[Entry]:
        for i in range(len(self)):
            yield self._index._entry(i)


class MatchIndex:
    """Listed entities with postings for fast candidate retrieval; see module doc."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.version_ids = parts.version_ids
        self.as_of = date.fromisoformat(parts.as_of) if parts.as_of else None
        self._n_names = len(parts.name_entry)
        self._cache: dict[int, Entry] = {}
        self._forms: dict[int, tuple[tuple[NameForm, bool], ...]] = {}
        self._form_cache: dict[int, NameForm] = {}
        self._token_cache: dict[int, Token] = {}
        self._local = threading.local()
        self._shares: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._share_size = 0
        self._share_lock = threading.Lock()

    # ---------------------------------------------------------------- building
    @classmethod
    def build(cls, entities: Iterable[EntityProxy], designations: Iterable[Any]) -> MatchIndex:
        """Index the entities that have at least one designation; records sharing an id merge."""
        return cls._from_dicts(((p.to_dict()) for p in entities), designations)

    @classmethod
    def from_store(cls, store: Any, as_of: date | None = None, *,
                   name_cache: bool = True) -> MatchIndex:
        """Index the listed entities of the store's active versions (or as of a date).
        ``name_cache``: take the names' analyses from the on-disk cache of earlier builds
        (``analysis.NameCache``) and add the new ones to it."""
        from olivebranch.gcpolicy import no_cyclic_gc

        # (reading the store creates objects by the hundred thousand too)
        with no_cyclic_gc():
            versions = store.active_versions(as_of)
            vids = [v.id for v in versions]
            datasets = {v.id: v.source for v in versions}
            dicts = (
                {**data, "_source": datasets.get(vid)}
                for vid, data in store.iter_entity_dicts(
                    version_ids=vids, schemata=MATCHABLE + ID_SCHEMATA
                )
            )
            # designations(as_of=…) also drops listings dated after the day (time travel)
            listed = (store.designations(as_of=as_of) if as_of else
                      store.designations(version_ids=vids))
            # the records of one party on several lists, as the store resolved them
            groups = store.record_groups(vids) if hasattr(store, "record_groups") else None
            party_of = groups[1]() if groups is not None else None
            return cls._from_dicts(dicts, listed, tuple(sorted(vids)), as_of, party_of=party_of,
                                   name_cache=NameCache(cache_dir()) if name_cache else None)

    @classmethod
    def open(cls, directory: Path) -> MatchIndex:
        """The index saved by :meth:`save`, memory-mapped."""
        return cls(Parts.open(directory))

    def save(self, directory: Path) -> None:
        self.parts.save(directory)

    @classmethod
    def _from_dicts(
        cls,
        dicts: Iterable[dict[str, Any]],
        designations: Iterable[Any],
        version_ids: tuple[int, ...] = (),
        as_of: date | None = None,
        party_of: dict[str, str] | None = None,
        analyses: Callable[[list[tuple[str, str]]], Analyses] | None = None,
        name_cache: NameCache | None = None,
    ) -> MatchIndex:
        from olivebranch.gcpolicy import no_cyclic_gc

        # building creates ~1M small objects; the cyclic GC would rescan them again and again
        # (forked workers inherit it off)
        with no_cyclic_gc():
            parts = _build(dicts, designations, version_ids, party_of, analyses, name_cache)
            parts.as_of = as_of.isoformat() if as_of else ""
            return cls(parts)

    # ---------------------------------------------------------------- entities
    def __len__(self) -> int:
        return len(self.parts.entry_ids)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    @property
    def entries(self) -> Sequence[Entry]:
        return _Entries(self)

    @property
    def party(self) -> np.ndarray:
        """Party number of each entity (see :func:`_parties`)."""
        return self.parts.party

    def _entry(self, i: int) -> Entry:
        e = self._cache.get(i)
        if e is None:
            p = self.parts
            rec = _decode(p.entries[int(p.entry_off[i]) : int(p.entry_off[i + 1])])
            caption, sources, source_ids, programs, datasets, listings, party_id = rec[:7]
            profile = _build_object(Profile, _PROFILE_FIELDS, restore(rec[7:], _PROFILE_SETS))
            eid = p.entry_ids[i].decode()
            e = Entry(id=eid, schema=profile.schema, caption=caption,
                      profile=profile, sources=list(sources), source_ids=list(source_ids),
                      programs=list(programs), datasets=list(datasets), listings=listings,
                      party_id=party_id or eid, _index=self, _pos=i)
            self._cache[i] = e
        return e

    def entity_data(self, i: int) -> dict[str, Any]:
        """The merged FtM dict of entity number ``i`` (a fresh copy on each call)."""
        p = self.parts
        data: dict[str, Any] = _decode(p.data[int(p.data_off[i]) : int(p.data_off[i + 1])])
        return data

    def position(self, entity_id: str) -> int | None:
        """The entity number of an id (entities are sorted by id), or None."""
        pos = _lookup(self.parts.entry_ids, [entity_id.encode()])[0]
        return None if pos < 0 else pos

    def get(self, entity_id: str) -> EntityProxy | None:
        i = self.position(entity_id)
        if i is None:
            return None
        from followthemoney import model

        return model.get_proxy(self.entity_data(i), cleaned=False)

    def party_records(self, entity_id: str) -> list[str]:
        """The listed records of the record's party (itself included; just itself if it is
        not in the index or stands alone)."""
        i = self.position(entity_id)
        if i is None:
            return [entity_id]
        p = self.parts
        q = int(p.party[i])
        a, b = int(p.party_off[q]), int(p.party_off[q + 1])
        if b <= a:
            return [entity_id]
        return [p.entry_ids[j].decode() for j in p.party_members[a:b].tolist()]

    def entry(self, entity_id: str) -> Entry | None:
        i = self.position(entity_id)
        return None if i is None else self._entry(i)

    def _token(self, t: int) -> Token:
        tok = self._token_cache.get(t)
        if tok is None:
            p = self.parts
            values = _decode(p.tokens[int(p.token_off[t]) : int(p.token_off[t + 1])])
            tok = _build_object(Token, _TOKEN_FIELDS, restore(values, TOKEN_SETS))
            self._token_cache[t] = tok
        return tok

    def form(self, f: int) -> NameForm:
        """Stored form number ``f``: what ``analyze`` gave for that name when the index was
        built."""
        form = self._form_cache.get(f)
        if form is None:
            p = self.parts
            values = restore(_decode(p.forms[int(p.form_off[f]) : int(p.form_off[f + 1])]),
                             FORM_SETS)
            for k in _FORM_TOKEN_FIELDS:
                values[k] = tuple(self._token(t) for t in values[k])
            form = _build_object(NameForm, _FORM_FIELDS, values)
            self._form_cache[f] = form
        return form

    def _all_forms(self, i: int) -> list[tuple[NameForm, bool]]:
        """Every (non-weak) name of entity ``i`` analysed: what an identifier hit or a party
        member is compared on (a new list each call: callers may extend it)."""
        forms = self._forms.get(i)
        if forms is None:
            p = self.parts
            start = int(p.entry_form_off[i])
            ids = p.entry_forms[start : start + len(self._entry(i).profile.names)].tolist()
            forms = tuple((self.form(f), False) for f in ids)
            self._forms[i] = forms
        return list(forms)


    # ---------------------------------------------------------------- querying
    def _buffers(self) -> tuple[np.ndarray, np.ndarray]:
        """Two zeroed float32 arrays over all names, reused per thread (callers re-zero what
        they touch)."""
        bufs = getattr(self._local, "bufs", None)
        if bufs is None:
            bufs = (np.zeros(self._n_names, dtype=np.float32),
                    np.zeros(self._n_names, dtype=np.float32))
            self._local.bufs = bufs
        return bufs

    def _share(self, tok: Token) -> tuple[np.ndarray, np.ndarray] | None:
        """What one query token adds to each listed name's retrieval score: the names it
        reaches (ascending) and, per name, the best of its keys' weights (rarer keys weigh
        more), in float32. None when no usable key is posted. Memoised per token, within a
        bounded number of stored postings."""
        sig = (tok.fold, tok.skel, tok.lossy, tok.numeric, tok.alts, tok.patronymic,
               tok.initial, tok.weight)
        with self._share_lock:
            hit = self._shares.get(sig)
            if hit is not None:
                self._shares.move_to_end(sig)
                return hit[0]
        keys = query_keys(tok)
        p = self.parts
        offsets, flat, idf = p.key_off, p.postings, p.idf
        slots = _lookup(p.key_text, [k.encode() for k, _ in keys])
        tw = tok.weight * (0.3 if tok.patronymic else 1.0)
        th = self._buffers()[1]
        touched: list[np.ndarray] = []
        share: tuple[np.ndarray, np.ndarray] | None = None
        try:
            for (_, w), k in zip(keys, slots, strict=True):
                if k < 0:
                    continue
                a, b = offsets[k], offsets[k + 1]
                if b - a > MAX_POSTING:
                    continue
                ids = flat[a:b]
                wk = w * idf[k] * tw
                th[ids] = np.maximum(th[ids], wk)
                touched.append(ids)
            if touched and any(len(t) for t in touched):
                u = np.concatenate(touched) if len(touched) > 1 else touched[0].copy()
                u.sort()
                u = u[np.concatenate(([True], u[1:] != u[:-1]))]
                share = (u, th[u])
        finally:
            for ids in touched:
                th[ids] = 0.0
        size = 0 if share is None else len(share[0])
        with self._share_lock:
            self._shares[sig] = (share, size)
            self._share_size += size
            while self._share_size > SHARE_CACHE and len(self._shares) > 1:
                _, (_, dropped) = self._shares.popitem(last=False)
                self._share_size -= dropped
        return share

    def candidates(
        self, profile: Profile, limit: int = CANDIDATES
    ) -> dict[int, list[tuple[NameForm, bool]]]:
        """Entities sharing rare keys with the query (best names first), each with the listed
        names that share keys; identifier hits bring every name of the entity."""
        kinds = (kind_of(profile.schema),) if profile.schema != "LegalEntity" else ALL_KINDS[:2]
        tokens: dict[str, Token] = {}
        for name in profile.names:
            for kind in kinds:
                for tok in analyze(name, kind).tokens:
                    tokens.setdefault(tok.fold, tok)
        p = self.parts
        offsets, flat = p.key_off, p.postings
        # each token's share of the score of every name it reaches (memoised per token)
        shares = [c for c in (self._share(tok) for tok in tokens.values()) if c is not None]
        if shares:
            acc = self._buffers()[0]
            try:
                # summed in token order, in float32, as one dense pass per token would
                for ids, vals in shares:
                    acc[ids] += vals
                if len(shares) == 1:
                    hit = shares[0][0]
                else:
                    hit = np.concatenate([ids for ids, _ in shares])
                    hit.sort()
                    hit = hit[np.concatenate(([True], hit[1:] != hit[:-1]))]
                vals = acc[hit]
            finally:
                for ids, _ in shares:
                    acc[ids] = 0.0
            keep = vals != 0.0
            if not keep.all():
                hit, vals = hit[keep], vals[keep]
            vals = vals * p.name_norm[hit]
        else:
            hit = np.zeros(0, dtype=np.int32)
        idents = ["i:" + ident for ident in profile.identifiers]
        slots = _lookup(p.key_text, [k.encode() for k in idents]) if idents else []
        out: dict[int, list[tuple[NameForm, bool]]] = {}
        for k in slots:
            if k < 0:
                continue
            for neg in flat[offsets[k] : offsets[k + 1]].tolist():
                i = -1 - neg
                out[i] = self._all_forms(i)
        if len(hit):
            if len(hit) > limit:
                part = np.argpartition(-vals, limit - 1)[:limit]
                hit, vals = hit[part], vals[part]
            top = hit[np.argsort(-vals, kind="stable")]
            for i, f, weak in zip(p.name_entry[top].tolist(), p.name_form[top].tolist(),
                                  p.name_weak[top].tolist(), strict=True):
                out.setdefault(i, []).append((self.form(f), weak))
        # the other records of the same party (on other lists) come along
        if out:
            cands = np.fromiter(out, dtype=np.int64, count=len(out))
            q = p.party[cands]
            grouped = p.party_off[q + 1] > p.party_off[q]
            for a, b in zip(p.party_off[q[grouped]].tolist(),
                            p.party_off[q[grouped] + 1].tolist(), strict=True):
                for j in p.party_members[a:b].tolist():
                    if j not in out:
                        out[j] = self._all_forms(j)
        return out

    def search(
        self, query: Query, limit: int = 5, threshold: float | None = None
    ) -> list[MatchResult]:
        """Ranked results for one query, best first.

        Only results scoring at or above ``threshold`` (default :data:`DEFAULT_THRESHOLD`) are
        returned; pass ``threshold=0`` to see the best candidates whatever their score.
        ``limit`` counts *parties*: the records of one person or company on several lists
        (same full name, no conflicting birth date) are all returned and take one place, so
        ``limit=5`` can give more than five results. ``MatchResult.match`` is true when the
        score reaches the threshold (the default one when ``threshold=0``)."""
        cut = DEFAULT_THRESHOLD if threshold is None else threshold
        profile = query_profile(query)
        if not profile.names and not profile.identifiers:
            return []
        scored: list[tuple[float, int]] = []
        cands = self.candidates(profile)
        for i, only in cands.items():
            e = self._entry(i)
            if not schema_compatible(profile.schema, e.schema):
                continue
            s, _, _ = score_profiles(profile, e.profile, explain=False, only=only)
            if s >= cut and s > 0.0:
                scored.append((s, i))
        # entities are numbered in id order: the entity number breaks ties as the id would
        scored.sort(key=lambda x: (-x[0], x[1]))
        # ``limit`` counts parties: the records of one person or company on several lists
        # (OFAC, EU, UK…) come together and take one place.
        party = self.parts.party
        parties: set[int] = set()
        chosen = []
        for s, i in scored:
            p = int(party[i])
            if p not in parties:
                if len(parties) >= limit:
                    continue
                parties.add(p)
            chosen.append((s, i))
        match_cut = threshold if threshold else DEFAULT_THRESHOLD
        out = []
        for _, i in chosen:
            e = self._entry(i)
            s, features, _ = score_profiles(profile, e.profile, explain=True, only=cands[i])
            out.append(
                MatchResult(
                    entity_id=e.id,
                    caption=e.caption,
                    schema=e.schema,
                    score=s,
                    match=s >= match_cut,
                    sources=list(e.sources),
                    source_ids=list(e.source_ids),
                    programs=list(e.programs),
                    datasets=list(e.datasets),
                    features=features,
                    explanation=explain(features),
                    entity=self.entity_data(i),
                )
            )
        return out


    def search_parties(
        self, query: Query, limit: int = 5, threshold: float | None = None
    ) -> list[PartyMatch]:
        """One result per party, best first (``olivebranch.match.grouped``): ``limit`` counts
        parties; each holds every record of its party (those scoring under ``threshold`` too:
        they are the same party's other listings) with all their listings."""
        cut = DEFAULT_THRESHOLD if threshold is None else threshold
        profile = query_profile(query)
        if not profile.names and not profile.identifiers:
            return []
        cands = self.candidates(profile)
        scores: dict[int, float] = {}
        later: set[int] = set()  # certainly under the cut: scored only if their party shows
        for i, only in cands.items():
            e = self._entry(i)
            if not schema_compatible(profile.schema, e.schema):
                continue
            if cut > 0.0 and below(profile, e.profile, only, cut):
                later.add(i)
                continue
            scores[i], _, _ = score_profiles(profile, e.profile, explain=False, only=only)
        p = self.parts
        best: dict[int, tuple[float, int]] = {}
        for i, s in scores.items():
            q = int(p.party[i])
            if s > best.get(q, (-1.0, 0))[0] or (s == best[q][0] and i < best[q][1]):
                best[q] = (s, i)
        ranked = sorted(((s, i, q) for q, (s, i) in best.items() if s >= cut and s > 0.0),
                        key=lambda x: (-x[0], x[1]))[:limit]
        match_cut = threshold if threshold else DEFAULT_THRESHOLD
        out = []
        for _s, i, q in ranked:
            a, b = int(p.party_off[q]), int(p.party_off[q + 1])
            members = [int(j) for j in p.party_members[a:b].tolist()] if b > a else [i]
            members = [j for j in members if j in scores or j in later]
            for j in members:
                if j not in scores:
                    scores[j], _, _ = score_profiles(profile, self._entry(j).profile,
                                                     explain=False, only=cands[j])
            members.sort(key=lambda j: (-scores[j], j))
            records = []
            listings: list[dict[str, Any]] = []
            for j in members:
                e = self._entry(j)
                sj, features, _ = score_profiles(profile, e.profile, explain=True, only=cands[j])
                records.append(MatchResult(
                    entity_id=e.id, caption=e.caption, schema=e.schema, score=sj,
                    match=sj >= match_cut, sources=list(e.sources),
                    source_ids=list(e.source_ids), programs=list(e.programs),
                    datasets=list(e.datasets), features=features, explanation=explain(features),
                    entity={**self.entity_data(j), "identifiers": sorted(e.profile.identifiers)}))
                listings.extend({"entity_id": e.id, "source": src, "source_id": sid,
                                 "program": prog, "listing_date": day}
                                for src, sid, prog, day in e.listings)
            out.append(PartyMatch.of(self._entry(i).party_id, records, listings))
        return out


# ---------------------------------------------------------------------------- building


@dataclass
class _Listed:
    id: str
    schema: str
    caption: str
    profile: Profile
    sources: list[str]
    source_ids: list[str]
    programs: list[str]
    datasets: list[str]
    data: dict[str, Any]
    listings: tuple[tuple[str | None, ...], ...] = ()


@dataclass
class _Merged:
    """The listed records merged by id (before their profiles are made)."""

    #: designations of each listed id
    listed: dict[str, list[Any]]
    #: per id its FtM dict, records sharing the id merged
    merged: dict[str, dict[str, Any]]
    #: per id the datasets of its records
    sources: dict[str, list[str]]
    #: per id the numbers of the identifications it holds
    ids_of: dict[str, list[str]]


def _merge(dicts: Iterable[dict[str, Any]], designations: Iterable[Any]) -> list[_Listed]:
    """The listed entities (records sharing an id merged, identification numbers joined to
    their holder), sorted by id."""
    return _entries(_merge_records(dicts, designations))


def _merge_records(dicts: Iterable[dict[str, Any]], designations: Iterable[Any]) -> _Merged:
    """The records of listed ids merged by id (see :func:`_merge`; property values are lists,
    as in FtM dicts; a record's own are kept until another record is merged into them)."""
    listed: dict[str, list[Any]] = {}
    for d in designations:
        listed.setdefault(d.entity_id, []).append(d)
    merged: dict[str, dict[str, Any]] = {}
    copied: set[str] = set()
    sources: dict[str, list[str]] = {}
    ids_of: dict[str, list[str]] = {}
    for data in dicts:
        schema = data.get("schema")
        props = data.get("properties") or {}
        if schema in ID_SCHEMATA:
            for holder in props.get("holder", []):
                if holder in listed:
                    ids_of.setdefault(holder, []).extend(props.get("number", []))
            continue
        eid = data.get("id")
        if eid not in listed or schema not in MATCHABLE:
            continue
        src = data.get("_source")
        if src:
            sources.setdefault(eid, []).append(src)
        cur = merged.get(eid)
        if cur is None:  # (the record's own lists, copied if another record is merged in)
            merged[eid] = {"id": eid, "schema": schema, "properties": props}
            continue
        if cur["schema"] != schema:
            cur["schema"] = _common_schema(cur["schema"], schema)
        if eid not in copied:
            copied.add(eid)
            cur["properties"] = {k: list(v) for k, v in cur["properties"].items()}
        for k, vals in props.items():
            have = cur["properties"].setdefault(k, [])
            for v in vals:
                if v not in have:
                    have.append(v)
    return _Merged(listed, merged, sources, ids_of)


def _name_pairs(m: _Merged) -> list[tuple[str, str]]:
    """The distinct (name, kind) pairs of the entities :func:`_entries` makes of the merged
    records (what :func:`_compile` analyses; in another order), without their profiles."""
    pairs: dict[tuple[str, str], None] = {}
    kinds: dict[str, str] = {}
    for data in m.merged.values():
        props = data["properties"]
        names = profile_names(props)
        if names:
            schema = data["schema"]
            kind = kinds.get(schema) or kinds.setdefault(schema, kind_of(schema))
            for name in names:
                pairs[(name, kind)] = None
            for name in weak_names(props):
                pairs[(name, kind)] = None
    return list(pairs)


def _entries(m: _Merged) -> list[_Listed]:
    """The listed entities of the merged records (those with a name), sorted by id."""
    listed, sources, ids_of = m.listed, m.sources, m.ids_of
    entries = []
    for eid, data in m.merged.items():
        props = data["properties"]
        extra = ids_of.get(eid)
        if extra:
            props = {**props, "idNumber": list(props.get("idNumber", [])) + extra}
        profile = dict_profile(data["schema"], props)
        if not profile.names:
            continue
        ds = listed[eid]
        entries.append(
            _Listed(
                id=eid,
                schema=data["schema"],
                caption=(props.get("name") or [eid])[0],
                profile=profile,
                sources=_unique(d.source for d in ds),
                source_ids=_unique(d.source_id for d in ds if d.source_id),
                programs=_unique(d.program for d in ds if d.program),
                datasets=_unique(sources.get(eid, []) or [d.source for d in ds]),
                data=data,
                listings=tuple(dict.fromkeys(
                    (d.source, d.source_id, d.program, d.listing_date) for d in ds)),
            )
        )
    entries.sort(key=lambda e: e.id)
    return entries


def _build(dicts: Iterable[dict[str, Any]], designations: Iterable[Any],
           version_ids: tuple[int, ...], party_of: dict[str, str] | None = None,
           analyses: Callable[[list[tuple[str, str]]], Analyses] | None = None,
           name_cache: NameCache | None = None) -> Parts:
    """The index's parts (see :class:`Parts`). ``party_of``: the stored resolution's record ->
    party map (without one, records are grouped by full name). ``analyses``: gives the
    analysed forms of the distinct (name, kind) pairs (default: taken from ``name_cache`` if
    given, else analysed afresh, see ``analysis.analyse``); the index is the same whichever
    way they were made."""
    merged = _merge_records(dicts, designations)
    made: list[tuple[list[_Listed], _Records]] = []

    def prepare() -> tuple[list[_Listed], _Records]:
        if not made:
            entries = _entries(merged)
            records = _Records(entries, party_of)
            records.encode()
            made.append((entries, records))
        return made[0]

    if analyses is not None:
        entries, records = prepare()
        table = analyses(_pairs(entries))
    else:
        # the names are known once the records are merged: workers analyse them while this
        # process makes the entities' profiles and encodes their records
        guess = _name_pairs(merged)
        if name_cache is not None:
            table = name_cache.analyses(guess, meanwhile=prepare, defer_save=True)
        else:
            table = analyse(guess, meanwhile=prepare)
    entries, records = prepare()
    try:
        # the name cache is written while a child process makes the postings
        return _compile(entries, table, records, version_ids, party_of,
                        idle=name_cache.flush if name_cache is not None else None)
    finally:
        if name_cache is not None:
            name_cache.flush()


def _pairs(entries: Sequence[_Listed]) -> list[tuple[str, str]]:
    """The distinct (name, kind) pairs of the entities' names and weak names, in order."""
    return list(dict.fromkeys(
        (name, kind) for e in entries for kind in (kind_of(e.schema),)
        for group in (e.profile.names, e.profile.weak_names) for name in group))


def _compile(entries: list[_Listed], table: Analyses, records: _Records,
             version_ids: tuple[int, ...], party_of: dict[str, str] | None,
             idle: Callable[[], None] | None = None) -> Parts:
    """The flat arrays and blobs of the index (see :class:`Parts`) from the entities, the
    analyses of their names (any missing are analysed here) and their encoded records.
    ``idle``: work for this process while it waits for its child."""
    pairs = records.pairs
    missing = [p for p in pairs if p not in table.forms]
    if missing:
        table.analyse(missing)

    def listed(forms: _Forms) -> tuple[list[int], list[int], list[bool], list[int], list[int]]:
        # one record per (entity, listed name) of a distinct signature; postings point at them
        return _listed_names(entries, records.kinds, records.number, forms.sig)

    def name_postings() -> bytes:
        forms = _Forms(table, pairs)
        return _pack(_name_postings(forms.token_keys(), forms.tokens, listed(forms)[1]))

    # with two cores, a child process makes the names' postings (numbering the forms and
    # listing the names as this one does) while this one does all the rest
    beside = Beside(name_postings) if in_parallel(len(pairs)) else None
    try:
        forms = _Forms(table, pairs)
        name_entry, name_form, name_weak, entry_forms, entry_form_off = listed(forms)
        forms.encode()
        # names covered by the query's words rank before longer names sharing one word
        form_norm = forms.norm
        norm = np.asarray([form_norm[f] for f in name_form], dtype=np.float32)
        party = (_parties(entries, [(i, forms.kind[f], forms.folds[f], forms.initial[f], weak)
                                    for i, f, weak in zip(name_entry, name_form, name_weak,
                                                          strict=True)])
                 if records.party is None else records.party)
        party_arr = np.asarray(party, dtype=np.int32)
        # entities of each party of two or more, ascending, in CSR form over party numbers
        counts = np.bincount(party_arr, minlength=len(entries)) if len(entries) else np.zeros(0)
        multi = counts[party_arr] > 1 if len(entries) else np.zeros(0, dtype=bool)
        members = np.flatnonzero(multi).astype(np.int32)
        members = members[np.argsort(party_arr[members], kind="stable")]
        per_party = np.where(counts > 1, counts, 0).astype(np.int64)
        party_off = np.zeros(len(entries) + 1, dtype=np.int64)
        np.cumsum(per_party, out=party_off[1:])
        arrays = {
            "entry_form_off": np.asarray(entry_form_off, dtype=np.int64),
            "entry_forms": np.asarray(entry_forms, dtype=np.int32),
            "form_off": _offsets(forms.blobs),
            "token_off": _offsets(forms.token_blobs),
            "name_entry": np.asarray(name_entry, dtype=np.int32),
            "name_form": np.asarray(name_form, dtype=np.int32),
            "name_weak": np.asarray(name_weak, dtype=np.bool_),
            "name_norm": norm,
            "party": party_arr,
            "party_off": party_off,
            "party_members": members,
        }
        blobs = {"forms": b"".join(forms.blobs), "tokens": b"".join(forms.token_blobs)}
        if idle is not None:
            idle()
        names = (_unpack(beside.result()) if beside is not None else
                 _name_postings(forms.token_keys(), forms.tokens, name_form))
    finally:
        if beside is not None:
            beside.close()
    key_text, key_off, postings = _postings(names, records.idents)
    sizes = np.diff(key_off)
    idf = np.log1p(max(len(name_form), 1) / np.maximum(sizes.astype(np.float64), 1.0))
    return Parts(
        entry_ids=records.ids,
        entry_off=records.rec_off,
        data_off=records.data_off,
        key_text=key_text,
        key_off=key_off,
        postings=postings,
        idf=idf,
        entries=records.recs,
        data=records.datas,
        version_ids=version_ids,
        **arrays,
        **blobs,
    )


def _encode_all(items: Sequence[Any]) -> list[bytes]:
    """:func:`_encode_values` of each item (marshal in one pass, unless a value needs pickle)."""
    dumps_ = marshal.dumps
    try:
        return [b"m" + dumps_(v, MARSHAL_VERSION) for v in items]
    except ValueError:
        return [_encode_values(v) for v in items]


#: (keys, postings per key, postings), sorted by key
_Postings = tuple[np.ndarray, np.ndarray, np.ndarray]


class _Records:
    """What the index keeps of the entities that needs no name analysis (a build makes it
    while worker processes analyse names): ids, records and FtM dicts encoded, the (name,
    kind) pairs and their numbers, the identifiers' postings, the stored parties."""

    def __init__(self, entries: Sequence[_Listed], party_of: dict[str, str] | None) -> None:
        self.entries = entries
        self._party_of = party_of
        self.ids = np.zeros(0, dtype="S1")
        self.recs = self.datas = b""
        self.rec_off = self.data_off = np.zeros(1, dtype=np.int64)
        self.kinds: list[str] = []
        self.pairs: list[tuple[str, str]] = []
        self.number: dict[tuple[str, str], int] = {}
        self.idents: _Postings = (np.zeros(0, "S1"), np.zeros(0, np.int64), np.zeros(0, np.int64))
        self.party: list[int] | None = None
        self._done = False

    def encode(self) -> None:
        if self._done:
            return
        self._done = True
        profile_values = attrgetter(*_PROFILE_FIELDS)
        party_of = self._party_of or {}
        entries = self.entries
        self.ids = _sorted_bytes([e.id.encode() for e in entries])
        recs = _encode_all([
            (e.caption, tuple(e.sources), tuple(e.source_ids), tuple(e.programs),
             tuple(e.datasets), e.listings, party_of.get(e.id, ""))
            + canonical(profile_values(e.profile), _PROFILE_SETS) for e in entries])
        self.rec_off, self.recs = _offsets(recs), b"".join(recs)
        datas = _encode_all([e.data for e in entries])
        self.data_off, self.datas = _offsets(datas), b"".join(datas)
        self.kinds = [kind_of(e.schema) for e in entries]
        self.pairs = _pairs(entries)
        self.number = {p: i for i, p in enumerate(self.pairs)}
        self.idents = _ident_postings(entries)
        if self._party_of is not None:
            self.party = _resolved(entries, self._party_of)


class _Forms:
    """The analysed forms of the distinct (name, kind) pairs, numbered in the order given;
    their tokens numbered by first use, each stored once (by content)."""

    def __init__(self, table: Analyses, pairs: Sequence[tuple[str, str]]) -> None:
        k = FORM_TOKENS
        self._recs = recs = list(map(table.forms.__getitem__, pairs))
        theirs = [r[k] for r in recs]
        order = list(dict.fromkeys(chain.from_iterable(theirs)))  # the table's token numbers
        ours = {t: i for i, t in enumerate(order)}
        #: field values of each token
        self.values = values = list(map(table.tokens.__getitem__, order))
        self._fold = fold = [v[T_FOLD] for v in values]
        #: token numbers of each form
        self.tokens = nums = [tuple(map(ours.__getitem__, t)) for t in theirs]
        self.folds = [tuple(map(fold.__getitem__, n)) for n in nums]
        # the same name in another case, script or word order adds nothing: forms of one
        # signature (sorted folds and compact form) share its number; -1: no tokens
        sigs: dict[tuple[str, ...], int] = {}
        self.sig = [sigs.setdefault(tuple(sorted(f)) + (r[F_COMPACT],), len(sigs)) if f else -1
                    for f, r in zip(self.folds, recs, strict=True)]
        self.token_blobs: list[bytes] = []
        self.blobs: list[bytes] = []
        self.kind: list[str] = []
        self.initial: list[bool] = []
        self.norm: list[float] = []

    def token_keys(self) -> list[frozenset[str]]:
        """The posting keys of each token."""
        return [value_keys(v) for v in self.values]

    def encode(self) -> None:
        """The forms' and tokens' blobs, and what ranking and party grouping read of them."""
        k, recs, nums, values = FORM_TOKENS, self._recs, self.tokens, self.values
        self.token_blobs = _encode_all(values)
        self.blobs = _encode_all([r[:k] + (n,) + r[k + 1:]
                                  for r, n in zip(recs, nums, strict=True)])
        self.kind = [r[F_KIND] for r in recs]
        initial = [v[T_INITIAL] for v in values]
        weight = [v[T_WEIGHT] for v in values]
        self.initial = [any(map(initial.__getitem__, n)) for n in nums]
        self.norm = [1.0 / math.sqrt(max(sum(map(weight.__getitem__, n)), 1.0)) for n in nums]


def _listed_names(entries: Sequence[_Listed], kinds: Sequence[str],
                  number: dict[tuple[str, str], int], sig: Sequence[int]
                  ) -> tuple[list[int], list[int], list[bool], list[int], list[int]]:
    """Per listed name of a signature new to its entity: its entity, form number (``number``
    of its pair) and whether it is weak; per entity its names' then weak names' form numbers
    (CSR)."""
    name_entry: list[int] = []
    name_form: list[int] = []
    name_weak: list[bool] = []
    entry_forms: list[int] = []
    entry_form_off = [0]
    for i, e in enumerate(entries):
        kind = kinds[i]
        seen: set[int] = set()
        for weak, group in ((False, e.profile.names), (True, e.profile.weak_names)):
            for name in group:
                f = number[(name, kind)]
                entry_forms.append(f)
                s = sig[f]
                if s < 0 or s in seen:
                    continue
                seen.add(s)
                name_entry.append(i)
                name_form.append(f)
                name_weak.append(weak)
        entry_form_off.append(len(entry_forms))
    return name_entry, name_form, name_weak, entry_forms, entry_form_off


def _gather(off: np.ndarray, flat: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``idx`` of a CSR list (``flat[off[i]:off[i + 1]]``) concatenated, and each
    row's length."""
    lens = off[idx + 1] - off[idx]
    ends = np.cumsum(lens)
    shift = np.repeat(off[idx] - (ends - lens), lens)
    return flat[np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + shift], lens


def _postings(names: _Postings, idents: _Postings) -> _Postings:
    """``key_text``, ``key_off`` and ``postings`` of :class:`Parts` from the names' and the
    identifiers' (keys, postings per key, postings), each sorted by key: keys sorted by their
    UTF-8 bytes (only keys something is posted under), each key's postings ascending by name,
    or by entity."""
    name_keys, name_counts, name_post = names
    ident_keys, ident_counts, ident_post = idents
    # identifier keys ("i:…") sort between name keys ("d:", "f:" … "s:", "x:")
    cut = int(np.searchsorted(name_keys, b"i:"))
    split = int(name_counts[:cut].sum())
    # as wide as the longest key (as ``_sorted_bytes``)
    width = max(int(np.char.str_len(name_keys).max()) if len(name_keys) else 0,
                int(np.char.str_len(ident_keys).max()) if len(ident_keys) else 0) or 1
    key_text = np.concatenate([name_keys[:cut], ident_keys, name_keys[cut:]]).astype(f"S{width}")
    counts = np.concatenate([name_counts[:cut], ident_counts, name_counts[cut:]])
    key_off = np.zeros(len(key_text) + 1, dtype=np.int64)
    np.cumsum(counts, out=key_off[1:])
    postings = np.concatenate([name_post[:split], ident_post, name_post[split:]])
    return key_text, key_off, postings.astype(np.int32)


def _pack(postings: _Postings) -> bytes:
    keys, counts, post = postings
    return marshal.dumps((keys.dtype.itemsize, keys.tobytes(), counts.astype(np.int64).tobytes(),
                          post.astype(np.int64).tobytes()))


def _unpack(raw: bytes) -> _Postings:
    width, keys, counts, post = marshal.loads(raw)
    return (np.frombuffer(keys, dtype=f"S{width}"), np.frombuffer(counts, dtype=np.int64),
            np.frombuffer(post, dtype=np.int64))


def _sorted_keys(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts sorted (str order is their UTF-8 bytes' order), and each text's
    position among them."""
    keys = sorted(set(texts))
    number = {t: i for i, t in enumerate(keys)}
    return keys, np.fromiter(map(number.__getitem__, texts), dtype=np.int64, count=len(texts))


def _name_postings(token_keys: Sequence[frozenset[str]], form_tokens: Sequence[tuple[int, ...]],
                   name_form: Sequence[int]) -> _Postings:
    """(keys, postings per key, postings) of the listed names (numbers into ``name_form``),
    each posted once under every key of its form's tokens."""
    # the keys as fixed-width bytes (a few dozen at most), sorted and numbered in numpy
    texts = np.array([k.encode() for k in chain.from_iterable(token_keys)] or [b""])
    keys, rank = np.unique(texts, return_inverse=True)
    rank = rank.ravel().astype(np.int64)
    tok_off = np.zeros(len(token_keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, token_keys), dtype=np.int64, count=len(token_keys)),
              out=tok_off[1:])
    form_off = np.zeros(len(form_tokens) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, form_tokens), dtype=np.int64, count=len(form_tokens)),
              out=form_off[1:])
    flat_tokens = np.fromiter(chain.from_iterable(form_tokens), dtype=np.int64,
                              count=int(form_off[-1]))
    n = max(len(name_form), 1)
    names = np.asarray(name_form, dtype=np.int64)
    # name -> its form's tokens -> their keys; a key two tokens share is posted once
    name_tokens, per_name = _gather(form_off, flat_tokens, names)
    name_keys, per_token = _gather(tok_off, rank, name_tokens)
    owner = np.repeat(np.repeat(np.arange(len(names), dtype=np.int64), per_name), per_token)
    pairs = np.sort(name_keys * n + owner)  # (np.unique hashes: slower)
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    counts = np.bincount(pairs // n, minlength=len(keys))
    used = counts > 0
    return keys[used], counts[used], pairs % n


def _ident_postings(entries: Sequence[_Listed]) -> _Postings:
    """(keys, postings per key, postings) of the entities' identifiers (``-1 - entity``)."""
    idents: list[str] = []
    owner: list[int] = []
    for i, e in enumerate(entries):
        ids = e.profile.identifiers
        if ids:
            idents.extend(ids)
            owner.extend([i] * len(ids))
    keys, rank = _sorted_keys(idents)
    order = np.argsort(rank, kind="stable")
    text = np.array([("i:" + k).encode() for k in keys] or [b""])[:len(keys)]
    return (text, np.bincount(rank, minlength=len(keys)),
            -1 - np.asarray(owner, dtype=np.int64)[order])


def _offsets(chunks: list[bytes]) -> np.ndarray:
    off = np.zeros(len(chunks) + 1, dtype=np.int64)
    if chunks:
        np.cumsum(np.fromiter((len(c) for c in chunks), dtype=np.int64, count=len(chunks)),
                  out=off[1:])
    return off


def _parties(entries: Sequence[_Listed],
             names: list[tuple[int, str, tuple[str, ...], bool, bool]]) -> list[int]:
    """Group the records of one party across lists: same kind, same full name (word order and
    romanisation folded away, 2+ words) and no conflicting birth dates. Union-find over the
    listed names, each as (entity, kind, its tokens' folds, any initial, weak)."""
    parent = list(range(len(entries)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_key: dict[str, int] = {}
    for i, kind, folds, initial, weak in names:
        if weak or len(folds) < 2 or initial:
            continue
        key = kind + "|" + " ".join(sorted(folds))
        j = by_key.setdefault(key, i)
        if j == i:
            continue
        a, b = find(i), find(j)
        if a == b:
            continue
        da, db = entries[i].profile.birth_dates, entries[j].profile.birth_dates
        if da and db and not _dates_overlap(da, db):
            continue
        parent[a] = b
    return [find(i) for i in range(len(entries))]


def _resolved(entries: Sequence[_Listed], party_of: dict[str, str]) -> list[int]:
    """Party numbers from the stored resolution: the first entity of each party numbers it."""
    first: dict[str, int] = {}
    return [first.setdefault(party_of.get(e.id, "\0" + e.id), i) for i, e in enumerate(entries)]


def _dates_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    for x in a:
        for y in b:
            n = min(len(x), len(y))
            if x[:n] == y[:n]:
                return True
    return False


def _unique(values: Iterable[str | None]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]


def _common_schema(a: str, b: str) -> str:
    # followthemoney's model, from its bundled table (importing it would load every schema)
    from olivebranch.ftm_lite import common_schema

    try:
        return common_schema(a, b)
    except ValueError:  # incompatible schemata: keep the first
        return a

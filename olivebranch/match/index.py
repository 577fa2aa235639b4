"""The in-memory screening index over every listed entity of the active list versions.

Candidate retrieval never scans all names: each name token is posted under its
romanisation-folded form, its consonant skeleton and its single-letter deletions (a SymSpell-
style neighbourhood, so one typo still meets), and identifiers under their normalised form.
A query collects entities from those posting lists, weighted by how rare each key is, and
only the best few dozen candidates are scored in full.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from followthemoney import EntityProxy, model

from olivebranch.match.model import DEFAULT_THRESHOLD, MatchResult, Query
from olivebranch.match.names import NameForm, Token, analyze, kind_of
from olivebranch.match.profile import dict_profile, query_profile
from olivebranch.match.score import MATCHABLE, Profile, explain, schema_compatible, score_profiles

#: Candidates scored in full per query.
CANDIDATES = 30
#: Keys posted for more entities than this are too common to select anything.
MAX_POSTING = 4000
ID_SCHEMATA = ("Identification", "Passport")
ALL_KINDS = ("person", "org", "object")


@dataclass
class Entry:
    """One listed entity as the index keeps it."""

    id: str
    schema: str
    caption: str
    profile: Profile
    sources: list[str]
    source_ids: list[str]
    programs: list[str]
    datasets: list[str]
    data: dict[str, Any]


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


class MatchIndex:
    """Listed entities with postings for fast candidate retrieval; see module doc."""

    def __init__(self, entries: list[Entry], version_ids: tuple[int, ...] = ()) -> None:
        self.entries = entries
        self.version_ids = version_ids
        self._by_id = {e.id: i for i, e in enumerate(entries)}
        # one record per (entity, listed name); postings point at name records
        names: list[tuple[int, NameForm, bool]] = []
        postings: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            kind = kind_of(e.schema)
            seen: set[tuple[str, ...]] = set()
            for weak, group in ((False, e.profile.names), (True, e.profile.weak_names)):
                for name in group:
                    form = analyze(name, kind)
                    if not form.tokens:
                        continue
                    # the same name in another case, script or word order adds nothing
                    sig = tuple(sorted(t.fold for t in form.tokens)) + (form.compact,)
                    if sig in seen:
                        continue
                    seen.add(sig)
                    n = len(names)
                    names.append((i, form, weak))
                    keys: set[str] = set()
                    for tok in form.tokens:
                        keys |= token_keys(tok)
                    for k in keys:
                        postings.setdefault(k, []).append(n)
            for ident in e.profile.identifiers:
                postings.setdefault("i:" + ident, []).append(-1 - i)
        self._names = names
        # names covered by the query's words rank before longer names sharing one word
        self._norm = np.asarray(
            [1.0 / math.sqrt(max(sum(t.weight for t in f.tokens), 1.0)) for _, f, _ in names],
            dtype=np.float32,
        )
        # postings in CSR form: key -> slot; slot's name ids are flat[offsets[slot]:offsets[slot+1]]
        self._slot: dict[str, int] = {}
        offsets = [0]
        flat: list[int] = []
        for k, v in postings.items():
            self._slot[k] = len(offsets) - 1
            flat.extend(v)
            offsets.append(len(flat))
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._flat = np.asarray(flat, dtype=np.int32)
        sizes = np.diff(self._offsets).astype(np.float64)
        self._idf = np.log1p(max(len(names), 1) / np.maximum(sizes, 1.0))
        self.party = _parties(entries, names)
        members: dict[int, list[int]] = {}
        for i, p in enumerate(self.party):
            members.setdefault(p, []).append(i)
        self._members = {p: m for p, m in members.items() if len(m) > 1}

    # ---------------------------------------------------------------- building
    @classmethod
    def build(cls, entities: Iterable[EntityProxy], designations: Iterable[Any]) -> MatchIndex:
        """Index the entities that have at least one designation; records sharing an id merge."""
        return cls._from_dicts(((p.to_dict()) for p in entities), designations)

    @classmethod
    def from_store(cls, store: Any, as_of: date | None = None) -> MatchIndex:
        """Index the listed entities of the store's active versions (or as of a date)."""
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
        listed = store.designations(as_of=as_of) if as_of else store.designations(version_ids=vids)
        return cls._from_dicts(dicts, listed, tuple(sorted(vids)))

    @classmethod
    def _from_dicts(
        cls,
        dicts: Iterable[dict[str, Any]],
        designations: Iterable[Any],
        version_ids: tuple[int, ...] = (),
    ) -> MatchIndex:
        # building creates ~1M small objects; the cyclic GC would rescan them again and again
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(dicts, designations, version_ids)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _build(
        cls,
        dicts: Iterable[dict[str, Any]],
        designations: Iterable[Any],
        version_ids: tuple[int, ...],
    ) -> MatchIndex:
        listed: dict[str, list[Any]] = {}
        for d in designations:
            listed.setdefault(d.entity_id, []).append(d)
        merged: dict[str, dict[str, Any]] = {}
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
            if cur is None:
                merged[eid] = {"id": eid, "schema": schema,
                               "properties": {k: list(v) for k, v in props.items()}}
                continue
            if cur["schema"] != schema:
                cur["schema"] = _common_schema(cur["schema"], schema)
            for k, vals in props.items():
                have = cur["properties"].setdefault(k, [])
                for v in vals:
                    if v not in have:
                        have.append(v)
        entries = []
        for eid, data in merged.items():
            props = data["properties"]
            extra = ids_of.get(eid)
            if extra:
                props = {**props, "idNumber": list(props.get("idNumber", [])) + extra}
            profile = dict_profile(data["schema"], props)
            if not profile.names:
                continue
            ds = listed[eid]
            entries.append(
                Entry(
                    id=eid,
                    schema=data["schema"],
                    caption=(props.get("name") or [eid])[0],
                    profile=profile,
                    sources=_unique(d.source for d in ds),
                    source_ids=_unique(d.source_id for d in ds if d.source_id),
                    programs=_unique(d.program for d in ds if d.program),
                    datasets=_unique(sources.get(eid, []) or [d.source for d in ds]),
                    data=data,
                )
            )
        entries.sort(key=lambda e: e.id)
        return cls(entries, version_ids)

    # ---------------------------------------------------------------- querying
    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, entity_id: str) -> EntityProxy | None:
        i = self._by_id.get(entity_id)
        if i is None:
            return None
        return model.get_proxy(self.entries[i].data, cleaned=False)

    def entry(self, entity_id: str) -> Entry | None:
        i = self._by_id.get(entity_id)
        return None if i is None else self.entries[i]

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
        slot, offsets, flat, idf = self._slot, self._offsets, self._flat, self._idf
        acc = np.zeros(len(self._names), dtype=np.float32)
        for tok in tokens.values():
            th: np.ndarray | None = None
            tw = tok.weight * (0.3 if tok.patronymic else 1.0)
            for key, w in query_keys(tok):
                k = slot.get(key)
                if k is None:
                    continue
                a, b = offsets[k], offsets[k + 1]
                if b - a > MAX_POSTING:
                    continue
                ids = flat[a:b]
                wk = w * idf[k] * tw
                if th is None:
                    th = np.zeros(len(self._names), dtype=np.float32)
                th[ids] = np.maximum(th[ids], wk)
            if th is not None:
                acc += th
        out: dict[int, list[tuple[NameForm, bool]]] = {}
        for ident in profile.identifiers:
            k = slot.get("i:" + ident)
            if k is None:
                continue
            for neg in flat[offsets[k] : offsets[k + 1]].tolist():
                i = -1 - neg
                e = self.entries[i]
                kind = kind_of(e.schema)
                out[i] = [(analyze(n, kind), False) for n in e.profile.names]
        hit = np.flatnonzero(acc)
        if len(hit):
            vals = acc[hit] * self._norm[hit]
            if len(hit) > limit:
                part = np.argpartition(-vals, limit - 1)[:limit]
                hit, vals = hit[part], vals[part]
            top = hit[np.argsort(-vals, kind="stable")]
            for n in top.tolist():
                i, form, weak = self._names[n]
                out.setdefault(i, []).append((form, weak))
        # the other records of the same party (on other lists) come along
        for i in list(out):
            for j in self._members.get(self.party[i], ()):
                if j not in out:
                    e = self.entries[j]
                    kind = kind_of(e.schema)
                    out[j] = [(analyze(n, kind), False) for n in e.profile.names]
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
            e = self.entries[i]
            if not schema_compatible(profile.schema, e.schema):
                continue
            s, _, _ = score_profiles(profile, e.profile, explain=False, only=only)
            if s >= cut and s > 0.0:
                scored.append((s, i))
        scored.sort(key=lambda x: (-x[0], self.entries[x[1]].id))
        # ``limit`` counts parties: the records of one person or company on several lists
        # (OFAC, EU, UK…) come together and take one place.
        parties: set[int] = set()
        chosen = []
        for s, i in scored:
            p = self.party[i]
            if p not in parties:
                if len(parties) >= limit:
                    continue
                parties.add(p)
            chosen.append((s, i))
        match_cut = threshold if threshold else DEFAULT_THRESHOLD
        out = []
        for _, i in chosen:
            e = self.entries[i]
            s, features, _ = score_profiles(profile, e.profile, explain=True, only=cands[i])
            out.append(
                MatchResult(
                    entity_id=e.id,
                    caption=e.caption,
                    schema=e.schema,
                    score=s,
                    match=s >= match_cut,
                    sources=e.sources,
                    source_ids=e.source_ids,
                    programs=e.programs,
                    datasets=e.datasets,
                    features=features,
                    explanation=explain(features),
                    entity=e.data,
                )
            )
        return out


def _parties(entries: list[Entry], names: list[tuple[int, NameForm, bool]]) -> list[int]:
    """Group the records of one party across lists: same kind, same full name (word order and
    romanisation folded away, 2+ words) and no conflicting birth dates. Union-find."""
    parent = list(range(len(entries)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_key: dict[str, int] = {}
    for i, form, weak in names:
        if weak or len(form.tokens) < 2 or any(t.initial for t in form.tokens):
            continue
        key = form.kind + "|" + " ".join(sorted(t.fold for t in form.tokens))
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
    try:
        return model.common_schema(a, b).name
    except Exception:  # noqa: BLE001 - incompatible schemata: keep the first
        return a

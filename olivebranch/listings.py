"""Who is listed where on one day: the one listing snapshot every part of olivebranch reads.

``Listings.on(store, day)`` holds, for one evaluation day, every designation in force, each
classed by its list source's own spec (``lists.base.ListingRule``: blocking asset freeze,
sectoral SSI-type restriction, or other) and assigned to the regime whose listing it is, with
superseded sources dropped (``lists.base.Supersession``: OFSI's ConList no longer counts once
the FCDO list replaced it). Verdicts, scenarios, ownership status and screening all read it;
a scenario's delistings and designations are an overlay on it (:meth:`Listings.under`).

A verdict regime counts the designations of the regimes in its registry entry's ``lists``.
Records are keyed by record id; :meth:`Listings.party` maps a record to the party it belongs to
(``olivebranch.parties``: the records of one person, company or vessel across every list), and
a party counts as listed under a regime if *any* of its records is (:meth:`Listings.of_party`,
:meth:`Listings.counted`): OFAC's Rosneft record is designated under the UK through the UK's
own Rosneft record.

Designations are read lazily: a single deal's assessment asks about a few dozen entities, each
answered by one indexed query; whole-regime questions (a scenario delisting a programme,
ownership seeds) load everything once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from normality import normalize

from olivebranch.lists import registry as source_registry
from olivebranch.lists.base import ListingRule, SourceSpec
from olivebranch.regimes import LISTING_KINDS, OTHER, Registry, registry
from olivebranch.store import Designation

if TYPE_CHECKING:
    from olivebranch.parties.lookup import PartyLookup
    from olivebranch.store import Store

#: a source without listing rules: blocking under its own regime, else the regime its
#: authority names, else not counted
DEFAULT_LISTING = (ListingRule("blocking"), ListingRule("blocking", by_authority=True),
                   ListingRule("other"))
#: queries for a few records before the snapshot reads every listing at once
BULK_AFTER = 40
#: one designation, as scenarios select it: (sanction id, programme, source, kind)
DesignationKey = tuple[str, str | None, str, str]
_NAMED = ("LegalEntity", "Company", "Organization", "PublicBody", "Person", "Vessel", "Airplane")


@dataclass(frozen=True)
class Listed:
    """One designation in force on the day, classed and assigned to a regime."""

    kind: str  # blocking | sectoral | other
    regime: str
    designation: Designation

    @property
    def key(self) -> DesignationKey:
        d = self.designation
        return (d.sanction_id, d.program, d.source, self.kind)


# ---------------------------------------------------------------------------- classification
def classify(d: Designation, spec: SourceSpec | None = None, reg: Registry | None = None
             ) -> tuple[str, str]:
    """(kind, regime) of one designation under its source's listing rules (first match)."""
    reg = reg or registry()
    if spec is None:
        spec = source_registry().get(d.source)
    for rule in (spec.listing if spec is not None and spec.listing else DEFAULT_LISTING):
        if rule.program and rule.program.lower() not in (d.program or "").lower():
            continue
        if rule.authority and rule.authority.lower() not in (d.authority or "").lower():
            continue
        regime = d.regime
        if rule.by_authority:
            found = reg.regime_of_authority(d.authority)
            if found is None:
                continue
            regime = found
        elif rule.regime:
            regime = rule.regime
        if rule.kind != "other" and regime not in reg.regimes:
            continue
        return rule.kind, regime
    return "other", d.regime


def _day(value: str | None) -> str | None:
    return value.strip()[:10] if value else None


def in_force(d: Designation, as_of: date | None) -> bool:
    """Listed on ``as_of``: listing date not after it, end date not before it. Missing dates
    count as in force (many lists omit them)."""
    if as_of is None:
        return True
    day = as_of.isoformat()
    start, end = _day(d.listing_date), _day(d.end_date)
    if start and start > day:
        return False
    if end and len(end) >= 10 and end < day:
        return False
    return True


def superseded(sources: Iterable[str], day: date) -> set[str]:
    """Sources whose designations no longer count on ``day`` because the source that replaced
    them is loaded (``SourceSpec.superseded``)."""
    present = set(sources)
    out = set()
    for name in present:
        spec = source_registry().get(name)
        sup = spec.superseded if spec is not None else None
        if sup is not None and sup.by in present and (sup.since is None or day >= sup.since):
            out.add(name)
    return out


def supersession_days() -> set[date]:
    """Days on which a supersession starts (they change who is listed)."""
    return {s.superseded.since for s in source_registry().values()
            if s.superseded is not None and s.superseded.since is not None}


def describe(d: Designation) -> str:
    """``OFAC SDN 12345 (RUSSIA-EO14024)``-style label for explanations."""
    spec = source_registry().get(d.source)
    label = spec.label if spec is not None and spec.label else (
        f"{d.regime.upper()} {d.authority or d.source}")
    ref = f" {d.source_id}" if d.source_id else ""
    prog = f" ({d.program})" if d.program else ""
    return f"{label}{ref}{prog}"


def record_candidates(ref: str) -> list[str]:
    """Candidate record ids for a reference: itself, or a publisher's record number with each
    list source's id prefix (``46030`` -> ``ofac-46030``; a bare number is tried as the first
    source's number first)."""
    ref = ref.strip()
    prefixes = list(dict.fromkeys(s.id_prefix for s in source_registry().values()
                                  if s.id_prefix))
    cands = [ref, *(f"{p}{ref}" for p in prefixes if not ref.startswith(p))]
    if ref.isdigit() and prefixes:
        cands.sort(key=lambda c: not c.startswith(prefixes[0]))
    return cands


def norm_name(name: str) -> str:
    return normalize(name, ascii=True) or ""


# ---------------------------------------------------------------------------- the snapshot
class Listings:
    """The listing snapshot of one day (see module doc). Immutable once built."""

    def __init__(
        self,
        day: date | None,
        *,
        store: Store | None = None,
        version_ids: tuple[int, ...] = (),
        sources: Iterable[str] = (),
        reg: Registry | None = None,
        rows: Iterable[Listed] | None = None,
        names: Mapping[str, Iterable[str]] | None = None,
        parties: Mapping[str, str] | PartyLookup | None = None,
    ) -> None:
        self.day = day
        self.store = store
        self.version_ids = version_ids
        self.registry = reg or registry()
        self.dropped = frozenset(superseded(sources, day)) if day else frozenset()
        self._lookup: PartyLookup | None = None
        if parties is not None:
            from olivebranch.parties.lookup import PartyLookup

            self._lookup = parties if isinstance(parties, PartyLookup) else PartyLookup(
                None, None, dict(parties))
        elif store is None:
            from olivebranch.parties.lookup import PartyLookup

            self._lookup = PartyLookup.identity()
        self._by_entity: dict[str, tuple[Listed, ...]] = {}
        self._by_regime: dict[str, dict[str, tuple[Listed, ...]]] | None = None
        self._queries = 0
        self._keys: dict[str, dict[str, frozenset[DesignationKey]]] = {}
        self._names: dict[str, tuple[str, ...]] | None = (
            {k: tuple(v) for k, v in names.items()} if names is not None else None)
        if rows is not None:
            self._load(rows)

    # ------------------------------------------------------------------ construction
    @classmethod
    def on(cls, store: Store, day: date, *, reg: Registry | None = None,
           version_ids: Iterable[int] | None = None) -> Listings:
        """The snapshot of ``store`` on ``day`` (designations are read when first asked)."""
        versions = store.active_versions(day)
        if version_ids is not None:
            wanted = set(version_ids)
            versions = [v for v in versions if v.id in wanted]
        return cls(day, store=store, version_ids=tuple(sorted(v.id for v in versions)),
                   sources=[v.source for v in versions], reg=reg)

    @classmethod
    def from_designations(
        cls,
        rows: Iterable[Designation],
        names: Mapping[str, Iterable[str]] | None = None,
        classify: Callable[[Designation], tuple[str, str]] | None = None,
        *,
        day: date | None = None,
    ) -> Listings:
        """An in-memory snapshot of designation-like rows (entity_id, sanction_id, regime,
        program, source). ``classify`` gives (kind, regime) of a row; by default every row is
        blocking under its own regime."""
        listed = []
        for d in rows:
            kind, regime = classify(d) if classify else ("blocking", d.regime)
            if regime:
                listed.append(Listed(kind, regime, d))  # type: ignore[arg-type]
        return cls(day, rows=listed, names=names or {})

    def _classify(self, items: Iterable[Designation]) -> list[Listed]:
        specs = source_registry()
        out = []
        for d in items:
            if d.source in self.dropped or not in_force(d, self.day):
                continue
            kind, regime = classify(d, specs.get(d.source), self.registry)
            if regime != d.regime:
                d = replace(d, regime=regime)
            out.append(Listed(kind, regime, d))
        return out

    def _load(self, rows: Iterable[Listed]) -> None:
        by_entity: dict[str, list[Listed]] = {}
        by_regime: dict[str, dict[str, list[Listed]]] = {}
        for row in rows:
            eid = row.designation.entity_id
            by_entity.setdefault(eid, []).append(row)
            by_regime.setdefault(row.regime, {}).setdefault(eid, []).append(row)
        self._by_entity = {k: tuple(v) for k, v in by_entity.items()}
        self._by_regime = {r: {e: tuple(v) for e, v in ents.items()}
                           for r, ents in by_regime.items()}

    def _all(self) -> dict[str, dict[str, tuple[Listed, ...]]]:
        if self._by_regime is None:
            rows: list[Listed] = []
            if self.store is not None and self.version_ids:
                rows = self._classify(self.store.designations(
                    as_of=self.day, version_ids=self.version_ids))
            self._load(rows)
        assert self._by_regime is not None
        return self._by_regime

    @property
    def loaded(self) -> bool:
        return self._by_regime is not None

    # ------------------------------------------------------------------ questions
    def of(self, entity_id: str) -> tuple[Listed, ...]:
        """Every designation of one record on the day, classed."""
        hit = self._by_entity.get(entity_id)
        if hit is None:
            if self._by_regime is not None:
                return ()
            self.prefetch([entity_id])
            hit = self._by_entity.get(entity_id, ())
        return hit

    def prefetch(self, entity_ids: Iterable[str]) -> None:
        """Read the designations of these records in one query (cheaper than one each). After
        many such queries (a whole catalogue being assessed) everything is read at once."""
        entity_ids = set(entity_ids)
        lookup = self.parties
        if lookup.resolved:
            lookup.prefetch(entity_ids)
            entity_ids |= {r for e in list(entity_ids) for r in lookup.records(e)}
        if self._by_regime is not None:
            return
        want = [e for e in entity_ids if e not in self._by_entity]
        if not want:
            return
        self._queries += 1
        if self._queries > BULK_AFTER:
            self._all()
            return
        found: dict[str, list[Listed]] = {e: [] for e in want}
        if self.store is not None and self.version_ids:
            items = self.store.designations(as_of=self.day, version_ids=self.version_ids,
                                            entity_ids=want)
            for row in self._classify(items):
                found[row.designation.entity_id].append(row)
        self._by_entity.update({k: tuple(v) for k, v in found.items()})

    def regimes(self) -> list[str]:
        """Designation regimes with at least one listing."""
        return sorted(self._all())

    def listed(self, regime: str, kind: str | None = None) -> dict[str, tuple[Listed, ...]]:
        """``{record id: designations}`` of one designation regime (optionally one class)."""
        ents = self._all().get(regime, {})
        if kind is None:
            return dict(ents)
        out = {}
        for eid, rows in ents.items():
            keep = tuple(r for r in rows if r.kind == kind)
            if keep:
                out[eid] = keep
        return out

    def counted(self, regime: str, entity_id: str) -> tuple[Listed, ...]:
        """The designations that count for verdict ``regime`` (its ``lists``) of the record's
        party: of the record itself and of every other record of the same party."""
        lists = self.registry.get(regime).lists if regime in self.registry.regimes else (regime,)
        return tuple(r for r in self.of_party(entity_id) if r.regime in lists)

    def of_party(self, entity_id: str) -> tuple[Listed, ...]:
        """Every designation on the day of the record's party (all its records, the record's
        own first)."""
        records = self.records_of(entity_id)
        if len(records) == 1:
            return self.of(entity_id)
        self.prefetch(records)
        out = list(self.of(entity_id))
        for rid in records:
            if rid != entity_id:
                out.extend(self.of(rid))
        return tuple(out)

    def by_class(self) -> dict[str, dict[str, dict[str, list[Designation]]]]:
        """``{kind: {regime: {record id: [Designation]}}}`` of every listing in force."""
        out: dict[str, dict[str, dict[str, list[Designation]]]] = {k: {} for k in LISTING_KINDS}
        for regime, ents in self._all().items():
            for eid, rows in ents.items():
                for row in rows:
                    out[row.kind].setdefault(regime, {}).setdefault(eid, []).append(
                        row.designation)
        return out

    @property
    def parties(self) -> PartyLookup:
        """Record -> party of the store's current resolution (identity without one)."""
        if self._lookup is None:
            from olivebranch.parties.lookup import PartyLookup

            assert self.store is not None
            self._lookup = PartyLookup.of(self.store, self.version_ids or None)
        return self._lookup

    def party(self, record_id: str) -> str:
        """The party a record belongs to (the record itself until parties are resolved)."""
        return self.parties.party(record_id)

    def records_of(self, record_id: str) -> tuple[str, ...]:
        """The records of the record's party, itself included."""
        return self.parties.records(record_id)

    # ------------------------------------------------------------------ scenario selectors
    @property
    def listed_regimes(self) -> list[str]:
        return [r for r in self._all() if r != OTHER]

    def knows_programs(self, programs: Iterable[str]) -> bool:
        """Does any stored list version (of any day) carry one of these programmes?"""
        return self.store is not None and self.store.has_programs(programs)

    def entities(self, regime: str) -> dict[str, frozenset[DesignationKey]]:
        """``{record id: designation keys}`` of one designation regime (scenario selectors;
        built once per regime, do not mutate)."""
        hit = self._keys.get(regime)
        if hit is None:
            hit = self._keys[regime] = {e: frozenset(r.key for r in rows)
                                        for e, rows in self._all().get(regime, {}).items()}
        return hit

    @property
    def names(self) -> dict[str, tuple[str, ...]]:
        """Record id -> names and aliases of every listed record (read on first use)."""
        if self._names is None:
            ids = {e for ents in self._all().values() for e in ents}
            names: dict[str, list[str]] = {}
            if ids and self.store is not None:
                for _vid, e in self.store.iter_entity_dicts(version_ids=self.version_ids,
                                                            schemata=_NAMED):
                    eid = e.get("id")
                    if eid in ids:
                        props = e.get("properties", {})
                        names.setdefault(eid, []).extend(
                            props.get("name", []) + props.get("alias", [])
                            + props.get("previousName", []))
            self._names = {k: tuple(v) for k, v in names.items()}
        return self._names

    def resolve_name(self, regime: str, name: str) -> list[str]:
        """Records listed under ``regime`` with exactly this name or alias (normalised)."""
        want = norm_name(name)
        names = self.names
        return sorted(e for e in self._all().get(regime, {})
                      if any(norm_name(n) == want for n in names.get(e, ())))

    def suggest(self, regime: str, name: str, limit: int = 5) -> list[str]:
        """Records of ``regime`` sharing words with ``name`` (for error messages)."""
        tokens = set(norm_name(name).split())
        scored = []
        names = self.names
        for e in self._all().get(regime, {}):
            for n in names.get(e, ()):
                overlap = len(tokens & set(norm_name(n).split()))
                if overlap:
                    scored.append((-overlap, len(n), e, n))
        scored.sort()
        out: list[str] = []
        for _, _, e, n in scored:
            label = f"{e} ({n})"
            if e not in {o.split(" ")[0] for o in out}:
                out.append(label)
            if len(out) >= limit:
                break
        return out

    def record_id(self, ref: str) -> list[str]:
        return record_candidates(ref)

    # ------------------------------------------------------------------ overlays
    def under(self, delisted: Mapping[str, Iterable[str]] | None = None,
              added: Mapping[str, Mapping[str, str]] | None = None) -> ListingsView:
        """This snapshot as a scenario changes it: records taken off regimes' lists
        (``delisted``) and designations it adds (``added``, blocking)."""
        return ListingsView(self, delisted or {}, added or {})


class ListingsView:
    """A snapshot with a scenario's delistings and added designations applied."""

    def __init__(self, base: Listings, delisted: Mapping[str, Iterable[str]],
                 added: Mapping[str, Mapping[str, str]]) -> None:
        self.base = base
        self.delisted = {r: frozenset(v) for r, v in delisted.items()}
        self.added = added

    def counted(self, regime: str, entity_id: str) -> list[tuple[str, Designation | None]]:
        """(kind, designation) of a record's party that count for verdict ``regime`` (every
        record of the party; a delisted record's designations drop out); ``None`` stands for a
        designation the scenario adds."""
        reg = self.base.registry
        lists = reg.get(regime).lists if regime in reg.regimes else (regime,)
        out: list[tuple[str, Designation | None]] = [
            (r.kind, r.designation) for r in self.base.of_party(entity_id)
            if r.regime in lists
            and r.designation.entity_id not in self.delisted.get(r.regime, ())]
        records = self.base.records_of(entity_id)
        for lr in lists:
            added = self.added.get(lr) or {}
            if any(r in added for r in records):
                out.append(("blocking", None))
        return out

    def note(self, regime: str, entity_id: str) -> str | None:
        """The note of a designation the scenario adds (its programme, in evidence)."""
        reg = self.base.registry
        lists = reg.get(regime).lists if regime in reg.regimes else (regime,)
        for lr in lists:
            added = self.added.get(lr) or {}
            for r in self.base.records_of(entity_id):
                note = added.get(r)
                if note is not None:
                    return note or None
        return None


#: the scenario modules' historical name for the snapshot
ListingIndex = Listings


# ---------------------------------------------------------------------------- shortcuts
#: kind -> regime -> record id -> designations
ByClass = dict[str, dict[str, dict[str, list[Designation]]]]


def designations_by_class(store: Store, as_of: date | None = None) -> ByClass:
    """Every listing in force on ``as_of`` (default: today), classed:
    ``{kind: {regime: {record id: [Designation]}}}``."""
    return Listings.on(store, as_of or date.today()).by_class()


def listed_status(store: Store, as_of: date | None = None, *, kind: str = "blocking"
                  ) -> dict[str, dict[str, list[Designation]]]:
    """``{regime: {record id: [Designation]}}`` for one class of listing (default: blocking)."""
    if kind not in LISTING_KINDS:
        raise ValueError(f"kind must be one of {LISTING_KINDS}")
    return designations_by_class(store, as_of)[kind]

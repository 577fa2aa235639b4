"""Looking up and describing one entity across all active lists (used by CLI, API and UI).

An entity page is a *party* page: besides the record asked about, :func:`describe_entity`
gives the party it belongs to (``olivebranch.parties``): every record of it on every list,
its status under each regime from all of them (blocked if any record counts), every listing
with its source, programme, record number and date, and all names and identifiers.

Pages read the stored entity dicts through ``olivebranch.ftm_lite`` (followthemoney's model as
a small cached table: loading the model itself would be most of a CLI call's time), and read
what points at the party's records in one pass over the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from olivebranch.ftm_lite import Entity, schemata
from olivebranch.listings import Listings, record_candidates
from olivebranch.store import Store

DETAIL_SCHEMATA = ("Address", "Identification", "Passport", "UnknownLink", "Ownership",
                   "Directorship", "Family", "Associate", "Sanction", "Membership", "Employment")


def resolve_entity_id(store: Store, ref: str, *, as_of: date | None = None) -> str | None:
    """Accept a full entity id, or a publisher's own record number: an OFAC entry number
    (``46030`` -> ``ofac-46030``), a UK Unique ID (``RUS3064`` -> ``gb-fcdo-RUS3064``), an EU
    reference or logical id, a UN reference (each list source's ``id_prefix``), or a party id
    (one of its records)."""
    for c in record_candidates(ref):
        if store.entity_records(c, as_of=as_of):
            return c
    # a party id (``NK-…``): its first record in force
    from olivebranch.parties.lookup import PartyLookup

    lookup = PartyLookup.of(store)
    for c in lookup.members(ref.strip()) if lookup.resolved else ():
        if store.entity_records(c, as_of=as_of):
            return c
    return None


@lru_cache(maxsize=1)
def _shown_schemata() -> tuple[str, ...]:
    """Schemata of the records a page shows beside an entity: addresses, identifications
    and links (edges); others that point at it (sanctions) are not shown."""
    return tuple(sorted(name for name, s in schemata().items()
                        if s.is_a("Address") or s.is_a("Identification") or s.edge))


class _Reader:
    """The stored entities of one page's versions, each read once."""

    def __init__(self, store: Store, as_of: date | None) -> None:
        self.store = store
        self.version_ids = [v.id for v in store.active_versions(as_of)]
        self._got: dict[str, Entity | None] = {}
        self._refs: dict[str, list[Entity]] = {}

    def get(self, entity_id: str) -> Entity | None:
        """The entity merged across the versions that carry its id (``Store.get_entity``)."""
        if entity_id not in self._got:
            merged: Entity | None = None
            for data in self.store.entity_records(entity_id, version_ids=self.version_ids):
                e = Entity(data)
                merged = e if merged is None else merged.merge(e)
            self._got[entity_id] = merged
        return self._got[entity_id]

    def prefetch_referencing(self, entity_ids: Iterable[str]) -> None:
        """Read what points at these records in one pass (``Store.referencing``)."""
        want = [e for e in dict.fromkeys(entity_ids) if e not in self._refs]
        if not want:
            return
        found: dict[str, list[Entity]] = {e: [] for e in want}
        for data in self.store.referencing_records(want, version_ids=self.version_ids,
                                                   schemata=_shown_schemata()):
            ref = Entity(data)
            for eid in want:
                if any(prop.type == "entity" and value == eid for prop, value in ref.itervalues()):
                    found[eid].append(ref)
        self._refs.update(found)

    def referencing(self, entity_id: str) -> list[Entity]:
        self.prefetch_referencing([entity_id])
        return self._refs[entity_id]


def describe_entity(store: Store, entity_id: str, *, as_of: date | None = None,
                    listings: Listings | None = None) -> dict[str, Any]:
    """Everything known about one entity: properties, designations, addresses, identifiers and
    links to other entities, each with the entity at the other end named; under ``party``, the
    party it belongs to (see module doc). ``listings``: the day's snapshot, if the caller has
    one (the workspace's)."""
    reader = _Reader(store, as_of)
    entity = reader.get(entity_id)
    if entity is None:
        raise KeyError(entity_id)
    if listings is None:
        listings = Listings.on(store, as_of or date.today())
    # what points at any record of the party, in one pass
    reader.prefetch_referencing(listings.records_of(entity_id))
    info = _record(store, reader, entity, listings, as_of=as_of)
    info["party"] = describe_party(store, entity_id, listings, as_of=as_of, first=info,
                                   reader=reader)
    return info


def describe_party(store: Store, entity_id: str, listings: Listings, *,
                   as_of: date | None = None, first: dict[str, Any] | None = None,
                   reader: _Reader | None = None) -> dict[str, Any]:
    """The party of a record: its id, records, per-regime status from all records, listings,
    names and identifiers (``first``: the record's own description, if made already)."""
    records = list(listings.records_of(entity_id))
    listings.prefetch(records)
    if reader is None:
        reader = _Reader(store, as_of)
    reader.prefetch_referencing(records)
    described: list[dict[str, Any]] = []
    for rid in [entity_id, *(r for r in records if r != entity_id)]:
        if rid == entity_id and first is not None:
            described.append(first)
            continue
        proxy = reader.get(rid)
        if proxy is not None:
            described.append(_record(store, reader, proxy, listings, as_of=as_of,
                                     details=False))
    reg = listings.registry
    status: dict[str, dict[str, Any]] = {}
    for regime in reg.ids:
        if reg.get(regime).host_state:
            continue
        rows = listings.counted(regime, entity_id)
        kinds = {r.kind for r in rows}
        status[regime] = {
            "name": reg.name(regime),
            "status": ("designated" if "blocking" in kinds else
                       "sectoral" if "sectoral" in kinds else "not listed"),
            "records": sorted({r.designation.entity_id for r in rows
                               if r.kind in ("blocking", "sectoral")}),
            "programs": sorted({r.designation.program for r in rows
                                if r.designation.program and r.kind != "other"}),
        }
    names: list[str] = []
    identifiers: list[dict[str, Any]] = []
    designations: list[dict[str, Any]] = []
    for rec in described:
        for prop in ("Name", "Alias", "Previous name", "Weak alias"):
            for n in rec["properties"].get(prop, []):
                if n not in names:
                    names.append(n)
        for ident in rec["identifiers"]:
            row = {**ident, "entity_id": rec["id"]}
            if not any(i["number"] == row["number"] and i["type"] == row["type"]
                       for i in identifiers):
                identifiers.append(row)
        designations.extend({**d, "entity_id": rec["id"]} for d in rec["designations"])
    party_id = listings.party(entity_id)
    return {
        "id": party_id,
        "resolved": listings.parties.resolved,
        "records": [{"id": r["id"], "caption": r["caption"], "schema": r["schema"],
                     "sources": sorted({d["source"] for d in r["designations"]})}
                    for r in described],
        "status": status,
        "designations": designations,
        "names": names,
        "identifiers": identifiers,
    }


def _record(store: Store, reader: _Reader, entity: Entity, listings: Listings, *,
            as_of: date | None, details: bool = True) -> dict[str, Any]:
    """One record: properties, designations (how each counts on the day), identifiers and,
    with ``details``, addresses and links."""
    entity_id = entity.id
    props: dict[str, list[str]] = {}
    for prop, value in entity.itervalues():
        if prop.type == "entity" or prop.hidden:
            continue
        props.setdefault(prop.label, []).append(value)
    counted = {r.designation.sanction_id: r for r in listings.of(entity_id)}
    designations = []
    for d in store.designations(entity_id, as_of=as_of):
        row = counted.get(d.sanction_id)
        if row is not None:
            counts = f"{row.kind} ({row.regime})"
        elif d.source in listings.dropped:
            counts = "superseded"
        else:
            counts = "not in force"
        designations.append({
            "source": d.source,
            "regime": d.regime,
            "authority": d.authority,
            "program": d.program,
            "source_id": d.source_id,
            "listing_date": d.listing_date,
            "sanction_id": d.sanction_id,
            "counts": counts,
        })
    addresses: list[dict[str, Any]] = []
    identifiers: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    if not details:
        for ref in reader.referencing(entity_id):
            if ref.schema.is_a("Identification"):
                identifiers.append({
                    "type": ref.first("type") or ref.schema.label,
                    "number": ref.first("number"),
                    "country": ", ".join(ref.get("country")),
                })
        return {"id": entity.id, "schema": entity.schema.name, "caption": entity.caption,
                "properties": props, "designations": designations, "identifiers": identifiers}
    for addr_id in entity.get("addressEntity"):
        a = reader.get(addr_id)
        if a is not None:
            addresses.append({"address": a.first("full") or a.caption, "country": ", ".join(a.get("country"))})
    for ref in reader.referencing(entity_id):
        schema = ref.schema
        if schema.is_a("Address"):
            addresses.append({"address": ref.first("full") or ref.caption, "country": ", ".join(ref.get("country"))})
        elif schema.is_a("Identification"):
            identifiers.append({
                "type": ref.first("type") or schema.label,
                "number": ref.first("number"),
                "country": ", ".join(ref.get("country")),
            })
        elif schema.is_a("Sanction"):
            continue
        elif schema.edge:
            src_prop, tgt_prop = schema.edge_source, schema.edge_target
            sources, targets = ref.get(src_prop), ref.get(tgt_prop)
            if entity_id in sources:
                direction, others = "to", targets
            else:
                direction, others = "from", sources
            for other_id in others:
                other = reader.get(other_id)
                links.append({
                    "relation": schema.label,
                    "direction": direction,
                    "other_id": other_id,
                    "other": other.caption if other is not None else other_id,
                    "role": ", ".join(ref.get("role") or ref.get("relationship") or []),
                    "share": ", ".join(ref.get("percentage") or ref.get("sharesCount") or []) if schema.is_a("Ownership") else "",
                })
    return {
        "id": entity.id,
        "schema": entity.schema.name,
        "caption": entity.caption,
        "properties": props,
        "designations": designations,
        "addresses": addresses,
        "identifiers": identifiers,
        "links": links,
        "entity": entity.to_dict(),
    }

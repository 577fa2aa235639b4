"""The entity page as ``olivebranch/entities.py`` made it before it read entities without
followthemoney's model (commit 01ad35d, FtM proxies throughout): the oracle the new page is
held to in ``test_entity_page_fast.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Text, and_, func, select

from olivebranch.listings import Listings, record_candidates
from olivebranch.store import Store, entities


def _referencing(store: Store, entity_id: str, *, as_of: date | None = None) -> list[Any]:
    """``Store.referencing`` as it was (one LIKE query per record), in the order SQLite gave it
    (the primary key's: version, then id); PostgreSQL gives no order without ORDER BY."""
    from followthemoney import model

    vids = [v.id for v in store.active_versions(as_of)]
    if not vids:
        return []
    q = select(entities.c.data).where(
        and_(
            entities.c.version_id.in_(vids),
            func.cast(entities.c.data, Text).like(f'%"{entity_id}"%'),
        )
    ).order_by(entities.c.version_id, entities.c.id)
    out = []
    with store.engine.connect() as conn:
        for (data,) in conn.execute(q):
            proxy = model.get_proxy(data, cleaned=True)
            for prop, value in proxy.itervalues():
                if prop.type.name == "entity" and value == entity_id:
                    out.append(proxy)
                    break
    return out

DETAIL_SCHEMATA = ("Address", "Identification", "Passport", "UnknownLink", "Ownership",
                   "Directorship", "Family", "Associate", "Sanction", "Membership", "Employment")


def resolve_entity_id(store: Store, ref: str, *, as_of: date | None = None) -> str | None:
    """Accept a full entity id, or a publisher's own record number: an OFAC entry number
    (``46030`` -> ``ofac-46030``), a UK Unique ID (``RUS3064`` -> ``gb-fcdo-RUS3064``), an EU
    reference or logical id, a UN reference (each list source's ``id_prefix``), or a party id
    (one of its records)."""
    for c in record_candidates(ref):
        if store.get_entity(c, as_of=as_of) is not None:
            return c
    # a party id (``NK-…``): its first record in force
    from olivebranch.parties.lookup import PartyLookup

    lookup = PartyLookup.of(store)
    for c in lookup.members(ref.strip()) if lookup.resolved else ():
        if store.get_entity(c, as_of=as_of) is not None:
            return c
    return None


def describe_entity(store: Store, entity_id: str, *, as_of: date | None = None,
                    listings: Listings | None = None) -> dict[str, Any]:
    """Everything known about one entity: properties, designations, addresses, identifiers and
    links to other entities, each with the entity at the other end named; under ``party``, the
    party it belongs to (see module doc). ``listings``: the day's snapshot, if the caller has
    one (the workspace's)."""
    entity = store.get_entity(entity_id, as_of=as_of)
    if entity is None:
        raise KeyError(entity_id)
    if listings is None:
        listings = Listings.on(store, as_of or date.today())
    info = _record(store, entity, listings, as_of=as_of)
    info["party"] = describe_party(store, entity_id, listings, as_of=as_of, first=info)
    return info


def describe_party(store: Store, entity_id: str, listings: Listings, *,
                   as_of: date | None = None, first: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    """The party of a record: its id, records, per-regime status from all records, listings,
    names and identifiers (``first``: the record's own description, if made already)."""
    records = list(listings.records_of(entity_id))
    listings.prefetch(records)
    described: list[dict[str, Any]] = []
    for rid in [entity_id, *(r for r in records if r != entity_id)]:
        if rid == entity_id and first is not None:
            described.append(first)
            continue
        proxy = store.get_entity(rid, as_of=as_of)
        if proxy is not None:
            described.append(_record(store, proxy, listings, as_of=as_of, details=False))
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


def _record(store: Store, entity: Any, listings: Listings, *, as_of: date | None,
            details: bool = True) -> dict[str, Any]:
    """One record: properties, designations (how each counts on the day), identifiers and,
    with ``details``, addresses and links."""
    entity_id = entity.id
    props: dict[str, list[str]] = {}
    for prop, value in entity.itervalues():
        if prop.type.name == "entity" or prop.hidden:
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
        for ref in _referencing(store, entity_id, as_of=as_of):
            if ref.schema.is_a("Identification"):
                identifiers.append({
                    "type": ref.first("type") or ref.schema.label,
                    "number": ref.first("number"),
                    "country": ", ".join(ref.get("country")),
                })
        return {"id": entity.id, "schema": entity.schema.name, "caption": entity.caption,
                "properties": props, "designations": designations, "identifiers": identifiers}
    for addr_id in entity.get("addressEntity"):
        a = store.get_entity(addr_id, as_of=as_of)
        if a is not None:
            addresses.append({"address": a.first("full") or a.caption, "country": ", ".join(a.get("country"))})
    for ref in _referencing(store, entity_id, as_of=as_of):
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
        elif schema.edge is not None:
            src_prop, tgt_prop = schema.edge_source, schema.edge_target
            sources, targets = ref.get(src_prop), ref.get(tgt_prop)
            if entity_id in sources:
                direction, others = "to", targets
            else:
                direction, others = "from", sources
            for other_id in others:
                other = store.get_entity(other_id, as_of=as_of)
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

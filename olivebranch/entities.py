"""Looking up and describing one entity across all active lists (used by CLI, API and UI)."""

from __future__ import annotations

from datetime import date
from typing import Any

from olivebranch.listings import Listings, record_candidates
from olivebranch.store import Store

DETAIL_SCHEMATA = ("Address", "Identification", "Passport", "UnknownLink", "Ownership",
                   "Directorship", "Family", "Associate", "Sanction", "Membership", "Employment")


def resolve_entity_id(store: Store, ref: str, *, as_of: date | None = None) -> str | None:
    """Accept a full entity id, or a publisher's own record number: an OFAC entry number
    (``46030`` -> ``ofac-46030``), a UK Unique ID (``RUS3064`` -> ``gb-fcdo-RUS3064``), an EU
    reference or logical id, a UN reference (each list source's ``id_prefix``)."""
    for c in record_candidates(ref):
        if store.get_entity(c, as_of=as_of) is not None:
            return c
    return None


def describe_entity(store: Store, entity_id: str, *, as_of: date | None = None) -> dict[str, Any]:
    """Everything known about one entity: properties, designations, addresses, identifiers and
    links to other entities, each with the entity at the other end named."""
    entity = store.get_entity(entity_id, as_of=as_of)
    if entity is None:
        raise KeyError(entity_id)
    props: dict[str, list[str]] = {}
    for prop, value in entity.itervalues():
        if prop.type.name == "entity" or prop.hidden:
            continue
        props.setdefault(prop.label, []).append(value)
    listings = Listings.on(store, as_of or date.today())
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
    for addr_id in entity.get("addressEntity"):
        a = store.get_entity(addr_id, as_of=as_of)
        if a is not None:
            addresses.append({"address": a.first("full") or a.caption, "country": ", ".join(a.get("country"))})
    for ref in store.referencing(entity_id, as_of=as_of):
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

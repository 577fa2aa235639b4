"""The store as FollowTheMoney JSON lines, by record or by party, for yente and nomenklatura.

*Records*: every entity of the lists in force, one line each; an entity that several sources
carry under one id (OFAC's SDN and Consolidated files) is merged, with both sources in
``datasets``.

*Parties*: each party becomes one entity under its party id, its records' properties merged,
``referents`` listing the record ids and ``datasets`` every source that lists it (what yente's
merged entities look like); every other entity (sanctions, addresses, identity documents,
ownership and other links) is kept with its references to records rewritten to the parties, so
sanctions attach to the party and ownership chains cross list boundaries.

Entities are :class:`followthemoney.ValueEntity` dicts; ``target`` is true for listed parties,
``first_seen``/``last_seen`` are the publication dates of the list versions carrying them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from followthemoney import ValueEntity, model
from sqlalchemy import select

from olivebranch.parties.parties import Parties
from olivebranch.parties.records import PARTY_SCHEMATA
from olivebranch.store import Store, designations, entities


@lru_cache(maxsize=256)
def _entity_props(schema: str) -> tuple[str, ...]:
    s = model.get(schema)
    if s is None:
        return ()
    return tuple(p.name for p in s.properties.values() if p.type.name == "entity")


def _entity(data: dict[str, Any], datasets: list[str], seen: list[str]) -> ValueEntity:
    schema = model.get(data["schema"])
    if schema is None:
        raise ValueError(f"{data.get('id')}: unknown schema {data.get('schema')!r}")
    ent = ValueEntity(schema, {"id": data["id"], "properties": data.get("properties") or {}},
                      cleaned=True)
    ent.datasets = set(datasets)
    if seen:
        ent.first_seen, ent.last_seen = min(seen), max(seen)
    return ent


def iter_ftm(store: Store, *, parties: Parties | None = None,
             as_of: date | None = None) -> Iterator[dict[str, Any]]:
    """FtM entity dicts of the lists in force (or of ``as_of``); merged into parties when
    ``parties`` is given."""
    versions = store.active_versions(as_of) if parties is None else [
        v for v in store.versions() if v.id in set(parties.run.version_ids)]
    source_of = {v.id: v.source for v in versions}
    seen_of = {v.id: (v.published or v.imported_at.date()).isoformat() for v in versions}
    vids = list(source_of)
    # ids carried by several versions are merged; the others stream straight through
    counts: dict[str, int] = {}
    with store.engine.connect() as conn:
        for (eid,) in conn.execute(select(entities.c.id).where(entities.c.version_id.in_(vids))):
            counts[eid] = counts.get(eid, 0) + 1
        listed = {e for (e,) in conn.execute(
            select(designations.c.entity_id).where(designations.c.version_id.in_(vids))
            .distinct())}
    pending: dict[str, ValueEntity] = {}
    left: dict[str, int] = {}
    members: dict[str, list[ValueEntity]] = {}
    party_of = {} if parties is None else {
        rid: parties.party_of(rid) for rid in counts if parties.party_of(rid)}

    def finish(ent: ValueEntity) -> Iterator[dict[str, Any]]:
        if parties is not None and ent.schema.name in PARTY_SCHEMATA and ent.id in party_of:
            members.setdefault(party_of[ent.id], []).append(ent)
            return
        if parties is not None:
            _rewrite(ent, party_of)
        out = ent.to_dict()
        if ent.schema.name in PARTY_SCHEMATA:
            out["target"] = ent.id in listed
        yield out

    for vid, data in store.iter_entity_dicts(version_ids=vids):
        eid = data["id"]
        ent = _entity(data, [source_of[vid]], [seen_of[vid]])
        if counts.get(eid, 1) > 1:
            have = pending.get(eid)
            pending[eid] = ent if have is None else _merge(have, ent)
            left[eid] = left.get(eid, counts[eid]) - 1
            if left[eid] > 0:
                continue
            ent = pending.pop(eid)
        yield from finish(ent)
    for ent in pending.values():  # not reached unless counts changed meanwhile
        yield from finish(ent)
    for pid, ents in sorted(members.items()):
        merged: ValueEntity | None = None
        for ent in sorted(ents, key=lambda e: str(e.id)):
            merged = ent if merged is None else _merge(merged, ent)
        assert merged is not None
        merged.referents = {str(e.id) for e in ents}
        merged.id = pid
        _rewrite(merged, party_of)
        out = merged.to_dict()
        out["target"] = any(e.id in listed for e in ents)
        yield out


def _merge(a: ValueEntity, b: ValueEntity) -> ValueEntity:
    try:
        return a.merge(b)
    except Exception:  # noqa: BLE001 - two schemata under one id: keep the first, note the other
        a.datasets |= b.datasets
        return a


def _rewrite(ent: ValueEntity, party_of: dict[str, str]) -> None:
    """Point entity-typed properties at parties instead of records."""
    for name in _entity_props(ent.schema.name):
        values = ent.get(name)
        if not values:
            continue
        new = list(dict.fromkeys(party_of.get(v, v) for v in values))
        if new != values:
            ent.set(name, new, cleaned=True)

"""What changed between two versions of a source: designations added, removed and changed.

A new version of a source mostly repeats the old one (OFAC's weekly SDN update changes a few
dozen of its 18,000 entries), so the diff reads only what can differ: the ids and programmes
of both versions (small columns), and the stored records whose text differs between the two
versions, compared by the database without decoding them. Only those records - and the added
and removed ones, for their captions - are read and compared property by property, which
gives exactly what comparing every record would give: a record stored as the same text is
the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, and_, cast, select
from sqlalchemy.orm import aliased

from olivebranch.store import Store, designations, entities


@dataclass
class EntityChange:
    entity_id: str
    caption: str
    schema: str
    changes: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # prop -> added/removed


@dataclass
class VersionDiff:
    source: str
    old_version: int
    new_version: int
    added: list[tuple[str, str, str]]  # (id, schema, caption) of listed entities newly present
    removed: list[tuple[str, str, str]]
    changed: list[EntityChange]

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }


def _programs(store: Store, version_id: int) -> dict[str, set[str]]:
    """entity id -> programmes of its designations in a version (every designated entity)."""
    c = designations.c
    out: dict[str, set[str]] = {}
    with store.engine.connect() as conn:
        for eid, program in conn.execute(select(c.entity_id, c.program)
                                         .where(c.version_id == version_id)):
            out.setdefault(eid, set()).add(program or "")
    return out


def _ids(store: Store, version_id: int) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(select(entities.c.id).where(entities.c.version_id == version_id))
                   .scalars())


def _text_differs(store: Store, old_id: int, new_id: int) -> set[str]:
    """Ids stored in both versions whose stored records differ as text."""
    o, n = aliased(entities), aliased(entities)
    q = (select(n.c.id).join(o, and_(o.c.id == n.c.id, o.c.version_id == old_id))
         .where(n.c.version_id == new_id)
         .where(cast(n.c.data, Text) != cast(o.c.data, Text)))
    with store.engine.connect() as conn:
        return set(conn.execute(q).scalars())


def _dicts(store: Store, version_id: int, ids: set[str], desig: dict[str, set[str]]
           ) -> dict[str, dict[str, Any]]:
    """Entity dicts of ``ids`` in a version, with their programmes as ``__programs__``."""
    out: dict[str, dict[str, Any]] = {}
    if not ids:
        return out
    for _vid, data in store.iter_entity_dicts(version_ids=[version_id], ids=ids):
        data = dict(data)
        props = dict(data.get("properties") or {})
        props["__programs__"] = sorted(p for p in desig.get(data["id"], ()) if p)
        data["properties"] = props
        out[data["id"]] = data
    return out


def diff_versions(store: Store, old_id: int, new_id: int) -> VersionDiff:
    """Designated entities added, removed and amended (properties or programmes) from
    version ``old_id`` to ``new_id`` of one source."""
    old_v, new_v = store.get_version(old_id), store.get_version(new_id)
    if old_v is None or new_v is None:
        raise KeyError(f"unknown version {old_id if old_v is None else new_id}")
    if old_v.source != new_v.source:
        raise ValueError(f"versions {old_id} ({old_v.source}) and {new_id} ({new_v.source}) are of different sources")
    desig_old, desig_new = _programs(store, old_id), _programs(store, new_id)
    # a designated entity counts where its record is stored too
    listed_old = set(desig_old) & _ids(store, old_id)
    listed_new = set(desig_new) & _ids(store, new_id)
    both = listed_old & listed_new
    suspects = (_text_differs(store, old_id, new_id) & both) | {
        i for i in both if desig_old[i] - {""} != desig_new[i] - {""}}
    old = _dicts(store, old_id, (listed_old - listed_new) | suspects, desig_old)
    new = _dicts(store, new_id, (listed_new - listed_old) | suspects, desig_new)
    added = [(i, new[i]["schema"], _caption(new[i])) for i in sorted(listed_new - listed_old)]
    removed = [(i, old[i]["schema"], _caption(old[i])) for i in sorted(listed_old - listed_new)]
    changed: list[EntityChange] = []
    for i in sorted(suspects):
        po, pn = old[i]["properties"], new[i]["properties"]
        ch: dict[str, dict[str, list[str]]] = {}
        for prop in sorted(set(po) | set(pn)):
            a, b = set(po.get(prop, [])), set(pn.get(prop, []))
            if a != b:
                name = "programs" if prop == "__programs__" else prop
                ch[name] = {"added": sorted(b - a), "removed": sorted(a - b)}
        if old[i]["schema"] != new[i]["schema"]:
            ch["schema"] = {"added": [new[i]["schema"]], "removed": [old[i]["schema"]]}
        if ch:
            changed.append(EntityChange(i, _caption(new[i]), new[i]["schema"], ch))
    return VersionDiff(old_v.source, old_id, new_id, added, removed, changed)


def _caption(data: dict[str, Any]) -> str:
    names = (data.get("properties") or {}).get("name") or []
    return names[0] if names else data["id"]

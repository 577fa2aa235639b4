"""What changed between two versions of a source: designations added, removed and changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from olivebranch.store import Store


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


def _listed(store: Store, version_id: int) -> dict[str, dict[str, Any]]:
    """Entity dicts of the designated entities of a version, plus their programmes."""
    desig: dict[str, set[str]] = {}
    for d in store.designations(version_ids=[version_id]):
        desig.setdefault(d.entity_id, set()).add(d.program or "")
    out: dict[str, dict[str, Any]] = {}
    for _vid, data in store.iter_entity_dicts(version_ids=[version_id]):
        if data["id"] in desig:
            data = dict(data)
            props = dict(data.get("properties") or {})
            props["__programs__"] = sorted(p for p in desig[data["id"]] if p)
            data["properties"] = props
            out[data["id"]] = data
    return out


def diff_versions(store: Store, old_id: int, new_id: int) -> VersionDiff:
    old_v, new_v = store.get_version(old_id), store.get_version(new_id)
    if old_v is None or new_v is None:
        raise KeyError(f"unknown version {old_id if old_v is None else new_id}")
    if old_v.source != new_v.source:
        raise ValueError(f"versions {old_id} ({old_v.source}) and {new_id} ({new_v.source}) are of different sources")
    old, new = _listed(store, old_id), _listed(store, new_id)
    added = [(i, new[i]["schema"], _caption(new[i])) for i in sorted(set(new) - set(old))]
    removed = [(i, old[i]["schema"], _caption(old[i])) for i in sorted(set(old) - set(new))]
    changed: list[EntityChange] = []
    for i in sorted(set(old) & set(new)):
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

"""Stored entities read without loading followthemoney's model, for pages that only show them.

Importing followthemoney loads its whole model (every schema's YAML, about half a second); the
entity page only needs, per schema, its label, caption properties, ancestry and edge ends, and
per property its label, type and whether it is hidden. :func:`schemata` keeps exactly that in
a small table generated from followthemoney: bundled (``data/ftm_model.json``, written by
``python -m olivebranch.ftm_lite`` for the followthemoney version it names) and, for any
other installed version, generated on first use and cached on disk (keyed by the version,
like ``match/derived.py``'s tables). :class:`Entity` reads a
stored entity dict as ``followthemoney.EntityProxy`` does for those uses: the same values in the
same order (properties outside the schema dropped, repeated values once), the same caption,
the same merge of one id's records across list versions, the same ``to_dict``. A test holds the
table and the entities against followthemoney itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from olivebranch.paths import DATA_DIR, workspace_cache

#: Bump when the table's layout changes.
TABLE_FORMAT = 1
#: The table bundled for the followthemoney version it names.
BUNDLED = DATA_DIR / "ftm_model.json"


@dataclass(frozen=True, slots=True)
class Prop:
    """What the entity page uses of a followthemoney property."""

    name: str
    label: str
    type: str  # the property type's name (``entity``, ``name``, ``country`` …)
    hidden: bool
    stub: bool
    total_size: int | None  # the type's cap on one entity's values, in characters


@dataclass(frozen=True, slots=True)
class Schema:
    """What the entity page uses of a followthemoney schema."""

    name: str
    label: str
    names: frozenset[str]  # itself and its ancestors (``is_a``)
    caption: tuple[str, ...]
    properties: dict[str, Prop]
    edge_source: str | None
    edge_target: str | None

    @property
    def edge(self) -> bool:
        return self.edge_source is not None and self.edge_target is not None

    def is_a(self, other: str) -> bool:
        return other in self.names


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("followthemoney")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"


def build_table() -> dict[str, Any]:
    """The table, from followthemoney's model (what the cache file holds)."""
    from followthemoney import model

    out: dict[str, Any] = {}
    for s in model.schemata.values():
        out[s.name] = {
            "label": s.label,
            "names": sorted(s.names),
            "caption": list(s.caption),
            "edge_source": s.edge_source if s.edge else None,
            "edge_target": s.edge_target if s.edge else None,
            # (sorted: the model's own order depends on the process's string hashing)
            "properties": sorted([p.name, p.label, p.type.name, bool(p.hidden), bool(p.stub),
                                  p.type.total_size] for p in s.properties.values()),
        }
    return out


def _read(path: Any, version: str) -> dict[str, Any] | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(raw, dict) or raw.get("version") != version
            or raw.get("format") != TABLE_FORMAT or not raw.get("schemata")):
        return None
    return raw["schemata"]  # type: ignore[no-any-return]


def table_document() -> dict[str, Any]:
    """The bundled file's content for the installed followthemoney."""
    return {"version": _version(), "format": TABLE_FORMAT, "schemata": build_table()}


@lru_cache(maxsize=1)
def schemata() -> dict[str, Schema]:
    """Every schema by name: from the bundled table if it is the installed followthemoney's,
    else from the cache file, else generated from followthemoney (and cached)."""
    version = _version()
    cached = workspace_cache() / f"ftm-model-{version}-{TABLE_FORMAT}.json"
    raw = _read(BUNDLED, version) or _read(cached, version)
    if raw is None:
        doc = table_document()
        raw = doc["schemata"]
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass
    return {name: Schema(
        name=name, label=s["label"], names=frozenset(s["names"]), caption=tuple(s["caption"]),
        properties={p[0]: Prop(*p) for p in s["properties"]},
        edge_source=s["edge_source"], edge_target=s["edge_target"])
        for name, s in raw.items()}


def common_schema(left: str, right: str) -> str:
    """The narrower of two schemata (followthemoney's ``Model.common_schema``)."""
    table = schemata()
    a, b = table.get(left) or table.get(right), table.get(right) or table.get(left)
    if a is None or b is None:
        raise ValueError("Invalid schema")
    if a.is_a(b.name):
        return a.name
    if b.is_a(a.name):
        return b.name
    raise ValueError(f"No common schema: {left} and {right}")


class Entity:
    """A stored entity dict, read as ``EntityProxy(schema, data, cleaned=True)`` reads it."""

    __slots__ = ("_properties", "_size", "context", "id", "schema")

    def __init__(self, data: dict[str, Any]) -> None:
        data = dict(data or {})
        properties = data.pop("properties", {})
        schema = schemata().get(data.get("schema", ""))
        if schema is None:
            raise ValueError("No schema for entity.")
        self.schema = schema
        self.id = str(data["id"]) if data.get("id") else None
        self.context = data
        self._properties: dict[str, list[str]] = {}
        self._size = 0
        for key, values in properties.items():
            if key not in schema.properties:
                continue
            unique = list(dict.fromkeys(values))
            self._properties[key] = unique
            self._size += sum(len(v) for v in unique)

    def get(self, prop: str) -> list[str]:
        return self._properties.get(prop, []) if prop in self.schema.properties else []

    def first(self, prop: str) -> str | None:
        values = self.get(prop)
        return values[0] if values else None

    def itervalues(self) -> Iterator[tuple[Prop, str]]:
        for name, values in self._properties.items():
            prop = self.schema.properties[name]
            for value in values:
                yield prop, value

    @property
    def caption(self) -> str:
        for name in self.schema.caption:
            prop = self.schema.properties[name]
            values = self.get(name)
            if prop.type == "name" and len(values) > 1:
                from rigour.names import pick_name

                picked = pick_name(sorted(values))
                if picked is not None:
                    return picked
            else:
                for value in values:
                    return value
        return self.schema.label

    def merge(self, other: Entity) -> Entity:
        """Add another record of the same id (``EntityProxy.merge``)."""
        self.id = self.id or other.id
        self.schema = schemata()[common_schema(self.schema.name, other.schema.name)]
        self.context = _merge_context(self.context, other.context)
        for name, values in other._properties.items():
            prop = self.schema.properties.get(name)
            if prop is None or prop.stub:
                continue
            for value in values:
                if not value:  # (``string_list`` drops empty values)
                    continue
                if prop.total_size is not None and self._size + len(value) > prop.total_size:
                    continue
                self._size += len(value)
                have = self._properties.setdefault(name, [])
                if value not in have:
                    have.append(value)
        return self

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.context)
        data["id"] = self.id
        data["schema"] = self.schema.name
        data["properties"] = {p: list(vs) for p, vs in self._properties.items()}
        return data


def _merge_context(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """followthemoney's ``util.merge_context``: every key's values from both, once each."""
    combined = {}
    for key in set([*left.keys(), *right.keys()]):
        if key == "caption":
            continue
        lval = [i for i in _as_list(left.get(key)) if i is not None]
        rval = [i for i in _as_list(right.get(key)) if i is not None]
        combined[key] = list(dict.fromkeys([*lval, *rval]))
    return combined


def _as_list(value: Any) -> list[Any]:
    """``banal.ensure_list``."""
    if value is None:
        return []
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
        return list(value)
    return [value]


if __name__ == "__main__":  # regenerate the bundled table for the installed followthemoney
    BUNDLED.write_text(json.dumps(table_document(), ensure_ascii=False, indent=1,
                                  sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {BUNDLED} for followthemoney {_version()}")

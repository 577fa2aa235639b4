"""The same company or person under different list ids (OFAC ``ofac-…``, EU ``eu-fsf-…``, …).

Ownership edges name one id per party, usually from one list; each regime's seeds use that
regime's own ids. Without linking, Oleg Deripaska (``ofac-24283``) would look unlisted to the EU
rule although the EU lists him under ``eu-fsf-…``. Links are deliberately strict and explained:
a shared registry identifier (INN, OGRN, registration or tax number, IMO, LEI, SWIFT/BIC), or
an identical set of name tokens (at least two) with no conflicting birth date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from olivebranch.store import Store

NODE_SCHEMATA = ("LegalEntity", "Company", "Organization", "Person", "PublicBody")
ID_PROPS = (
    "innCode", "ogrnCode", "registrationNumber", "taxNumber", "leiCode", "swiftBic", "imoNumber",
    "okpoCode",
)


@dataclass(frozen=True)
class Link:
    """Graph node ``entity_id`` is taken to be list entity ``other_id`` because of ``reason``."""

    entity_id: str
    other_id: str
    reason: str


def _family(schema: str) -> str:
    return "person" if schema == "Person" else "org"


_TOKEN = re.compile(r"[a-z0-9]+")


def _name_key(name: str) -> str | None:
    """Sorted distinct name tokens (lower case); None for one-word or non-Latin names (lists
    carry Latin spellings of the same names, and transliteration is slow and lossy)."""
    if not name.isascii():
        return None
    tokens = set(_TOKEN.findall(name.lower()))
    return " ".join(sorted(tokens)) if len(tokens) >= 2 else None


def _keys(data: dict[str, Any]) -> list[tuple[str, str]]:
    props = data.get("properties") or {}
    out: list[tuple[str, str]] = []
    for prop in ID_PROPS:
        for value in props.get(prop) or []:
            digits = "".join(ch for ch in str(value) if ch.isalnum()).upper()
            if len(digits) >= 6:
                out.append((f"id:{digits}", f"same {prop} {value}"))
    fam = _family(str(data.get("schema")))
    for prop in ("name", "alias"):
        for value in props.get(prop) or []:
            key = _name_key(str(value))
            if key:
                out.append((f"{fam}:{key}", f"same name '{value}'"))
    return out


def _years(data: dict[str, Any]) -> set[str]:
    return {str(v)[:4] for v in (data.get("properties") or {}).get("birthDate") or []}


def link_identities(
    store: Store,
    node_ids: Iterable[str],
    listed: dict[str, set[str]],
    *,
    as_of: date | None = None,
    version_ids: Iterable[int] | None = None,
) -> dict[str, dict[str, list[Link]]]:
    """``{regime: {node_id: [Link]}}``: graph nodes not listed under a regime whose identity
    matches an entity that regime lists. ``listed`` maps regime -> listed entity ids."""
    nodes = set(node_ids)
    all_listed = set().union(*listed.values()) if listed else set()
    wanted = nodes | all_listed
    data: dict[str, dict[str, Any]] = {}
    for _vid, d in store.iter_entity_dicts(schemata=NODE_SCHEMATA, as_of=as_of,
                                           version_ids=version_ids):
        eid = d.get("id")
        if eid not in wanted:
            continue
        props = d.get("properties") or {}
        keep = {k: props[k] for k in (*ID_PROPS, "name", "alias", "birthDate") if k in props}
        cur = data.get(eid)
        if cur is None:
            data[eid] = {"schema": d.get("schema"), "properties": keep}
        else:
            for k, v in keep.items():
                cur["properties"][k] = [*cur["properties"].get(k, []), *v]
    index: dict[str, set[str]] = {}
    for eid in all_listed:
        d = data.get(eid)
        if d is None:
            continue
        for key, _reason in _keys(d):
            index.setdefault(key, set()).add(eid)
    regimes_of: dict[str, set[str]] = {}
    for regime, ids in listed.items():
        for eid in ids:
            regimes_of.setdefault(eid, set()).add(regime)
    out: dict[str, dict[str, list[Link]]] = {}
    for node in nodes:
        d = data.get(node)
        if d is None:
            continue
        mine = regimes_of.get(node, set())
        years = _years(d)
        for key, reason in _keys(d):
            for other in index.get(key, ()):
                if other == node:
                    continue
                od = data[other]
                if _family(str(od.get("schema"))) != _family(str(d.get("schema"))):
                    continue
                oyears = _years(od)
                if key.startswith("person:") and years and oyears and not (years & oyears):
                    continue
                for regime in regimes_of.get(other, ()):
                    if regime in mine:
                        continue
                    links = out.setdefault(regime, {}).setdefault(node, [])
                    if all(link.other_id != other for link in links):
                        links.append(Link(node, other, reason))
    return out

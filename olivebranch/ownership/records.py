"""What the stored list records add to the ownership graph, read by both the listing snapshot
(which caches it per snapshot) and a deal's parties: the name key that ties an unlisted node of
the ownership data to a company of the same name, and OFAC's sectoral (SSI) directives per
record, from the stored Sanction entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from olivebranch.store import Store

#: words that say what kind of company it is, not which one (ignored when names are compared)
LEGAL_FORMS = frozenset(
    "ooo oao zao pao ao jsc pjsc ojsc cjsc mkpao llc ltd limited liability company co inc "
    "corp corporation plc sa ag gmbh bv nv se the of public joint stock open closed".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")
#: OFAC remarks: "Executive Order 13662 Directive Determination - Subject to Directive 4"
_DIRECTIVE = re.compile(
    r"Executive Order (\d+) Directive (?:Determination|Information)\s*-?\s*Subject to Directive (\d+)",
    re.I,
)


def name_key(name: str) -> str | None:
    """Distinctive name tokens, sorted (legal forms dropped); None when nothing distinctive is
    left. Two names with the same key are taken to name the same company."""
    tokens = {t for t in _TOKEN.findall(name.lower()) if t not in LEGAL_FORMS}
    if not tokens or (len(tokens) == 1 and len(next(iter(tokens))) < 5):
        return None
    return " ".join(sorted(tokens))


def directives_of(provisions: Iterable[str]) -> set[str]:
    """``{"EO13662-4", "EO14024-3", …}`` from the provisions of an OFAC Sanction entity."""
    out = set()
    for text in provisions:
        for eo, number in _DIRECTIVE.findall(str(text)):
            out.add(f"EO{eo}-{number}")
    return out


def ssi_directives(store: Store, version_ids: Iterable[int]) -> dict[str, frozenset[str]]:
    """Record id -> the OFAC directives it is subject to, from the Sanction entities of the
    sources that list sectorally (OFAC's Consolidated non-SDN list: ``provisions`` keep the
    remarks, see olivebranch.lists.ofac_remarks)."""
    from olivebranch.lists import registry as sources

    sectoral = {name for name, spec in sources().items()
                if any(rule.kind == "sectoral" for rule in spec.listing)}
    vids = [v.id for v in store.versions() if v.id in set(version_ids) and v.source in sectoral]
    out: dict[str, set[str]] = {}
    if not vids:
        return {}
    for _vid, data in store.iter_entity_dicts(version_ids=vids, schemata=("Sanction",)):
        props = data.get("properties") or {}
        found = directives_of(props.get("provisions") or [])
        if not found:
            continue
        for eid in props.get("entity") or []:
            out.setdefault(eid, set()).update(found)
    return {k: frozenset(v) for k, v in out.items()}

"""List records as the resolver sees them: one per entity id of a person, company, organisation,
vessel or aircraft, with the evidence that can link it to records of other lists.

A *record* is an entity id across the store's active versions: OFAC's SDN and Consolidated files
and the olivebranch supplement write one OFAC entry under one id, so they are one record with
several sources. Each record carries its names, birth dates, countries, normalised identifiers
(:mod:`olivebranch.parties.identifiers`), publishers' cross-references
(:mod:`olivebranch.parties.refs`), programme topics and the records it is explicitly related to
(an owner, a "Linked To" entry, a relative: those are other parties by construction).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.parties.identifiers import IDENTIFIER_PROPS, classify, keys_of, normalise
from olivebranch.parties.refs import note_refs, sanction_refs
from olivebranch.parties.topics import topics

#: Schemata of records that can be parties.
PARTY_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel",
                  "Airplane")
ID_SCHEMATA = ("Identification", "Passport")
#: Relationship schemata and their two ends: records at both ends are different parties.
RELATION_SCHEMATA: dict[str, tuple[str, str]] = {
    "UnknownLink": ("subject", "object"),
    "Ownership": ("owner", "asset"),
    "Family": ("person", "relative"),
    "Associate": ("person", "associate"),
    "Directorship": ("director", "organization"),
    "Employment": ("employee", "employer"),
    "Membership": ("member", "organization"),
    "Representation": ("agent", "client"),
}
NAME_PROPS = ("name", "alias", "previousName")
COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry", "flag", "birthCountry")
NATIONALITY_PROPS = ("nationality", "citizenship")


def family_of(source: str) -> str:
    """Sources that publish one entry under one id across several files form a family (two of
    their records are two entries of one publisher): those sharing an id prefix on their specs
    (OFAC's SDN, non-SDN and supplement files all number entries ``ofac-<n>``)."""
    from olivebranch.lists import registry

    spec = registry().get(source)
    return f"prefix:{spec.id_prefix}" if spec is not None and spec.id_prefix else source


@dataclass
class Record:
    """One list record and the evidence the resolver compares."""

    id: str
    schema: str
    sources: tuple[str, ...]
    properties: dict[str, list[str]]
    names: tuple[str, ...] = ()
    weak_names: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    nationalities: frozenset[str] = frozenset()
    gender: frozenset[str] = frozenset()
    #: (scheme, normalised value) of identifiers: strong, document and register schemes.
    ids: frozenset[tuple[str, str]] = frozenset()
    #: (scheme, value) publishers' references (UN, UK, OFSI, OFAC, EU record numbers).
    refs: frozenset[tuple[str, str]] = frozenset()
    programs: tuple[str, ...] = ()
    topics: frozenset[str] = frozenset()
    listed: bool = False
    related: frozenset[str] = frozenset()
    digest: str = ""
    #: The publishers (source families) holding the record.
    families: frozenset[str] = frozenset()

    @property
    def caption(self) -> str:
        return self.names[0] if self.names else self.id

    @property
    def is_person(self) -> bool:
        return self.schema == "Person"


@dataclass
class _Acc:
    schema: str
    props: dict[str, list[str]]
    sources: list[str]
    refs: set[tuple[str, str]] = field(default_factory=set)
    docs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, number, schema)
    programs: list[str] = field(default_factory=list)
    related: set[str] = field(default_factory=set)
    listed: bool = False


def _common_schema(a: str, b: str) -> str:
    from followthemoney import model

    try:
        return model.common_schema(a, b).name
    except Exception:  # noqa: BLE001 - incompatible schemata: keep the first
        return a


def load_records(
    store: Any, *, version_ids: Iterable[int] | None = None, as_of: date | None = None
) -> dict[str, Record]:
    """Every party-like record of the given (default: active) versions, by id."""
    versions = store.active_versions(as_of) if version_ids is None else [
        v for v in store.versions() if v.id in set(version_ids)
    ]
    source_of = {v.id: v.source for v in versions}
    acc: dict[str, _Acc] = {}
    sanctions: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    relations: list[tuple[str, dict[str, Any]]] = []
    wanted = (*PARTY_SCHEMATA, "Sanction", *ID_SCHEMATA, *RELATION_SCHEMATA)
    for vid, data in store.iter_entity_dicts(version_ids=list(source_of), schemata=wanted):
        schema = data.get("schema")
        props = data.get("properties") or {}
        if schema in PARTY_SCHEMATA:
            eid = data["id"]
            cur = acc.get(eid)
            if cur is None:
                acc[eid] = _Acc(schema, {k: list(v) for k, v in props.items()}, [source_of[vid]])
                continue
            if schema != cur.schema:
                cur.schema = _common_schema(cur.schema, schema)
            if source_of[vid] not in cur.sources:
                cur.sources.append(source_of[vid])
            for k, vals in props.items():
                have = cur.props.setdefault(k, [])
                for v in vals:
                    if v not in have:
                        have.append(v)
        elif schema == "Sanction":
            sanctions.append(props)
        elif schema in ID_SCHEMATA:
            docs.append({**props, "_schema": [schema]})
        elif schema in RELATION_SCHEMATA:
            relations.append((schema, props))
    for props in sanctions:
        targets = [t for t in props.get("entity") or [] if t in acc]
        for t in targets:
            a = acc[t]
            a.listed = True
            a.programs.extend(str(p) for p in props.get("program") or [])
            if len(targets) == 1:
                a.refs |= sanction_refs(props)
    for props in docs:
        for holder in props.get("holder") or []:
            if holder in acc:
                kind = " ".join(props.get("type") or props.get("_schema") or [])
                for number in props.get("number") or []:
                    acc[holder].docs.append((kind, str(number), props["_schema"][0]))
    for schema, props in relations:
        a_prop, b_prop = RELATION_SCHEMATA[schema]
        left, right = props.get(a_prop) or [], props.get(b_prop) or []
        for x in left:
            for y in right:
                if x != y and x in acc and y in acc:
                    acc[x].related.add(y)
                    acc[y].related.add(x)
    return {eid: _record(eid, a) for eid, a in acc.items()}


def _doc_keys(kind: str, number: str, person: bool) -> list[tuple[str, str]]:
    """Keys of an ``Identification``/``Passport`` entity, typed by its ``type`` text."""
    low = kind.lower()
    if "passport" in low:
        v = normalise("passport", number)
        return [("passport", v)] if v else []
    for word, scheme in (("inn", "inn"), ("ogrn", "ogrn"), ("okpo", "okpo"), ("imo", "imo"),
                         ("mmsi", "mmsi"), ("swift", "bic"), ("bic", "bic"),
                         ("legal entity number", "lei"), ("lei", "lei"),
                         ("unified social credit", "usc")):
        if word in low.replace(".", "").split() or (len(word) > 4 and word in low):
            v = normalise(scheme, number)
            return [(scheme, v)] if v else []
    if person:
        got = classify(number)
        if got and got[0] in ("inn", "ogrn"):
            return [got]
        v = normalise("natid", number)
        return [("natid", v)] if v else []
    got = classify(number)
    return [got] if got else []


def _names(props: dict[str, list[str]]) -> tuple[str, ...]:
    names: list[str] = []
    for prop in NAME_PROPS:
        for v in props.get(prop) or []:
            v = " ".join(str(v).split())
            if v and v not in names:
                names.append(v)
    if not names:
        parts = [" ".join(props.get(p) or []) for p in ("firstName", "middleName", "lastName")]
        composed = " ".join(p for p in parts if p).strip()
        if composed:
            names.append(composed)
    return tuple(names)


def _record(eid: str, a: _Acc) -> Record:
    props = a.props
    person = a.schema == "Person"
    ids: set[tuple[str, str]] = set()
    for prop in IDENTIFIER_PROPS:
        for v in props.get(prop) or []:
            ids.update(keys_of(prop, str(v), person=person))
    for kind, number, _schema in a.docs:
        ids.update(_doc_keys(kind, number, person))
    refs = set(a.refs) | note_refs(props.get("notes") or [])
    programs = list(dict.fromkeys(a.programs + [str(p) for p in props.get("program") or []]))
    countries = {str(c).lower() for p in COUNTRY_PROPS for c in props.get(p) or []}
    nationalities = {str(c).lower() for p in NATIONALITY_PROPS for c in props.get(p) or []}
    digest_src = json.dumps(
        [a.schema, sorted(a.sources), props, sorted(refs), sorted(ids), sorted(a.related),
         programs],
        sort_keys=True, ensure_ascii=False, default=str,
    )
    return Record(
        id=eid,
        schema=a.schema,
        sources=tuple(a.sources),
        properties=props,
        names=_names(props),
        weak_names=tuple(dict.fromkeys(props.get("weakAlias") or [])),
        birth_dates=tuple(dict.fromkeys(str(d) for d in props.get("birthDate") or [])),
        countries=frozenset(countries),
        nationalities=frozenset(nationalities),
        gender=frozenset(str(g).lower() for g in props.get("gender") or []),
        ids=frozenset(ids),
        refs=frozenset(refs),
        programs=tuple(programs),
        topics=topics(programs),
        listed=a.listed,
        related=frozenset(a.related),
        digest=hashlib.sha1(digest_src.encode()).hexdigest(),
        families=frozenset(family_of(s) for s in a.sources),
    )

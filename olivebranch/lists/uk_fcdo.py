"""FCDO UK Sanctions List (``Designations`` XML) and our FollowTheMoney bundle converted from
the full 2026-08-22 list (``scripts/convert_ammitto.py``).

As for the EU file, the XML is read into the snake_case dict layout of the ammitto YAML
conversion (``designation_from_xml``) and ``designation_entities`` maps a designation to FtM.
One ``Designation`` is one designation: ``authorityId`` = UK Sanctions List Unique ID
(``RUS3064``), ``program`` = the regime's short name as OFSI writes it (``Russia``),
``listingDate`` = ``DateDesignated``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import ParseResult, SourceSpec, check_size, make, make_sanction
from olivebranch.lists.eu_fsf import ftm_bundle_prefix, parse_ftm_bundle
from olivebranch.lists.fields import (
    identifiers_from_text,
    iso_date,
    organisation_schema,
    parse_date,
    put,
    put_country,
    put_identifier,
    text,
)
from olivebranch.lists.xmlsafe import local, parse_file, root_tag, where

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "United Kingdom (FCDO / OFSI)"
ID_PREFIX = "gb-fcdo-"
SOURCE_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_KEYS = {"UKStatementofReasons": "uk_statement_of_reasons", "DOBs": "dobs", "DOB": "dob"}

# Full regulation names -> the short regime names OFSI's ConList uses.
_REGIMES = {
    "isil (da'esh) and al-qaeda": "ISIL (Da'esh) and Al-Qaida",
    "iran (sanctions) (nuclear)": "Iran (Nuclear)",
    "counter-terrorism (international sanctions)": "Counter-Terrorism (International)",
    "counter-terrorism (sanctions)": "Counter-Terrorism (Domestic)",
}


def regime_short_name(name: str | None) -> str | None:
    """``The Russia (Sanctions) (EU Exit) Regulations 2019`` -> ``Russia``."""
    s = text(name)
    if not s:
        return None
    low = s.lower()
    for key, short in _REGIMES.items():
        if key in low:
            return short
    s = re.sub(r"^(The\s+)?(Republic of\s+)?", "", s)
    s = re.split(r"\s+\((?:Sanctions|United Nations Sanctions)\)|\s+Sanctions Regulations", s)[0]
    return s.strip() or None


def snake(tag: str) -> str:
    return _KEYS.get(tag) or _CAMEL.sub("_", tag).lower()


def _to_value(path: Path, el: etree._Element) -> Any:
    children = [c for c in el if isinstance(c.tag, str)]
    if not children:
        return text(el.text, path, where(el))
    tags = {local(c.tag) for c in children}
    if len(tags) == 1 and local(el.tag).endswith("s"):
        return {snake(local(el.tag)): [_to_value(path, c) for c in children]}
    return {snake(local(c.tag)): _to_value(path, c) for c in children}


def designation_from_xml(path: Path, el: etree._Element) -> dict[str, Any]:
    """A ``Designation`` element as the dict ``designation_entities`` expects (dates ISO)."""
    d: dict[str, Any] = {}
    for child in el:
        if isinstance(child.tag, str):
            d[snake(local(child.tag))] = _to_value(path, child)
    for key in ("last_updated", "date_designated"):
        d[key] = iso_date(d.get(key))
    # Non-Latin names and titles sit at different depths in different vintages of the file
    # (NonLatinNames/NonLatinName/NameNonLatinScript or repeated NonLatinNames/NameNonLatinScript;
    # Titles/Title or IndividualDetails/Individual/Title): collect them wherever they are.
    non_latin = [text(x.text, path, where(x)) for x in el.iter("NameNonLatinScript")]
    d["non_latin_names"] = {"names": [{"name_non_latin_script": n} for n in non_latin if n]}
    d["titles"] = {"titles": [t for t in (text(x.text) for x in el.iter("Title")) if t]}
    return d


def _list(d: Any, *keys: str) -> list[Any]:
    """Walk nested ``{"names": {"names": [...]}}``-style wrappers to the list (or [])."""
    for key in keys:
        if not isinstance(d, dict):
            return []
        d = d.get(key)
    if d is None:
        return []
    return d if isinstance(d, list) else [d]


def _full_name(n: dict[str, Any]) -> str | None:
    return text(" ".join(str(n.get(f"name{i}") or "") for i in (1, 2, 3, 4, 5, 6)))


def _schema(d: dict[str, Any], names: list[str]) -> str:
    kind = str(d.get("individual_entity_ship") or "").strip().lower()
    if kind == "individual":
        return "Person"
    if kind == "ship":
        return "Vessel"
    regs = [x for e in _list(d, "entity_details", "entity_details")
            for x in _list(e, "business_registration_numbers", "business_registration_numbers")]
    return organisation_schema(names, bool(regs))


def designation_entities(d: dict[str, Any]) -> list[EntityProxy]:
    """FtM entities (the designated subject and its ``Sanction``) for one UK designation."""
    uid = text(d.get("unique_id"))
    if not uid:
        raise ValueError("designation without UniqueID")
    names = _list(d, "names", "names")
    full = [(_full_name(n), n) for n in names if isinstance(n, dict)]
    schema = _schema(d, [f for f, _ in full if f])
    proxy = make(schema, f"{ID_PREFIX}{uid}")
    primary = None
    for name, n in full:
        if not name:
            continue
        ntype = str(n.get("name_type") or "").lower()
        strength = str(n.get("alias_strength") or "").lower()
        if ntype == "primary name" and primary is None:
            primary = name
            proxy.add("name", name)
            if schema == "Person":
                put(proxy, "firstName", n.get("name1"))
                put(proxy, "middleName", " ".join(
                    str(n.get(f"name{i}") or "") for i in (2, 3, 4, 5)))
                put(proxy, "lastName", n.get("name6"))
        elif "low" in strength:
            proxy.add("weakAlias", name, quiet=True)
        elif "previous" in ntype or "formerly" in ntype:
            proxy.add("previousName", name, quiet=True)
        else:
            proxy.add("alias", name, quiet=True)
    if primary is None:
        first = next((f for f, _ in full if f), None)
        if first is None:
            raise ValueError(f"designation {uid} has no name")
        primary = first
        proxy.add("name", first)
    non_latin = d.get("non_latin_names") or {}
    # XML: NonLatinNames/NonLatinName; ammitto YAML: non_latin_names.names[]
    for nl in _list(non_latin, "non_latin_names") or _list(non_latin, "names"):
        put(proxy, "alias", nl.get("name_non_latin_script") if isinstance(nl, dict) else nl)
    if schema == "Person":
        put(proxy, "title", *_list(d, "titles", "titles"))
    for a in _list(d, "addresses", "addresses"):
        if not isinstance(a, dict):
            continue
        parts = [a.get(f"address_line{i}") for i in range(1, 7)]
        parts += [a.get("address_postal_code"), a.get("address_country")]
        put(proxy, "address", ", ".join(p for p in (text(x) for x in parts) if p))
        put_country(proxy, "country", a.get("address_country"))
    put(proxy, "phone", *_list(d, "phone_numbers", "phone_numbers"))
    put(proxy, "email", *_list(d, "email_addresses", "email_addresses"))
    put(proxy, "website", *_list(d, "websites", "websites"))
    for ind in _list(d, "individual_details", "individual_details"):
        _individual(proxy, ind)
    for ent in _list(d, "entity_details", "entity_details"):
        _entity(proxy, ent)
    for ship in _list(d, "ship_details", "ship_details"):
        _ship(proxy, ship)
    other = text(d.get("other_information"))
    put(proxy, "notes", other)
    identifiers_from_text(proxy, other)
    regime = regime_short_name(d.get("regime_name"))
    put(proxy, "program", regime)
    sanction = make_sanction(
        proxy,
        sanction_id=f"{ID_PREFIX}{uid}-sanction",
        authority=AUTHORITY,
        authority_id=uid,
        programs=[regime] if regime else [],
        listing_date=iso_date(d.get("date_designated")),
        source_url=SOURCE_URL,
        reason=text(d.get("uk_statement_of_reasons")),
    )
    put(sanction, "modifiedAt", iso_date(d.get("last_updated")))
    put(sanction, "unscId", d.get("un_reference_number"))
    for measure in str(d.get("sanctions_imposed") or "").split("|"):
        put(sanction, "provisions", measure)
    desc = [text(d.get("regime_name"))]
    if d.get("ofsi_group_id"):
        desc.append(f"OFSI Group ID {d['ofsi_group_id']}")
    if d.get("designation_source"):
        desc.append(f"designation source {d['designation_source']}")
    put(sanction, "description", "; ".join(x for x in desc if x))
    return [proxy, sanction]


def _individual(proxy: EntityProxy, ind: Any) -> None:
    if not isinstance(ind, dict) or proxy.schema.name != "Person":
        return
    put(proxy, "birthDate", *(iso_date(x) for x in _list(ind, "dobs", "dobs")))
    put_country(proxy, "nationality", *_list(ind, "nationalities", "nationalities"))
    put(proxy, "gender", *(str(g).lower() for g in _list(ind, "genders", "genders") if g))
    put(proxy, "position", *_list(ind, "positions", "positions"))
    for p in _list(ind, "passport_details", "passport_details"):
        if isinstance(p, dict):
            put_identifier(proxy, "passport", p.get("passport_number"))
    for n in _list(ind, "national_identifier_details", "national_identifier_details"):
        if isinstance(n, dict):
            info = str(n.get("national_identifier_additional_information") or "")
            put_identifier(proxy, "national id " + info, n.get("national_identifier_number"))
    for loc in _list(ind, "birth_details", "birth_details"):
        if isinstance(loc, dict):
            town, country = loc.get("town_of_birth"), loc.get("country_of_birth")
            put(proxy, "birthPlace", ", ".join(x for x in (text(town), text(country)) if x))
            put_country(proxy, "birthCountry", country)


def _entity(proxy: EntityProxy, ent: Any) -> None:
    if not isinstance(ent, dict) or proxy.schema.name == "Person":
        return
    for reg in _list(ent, "business_registration_numbers", "business_registration_numbers"):
        put(proxy, "registrationNumber", reg)
        identifiers_from_text(proxy, text(reg))
    put(proxy, "legalForm", *_list(ent, "type_of_entities", "type_of_entities"))
    parents = [text(x) for x in _list(ent, "parent_companies", "parent_companies")]
    subs = [text(x) for x in _list(ent, "subsidiaries", "subsidiaries")]
    if any(parents):
        put(proxy, "notes", "Parent companies: " + "; ".join(p for p in parents if p))
    if any(subs):
        put(proxy, "notes", "Subsidiaries: " + "; ".join(s for s in subs if s))


def _ship(proxy: EntityProxy, ship: Any) -> None:
    if not isinstance(ship, dict) or proxy.schema.name != "Vessel":
        return
    for imo in _list(ship, "imo_numbers", "imo_numbers"):
        put_identifier(proxy, "imo", imo)
    put_country(proxy, "flag", *_list(ship, "current_believed_flag_of_ships",
                                      "current_believed_flag_of_ships"))
    put_country(proxy, "pastFlags", *_list(ship, "previous_flags", "previous_flags"))
    put(proxy, "type", *_list(ship, "type_of_ship_details", "type_of_ship_details"))
    put(proxy, "tonnage", *_list(ship, "tonnage_of_ship_details", "tonnage_of_ship_details"))
    owners = [text(x) for x in _list(ship, "current_owner_operators", "current_owner_operators")]
    if any(owners):
        put(proxy, "notes", "Current owner/operator: " + "; ".join(o for o in owners if o))


def parse_xml(path: Path) -> ParseResult:
    root = parse_file(path)
    if local(root.tag) != "Designations":
        raise ParseError(path, where(root), f"root element is <{root.tag}>, expected "
                                            "<Designations>")
    published = None
    entities: list[EntityProxy] = []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        tag = local(el.tag)
        if tag == "DateGenerated":
            published = parse_date(el.text)
        elif tag == "Designation":
            try:
                entities.extend(designation_entities(designation_from_xml(path, el)))
            except ValueError as exc:
                raise ParseError(path, where(el), str(exc)) from exc
    return ParseResult(entities=entities, published=published)


def parse(path: Path) -> ParseResult:
    path = Path(path)
    check_size(path)
    if ftm_bundle_prefix(path) is not None:
        return parse_ftm_bundle(path, ID_PREFIX, "FCDO UK Sanctions List", note=(
            "FtM bundle converted from the FCDO list via ammitto/data-uk; no DOB/passport/IMO "
            "detail blocks"))
    return parse_xml(path)


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    return ftm_bundle_prefix(path) == ID_PREFIX or root_tag(path) == "Designations"


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="gb_fcdo",
        title="UK Sanctions List (FCDO)",
        regime="uk",
        authority=AUTHORITY,
        id_prefix=ID_PREFIX,
        label="UK FCDO",
        parse=parse,
        sniff=sniff,
        bundled="gb_fcdo/gb_fcdo_2026-08-22.ftm.json",
        urls=(SOURCE_URL,),
        description="FCDO UK Sanctions List (XML), or our FtM conversion of it; the sole UK "
        "list since the OFSI Consolidated List closed on 28 January 2026.",
    ),
]

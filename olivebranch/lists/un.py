"""UN Security Council Consolidated List (``CONSOLIDATED_LIST`` XML, sc-sanctions.xsd).

Each ``INDIVIDUAL`` or ``ENTITY`` is one designation under one UN regime (``UN_LIST_TYPE``)
with the UN's own reference number (e.g. ``QDi.196``). The list date is the root's
``dateGenerated``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import ParseResult, SourceSpec, is_number, make, make_sanction
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
from olivebranch.lists.xmlsafe import parse_file, root_tag, where

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "United Nations Security Council"
ROOT = "CONSOLIDATED_LIST"


def _t(el: etree._Element, tag: str) -> str | None:
    child = el.find(tag)
    return text(child.text) if child is not None else None


def _values(el: etree._Element, tag: str) -> list[str]:
    out = []
    for node in el.findall(f"{tag}/VALUE"):
        v = text(node.text)
        if v:
            out.append(v)
    return out


def _join(*parts: str | None) -> str | None:
    return text(" ".join(p for p in parts if p)) or None


def _aliases(proxy: EntityProxy, el: etree._Element, tag: str) -> None:
    for alias in el.findall(tag):
        name = _t(alias, "ALIAS_NAME")
        if not name:
            continue
        quality = (_t(alias, "QUALITY") or "").lower()
        if quality == "low":
            proxy.add("weakAlias", name, quiet=True)
        elif quality == "f.k.a.":
            proxy.add("previousName", name, quiet=True)
        else:
            proxy.add("alias", name, quiet=True)


def _addresses(proxy: EntityProxy, el: etree._Element, tag: str) -> None:
    for addr in el.findall(tag):
        parts = [_t(addr, k) for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        full = ", ".join(p for p in parts if p)
        if full:
            proxy.add("address", full, quiet=True)
        put_country(proxy, "country", _t(addr, "COUNTRY"))


def _birth(proxy: EntityProxy, el: etree._Element) -> None:
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = (_t(dob, "TYPE_OF_DATE") or "").upper()
        if kind == "BETWEEN":
            start, end = _t(dob, "FROM_YEAR"), _t(dob, "TO_YEAR")
            if start and end and is_number(start) and is_number(end):
                lo, hi = int(start), int(end)
                years = range(lo, hi + 1) if 0 <= hi - lo <= 10 else (lo, hi)
                for y in years:
                    proxy.add("birthDate", str(y), quiet=True)
            continue
        put(proxy, "birthDate", iso_date(_t(dob, "DATE")) or _t(dob, "YEAR"))
    for pob in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(
            p for p in (_t(pob, k) for k in ("CITY", "STATE_PROVINCE", "COUNTRY")) if p
        )
        put(proxy, "birthPlace", place)
        put_country(proxy, "birthCountry", _t(pob, "COUNTRY"))


def _documents(proxy: EntityProxy, el: etree._Element) -> None:
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        kind = _join(_t(doc, "TYPE_OF_DOCUMENT"), _t(doc, "TYPE_OF_DOCUMENT2")) or ""
        if "pasaporte" in kind.lower() or "passeport" in kind.lower():
            kind = "Passport"
        put_identifier(proxy, kind, _t(doc, "NUMBER"))


def _record(path: Path, el: etree._Element, person: bool) -> list[EntityProxy]:
    dataid = _t(el, "DATAID")
    if not dataid:
        raise ParseError(path, where(el), "record without DATAID")
    names = [_t(el, k) for k in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = _join(*names)
    comments = text(_t(el, "COMMENTS1"), path, where(el))
    if person:
        proxy = make("Person", f"un-{dataid}")
        put(proxy, "firstName", names[0])
        put(proxy, "lastName", _join(*names[1:]))
        put(proxy, "gender", (_t(el, "GENDER") or "").lower() or None)
        put(proxy, "title", *_values(el, "TITLE"))
        put(proxy, "position", *_values(el, "DESIGNATION"))
        put_country(proxy, "nationality", *_values(el, "NATIONALITY"))
        _birth(proxy, el)
        _documents(proxy, el)
        _aliases(proxy, el, "INDIVIDUAL_ALIAS")
        _addresses(proxy, el, "INDIVIDUAL_ADDRESS")
    else:
        aliases = [_t(a, "ALIAS_NAME") or "" for a in el.findall("ENTITY_ALIAS")]
        schema = organisation_schema([name or "", *aliases])
        proxy = make(schema, f"un-{dataid}")
        _aliases(proxy, el, "ENTITY_ALIAS")
        _addresses(proxy, el, "ENTITY_ADDRESS")
    if not name:
        raise ParseError(path, where(el), f"record {dataid} has no name")
    proxy.add("name", name)
    put(proxy, "alias", _t(el, "NAME_ORIGINAL_SCRIPT"))
    put(proxy, "notes", comments)
    identifiers_from_text(proxy, comments)
    program = _t(el, "UN_LIST_TYPE")
    ref = _t(el, "REFERENCE_NUMBER")
    put(proxy, "program", program)
    sanction = make_sanction(
        proxy,
        sanction_id=f"un-{dataid}-sanction",
        authority=AUTHORITY,
        authority_id=ref,
        programs=[program] if program else [],
        listing_date=iso_date(_t(el, "LISTED_ON")),
        source_url="https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
    )
    put(sanction, "unscId", ref)
    put(sanction, "modifiedAt", *(iso_date(v) for v in _values(el, "LAST_DAY_UPDATED")))
    return [proxy, sanction]


def parse(path: Path) -> ParseResult:
    path = Path(path)
    root = parse_file(path)
    if root.tag != ROOT:
        raise ParseError(path, where(root), f"root element is <{root.tag}>, expected <{ROOT}>")
    entities: list[EntityProxy] = []
    for el in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
        entities.extend(_record(path, el, person=True))
    for el in root.iterfind("ENTITIES/ENTITY"):
        entities.extend(_record(path, el, person=False))
    return ParseResult(entities=entities, published=parse_date(root.get("dateGenerated")))


def sniff(path: Path) -> bool:
    return Path(path).is_file() and root_tag(path) == ROOT


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="un_sc",
        title="UN Security Council Consolidated List (XML)",
        regime="un",
        authority=AUTHORITY,
        id_prefix="un-",
        label="UN SC",
        parse=parse,
        sniff=sniff,
        bundled="un_sc/UN_consolidated.xml",
        urls=("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
        description="UN Security Council sanctions committees' consolidated list.",
    ),
]

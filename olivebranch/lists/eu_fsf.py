"""EU Financial Sanctions File (FSF XML, ``export`` root in the FSD export namespace) and our
FollowTheMoney bundle converted from the full 2026-05-01 list (``scripts/convert_ammitto.py``).

Both go through one mapping: the XML is first read into the same snake_case dict layout the
ammitto YAML conversion uses (``entry_from_xml``), then ``entry_entities`` turns an entry into
FtM entities. One ``sanctionEntity`` is one designation: ``authorityId`` is the EU reference
number (``EU.7512.14``), ``program`` the FSF programme code (``UKR``, ``RUSDA``, ``IRN`` …),
``listingDate`` the ``designationDate`` attribute when the file gives it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import (
    ParseResult,
    SourceSpec,
    check_size,
    is_number,
    make,
    make_sanction,
)
from olivebranch.lists.fields import (
    country_code,
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

AUTHORITY = "European Union (Council of the EU)"
NS = "http://eu.europa.ec/fpi/fsd/export"
ID_PREFIX = "eu-fsf-"
SOURCE_URL = (
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=dG9rZW4tMjAxNw"
)
MISSING_LISTING_DATE = (
    "Listing date not available: converted from ammitto/data-eu YAML, which drops the FSF "
    "designationDate attribute; the regulation given is the last act that touched the entry, "
    "not necessarily the listing act."
)

# XML child element -> list key in the entry dict (the layout of the ammitto conversion).
_LISTS = {
    "nameAlias": "name_aliases",
    "birthdate": "birthdates",
    "citizenship": "citizenships",
    "address": "addresses",
    "identification": "identifications",
    "regulation": "regulations",
    "regulationSummary": "regulation_summaries",
    "contactInfo": "contact_infos",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _element_dict(path: Path, el: etree._Element) -> dict[str, Any]:
    out: dict[str, Any] = {snake(k): v for k, v in el.attrib.items() if v != ""}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        tag = local(child.tag)
        if tag in _LISTS:
            out.setdefault(_LISTS[tag], []).append(_element_dict(path, child))
        elif len(child) or child.attrib:
            out[snake(tag)] = _element_dict(path, child)
        else:
            value = text(child.text, path, where(child))
            if value:
                key = snake(tag)
                out[key] = f"{out[key]}\n{value}" if key in out else value
    return out


def entry_from_xml(path: Path, el: etree._Element) -> dict[str, Any]:
    """A ``sanctionEntity`` element as the entry dict ``entry_entities`` expects."""
    return _element_dict(path, el)


def _bool(value: object, default: bool = True) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    return str(value).strip().lower() == "true"


def _birth(proxy: EntityProxy, b: dict[str, Any]) -> None:
    if b.get("calendar_type", "GREGORIAN").upper() == "GREGORIAN" or b.get("birthdate"):
        dob = iso_date(b.get("birthdate"))
        if not dob and b.get("year"):
            y, m, d = b.get("year"), b.get("month_of_year"), b.get("day_of_month")
            dob = f"{int(y):04d}" + (f"-{int(m):02d}" if m else "") + (
                f"-{int(d):02d}" if m and d else ""
            )
        if dob:
            proxy.add("birthDate", dob, quiet=True)
        lo, hi = b.get("year_range_from"), b.get("year_range_to")
        if lo and hi and is_number(lo) and is_number(hi):
            lo_i, hi_i = int(lo), int(hi)
            for y in range(lo_i, hi_i + 1) if 0 <= hi_i - lo_i <= 10 else (lo_i, hi_i):
                proxy.add("birthDate", str(y), quiet=True)
    place = ", ".join(
        p
        for p in (text(b.get(k)) for k in ("place", "city", "region", "country_description"))
        if p and p != "UNKNOWN"
    )
    put(proxy, "birthPlace", place)
    put_country(proxy, "birthCountry", b.get("country_iso2_code"))


def _address(proxy: EntityProxy, a: dict[str, Any]) -> None:
    parts = [text(a.get(k)) for k in ("street", "po_box", "city", "zip_code", "region", "place")]
    country = text(a.get("country_description"))
    if country and country != "UNKNOWN":
        parts.append(country)
    full = ", ".join(p for p in parts if p)
    put(proxy, "address", full)
    put_country(proxy, "country", a.get("country_iso2_code"))
    for info in a.get("contact_infos") or []:
        key = str(info.get("key", "")).upper()
        prop = {"PHONE": "phone", "EMAIL": "email", "WEB": "website", "FAX": "phone"}.get(key)
        if prop:
            for value in re.split(r"[;,]\s*", str(info.get("value") or "")):
                put(proxy, prop, value)


def _primary(aliases: list[dict[str, Any]], names: list[str | None]) -> str | None:
    """The English-language alias, else the first Latin-script one without a language, else
    the first: the FSF has no primary-name flag, and its first alias is often a translation."""
    pairs = [(a, n) for a, n in zip(aliases, names, strict=True) if n]
    for a, n in pairs:
        if str(a.get("name_language") or "").upper() == "EN":
            return n
    for a, n in pairs:
        if not a.get("name_language") and n.isascii():
            return n
    return pairs[0][1] if pairs else None


def entry_entities(entry: dict[str, Any], *, listing_date_known: bool = True) -> list[EntityProxy]:
    """FtM entities (the listed subject and its ``Sanction``) for one FSF entry."""
    logical_id = str(entry.get("logical_id") or "").strip()
    ref = text(entry.get("eu_reference_number"))
    if not logical_id:
        raise ValueError(f"entry {ref or '?'} has no logicalId")
    aliases = entry.get("name_aliases") or []
    names = [text(a.get("whole_name")) for a in aliases]
    kind = (entry.get("subject_type") or {}).get("code", "")
    idents = entry.get("identifications") or []
    if kind == "person":
        schema = "Person"
    else:
        # The FSF freezes assets of enterprises, not ships: an "imo" identification here is
        # the IMO *company* number of a shipping firm, so it marks a Company, not a Vessel.
        has_reg = any(
            i.get("identification_type_code") in ("regnumber", "taxid", "fiscalcode", "imo")
            for i in idents
        )
        schema = organisation_schema([n for n in names if n], has_reg)
    proxy = make(schema, f"{ID_PREFIX}{logical_id}")
    primary = _primary(aliases, names)
    if primary is not None:
        proxy.add("name", primary)
    for alias, name in zip(aliases, names, strict=True):
        if not name:
            continue
        if name != primary:
            prop = "alias" if _bool(alias.get("strong")) else "weakAlias"
            proxy.add(prop, name, quiet=True)
        if schema == "Person":
            put(proxy, "firstName", alias.get("first_name"))
            put(proxy, "middleName", alias.get("middle_name"))
            put(proxy, "lastName", alias.get("last_name"))
            put(proxy, "title", alias.get("title"))
            gender = {"M": "male", "F": "female"}.get(str(alias.get("gender") or ""))
            put(proxy, "gender", gender)
        if proxy.schema.get("position") is not None:
            put(proxy, "position", alias.get("function"))
        elif alias.get("function"):
            put(proxy, "notes", alias.get("function"))
    if primary is None:
        raise ValueError(f"entry {ref or logical_id} has no name")
    if schema == "Person":
        for b in entry.get("birthdates") or []:
            _birth(proxy, b)
        for c in entry.get("citizenships") or []:
            put_country(proxy, "citizenship", c.get("country_iso2_code"))
    for a in entry.get("addresses") or []:
        _address(proxy, a)
    for ident in idents:
        kind_code = str(ident.get("identification_type_code") or "other")
        number = ident.get("number") or ident.get("latin_number")
        put_identifier(proxy, kind_code, number, country_code(ident.get("country_iso2_code")))
    remark = text(entry.get("remark"))
    put(proxy, "notes", remark)
    identifiers_from_text(proxy, remark)
    regulations = entry.get("regulations") or []
    programmes = sorted({str(r["programme"]) for r in regulations if r.get("programme")})
    for p in programmes:
        proxy.add("program", p)
    sanction = make_sanction(
        proxy,
        sanction_id=f"{ID_PREFIX}{logical_id}-sanction",
        authority=AUTHORITY,
        authority_id=ref,
        programs=programmes,
        listing_date=iso_date(entry.get("designation_date")),
        source_url=next((r.get("publication_url") for r in regulations
                         if r.get("publication_url")), None),
        reason=text(entry.get("designation_details")),
    )
    put(sanction, "unscId", entry.get("united_nation_id"))
    for r in regulations:
        act = text(r.get("number_title"))
        if act:
            sanction.add("provisions", f"{r.get('regulation_type', 'act')}: {act} "
                                       f"(published {r.get('publication_date', '?')})",
                         quiet=True)
    if not listing_date_known:
        sanction.add("summary", MISSING_LISTING_DATE)
    return [proxy, sanction]


def head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file (empty when unreadable)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def ftm_bundle_prefix(path: Path) -> str | None:
    """The id prefix of the first entity of a FtM JSON lines file, else ``None``."""
    data = head(path).lstrip()
    if not data.startswith(b"{"):
        return None
    m = re.search(rb'"id"\s*:\s*"([a-z]+(?:-[a-z]+)*)-', data)
    return m.group(1).decode() + "-" if m else None


def parse_ftm_bundle(path: Path, prefix: str, title: str, note: str | None = None
                     ) -> ParseResult:
    """Read one of our FtM bundles and check that every entity belongs to this source."""
    from olivebranch.lists.ftm import read_ftm

    entities = read_ftm(path)
    for n, e in enumerate(entities, start=1):
        if not str(e.id).startswith(prefix):
            raise ParseError(path, f"entity {n}", f"id {e.id!r} is not a {title} id ({prefix}…)")
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    return ParseResult(entities=entities, published=parse_date(m.group(1)) if m else None,
                       note=note)


def parse_xml(path: Path) -> ParseResult:
    root = parse_file(path)
    if local(root.tag) != "export" or not str(root.tag).startswith(f"{{{NS}}}"):
        raise ParseError(path, where(root), f"root element is {root.tag}, expected <export> "
                                            f"in namespace {NS}")
    entities: list[EntityProxy] = []
    for el in root.iterfind(f"{{{NS}}}sanctionEntity"):
        entry = entry_from_xml(path, el)
        try:
            entities.extend(entry_entities(entry, listing_date_known=True))
        except ValueError as exc:
            raise ParseError(path, where(el), str(exc)) from exc
    return ParseResult(entities=entities, published=parse_date(root.get("generationDate")))


def parse(path: Path) -> ParseResult:
    path = Path(path)
    check_size(path)
    if ftm_bundle_prefix(path) is not None:
        return parse_ftm_bundle(path, ID_PREFIX, "EU FSF", note=(
            "FtM bundle converted from the FSF via ammitto/data-eu; no EU listing dates"))
    return parse_xml(path)


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    if ftm_bundle_prefix(path) == ID_PREFIX:
        return True
    return root_tag(path) == "export" and NS.encode() in head(path)


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="eu_fsf",
        title="EU Financial Sanctions File",
        regime="eu",
        authority=AUTHORITY,
        id_prefix=ID_PREFIX,
        label="EU FSF",
        parse=parse,
        sniff=sniff,
        bundled="eu_fsf/eu_fsf_2026-05-01.ftm.json",
        urls=(SOURCE_URL,),
        description="EU consolidated list of persons, groups and entities subject to financial "
        "sanctions (FSF XML), or our FtM conversion of it.",
    ),
]

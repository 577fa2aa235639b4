"""OFAC's XML formats: the classic ``sdn.xml`` / ``consolidated.xml`` (root ``sdnList``) and
the Advanced Sanctions Data Model ``SDN_ADVANCED.xml`` / ``CONS_ADVANCED.xml`` (root ``Sanctions``).

Both are read with the hardened settings of :mod:`olivebranch.lists.xmlsafe`. Each party becomes
an :class:`olivebranch.lists.ofac.Record`; structured facts (ID documents, features) are rendered
as Remarks-style text (``Passport 123 (Russia) issued 01 Jan 2001``) so that one code path turns
facts into FtM properties for every OFAC format. Namespaces differ between releases
(``http://tempuri.org/sdnList.xsd``, ``https://sanctionslistservice.ofac.treas.gov/...``), so
elements are matched by local name.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from lxml import etree

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists.base import MAX_FIELD_CHARS, ParseResult, is_number
from olivebranch.lists.ofac import Record, build_entities, check_kind
from olivebranch.lists.ofac_remarks import MONTHS
from olivebranch.lists.xmlsafe import local, parse_file, where

ROOTS = ("sdnList", "Sanctions")
MONTH_NAMES = {v: k.title() for k, v in MONTHS.items()}
SDN_TYPES = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}


class FieldTooLong(Exception):
    """A text node over the field limit; turned into a ParseError naming the file."""

    def __init__(self, place: str, size: int) -> None:
        super().__init__(place)
        self.place, self.size = place, size


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and local(c.tag) == name]


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if isinstance(c.tag, str) and local(c.tag) == name:
            return c
    return None


def _text(el: etree._Element | None, name: str | None = None) -> str | None:
    node = _child(el, name) if name else el
    if node is None or node.text is None:
        return None
    if len(node.text) > MAX_FIELD_CHARS:
        raise FieldTooLong(where(node), len(node.text))
    return " ".join(node.text.split()) or None


def _iter(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el.iter() if isinstance(c.tag, str) and local(c.tag) == name]


ADVANCED_URLS = {
    "sdn": "https://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml",
    "cons": "https://www.treasury.gov/ofac/downloads/sanctions/1.0/cons_advanced.xml",
}


def parse_xml(path: Path, kind: str, *, sanction_suffix: str, source_url: str) -> ParseResult:
    """Parse a classic or advanced OFAC XML file; ``source_url`` is the classic file's URL."""
    root = parse_file(path)
    tag = local(root.tag)
    if tag == "Sanctions":
        source_url = ADVANCED_URLS.get(kind, source_url)
    try:
        if tag == "sdnList":
            records, published = _sdn_list(path, root)
        elif tag == "Sanctions":
            records, published = _advanced(path, root)
        else:
            raise WrongSourceError(path, None, f"root element <{tag}> is not an OFAC XML list")
    except FieldTooLong as exc:
        reason = f"text of {exc.size} characters exceeds {MAX_FIELD_CHARS}"
        raise ParseError(path, exc.place, reason) from exc
    if not records:
        raise ParseError(path, None, "no entries in this OFAC XML file")
    check_kind(path, kind, ((r.programs, r.remarks, r.lists) for r in records))
    incomplete = []
    stated = _record_count(root)
    if stated is not None and stated > len(records):
        incomplete.append(f"{path.name} states {stated} entries (Record_Count) but holds "
                          f"{len(records)}: entries are missing")
    entities, warnings = build_entities(
        records, kind=kind, sanction_suffix=sanction_suffix, source_url=source_url,
        file_name=path.name,
    )
    return ParseResult(entities=entities, published=published, warnings=warnings,
                       incomplete=incomplete)


def _record_count(root: etree._Element) -> int | None:
    """The entry count the classic XML states in its publishing information."""
    info = _child(root, "publshInformation")
    if info is None:
        info = _child(root, "publishInformation")
    value = _text(info, "Record_Count") if info is not None else None
    return int(value) if value and is_number(value) else None


# ------------------------------------------------------------------------ classic sdn.xml
def _us_date(value: str | None) -> date | None:
    """``05/03/2024`` (month/day/year, as in Publish_Date)."""
    if not value:
        return None
    try:
        month, day, year = (int(p) for p in value.strip().split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def _sdn_list(path: Path, root: etree._Element) -> tuple[list[Record], date | None]:
    info = _child(root, "publshInformation")  # sic: OFAC's element name
    if info is None:
        info = _child(root, "publishInformation")
    published = _us_date(_text(info, "Publish_Date"))
    records: list[Record] = []
    seen: set[str] = set()
    for entry in _children(root, "sdnEntry"):
        uid = _text(entry, "uid")
        if not uid or not is_number(uid):
            raise ParseError(path, where(entry), "sdnEntry without a numeric <uid>")
        if uid in seen:
            raise ParseError(path, where(entry), f"uid {uid} repeated")
        seen.add(uid)
        last, first = _text(entry, "lastName"), _text(entry, "firstName")
        if not last and not first:
            raise ParseError(path, where(entry), f"entry {uid} has no name")
        sdn_type = (_text(entry, "sdnType") or "").lower()
        name = f"{last}, {first}" if last and first else str(last or first)
        programs = [p for p in (_text(x) for x in _iter(entry, "program")) if p]
        facts: list[str] = []
        for item in _iter(entry, "id"):
            fact = _id_fact(_text(item, "idType"), _text(item, "idNumber"), _text(item, "idCountry"),
                            _text(item, "issueDate"), _text(item, "expirationDate"))
            if fact:
                facts.append(fact)
        for dob in _iter(entry, "dateOfBirthItem"):
            if value := _text(dob, "dateOfBirth"):
                facts.append(f"DOB {value}")
        for pob in _iter(entry, "placeOfBirthItem"):
            if value := _text(pob, "placeOfBirth"):
                facts.append(f"POB {value}")
        for nat in _iter(entry, "nationality"):
            if value := _text(nat, "country"):
                facts.append(f"nationality {value}")
        for cit in _iter(entry, "citizenship"):
            if value := _text(cit, "country"):
                facts.append(f"citizen {value}")
        if remarks := _text(entry, "remarks"):
            facts.append(remarks)
        aliases = []
        for aka in _iter(entry, "aka"):
            a_last, a_first = _text(aka, "lastName"), _text(aka, "firstName")
            a_name = f"{a_last}, {a_first}" if a_last and a_first else (a_last or a_first)
            if not a_name:
                continue
            a_type = (_text(aka, "type") or "a.k.a.").lower()
            weak = (_text(aka, "category") or "").lower() == "weak"
            aliases.append(("weak" if weak and a_type == "a.k.a." else a_type, a_name))
        addresses = []
        for addr in _iter(entry, "address"):
            street = ", ".join(p for p in (_text(addr, f"address{i}") for i in (1, 2, 3)) if p)
            city = " ".join(p for p in (_text(addr, "city"), _text(addr, "stateOrProvince"),
                                        _text(addr, "postalCode")) if p)
            addresses.append([uid, _text(addr, "uid") or f"{uid}-{len(addresses)}",
                              street or None, city or None, _text(addr, "country"), None])
        vessel = _child(entry, "vesselInfo")
        records.append(
            Record(
                uid, name, SDN_TYPES.get(sdn_type), programs,
                title=_text(entry, "title"),
                call_sign=_text(vessel, "callSign"),
                vessel_type=_text(vessel, "vesselType"),
                tonnage=_text(vessel, "tonnage"),
                grt=_text(vessel, "grossRegisteredTonnage"),
                flag=_text(vessel, "vesselFlag"),
                owner=_text(vessel, "vesselOwner"),
                remarks="; ".join(facts) or None,
                line=entry.sourceline or 0,
                aliases=aliases,
                addresses=addresses,
            )
        )
    return records, published


def _id_fact(kind: str | None, number: str | None, country: str | None,
             issued: str | None, expires: str | None) -> str | None:
    """Render an ID item the way the CSV Remarks write it."""
    if not kind or not number:
        return None
    if kind.endswith(":"):
        return f"{kind} {number}"  # e.g. "Secondary sanctions risk:" / "Linked To:"
    text = f"{kind} {number}"
    if country:
        text += f" ({country})"
    if issued:
        text += f" issued {issued}"
    if expires:
        text += f" expires {expires}"
    return text


# ---------------------------------------------------------------------- SDN_ADVANCED.xml
def _ymd(el: etree._Element | None) -> str | None:
    """``<Year/><Month/><Day/>`` -> ``18 Jun 1998`` / ``Jun 1998`` / ``1998`` (Remarks style)."""
    if el is None:
        return None
    year, month, day = _text(el, "Year"), _text(el, "Month"), _text(el, "Day")
    if not year:
        return None
    if month and is_number(month) and int(month) in MONTH_NAMES:
        mon = MONTH_NAMES[int(month)]
        return f"{int(day):02d} {mon} {year}" if day and is_number(day) else f"{mon} {year}"
    return year


def _iso(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    year, month, day = _text(el, "Year"), _text(el, "Month"), _text(el, "Day")
    if not (year and month and day):
        return year
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _period(period: etree._Element | None) -> str | None:
    """A DatePeriod as Remarks text: a date, or ``A to B`` when start and end differ."""
    if period is None:
        return None
    start = _child(period, "Start")
    end = _child(period, "End")
    first = _ymd(_child(start, "From")) if start is not None else None
    last = _ymd(_child(end, "To")) if end is not None else None
    if first and last and first != last:
        return f"{first} to {last}"
    return first or last


def _refs(root: etree._Element) -> dict[str, dict[str, str]]:
    """ReferenceValueSets: element name -> {ID: label}."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    sets = _child(root, "ReferenceValueSets")
    if sets is None:
        return out
    for group in sets:
        if not isinstance(group.tag, str):
            continue
        for value in group:
            if isinstance(value.tag, str) and value.get("ID"):
                out[local(value.tag)][value.get("ID", "")] = " ".join((value.text or "").split())
    return out


def _locations(root: etree._Element, refs: dict[str, dict[str, str]]) -> dict[str, list[str | None]]:
    """Location ID -> [street, city, country] (add.csv-like)."""
    out: dict[str, list[str | None]] = {}
    for loc in _iter(root, "Location"):
        parts: dict[str, list[str]] = defaultdict(list)
        for part in _children(loc, "LocationPart"):
            label = refs["LocPartType"].get(part.get("LocPartTypeID", ""), "").upper()
            for value in _children(part, "LocationPartValue"):
                if text := _text(value, "Value"):
                    parts[label].append(text)
        country_el = _child(loc, "LocationCountry")
        country = refs["Country"].get(country_el.get("CountryID", "")) if country_el is not None else None
        street = ", ".join(parts["ADDRESS1"] + parts["ADDRESS2"] + parts["ADDRESS3"]) or None
        city = " ".join(parts["CITY"] + parts["STATE/PROVINCE"] + parts["POSTAL CODE"]) or None
        region = ", ".join(parts["REGION"]) or None
        out[loc.get("ID", "")] = [street, city or region, country]
    return out


VESSEL_FEATURES = {
    "vessel call sign": "call_sign",
    "vessel type": "vessel_type",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grt",
    "vessel flag": "flag",
    "vessel owner": "owner",
}


def _advanced(path: Path, root: etree._Element) -> tuple[list[Record], date | None]:
    refs = _refs(root)
    issued = _iso(_child(root, "DateOfIssue"))
    published = date.fromisoformat(issued) if issued and len(issued) == 10 else None
    locations = _locations(root, refs)

    # Documents hang off identities; identities off profiles.
    identity_profile: dict[str, str] = {}
    profile_ref: dict[str, str] = {}
    parties = _iter(root, "DistinctParty")
    for party in parties:
        fixed = party.get("FixedRef", "")
        for profile in _children(party, "Profile"):
            profile_ref[profile.get("ID", fixed)] = fixed
            for identity in _children(profile, "Identity"):
                identity_profile[identity.get("ID", "")] = fixed
    documents: dict[str, list[str]] = defaultdict(list)
    for doc in _iter(root, "IDRegDocument"):
        owner = identity_profile.get(doc.get("IdentityID", ""))
        if owner is None:
            continue
        kind = refs["IDRegDocType"].get(doc.get("IDRegDocTypeID", ""), "Identification Number")
        country = refs["Country"].get(doc.get("IssuedBy-CountryID", ""))
        dates = {}
        for d in _children(doc, "DocumentDate"):
            label = refs["IDRegDocDateType"].get(d.get("IDRegDocDateTypeID", ""), "").lower()
            dates["expires" if "expir" in label else "issued"] = _period(_child(d, "DatePeriod"))
        fact = _id_fact(kind, _text(doc, "IDRegistrationNo"), country,
                        dates.get("issued"), dates.get("expires"))
        if fact:
            documents[owner].append(fact)

    programs: dict[str, list[str]] = defaultdict(list)
    lists: dict[str, list[str]] = defaultdict(list)
    listed: dict[str, str] = {}
    for entry in _iter(root, "SanctionsEntry"):
        ref = profile_ref.get(entry.get("ProfileID", ""), entry.get("ProfileID", ""))
        if entry.get("ListID"):
            lists[ref].append(refs["List"].get(entry.get("ListID", ""), "unknown list"))
        for measure in _children(entry, "SanctionsMeasure"):
            mtype = refs["SanctionsType"].get(measure.get("SanctionsTypeID", ""), "Program")
            if mtype.lower() == "program" and (text := _text(measure, "Comment")):
                programs[ref].append(text)
        for event in _children(entry, "EntryEvent"):
            day = _iso(_child(event, "Date"))
            if day and (ref not in listed or day < listed[ref]):
                listed[ref] = day

    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rel in _iter(root, "ProfileRelationship"):
        source = profile_ref.get(rel.get("From-ProfileID", ""))
        target = profile_ref.get(rel.get("To-ProfileID", ""))
        if source and target:
            role = refs["RelationType"].get(rel.get("RelationTypeID", ""), "Linked To")
            links[source].append((target, role or "Linked To"))

    records: list[Record] = []
    seen: set[str] = set()
    for party in parties:
        fixed = party.get("FixedRef", "")
        if not is_number(fixed):
            raise ParseError(path, where(party), "DistinctParty without a numeric FixedRef")
        if fixed in seen:
            raise ParseError(path, where(party), f"FixedRef {fixed} repeated")
        seen.add(fixed)
        profile = _child(party, "Profile")
        if profile is None:
            raise ParseError(path, where(party), f"party {fixed} has no Profile")
        subtype = refs["PartySubType"].get(profile.get("PartySubTypeID", ""), "")
        sdn_type = _party_type(subtype, profile.get("PartySubTypeID", ""))
        name, aliases = _names(profile, refs, individual=sdn_type == "individual")
        if not name:
            raise ParseError(path, where(party), f"party {fixed} has no primary name")
        rec = Record(fixed, name, sdn_type, programs.get(fixed, []), line=party.sourceline or 0,
                     aliases=aliases, listing_date=listed.get(fixed), links=links.get(fixed, []),
                     lists=lists.get(fixed, []))
        facts = list(documents.get(fixed, []))
        for feature in _children(profile, "Feature"):
            label = refs["FeatureType"].get(feature.get("FeatureTypeID", ""), "")
            for version in _children(feature, "FeatureVersion"):
                _feature(rec, label, version, refs, locations, facts)
        rec.remarks = "; ".join(facts) or None
        records.append(rec)
    return records, published


def _party_type(subtype: str, subtype_id: str) -> str | None:
    label = subtype.lower()
    if "vessel" in label or subtype_id == "1":
        return "vessel"
    if "aircraft" in label or subtype_id == "2":
        return "aircraft"
    if "individual" in label or subtype_id == "4":
        return "individual"
    return None


def _names(
    profile: etree._Element, refs: dict[str, dict[str, str]], *, individual: bool
) -> tuple[str | None, list[tuple[str, str]]]:
    """Primary name (OFAC form) and aliases (type, name) from the profile's identities."""
    primary: str | None = None
    aliases: list[tuple[str, str]] = []
    for identity in _children(profile, "Identity"):
        groups = {g.get("ID", ""): refs["NamePartType"].get(g.get("NamePartTypeID", ""), "")
                  for g in _iter(identity, "NamePartGroup")}
        for alias in _children(identity, "Alias"):
            alias_type = refs["AliasType"].get(alias.get("AliasTypeID", ""), "A.K.A.").lower()
            for doc_name in _children(alias, "DocumentedName"):
                last, other = [], []
                for value in _iter(doc_name, "NamePartValue"):
                    text = _text(value)
                    if not text:
                        continue
                    part = groups.get(value.get("NamePartGroupID", ""), "").lower()
                    (last if part == "last name" else other).append(text)
                if individual and last and other:
                    full = f"{' '.join(last)}, {' '.join(other)}"
                else:
                    full = " ".join(last + other)
                if not full:
                    continue
                if alias.get("Primary") == "true" and primary is None:
                    primary = full
                elif alias.get("LowQuality") == "true":
                    aliases.append(("weak", full))
                else:
                    aliases.append(("aka" if alias_type == "name" else alias_type, full))
    return primary, aliases


def _feature(
    rec: Record,
    label: str,
    version: etree._Element,
    refs: dict[str, dict[str, str]],
    locations: dict[str, list[str | None]],
    facts: list[str],
) -> None:
    """Turn one FeatureVersion into Record fields or a Remarks-style fact."""
    detail = _child(version, "VersionDetail")
    value = _text(detail)
    if value is None and detail is not None and detail.get("DetailReferenceID"):
        value = refs["DetailReference"].get(detail.get("DetailReferenceID", ""))
    dated = _period(_child(version, "DatePeriod"))
    loc = _child(version, "VersionLocation")
    place = locations.get(loc.get("LocationID", "")) if loc is not None else None
    key = label.lower()
    if key == "location" and place:
        rec.addresses.append([rec.ent_num, loc.get("LocationID") if loc is not None else None,
                              *place, None])
        return
    if key in VESSEL_FEATURES and value:
        setattr(rec, VESSEL_FEATURES[key], value)
        return
    if key == "birthdate" and dated:
        facts.append(f"DOB {dated}")
        return
    if key == "place of birth":
        text = value or (", ".join(p for p in place if p) if place else None)
        if text:
            facts.append(f"POB {text}")
        return
    if key in ("nationality country", "citizenship country"):
        country = value or (place[2] if place else None)
        if country:
            facts.append(f"{'nationality' if key.startswith('nat') else 'citizen'} {country}")
        return
    text = value or dated or (", ".join(p for p in place if p) if place else None)
    if label and text:
        facts.append(f"{label} {text}")

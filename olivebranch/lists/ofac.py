"""OFAC's CSV sets: the SDN list and the Consolidated (non-SDN) list.

Both come as four headerless CSV files that share OFAC's entry number (``ent_num``): the
primary file (``sdn.csv`` / ``cons_prim.csv``, 12 columns), addresses (``add.csv`` /
``cons_add.csv``), aliases (``alt.csv`` / ``cons_alt.csv``) and the continuation of remarks
longer than 1,000 characters (``sdn_comments.csv`` / ``cons_comments.csv``). The files are
cp1252, use ``-0-`` for null, CRLF line ends and a trailing 0x1A byte.

Only entries of the primary file become entities; alias and address rows of other entry
numbers are ignored here (``lists.supplement`` reuses them for post-2024 designations).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney import EntityProxy

from olivebranch.errors import ParseError
from olivebranch.lists.base import (
    MAX_FIELD_CHARS,
    ParseResult,
    SourceSpec,
    check_size,
    make,
    make_sanction,
)
from olivebranch.lists.ofac_remarks import IdDocument, Remarks, country_code, parse_remarks

AUTHORITY = "US Treasury OFAC"
DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
PRIMARY_COLUMNS = 12
REMARKS_LIMIT = 1000  # OFAC cuts Remarks here and continues them in the comments file
# OFAC numbers addresses once for all its lists (add.csv and cons_add.csv share add_num), so an
# address keeps one id whichever list carries it and merges across sources.
ADDRESS_PREFIX = "ofac-addr"

#: File names of the two CSV sets: primary, addresses, aliases, comments.
SETS = {
    "sdn": ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
    "cons": ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
}

SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}

LEGAL_FORM = re.compile(
    r"\b(LLC|L\.L\.C\.?|OOO|OAO|ZAO|AO|PAO|JSC|OJSC|CJSC|PJSC|LTD\.?|LIMITED|GMBH|S\.A\.?|SA|"
    r"SAS|S\.A\.S\.?|INC\.?|CORP\.?|CORPORATION|COMPANY|CO\.?|PLC|LLP|B\.V\.?|BV|N\.V\.?|AG|"
    r"SRL|S\.R\.L\.?|SPA|S\.P\.A\.?|PTE|FZE|FZCO|FZC|FZ-LLC|DMCC|KFT|SDN\.? BHD\.?|BHD|PVT|"
    r"TOO|DOO|D\.O\.O\.?|OU|SE|AB|AS|A\.S\.|OY|SARL|S\.A\.R\.L\.?|EOOD|OOD|SP\. Z O\.O\.|"
    r"LIMITED LIABILITY|JOINT[- ]STOCK|AKTSIONERNOE|OBSHCHESTVO|TRADING|SHIPPING|BANK|"
    r"HOLDINGS?|INDUSTRIES|ENTERPRISES?|GROUP|EXCHANGE|AIRLINES?|PETROLEUM|REFINERY|LTDA\.?|"
    r"COMPANIA|CIA\.?|S\.L\.|S\. DE R\.L\.|S\.A\.C\.|C\.A\.|TRADERS|TRADING CO)\b",
    re.I,
)
COMPANY_IDS = ("innCode", "ogrnCode", "registrationNumber", "leiCode", "okpoCode", "swiftBic")


# ------------------------------------------------------------------------------ reading
def decode(path: Path, data: bytes) -> str:
    """cp1252 (OFAC's encoding), falling back to latin-1; refuses UTF-16 and binary files."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 2:
        kind = "UTF-16 text" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "binary data"
        raise ParseError(path, None, f"not an OFAC CSV file: it is {kind} (expected cp1252 text)")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise ParseError(path, f"line {line}", "NUL byte: the file is binary or corrupted")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.rstrip("\x1a\r\n \t")


def clean(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-0-") else value


def read_rows(
    path: Path, columns: int, *, raw: bool = False
) -> list[tuple[int, list[str | None]]]:
    """All rows of one headerless OFAC CSV as (line number, cleaned values).

    Raises ``ParseError`` naming the file and line for an unterminated quote, a wrong number
    of columns, an over-long field or a non-numeric entry number.
    """
    check_size(path)
    text = decode(path, path.read_bytes())
    if not text.strip():
        raise ParseError(path, None, "file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str | None]]] = []
    start = 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != columns:
                raise ParseError(
                    path, f"line {line}", f"expected {columns} columns, found {len(row)}"
                )
            for value in row:
                if len(value) > MAX_FIELD_CHARS:
                    raise ParseError(
                        path,
                        f"line {line}",
                        f"field of {len(value)} characters exceeds {MAX_FIELD_CHARS}",
                    )
            if not row[0].strip().isdigit():
                raise ParseError(
                    path, f"line {line}", f"entry number {row[0][:40]!r} is not a number"
                )
            rows.append((line, list(row) if raw else [clean(v) for v in row]))
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"field exceeds {MAX_FIELD_CHARS} characters"
        elif "unexpected end of data" in reason or "EOF" in reason:
            reason = "unterminated quoted field (file truncated or malformed)"
        else:
            reason = f"malformed quoting ({reason})"
        raise ParseError(path, f"line {start}", reason) from exc
    return rows


@dataclass(frozen=True)
class CsvSet:
    """The files of one OFAC CSV set (those other than the primary file may be absent)."""

    kind: str
    primary: Path
    add: Path | None
    alt: Path | None
    comments: Path | None


def locate(path: Path, kind: str) -> CsvSet:
    """Find the set's files: ``path`` is the directory or the primary file."""
    names = SETS[kind]
    if path.is_dir():
        primary = _child(path, names[0])
        if primary is None:
            raise ParseError(path, None, f"directory has no {names[0]}")
        folder = path
    else:
        primary, folder = path, path.parent
    add, alt, comments = (_child(folder, n) for n in names[1:])
    return CsvSet(kind, primary, add, alt, comments)


def _child(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / name.upper()):
        if candidate.is_file():
            return candidate
    return None


def load_aliases(path: Path | None) -> dict[str, list[tuple[str, str]]]:
    """ent_num -> [(alt_type, alt_name)] from alt.csv (ent_num, alt_num, type, name, remarks)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if path is None:
        return out
    for _line, row in read_rows(path, 5):
        if row[3]:
            out[str(row[0])].append(((row[2] or "aka").lower(), row[3]))
    return out


def load_addresses(path: Path | None) -> dict[str, list[list[str | None]]]:
    """ent_num -> rows of add.csv (ent_num, add_num, address, city/state/zip, country, remarks)."""
    out: dict[str, list[list[str | None]]] = defaultdict(list)
    if path is None:
        return out
    for _line, row in read_rows(path, 6):
        out[str(row[0])].append(row)
    return out


def load_comments(path: Path | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if path is None:
        return out
    for _line, row in read_rows(path, 2, raw=True):
        key = str(row[0]).strip()
        if clean(str(row[1])):
            out[key] = out.get(key, "") + str(row[1])
    return out


# ----------------------------------------------------------------------------- building
def split_programs(value: str | None) -> list[str]:
    """``UKRAINE-EO13662] [RUSSIA-EO14024`` -> both programmes."""
    if not value:
        return []
    return [p.strip(" []") for p in value.split("] [") if p.strip(" []")]


def natural_name(name: str) -> tuple[str, str | None, str | None]:
    """OFAC writes individuals ``LAST, First``: return (``First LAST``, first, last)."""
    if "," not in name:
        return name, None, None
    last, first = (p.strip() for p in name.split(",", 1))
    if not first or not last:
        return name, None, None
    return f"{first} {last}", first, last


def choose_schema(sdn_type: str | None, name: str, remarks: Remarks) -> str:
    if sdn_type and sdn_type.lower() in SCHEMA_BY_TYPE:
        return SCHEMA_BY_TYPE[sdn_type.lower()]
    if LEGAL_FORM.search(name) or any(remarks.values(p) for p in COMPANY_IDS):
        return "Company"
    return "Organization"


def entity_id(ent_num: str) -> str:
    return f"ofac-{ent_num}"


#: Where a number goes when its specific property rejects it (bad INN checksum, non-IMO number).
FALLBACK_PROPS = {
    "innCode": "taxNumber",
    "ogrnCode": "registrationNumber",
    "okpoCode": "registrationNumber",
    "leiCode": "registrationNumber",
    "imoNumber": "registrationNumber",
    "uscCode": "registrationNumber",
}


def add_prop(entity: EntityProxy, prop: str, value: str | None) -> None:
    """Set ``prop`` if the schema has it and the value is valid, else keep it as a note."""
    if not value:
        return
    if entity.schema.get(prop) is not None:
        before = len(entity.get(prop))
        entity.add(prop, value, quiet=True)
        if len(entity.get(prop)) > before or value in entity.get(prop):
            return
    fallback = FALLBACK_PROPS.get(prop)
    if fallback and entity.schema.get(fallback) is not None:
        entity.add(fallback, value, quiet=True)
        return
    entity.add("notes", f"{prop}: {value}")


def add_name(entity: EntityProxy, prop: str, value: str) -> None:
    if entity.schema.is_a("Person") and prop in ("name", "alias", "previousName", "weakAlias"):
        value = natural_name(value)[0]
    entity.add(prop, value, quiet=True)


ALT_PROPS = {"aka": "alias", "a.k.a.": "alias", "fka": "previousName", "f.k.a.": "previousName",
             "nka": "alias", "n.k.a.": "alias", "wk": "weakAlias", "weak": "weakAlias"}


def apply_aliases(entity: EntityProxy, aliases: Iterable[tuple[str, str]]) -> None:
    for alt_type, name in aliases:
        add_name(entity, ALT_PROPS.get(alt_type.strip().lower(), "alias"), name)


def build_addresses(
    entity: EntityProxy, rows: Iterable[list[str | None]], prefix: str
) -> list[EntityProxy]:
    """FtM ``Address`` entities for add.csv rows; sets ``addressEntity`` and ``country``."""
    out = []
    for row in rows:
        _ent, add_num, street, city, country, remarks = row
        code = country_code(country)
        if code:
            entity.add("country", code, quiet=True)
        parts = [p for p in (street, city, country) if p]
        if not parts:
            continue
        addr = make("Address", f"{prefix}-{add_num}")
        addr.add("full", ", ".join(parts))
        addr.add("street", street)
        addr.add("city", city)
        if code:
            addr.add("country", code)
        elif country:
            addr.add("region", country)
        if remarks:
            addr.add("remarks", remarks)
        entity.add("addressEntity", addr.id)
        entity.add("address", addr.first("full"), quiet=True)
        out.append(addr)
    return out


def build_documents(entity: EntityProxy, docs: list[IdDocument], ent_num: str) -> list[EntityProxy]:
    out = []
    for i, doc in enumerate(docs, 1):
        schema = "Passport" if doc.passport and entity.schema.is_a("Person") else "Identification"
        ident = make(schema, f"ofac-{ent_num}-id-{i}")
        ident.add("holder", entity.id)
        ident.add("number", doc.number)
        ident.add("type", doc.type)
        if doc.country:
            ident.add("country", doc.country)
        elif doc.country_name:
            ident.add("summary", doc.country_name)
        if doc.issued:
            ident.add("startDate", doc.issued)
        if doc.expires:
            ident.add("endDate", doc.expires)
        ident.add("recordId", ent_num)
        out.append(ident)
        if doc.country:
            entity.add("country", doc.country, quiet=True)
    return out


def apply_remarks(entity: EntityProxy, remarks: Remarks) -> None:
    """Copy remark facts onto the entity; what the schema cannot hold goes to ``notes``."""
    for prop, value in remarks.props:
        if prop == "country_hint":
            entity.add("country", value, quiet=True)
        elif prop in ("alias", "weakAlias", "previousName"):
            add_name(entity, prop, value)
        elif prop == "birthCountry" and entity.schema.get(prop) is not None:
            entity.add(prop, value, quiet=True)
        else:
            add_prop(entity, prop, value)
    for flag in remarks.secondary_sanctions:
        entity.add("notes", flag)
    if remarks.secondary_sanctions:
        entity.add("keywords", "Secondary sanctions risk")
    for note in remarks.provisions + remarks.notes:
        entity.add("notes", note)


@dataclass
class Record:
    """One listed party, whatever the file format (CSV row, sdn.xml entry, advanced profile).

    ``name`` is in OFAC's own form (``LAST, First`` for individuals). ``remarks`` is Remarks-style
    text (``; ``-separated facts) that :func:`parse_remarks` reads; the XML parsers render their
    structured facts into the same form so one code path turns facts into properties.
    """

    ent_num: str
    name: str
    sdn_type: str | None  # individual / vessel / aircraft / None for an entity
    programs: list[str]
    title: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    grt: str | None = None
    flag: str | None = None
    owner: str | None = None
    remarks: str | None = None
    line: int = 0
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alt_type, name)
    addresses: list[list[str | None]] = field(default_factory=list)  # add.csv-shaped rows
    listing_date: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (target ent_num, role)


def parse_set(
    path: Path,
    kind: str,
    *,
    sanction_suffix: str,
    source_url: str,
) -> ParseResult:
    """Parse one CSV set into entities (listed parties, addresses, documents, links, sanctions)."""
    files = locate(path, kind)
    prim_rows = read_rows(files.primary, PRIMARY_COLUMNS, raw=True)
    aliases = load_aliases(files.alt)
    addresses = load_addresses(files.add)
    comments = load_comments(files.comments)
    warnings: list[str] = []
    records: list[Record] = []
    seen: set[str] = set()
    for line, raw in prim_rows:
        v = [clean(str(x)) for x in raw[:11]]
        ent_num = str(v[0])
        if ent_num in seen:
            raise ParseError(files.primary, f"line {line}", f"entry number {ent_num} repeated")
        seen.add(ent_num)
        if not v[1]:
            raise ParseError(files.primary, f"line {line}", f"entry {ent_num} has no name")
        remarks = str(raw[11])
        extra = comments.get(ent_num)
        if extra and len(remarks) >= REMARKS_LIMIT:
            remarks += extra
        elif extra:
            warnings.append(
                f"{ent_num}: comment row does not continue the remarks (other vintage); ignored"
            )
        records.append(
            Record(
                ent_num, str(v[1]), v[2], split_programs(v[3]), *v[4:11], clean(remarks),  # type: ignore[arg-type]
                line=line, aliases=aliases.get(ent_num, []), addresses=addresses.get(ent_num, []),
            )
        )
    entities, more = build_entities(
        records, kind=kind, sanction_suffix=sanction_suffix, source_url=source_url,
        file_name=files.primary.name,
    )
    other = len(set(addresses) - seen)
    note = None
    if other:
        note = (f"{files.add.name if files.add else 'addresses'} covers {other} entry numbers "
                f"absent from {files.primary.name} (a different vintage); they are not imported")
    return ParseResult(entities=entities, warnings=warnings + more, note=note)


def build_entities(
    records: list[Record], *, kind: str, sanction_suffix: str, source_url: str, file_name: str
) -> tuple[list[EntityProxy], list[str]]:
    """FtM entities for parsed records: the party, its addresses, documents, links, sanction."""
    by_name: dict[str, list[str]] = defaultdict(list)
    alias_index: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        by_name[rec.name.upper()].append(rec.ent_num)
        for _t, alt_name in rec.aliases:
            alias_index[alt_name.upper()].add(rec.ent_num)
    known = {rec.ent_num for rec in records}
    entities: list[EntityProxy] = []
    unresolved = 0
    for rec in records:
        remarks = parse_remarks(rec.remarks)
        entity = make(choose_schema(rec.sdn_type, rec.name, remarks), entity_id(rec.ent_num))
        if entity.schema.is_a("Person"):
            display, first, last = natural_name(rec.name)
        else:
            display, first, last = rec.name, None, None
        entity.add("name", display)
        if first and last:
            entity.add("firstName", first)
            entity.add("lastName", last)
        entity.add("topics", "sanction")
        detail_url = DETAIL_URL.format(rec.ent_num)
        entity.add("sourceUrl", detail_url, cleaned=True)  # constant URL: skip costly cleaning
        if rec.title:
            add_prop(entity, "position" if entity.schema.is_a("Person") else "notes", rec.title)
        if entity.schema.is_a("Vessel"):
            _vessel_columns(entity, rec, by_name)
        else:
            for label, val in (("callSign", rec.call_sign), ("type", rec.vessel_type)):
                add_prop(entity, label, val)
        apply_aliases(entity, rec.aliases)
        apply_remarks(entity, remarks)
        entities.extend(build_addresses(entity, rec.addresses, ADDRESS_PREFIX))
        entities.extend(build_documents(entity, remarks.documents, rec.ent_num))
        targets: list[tuple[str, str, str]] = []  # (ent_num, role, description)
        for target_name in remarks.linked_to:
            target = resolve_name(target_name, by_name, alias_index)
            if target is None or target == rec.ent_num:
                unresolved += 1
                entity.add("notes", f"Linked To: {target_name}")
            else:
                targets.append((target, "Linked To", f"Linked To: {target_name}"))
        for target, role in rec.links:
            if target in known and target != rec.ent_num:
                targets.append((target, role, role))
        for target, role, description in targets:
            link = make("UnknownLink", f"ofac-link-{rec.ent_num}-{target}")
            link.add("subject", entity.id)
            link.add("object", entity_id(target))
            link.add("role", role)
            link.add("recordId", rec.ent_num)
            link.add("description", description)
            link.add("sourceUrl", detail_url, cleaned=True)
            entities.append(link)
        entities.append(entity)
        listed = rec.listing_date
        if listed is None and kind == "cons" and remarks.listing_dates:
            # Non-SDN lists state when each directive/CMIC listing began; on the SDN list the
            # same remark dates a directive, not the SDN designation, so it is not used there.
            listed = min(remarks.listing_dates)
        sanction = make_sanction(
            entity,
            sanction_id=f"ofac-{rec.ent_num}-{sanction_suffix}",
            authority=AUTHORITY,
            authority_id=rec.ent_num,
            programs=rec.programs,
            listing_date=listed,
        )
        for provision in remarks.secondary_sanctions + remarks.provisions:
            sanction.add("provisions", provision)
        sanction.add("sourceUrl", source_url, cleaned=True)
        sanction.add("sourceUrl", detail_url, cleaned=True)
        entities.append(sanction)
    warnings = []
    if unresolved:
        warnings.append(f"{unresolved} 'Linked To' names not found in {file_name}; kept as notes")
    return _dedupe(entities), warnings


def resolve_name(
    name: str, by_name: dict[str, list[str]], alias_index: dict[str, set[str]]
) -> str | None:
    """The entry number of ``name``: exact primary name first, then an unambiguous alias.
    A trailing full stop may belong to the name (``CO., LTD.``) or end the remarks."""
    variants = [name.upper(), name.upper().rstrip("."), name.upper() + "."]
    for v in variants:
        hits = by_name.get(v)
        if hits and len(hits) == 1:
            return hits[0]
    for v in variants:
        hits2 = alias_index.get(v)
        if hits2 and len(hits2) == 1:
            return next(iter(hits2))
    return None


def _vessel_columns(entity: EntityProxy, row: Record, by_name: dict[str, list[str]]) -> None:
    add_prop(entity, "callSign", row.call_sign)
    add_prop(entity, "type", row.vessel_type)
    for prop, val in (("tonnage", row.tonnage), ("grossRegisteredTonnage", row.grt)):
        if val:
            add_prop(entity, prop, val.replace(",", ""))
    if row.flag:
        code = country_code(row.flag)
        if code:
            entity.add("flag", code)
        else:
            entity.add("notes", f"Flag: {row.flag}")
    if row.owner:
        owners = by_name.get(row.owner.upper())
        if owners and len(owners) == 1:
            entity.add("owner", entity_id(owners[0]))
        entity.add("notes", f"Owner: {row.owner}")


def _dedupe(entities: list[EntityProxy]) -> list[EntityProxy]:
    """Merge entities that share an id (e.g. an address number reused by two entries)."""
    out: dict[str, EntityProxy] = {}
    for e in entities:
        assert e.id is not None
        if e.id in out:
            out[e.id] = out[e.id].merge(e)
        else:
            out[e.id] = e
    return list(out.values())


# ------------------------------------------------------------------------------ sniffing
NOT_CSV_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{", b"[", b"%PDF", b"\x1f\x8b")


def _looks_like_ofac_csv(path: Path) -> bool:
    """False only when the file is positively something else (XML, XLSX, JSON, a CSV with a
    header row); empty, binary or UTF-16 files pass so the parser can say what is wrong."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return True
    if stripped.startswith(NOT_CSV_MAGIC):
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        return True
    first = stripped.split(b"\n", 1)[0].decode("latin-1")
    try:
        fields = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return True
    return bool(fields) and fields[0].strip().isdigit()


def sniffer(kind: str):  # type: ignore[no-untyped-def]
    own = SETS[kind]
    other = SETS["cons" if kind == "sdn" else "sdn"]

    def sniff(path: Path) -> bool:
        if path.is_dir():
            return _child(path, own[0]) is not None or _xml_in(path, kind) is not None
        name = path.name.lower()
        if name in other or (kind == "sdn" and name.startswith("cons_")):
            return False
        if kind == "cons" and name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
            return False
        if name in own[1:]:
            return False  # an alias/address file alone is not a list
        if is_xml(path):
            from olivebranch.lists.xmlsafe import root_tag

            if root_tag(path) not in ("sdnList", "Sanctions"):
                return False
            other_xml = ("consolidated", "cons_") if kind == "sdn" else ("sdn",)
            return not name.startswith(other_xml)
        return _looks_like_ofac_csv(path)

    return sniff


def is_xml(path: Path) -> bool:
    if path.is_dir():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


#: XML file names of each list, preferred order (the advanced model carries listing dates).
XML_NAMES = {
    "sdn": ("sdn_advanced.xml", "sdn.xml"),
    "cons": ("cons_advanced.xml", "consolidated.xml"),
}


def _xml_in(folder: Path, kind: str) -> Path | None:
    for name in XML_NAMES[kind]:
        for candidate in folder.iterdir():
            if candidate.is_file() and candidate.name.lower() == name:
                return candidate
    return None


def _parse(path: Path, kind: str, suffix: str, csv_url: str, xml_url: str) -> ParseResult:
    """The CSV set, or (for a single XML file) sdn.xml / SDN_ADVANCED.xml and their
    consolidated counterparts."""
    if path.is_dir() and _child(path, SETS[kind][0]) is None:
        path = _xml_in(path, kind) or path  # a folder holding only the XML download
    if is_xml(path):
        from olivebranch.lists.ofac_xml import parse_xml

        return parse_xml(path, kind, sanction_suffix=suffix, source_url=xml_url)
    return parse_set(path, kind, sanction_suffix=suffix, source_url=csv_url)


def parse_sdn(path: Path) -> ParseResult:
    return _parse(path, "sdn", "sdn", "https://www.treasury.gov/ofac/downloads/sdn.csv",
                  "https://www.treasury.gov/ofac/downloads/sdn.xml")


def parse_cons(path: Path) -> ParseResult:
    return _parse(path, "cons", "cons",
                  "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
                  "https://www.treasury.gov/ofac/downloads/consolidated/consolidated.xml")


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="us_ofac_sdn",
        title="OFAC SDN list (CSV set)",
        regime="us",
        authority=AUTHORITY,
        parse=parse_sdn,
        sniff=sniffer("sdn"),
        bundled="us_ofac_sdn",
        bundled_published=date(2024, 5, 3),
        urls=(
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            "https://www.treasury.gov/ofac/downloads/add.csv",
            "https://www.treasury.gov/ofac/downloads/alt.csv",
            "https://www.treasury.gov/ofac/downloads/sdn_comments.csv",
        ),
        description="Specially Designated Nationals: sdn.csv with add.csv, alt.csv and "
        "sdn_comments.csv next to it (pass the directory or sdn.csv).",
    ),
    SourceSpec(
        name="us_ofac_cons",
        title="OFAC Consolidated non-SDN list (CSV set)",
        regime="us",
        authority=AUTHORITY,
        parse=parse_cons,
        sniff=sniffer("cons"),
        bundled="us_ofac_cons",
        bundled_published=date(2025, 12, 19),
        urls=(
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_add.csv",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_alt.csv",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_comments.csv",
        ),
        description="Non-SDN lists (SSI, NS-MBS, CMIC, FSE, PLC …): cons_prim.csv with "
        "cons_add.csv, cons_alt.csv and cons_comments.csv next to it.",
    ),
]

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

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists.base import (
    ParseResult,
    make,
    make_sanction,
)
from olivebranch.lists.ofac_files import (
    PRIMARY_COLUMNS,
    SOURCE_OF,
    TITLES,
    CsvTable,
    classify,
    clean,
    is_non_sdn,
    locate,
    read_table,
)
from olivebranch.lists.ofac_remarks import IdDocument, Remarks, country_code, parse_remarks

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "US Treasury OFAC"
DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
REMARKS_LIMIT = 1000  # OFAC cuts Remarks here and continues them in the comments file
# OFAC numbers addresses once for all its lists (add.csv and cons_add.csv share add_num), so an
# address keeps one id whichever list carries it and merges across sources.
ADDRESS_PREFIX = "ofac-addr"

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




def missing_end(table: CsvTable) -> str | None:
    if table.has_end_marker:
        return None
    return (f"{table.path.name} does not end with OFAC's end-of-file byte 0x1A: the file was "
            f"cut short (or re-saved), so entries may be missing")


def load_aliases(
    path: Path | None, incomplete: list[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """ent_num -> [(alt_type, alt_name)] from alt.csv (ent_num, alt_num, type, name, remarks)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if path is None:
        return out
    for _line, row in _read(path, 5, incomplete):
        if row[3]:
            out[str(row[0])].append(((row[2] or "aka").lower(), row[3]))
    return out


def load_addresses(
    path: Path | None, incomplete: list[str] | None = None
) -> dict[str, list[list[str | None]]]:
    """ent_num -> rows of add.csv (ent_num, add_num, address, city/state/zip, country, remarks)."""
    out: dict[str, list[list[str | None]]] = defaultdict(list)
    if path is None:
        return out
    for _line, row in _read(path, 6, incomplete):
        out[str(row[0])].append(row)
    return out


def load_comments(path: Path | None, incomplete: list[str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    if path is None:
        return out
    for _line, row in _read(path, 2, incomplete, raw=True):
        key = str(row[0]).strip()
        if clean(str(row[1])):
            out[key] = out.get(key, "") + str(row[1])
    return out


def _read(
    path: Path, columns: int, incomplete: list[str] | None, *, raw: bool = False
) -> list[tuple[int, list[str | None]]]:
    table = read_table(path, columns, raw=raw)
    problem = missing_end(table)
    if problem and incomplete is not None:
        incomplete.append(problem)
    return table.rows


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
    lists: list[str] = field(default_factory=list)  # list names the advanced XML states


def parse_set(
    path: Path,
    kind: str,
    *,
    sanction_suffix: str,
    source_url: str,
) -> ParseResult:
    """Parse one CSV set into entities (listed parties, addresses, documents, links, sanctions).

    The files are found and told apart by content (:mod:`olivebranch.lists.ofac_files`); a
    file missing OFAC's end byte is reported in ``incomplete`` for the importer to refuse."""
    files = locate(path, kind)
    incomplete: list[str] = []
    prim_rows = _read(files.primary, PRIMARY_COLUMNS, incomplete, raw=True)
    check_kind(files.primary, kind, [(split_programs(clean(str(r[3]))), str(r[11]), [])
                                     for _line, r in prim_rows])
    aliases = load_aliases(files.alt, incomplete)
    addresses = load_addresses(files.add, incomplete)
    comments = load_comments(files.comments, incomplete)
    warnings: list[str] = []
    for role, title in (("alt", "aliases"), ("add", "addresses")):
        if getattr(files, role) is None:
            warnings.append(
                f"no {title} file of the set next to {files.primary.name}: the entries are "
                f"imported without {title} (give the whole set: primary, add, alt and comments)"
            )
    entries = {str(r[0]).strip() for _line, r in prim_rows}
    for found, path_, title in ((aliases, files.alt, "aliases"), (addresses, files.add,
                                                                  "addresses")):
        if path_ is not None and found and not entries & set(found):
            warnings.append(f"{path_.name} has no row for any entry of {files.primary.name}: "
                            f"the entries are imported without {title}")
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
    return ParseResult(entities=entities, warnings=warnings + more, note=note,
                       incomplete=incomplete)


def check_kind(
    path: Path, kind: str, entries: Iterable[tuple[list[str], str | None, list[str]]]
) -> None:
    """Refuse a file whose entries (programmes, remarks, list names) are those of the other
    OFAC list, whatever the file is called."""
    found = classify(is_non_sdn(p, r, lists) for p, r, lists in entries)
    if found is not None and found != kind:
        raise WrongSourceError(
            path, None,
            f"this is the {TITLES[found]}, not the {TITLES[kind]} (told by its entries' "
            f"programmes and remarks, not by the file name); it looks like {SOURCE_OF[found]}",
        )


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
    return _dedupe(entities, file_name), warnings


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


def _dedupe(entities: list[EntityProxy], file_name: str) -> list[EntityProxy]:
    """Merge entities that share an id (e.g. an address number reused by two entries)."""
    from followthemoney.exc import InvalidData

    out: dict[str, EntityProxy] = {}
    for e in entities:
        assert e.id is not None
        if e.id in out:
            try:
                out[e.id] = out[e.id].merge(e)
            except InvalidData as exc:
                raise ParseError(file_name, f"record {e.id}", f"one id for two kinds of "
                                 f"record ({out[e.id].schema.name}, {e.schema.name})") from exc
        else:
            out[e.id] = e
    return list(out.values())

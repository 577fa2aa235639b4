"""Australia DFAT Consolidated List (``regulation8_consolidated.xlsx``).

One row per name; rows whose ``Reference`` shares the leading number (``1``, ``1a``,
``34c1``) are names of one designation. ``Committees`` is the regime (``Autonomous (Russia)``,
``1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)`` …); the listing date is the first date in
``Listing Information`` (``Listed on 12 Apr. 2000``); autonomous listings often only name the
designating instrument (``… Amendment (No. 8) Instrument 2023``), whose year is then the
listing date at year precision. The workbook has no list date: the latest
``Control Date`` stands in for it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError
from olivebranch.lists.base import (
    ParseResult,
    SourceSpec,
    check_field,
    check_size,
    make,
    make_sanction,
)
from olivebranch.lists.fields import (
    dates_in_text,
    identifiers_from_text,
    organisation_schema,
    parse_date,
    passports_from_text,
    put,
    put_country,
    text,
    xlsx_rows,
)

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "Australia (Department of Foreign Affairs and Trade)"
ID_PREFIX = "au-dfat-"
URL = "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx"
COLUMNS = (
    "Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth",
    "Place of Birth", "Citizenship", "Address", "Additional Information",
    "Listing Information", "Committees", "Control Date",
)
_REF = re.compile(r"^\s*(\d+)")
_SPLIT = re.compile(r"\s*(?:\b[a-z]\)\s*|;\s*)")
_LISTED = re.compile(r"\b(listed|designated|declared|instrument)", re.IGNORECASE)

Row = dict[str, object]


def _parts(value: object) -> list[str]:
    """``a) Russia b) Ukraine`` / ``Russia; Ukraine`` -> [``Russia``, ``Ukraine``]."""
    s = text(value)
    if not s:
        return []
    return [p.strip(" ,.") for p in _SPLIT.split(s) if p.strip(" ,.")]


def group_entities(ref: str, rows: list[Row]) -> list[EntityProxy]:
    first = rows[0]
    kind = (text(first.get("Type")) or "").lower()
    names = [n for n in (text(r.get("Name of Individual or Entity")) for r in rows) if n]
    if not names:
        raise ValueError(f"reference {ref} has no name")
    schema = "Person" if kind == "individual" else organisation_schema(names)
    proxy = make(schema, f"{ID_PREFIX}{ref}")
    primary = next(
        (text(r.get("Name of Individual or Entity")) for r in rows
         if (text(r.get("Name Type")) or "").lower() == "primary name"
         and text(r.get("Name of Individual or Entity"))),
        names[0],
    )
    proxy.add("name", primary)
    for r in rows:
        name = text(r.get("Name of Individual or Entity"))
        ntype = (text(r.get("Name Type")) or "").lower()
        if name and name != primary:
            if "formerly" in ntype or "previously" in ntype:
                proxy.add("previousName", name, quiet=True)
            else:
                proxy.add("alias", name, quiet=True)
        if schema == "Person":
            put(proxy, "birthDate", *dates_in_text(r.get("Date of Birth")))
            for place in _parts(r.get("Place of Birth")):
                put(proxy, "birthPlace", place)
            put_country(proxy, "nationality", *_parts(r.get("Citizenship")))
        for addr in _parts(r.get("Address")):
            put(proxy, "address", addr)
            put_country(proxy, "country", addr.rsplit(",", 1)[-1])
    info = text(first.get("Additional Information"))
    put(proxy, "notes", info)
    identifiers_from_text(proxy, info)
    passports_from_text(proxy, info)
    regime = text(first.get("Committees"))
    put(proxy, "program", regime)
    listing = text(first.get("Listing Information"))
    listed = dates_in_text(listing) if listing and _LISTED.search(listing) else []
    sanction = make_sanction(
        proxy,
        sanction_id=f"{ID_PREFIX}{ref}-sanction",
        authority=AUTHORITY,
        authority_id=ref,
        programs=[regime] if regime else [],
        listing_date=listed[0] if listed else None,
        source_url=URL,
    )
    put(sanction, "description", listing)
    put(sanction, "modifiedAt", *dates_in_text(first.get("Control Date")))
    return [proxy, sanction]


def parse(path: Path) -> ParseResult:
    path = Path(path)
    check_size(path)
    rows = xlsx_rows(path, max_col=len(COLUMNS))
    header: list[str] | None = None
    groups: dict[str, list[Row]] = {}
    first_line: dict[str, int] = {}
    warnings: list[str] = []
    latest: date | None = None
    for line, raw in enumerate(rows, start=1):
        cells = list(raw)
        if header is None:
            if not any(c is not None for c in cells):
                continue
            header = [str(c).strip() if c is not None else "" for c in cells]
            missing = [c for c in COLUMNS[:4] if c not in header]
            if missing:
                raise ParseError(path, f"row {line}", "not the DFAT consolidated list layout: "
                                                      "missing columns " + ", ".join(missing))
            continue
        row: Row = {}
        for name, value in zip(header, cells, strict=False):
            if name:
                if isinstance(value, str):
                    check_field(path, f"row {line}, column {name!r}", value)
                row[name] = value
        ref_cell = row.get("Reference")
        if ref_cell is None or not str(ref_cell).strip():
            if any(v is not None and str(v).strip() for v in row.values()):
                warnings.append(f"{path}, row {line}: no Reference; row skipped")
            continue
        m = _REF.match(str(ref_cell))
        if not m:
            warnings.append(f"{path}, row {line}: Reference {ref_cell!r} not numeric; skipped")
            continue
        ref = m.group(1)
        groups.setdefault(ref, []).append(row)
        first_line.setdefault(ref, line)
        control = parse_date(row.get("Control Date"))
        if control and (latest is None or control > latest):
            latest = control
    if header is None:
        raise ParseError(path, None, "workbook has no header row")
    entities: list[EntityProxy] = []
    for ref, items in groups.items():
        try:
            entities.extend(group_entities(ref, items))
        except ValueError as exc:
            raise ParseError(path, f"row {first_line[ref]}", str(exc)) from exc
    return ParseResult(entities=entities, published=latest, warnings=warnings)


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            if not fh.read(2) == b"PK":
                return False
        for row in xlsx_rows(path, max_col=len(COLUMNS)):
            cells = {str(c).strip() for c in row if c is not None}
            return "Reference" in cells and "Name of Individual or Entity" in cells
    except (ParseError, OSError):
        return False
    return False


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="au_dfat",
        title="Australia DFAT Consolidated List (XLSX)",
        regime="au",
        authority=AUTHORITY,
        id_prefix=ID_PREFIX,
        label="AU DFAT",
        parse=parse,
        sniff=sniff,
        bundled="au_dfat/regulation8_consolidated.xlsx",
        bundled_published=date(2024, 11, 11),
        urls=(URL,),
        description="Australian sanctions consolidated list (UN and autonomous sanctions).",
    ),
]

"""OFSI Consolidated List (ConList) in its CSV and XLSX layouts.

Both layouts have one row per name of a designated person, grouped by ``Group ID``: the first
line (``Last Updated,dd/mm/yyyy``) gives the list date, the second the column names. One group
is one designation: ``authorityId`` = Group ID, ``program`` = ``Regime`` (``Russia`` …),
``listingDate`` = ``Listed On``. The ConList closed on 28 January 2026 (the FCDO UK Sanctions
List replaced it); the parser stays because users hold these files.

Tolerated variants (each with a warning): a file without the ``Last Updated`` line, and the
pre-2022 CSV excerpt whose header has a leading empty column the data rows lack.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError
from olivebranch.lists.base import (
    MAX_FIELD_CHARS,
    ParseResult,
    SourceSpec,
    Supersession,
    check_field,
    check_size,
    make,
    make_sanction,
)
from olivebranch.lists.fields import (
    Values,
    identifiers_from_text,
    iso_date,
    organisation_schema,
    parse_date,
    passports_from_text,
    put,
    put_identifier,
    text,
    xlsx_rows,
)
from olivebranch.lists.textfile import LineReader, head

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "United Kingdom (HM Treasury OFSI)"
ID_PREFIX = "gb-ofsi-"
REQUIRED = ("Name 6", "Group Type", "Regime", "Group ID")
# Older column names -> current ones.
_ALIASES = {"NI Number": "National Identification Number"}
_UK_REF = re.compile(r"\(UK Sanctions List Ref\)\s*:\s*([A-Z]{2,4}\d{3,5})")
_NUMBERED = re.compile(r"\s*\d+\)\s*")

Row = dict[str, str]
_DETAIL_COLUMNS = (
    "Title", "DOB", "Town of Birth", "Country of Birth", "Nationality", "Position",
    "Passport Number", "Passport Details", "National Identification Number",
    "Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6",
    "Post/Zip Code", "Country",
)


def _split_numbered(value: str | None) -> list[str]:
    """``1) Saudi Arabia 2) Qatar`` -> [``Saudi Arabia``, ``Qatar``]."""
    if not value:
        return []
    return [p.strip(" ,;") for p in _NUMBERED.split(value) if p.strip(" ,;")]


def _table(path: Path, rows: Iterable[Sequence[object]], *, csv_rows: bool = False
           ) -> tuple[list[tuple[int, Row]], date | None, list[str]]:
    """Find the date line and header, and return (line number, row dict) pairs.

    CSV rows must have every column (XLSX rows legitimately stop at the last filled cell):
    a short CSV row is skipped with a warning, and a short *last* row means the file was cut
    off, which is an error."""
    warnings: list[str] = []
    it = iter(rows)
    published = None
    header: list[str] | None = None
    line = 0
    for raw in it:
        line += 1
        cells = ["" if c is None else str(c).strip() for c in raw]
        if not any(cells):
            continue
        if cells[0].lower() == "last updated" and header is None and published is None:
            published = parse_date(cells[1] if len(cells) > 1 else None)
            continue
        header = [_ALIASES.get(c, c) for c in cells]
        break
    if header is None:
        raise ParseError(path, None, "no header row found")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ParseError(path, f"line {line}", "not the OFSI ConList layout: missing columns "
                                               + ", ".join(missing))
    if published is None:
        warnings.append(f"{path}: no 'Last Updated' line; list date unknown")
    header_line = line
    out: list[tuple[int, Row]] = []
    shifted = False
    bad = 0
    short: tuple[int, int] | None = None
    for raw in it:
        line += 1
        cells = ["" if c is None else str(c) for c in raw]
        while cells and cells[-1] == "" and len(cells) > len(header):
            cells.pop()
        if not any(c.strip() for c in cells):
            continue
        if header[0] == "" and len(cells) == len(header) - 1:
            if not shifted:
                warnings.append(f"{path}, line {header_line}: header has a leading empty column "
                                "the rows lack; columns realigned")
                shifted = True
            cells = ["", *cells]
        if len(cells) < len(header):
            if csv_rows:
                bad += 1
                short = (line, len(cells))
                warnings.append(f"{path}, line {line}: {len(cells)} fields, expected "
                                f"{len(header)}; row skipped")
                continue
            cells += [""] * (len(header) - len(cells))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            bad += 1
            warnings.append(f"{path}, line {line}: {len(cells)} fields, expected "
                            f"{len(header)}; row skipped")
            continue
        short = None
        row = {}
        for name, value in zip(header, cells, strict=False):
            if name and value:
                if len(value) > MAX_FIELD_CHARS:
                    check_field(path, f"line {line}, column {name!r}", value)
                row[name] = value.strip()
        if not row.get("Group ID"):
            bad += 1
            warnings.append(f"{path}, line {line}: no Group ID; row skipped")
            continue
        out.append((line, row))
    if short is not None:
        raise ParseError(path, f"line {short[0]}", f"last row has {short[1]} of {len(header)} "
                                                   "fields: the file is truncated")
    if bad and bad > max(10, len(out) // 10):
        raise ParseError(path, None, f"{bad} malformed rows; this does not look like a "
                                     "complete ConList file")
    return out, published, warnings


def _name(row: Row) -> str | None:
    parts = [row.get(f"Name {i}") for i in (1, 2, 3, 4, 5, 6)]
    return text(" ".join(p for p in parts if p))


def group_entities(gid: str, rows: list[Row]) -> list[EntityProxy]:
    """One designated person/entity/ship and its ``Sanction`` from the rows of one group."""
    first = rows[0]
    kind = first.get("Group Type", "").strip().lower()
    names = [n for n in (_name(r) for r in rows) if n]
    if kind == "individual":
        schema = "Person"
    elif kind == "ship":
        schema = "Vessel"
    else:
        schema = organisation_schema(names)
    proxy = make(schema, f"{ID_PREFIX}{gid}")
    primary = None
    for r in rows:
        if "primary name" == r.get("Alias Type", "").strip().lower():
            primary = _name(r)
            if primary:
                break
    primary = primary or (names[0] if names else None)
    if not primary:
        raise ValueError(f"group {gid} has no name")
    proxy.add("name", primary)
    v = Values()
    passports: dict[str, None] = {}
    national_ids: dict[str, None] = {}
    passport_texts: dict[str, None] = {}
    seen: set[tuple[str, ...]] = set()
    for r in rows:
        name = _name(r)
        atype = r.get("Alias Type", "").strip().lower()
        quality = r.get("Alias Quality", "").strip().lower()
        if name and name != primary:
            if atype == "fka":
                v.put("previousName", name)
            elif quality.startswith("low"):
                v.put("weakAlias", name)
            else:
                v.put("alias", name)
        v.put("alias", r.get("Name Non-Latin Script"))
        if schema == "Person" and name == primary:
            v.put("firstName", r.get("Name 1"))
            v.put("lastName", r.get("Name 6"))
        # The remaining columns repeat on every name row of the group: read each variant once.
        key = tuple(r.get(c, "") for c in _DETAIL_COLUMNS)
        if key in seen:
            continue
        seen.add(key)
        if schema == "Person":
            v.put("title", r.get("Title"))
            v.put("birthDate", iso_date(r.get("DOB")))
            town, country = text(r.get("Town of Birth")), text(r.get("Country of Birth"))
            v.put("birthPlace", ", ".join(x for x in (town, country) if x))
            v.put_country("birthCountry", country)
            v.put_country("nationality", *_split_numbered(r.get("Nationality")))
            v.put("position", r.get("Position"))
            passports.update(dict.fromkeys(_split_numbered(r.get("Passport Number"))))
            details = text(r.get("Passport Details"))
            if details and not r.get("Passport Number"):
                passport_texts[details] = None
            national_ids.update(
                dict.fromkeys(_split_numbered(r.get("National Identification Number"))))
        address = [text(r.get(f"Address {i}")) for i in range(1, 7)]
        address += [text(r.get("Post/Zip Code")), text(r.get("Country"))]
        v.put("address", ", ".join(a for a in address if a))
        v.put_country("country", r.get("Country"))
    v.apply(proxy)
    for number in passports:
        put_identifier(proxy, "passport", number)
    for details in passport_texts:
        passports_from_text(proxy, details)
    for number in national_ids:
        put_identifier(proxy, "national id", number)
    other = text(first.get("Other Information"))
    put(proxy, "notes", other)
    identifiers_from_text(proxy, other)
    regime = text(first.get("Regime"))
    put(proxy, "program", regime)
    sanction = make_sanction(
        proxy,
        sanction_id=f"{ID_PREFIX}{gid}-sanction",
        authority=AUTHORITY,
        authority_id=gid,
        programs=[regime] if regime else [],
        listing_date=iso_date(first.get("Listed On")),
        source_url="https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
    )
    put(sanction, "startDate", iso_date(first.get("UK Sanctions List Date Designated")))
    put(sanction, "modifiedAt", iso_date(first.get("Last Updated")))
    m = _UK_REF.search(other or "")
    if m:
        sanction.add("recordId", m.group(1))
    return [proxy, sanction]


def _entities(path: Path, table: list[tuple[int, Row]]) -> list[EntityProxy]:
    groups: dict[str, list[tuple[int, Row]]] = {}
    for line, row in table:
        groups.setdefault(row["Group ID"].strip(), []).append((line, row))
    out: list[EntityProxy] = []
    for gid, items in groups.items():
        try:
            out.extend(group_entities(gid, [r for _, r in items]))
        except ValueError as exc:
            raise ParseError(path, f"line {items[0][0]}", str(exc)) from exc
    return out


def decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning; refuse binary/UTF-16."""
    if b"\x00" in data[:65536]:
        raise ParseError(path, None, "file contains NUL bytes: binary, or UTF-16 text; save it "
                                     "as UTF-8 or Windows-1252 CSV")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252"), [
                f"{path}: not UTF-8 (byte {exc.start}); read as Windows-1252"]
        except UnicodeDecodeError as exc2:
            line = data.count(b"\n", 0, exc2.start) + 1
            raise ParseError(path, f"line {line}", "neither UTF-8 nor Windows-1252 text") from exc2


def csv_lines(path: Path) -> tuple[Iterator[str], list[str]]:
    """The file's lines as text, streamed with a bounded line length: a first pass decides the
    encoding (UTF-8, else Windows-1252 with a warning), a second one decodes."""
    if b"\x00" in head(path, 65536):
        raise ParseError(path, None, "file contains NUL bytes: binary, or UTF-16 text; save it "
                                     "as UTF-8 or Windows-1252 CSV")
    probe = LineReader(path, what="ConList CSV")
    for _ in probe:
        pass
    encoding, warnings = "utf-8", []
    if probe.non_ascii and not probe.utf8_valid:
        encoding = "cp1252"
        warnings.append(f"{path}: not UTF-8 (from line {probe.first_non_ascii_line}); read as "
                        "Windows-1252")

    def lines() -> Iterator[str]:
        for lineno, raw in LineReader(path, what="ConList CSV"):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(path, f"line {lineno}",
                                 "neither UTF-8 nor Windows-1252 text") from exc

    return lines(), warnings


def parse_csv(path: Path) -> ParseResult:
    check_size(path)
    lines, warnings = csv_lines(path)
    try:
        table, published, more = _table(path, csv.reader(lines), csv_rows=True)
    except csv.Error as exc:
        raise ParseError(path, None, f"malformed CSV: {exc}") from exc
    result = ParseResult(entities=_entities(path, table), published=published,
                         warnings=warnings + more)
    return result


def parse_xlsx(path: Path) -> ParseResult:
    check_size(path)
    table, published, warnings = _table(path, xlsx_rows(path, sheet="Data", max_col=40))
    return ParseResult(entities=_entities(path, table), published=published, warnings=warnings)


def parse(path: Path) -> ParseResult:
    path = Path(path)
    check_size(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        return parse_xlsx(path)
    return parse_csv(path)


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
        if head.startswith(b"PK"):
            for i, row in enumerate(xlsx_rows(path, sheet="Data", max_col=40)):
                cells = {str(c).strip() for c in row if c is not None}
                if "Group ID" in cells and "Name 6" in cells:
                    return True
                if i >= 2:
                    return False
            return False
        return b"Group ID" in head and b"Name 6" in head
    except (ParseError, OSError):
        return False


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="gb_ofsi",
        title="OFSI Consolidated List (ConList CSV/XLSX)",
        regime="uk",
        authority=AUTHORITY,
        id_prefix=ID_PREFIX,
        label="UK OFSI",
        # OFSI's Consolidated List closed on 28 Jan 2026; the FCDO UK Sanctions List is the sole UK
        # list since. The bundled OFSI workbook (Apr 2025) still carries designations lifted since.
        superseded=Supersession(
            by="gb_fcdo", since=date(2026, 1, 28),
            note="OFSI's Consolidated List closed on 28 Jan 2026; the FCDO UK Sanctions List is "
                 "the sole UK list since.",
            citation="https://www.gov.uk/government/publications/the-uk-sanctions-list",
        ),
        parse=parse,
        sniff=sniff,
        bundled="gb_ofsi/UK_Sanctions_List_2025-04-10.xlsx",
        urls=(),  # the ConList closed on 28 January 2026: nothing left to download
        description="HM Treasury OFSI Consolidated List of Asset Freeze Targets (closed on "
        "28 January 2026; superseded by the FCDO UK Sanctions List, source gb_fcdo).",
    ),
]

"""Field helpers the non-OFAC list parsers share: text cleaning, dates, countries, the
choice of entity schema and identifier routing, so that each publisher's field maps to the
same FollowTheMoney property everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivebranch.lists.base import check_field

if TYPE_CHECKING:
    from followthemoney import EntityProxy

_WS = re.compile(r"\s+")
_NEEDS_WS = re.compile(r"\s\s|[^\S ]")  # a run of whitespace, or any non-space whitespace


def text(value: object, path: Path | None = None, where: str = "") -> str | None:
    """Collapse whitespace; ``None`` for empty values. Enforces the field-size limit."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    s = str(value)
    s = _WS.sub(" ", s).strip() if _NEEDS_WS.search(s) else s.strip()
    if not s or s in {"-", "NA", "N/A", "n/a", "None"}:
        return None
    if path is not None:
        check_field(path, where, s)
    return s


def put(proxy: EntityProxy, prop: str, *values: object) -> None:
    """Add cleaned values; FtM drops values its type cannot clean."""
    for value in values:
        s = text(value)
        if s is not None:
            proxy.add(prop, s, quiet=True)


class Values:
    """Property values gathered from many rows of one listing (OFSI, DFAT repeat group
    fields on every name row), deduplicated before FtM cleans them once."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, None]] = {}

    def put(self, prop: str, *values: object) -> None:
        bucket = self.data.setdefault(prop, {})
        for value in values:
            s = text(value)
            if s is not None:
                bucket[s] = None

    def put_country(self, prop: str, *values: object) -> None:
        bucket = self.data.setdefault(prop, {})
        for value in values:
            code = country_code(text(value))
            if code:
                bucket[code] = None

    def apply(self, proxy: EntityProxy) -> None:
        for prop, bucket in self.data.items():
            for value in bucket:
                proxy.add(prop, value, quiet=True)


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO-2 lowercase code for a country name or code (``None`` when unknown)."""
    from followthemoney.types import registry

    if not name:
        return None
    s = name.strip()
    if not s or s.upper() in {"00", "UNKNOWN", "XX"}:
        return None
    code = registry.country.clean(s)
    if code is None and "/" in s:  # "Russia / Russie" (Canada's bilingual names)
        code = registry.country.clean(s.split("/")[0].strip())
    if code is None and "(" in s:
        code = registry.country.clean(s.split("(")[0].strip())
    return code


def put_country(proxy: EntityProxy, prop: str, *values: object) -> None:
    for value in values:
        code = country_code(text(value))
        if code:
            proxy.add(prop, code, quiet=True)


_DMY = re.compile(r"^\s*(\d{1,2}|dd|00)[/.-](\d{1,2}|mm|00)[/.-](\d{4})\s*$", re.IGNORECASE)
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def iso_date(value: object) -> str | None:
    """A (possibly partial) ISO date from ``dd/mm/yyyy``, ``dd/mm/1945`` (unknown day and
    month), ``00/00/1980``, ISO strings, bare years, or datetime/date/int cells."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and 1800 <= value <= 2100:
        return str(value)
    s = str(value).strip()
    if not s:
        return None
    m = _DMY.match(s)
    if m:
        day, month, year = m.groups()
        if not month.isdigit() or int(month) == 0:
            return year
        if not day.isdigit() or int(day) == 0:
            return f"{year}-{int(month):02d}"
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return year
    m = _YEAR.match(s)
    if m:
        return m.group(1)
    m = _ISO.match(s)
    if m and s[:4].isdigit():
        y, mo, d = m.groups()
        try:
            if d:
                return date(int(y), int(mo), int(d)).isoformat()
        except ValueError:
            return y
        return f"{y}-{mo}" if mo else y
    return None


def parse_date(value: object) -> date | None:
    """A full ``date`` (for publication dates) or ``None``."""
    iso = iso_date(value)
    if iso and len(iso) == 10:
        return date.fromisoformat(iso)
    return None


# Words that mark a business rather than a group, party, militia or government body.
_COMPANY = re.compile(
    r"\b(LLC|L\.L\.C|JSC|PJSC|OJSC|CJSC|OAO|ZAO|PAO|OOO|AO|LTD|LIMITED|GMBH|AG|S\.?A\.?|"
    r"S\.?R\.?L|B\.?V|N\.?V|PLC|INC|CORP|CORPORATION|COMPANY|CO\.|CO|FZE|FZCO|FZ-LLC|DMCC|"
    r"PTE|PVT|SDN BHD|BHD|LLP|LP|SPA|S\.P\.A|JOINT[- ]STOCK|HOLDINGS?|TRADING|SHIPPING|BANK|"
    r"INDUSTR\w*|ENTERPRISE|GROUP|ООО|АО|ПАО|ОАО|ЗАО|КОМПАНИЯ)\b",
    re.IGNORECASE,
)


def organisation_schema(names: list[str], has_registration: bool = False) -> str:
    """``Company`` for businesses (legal forms, registration numbers), else ``Organization``.

    Companies can be the asset of an FtM ``Ownership``, which the ownership analysis needs;
    terrorist groups, parties and state bodies stay ``Organization``."""
    if has_registration:
        return "Company"
    for name in names:
        if _COMPANY.search(name):
            return "Company"
    return "Organization"


_IMO = re.compile(
    r"\bIMO\)?\s*(?:identification\s*)?(?:number|no\.?|#)?[:\s]*(\d{7})\b", re.IGNORECASE)
_INN = re.compile(
    r"\b(?:INN|Tax\s+ID(?:entification)?(?:\s+(?:No\.?|Number))?|TIN)[:\s.#]*(\d{10}|\d{12})\b",
    re.IGNORECASE)
_OGRN = re.compile(
    r"\b(?:OGRN|PSRN|Primary State Registration Number|State Registration(?: Number)?|"
    r"Registration (?:ID|Number|No\.?)|Company identification number)[:\s.#]*(\d{13}|\d{15})\b",
    re.IGNORECASE)
_SWIFT = re.compile(r"\b(?:SWIFT(?:/BIC)?|BIC)[:\s]+([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")


def identifiers_from_text(proxy: EntityProxy, value: str | None) -> None:
    """IMO, INN, OGRN and SWIFT/BIC codes stated in free text (remarks, other information).

    13- and 15-digit state registration numbers are Russian OGRN/OGRNIP numbers in these
    lists (other states' registration numbers have other lengths)."""
    if not value:
        return
    schema = proxy.schema
    if schema.get("imoNumber") is not None:
        for m in _IMO.finditer(value):
            proxy.add("imoNumber", f"IMO{m.group(1)}", quiet=True)
    if schema.get("innCode") is not None:
        for m in _INN.finditer(value):
            proxy.add("innCode", m.group(1), quiet=True)
        for m in _OGRN.finditer(value):
            proxy.add("ogrnCode", m.group(1), quiet=True)
    if schema.get("swiftBic") is not None:
        for m in _SWIFT.finditer(value):
            proxy.add("swiftBic", m.group(1), quiet=True)


def put_identifier(
    proxy: EntityProxy, kind: str, number: str | None, country: str | None = None
) -> None:
    """Route an identifier to the property its kind calls for (passport, national id, tax,
    registration, IMO, SWIFT…); unknown kinds go to ``idNumber``. Russian tax and
    registration numbers of the right length become ``innCode`` / ``ogrnCode``."""
    number = text(number)
    if not number:
        return
    k = kind.lower()
    schema = proxy.schema
    digits = re.sub(r"\D", "", number)

    def add(prop: str, value: str = number) -> bool:
        if schema.get(prop) is None:
            return False
        proxy.add(prop, value, quiet=True)
        return True

    if "imo" in k and len(digits) == 7 and add("imoNumber", f"IMO{digits}"):
        return
    if "passport" in k and add("passportNumber"):
        return
    if "ogrn" in k and add("ogrnCode", digits or number):
        return
    if "inn" in k.split() or "tax" in k or k in {"taxid", "fiscalcode", "inn"}:
        if len(digits) in (10, 12) and digits == number and (country in (None, "ru")):
            if add("innCode"):
                return
        if add("taxNumber"):
            return
    if k in {"regnumber", "registration", "tradelic"} or "registration" in k:
        if country == "ru" and len(digits) in (13, 15) and digits == number:
            add("ogrnCode")
        if add("registrationNumber"):
            return
    if "swift" in k and add("swiftBic"):
        return
    if k in {"euvat", "vat"} and add("vatCode"):
        return
    add("idNumber")


MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_V = f"{_NS_MAIN}v"
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _xml_part(zf: Any, name: str, path: Path | None = None) -> Any:
    """One XML part of a workbook, parsed like every other XML we read (``xmlsafe``); errors
    name the workbook and the part (``list.xlsx:xl/sharedStrings.xml, line 3``)."""
    from olivebranch.lists.xmlsafe import parse_bytes

    with zf.open(name) as fh:
        data = fh.read(MAX_XLSX_UNCOMPRESSED + 1)
    return parse_bytes(Path(f"{path or zf.filename}:{name}"), data)


@lru_cache(maxsize=1024)
def _column_of(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _column(ref: str) -> int:
    return _column_of(ref.rstrip("0123456789"))


def _date_styles(zf: Any, names: set[str]) -> set[int]:
    """Indexes of cell styles whose number format is a date."""
    if "xl/styles.xml" not in names:
        return set()
    root = _xml_part(zf, "xl/styles.xml")
    custom = {}
    for fmt in root.iter(f"{_NS_MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.get("formatCode", "")).lower()
        custom[int(fmt.get("numFmtId", "0"))] = bool(re.search(r"[dmyh]", code))
    out = set()
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0"))
        if fid in _BUILTIN_DATE_FORMATS or custom.get(fid):
            out.add(i)
    return out


def _sheet_part(zf: Any, sheet: str | None, path: Path) -> str:
    from olivebranch.errors import ParseError

    wb = _xml_part(zf, "xl/workbook.xml")
    sheets = [(el.get("name"), el.get(f"{_NS_REL}id")) for el in wb.iter(f"{_NS_MAIN}sheet")]
    if not sheets:
        raise ParseError(path, None, "XLSX workbook has no sheets")
    chosen = next((s for s in sheets if s[0] == sheet), None)
    if chosen is None:
        if sheet is not None and len(sheets) > 1:
            raise ParseError(path, None, f"workbook has no sheet {sheet!r} (sheets: "
                                         f"{', '.join(str(n) for n, _ in sheets)})")
        chosen = sheets[0]
    rels = _xml_part(zf, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("Id") == chosen[1]:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise ParseError(path, None, f"sheet {chosen[0]!r} has no part in the workbook")


def xlsx_rows(path: Path, sheet: str | None = None, max_col: int | None = None) -> Iterator[tuple]:
    """Rows of an XLSX sheet as value tuples (strings, ints/floats, datetimes, ``None``).

    A small streaming reader (lxml ``iterparse`` over the sheet part, hardened like every
    other XML we read), several times faster than openpyxl on the 2 MB list workbooks.
    Refuses non-zip files and zip bombs (over 256 MB uncompressed) and turns any failure into
    a ``ParseError`` naming the file. Missing rows are yielded as empty tuples, so the n-th
    value is spreadsheet row n."""
    import zipfile
    import zlib

    from lxml import etree

    from olivebranch.errors import ParseError
    from olivebranch.lists.xmlsafe import check_tree

    if not zipfile.is_zipfile(path):
        raise ParseError(path, None, "not an XLSX workbook (not a zip file)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ParseError(path, None, f"damaged XLSX workbook: {exc}") from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        names = {i.filename for i in infos}
        if total > MAX_XLSX_UNCOMPRESSED:
            raise ParseError(path, None, f"XLSX expands to {total} bytes; refused (zip bomb?)")
        if "xl/workbook.xml" not in names:
            raise ParseError(path, None, "zip file is not an XLSX workbook (no xl/workbook.xml)")
        try:
            part = _sheet_part(zf, sheet, path)
            shared: list[str] = []
            if "xl/sharedStrings.xml" in names:
                for si in _xml_part(zf, "xl/sharedStrings.xml").iter(f"{_NS_MAIN}si"):
                    shared.append("".join(t.text or "" for t in si.iter(f"{_NS_MAIN}t")))
            dates = _date_styles(zf, names)
            expected = 1
            with zf.open(part) as fh:
                checked = False
                for _, row in etree.iterparse(
                    fh, events=("end",), tag=f"{_NS_MAIN}row", resolve_entities=False,
                    no_network=True, load_dtd=False, huge_tree=False,
                ):
                    if not checked:  # the DTD, if any, has been read by the first row
                        check_tree(Path(f"{path}:{part}"), row.getroottree().getroot())
                        checked = True
                    number = int(row.get("r") or expected)
                    while expected < number:
                        yield ()
                        expected += 1
                    values: dict[int, object] = {}
                    for pos, c in enumerate(row.iter(f"{_NS_MAIN}c")):
                        col = _column(c.get("r", "")) if c.get("r") else pos
                        if max_col is not None and col >= max_col:
                            break  # cells come in column order
                        values[col] = _cell(c, shared, dates)
                    width = max(values) + 1 if values else 0
                    yield tuple(values.get(i) for i in range(width))
                    expected = number + 1
                    row.clear()
                    while row.getprevious() is not None:
                        del row.getparent()[0]
        except ParseError:
            raise
        except (KeyError, ValueError, IndexError, zipfile.BadZipFile, EOFError, zlib.error,
                NotImplementedError, RuntimeError, etree.XMLSyntaxError, OSError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
            raise ParseError(path, None, f"damaged XLSX workbook: {exc}") from exc


def _cell(c: Any, shared: list[str], dates: set[int]) -> object:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{_NS_MAIN}t")) or None
    raw = None
    for child in c:  # <v>, possibly after <f> (formula)
        if child.tag == _V:
            raw = child.text
    if kind == "s":
        return shared[int(raw)] if raw is not None else None
    if raw is None or raw == "":
        return None
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    number = float(raw)
    if int(c.get("s", "0")) in dates:
        return _EXCEL_EPOCH + timedelta(days=number)
    return int(number) if number.is_integer() else number


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\s*\.?\s*(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s*"
    r"(\d{4})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(\d{4})\b",
    re.IGNORECASE)
_NUM_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_BARE_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def dates_in_text(value: object) -> list[str]:
    """Every date in free text (``24 Dec. 1965``, ``March 1955``, ``a) 1982 b) 1978``,
    ``12/05/1958``), most precise first, as ISO strings."""
    if value is None:
        return []
    if not isinstance(value, str):
        iso = iso_date(value)
        return [iso] if iso else []
    s = value.replace("\xa0", " ")
    out: list[str] = []
    spans: list[tuple[int, int]] = []

    def take(m: re.Match[str], iso: str | None) -> None:
        if iso and iso not in out:
            out.append(iso)
        spans.append(m.span())

    def free(m: re.Match[str]) -> bool:
        return not any(a <= m.start() < b for a, b in spans)

    for m in _DAY_MONTH_YEAR.finditer(s):
        day, mon, year = m.groups()
        try:
            take(m, date(int(year), _MONTHS[mon[:3].lower()], int(day)).isoformat())
        except ValueError:
            take(m, year)
    for m in _NUM_DATE.finditer(s):
        if free(m):
            take(m, iso_date(m.group(0).replace(".", "/")))
    for m in _MONTH_YEAR.finditer(s):
        if free(m):
            take(m, f"{m.group(2)}-{_MONTHS[m.group(1)[:3].lower()]:02d}")
    for m in _BARE_YEAR.finditer(s):
        if free(m):
            take(m, m.group(1))
    return out


_PASSPORT = re.compile(
    r"passport\s*(?:no\.?|number|#)?\s*:?\s*(?:[A-Z][a-z]+\s+number\s+)?([A-Z]{0,3}\d[\dA-Z-]{3,})",
    re.IGNORECASE)


def passports_from_text(proxy: EntityProxy, value: str | None) -> None:
    """Passport numbers stated in free text (``Passport no: Philippines number AA780554``)."""
    if value and proxy.schema.get("passportNumber") is not None:
        for m in _PASSPORT.finditer(value):
            proxy.add("passportNumber", m.group(1), quiet=True)

"""Field helpers the non-OFAC list parsers share: text cleaning, dates, countries, the
choice of entity schema and identifier routing, so that each publisher's field maps to the
same FollowTheMoney property everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from followthemoney import EntityProxy
from followthemoney.types import registry

from olivebranch.lists.base import check_field

_WS = re.compile(r"\s+")


def text(value: object, path: Path | None = None, where: str = "") -> str | None:
    """Collapse whitespace; ``None`` for empty values. Enforces the field-size limit."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    s = _WS.sub(" ", str(value)).strip()
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


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO-2 lowercase code for a country name or code (``None`` when unknown)."""
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


_IMO = re.compile(r"\b(?:IMO)\s*(?:number|no\.?|#)?[:\s]*(\d{7})\b", re.IGNORECASE)
_INN = re.compile(r"\b(?:INN|Tax\s+ID(?:\s+No\.?)?|TIN)[:\s.#]*(\d{10}|\d{12})\b", re.IGNORECASE)
_OGRN = re.compile(r"\b(?:OGRN|PSRN|Primary State Registration Number)[:\s.#]*(\d{13}|\d{15})\b",
                   re.IGNORECASE)


def identifiers_from_text(proxy: EntityProxy, value: str | None) -> None:
    """IMO, INN and OGRN numbers stated in free text (remarks, other information)."""
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


def xlsx_rows(path: Path, sheet: str | None = None, max_col: int | None = None) -> Iterator[tuple]:
    """Rows of an XLSX sheet as value tuples (openpyxl read-only mode).

    Refuses non-zip files and zip bombs (total uncompressed size over 256 MB) before openpyxl
    sees them; any openpyxl failure becomes a ``ParseError`` naming the file."""
    import zipfile

    from openpyxl import load_workbook

    from olivebranch.errors import ParseError

    if not zipfile.is_zipfile(path):
        raise ParseError(path, None, "not an XLSX workbook (not a zip file)")
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ParseError(path, None, f"damaged XLSX workbook: {exc}") from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ParseError(path, None, f"XLSX expands to {total} bytes; refused (zip bomb?)")
    if "xl/workbook.xml" not in names:
        raise ParseError(path, None, "zip file is not an XLSX workbook (no xl/workbook.xml)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, InvalidFileException…)
        raise ParseError(path, None, f"cannot open XLSX workbook: {exc}") from exc
    try:
        if sheet is not None and sheet in wb.sheetnames:
            ws = wb[sheet]
        elif sheet is not None and len(wb.sheetnames) > 1:
            raise ParseError(path, None, f"workbook has no sheet {sheet!r} "
                                         f"(sheets: {', '.join(wb.sheetnames)})")
        else:
            ws = wb[wb.sheetnames[0]]
        try:
            yield from ws.iter_rows(values_only=True, max_col=max_col)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(path, None, f"damaged XLSX sheet: {exc}") from exc
    finally:
        wb.close()


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

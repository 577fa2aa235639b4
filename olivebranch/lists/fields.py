"""Field helpers the non-OFAC list parsers share: text cleaning, dates, countries, the
choice of entity schema and identifier routing, so that each publisher's field maps to the
same FollowTheMoney property everywhere."""

from __future__ import annotations

import re
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

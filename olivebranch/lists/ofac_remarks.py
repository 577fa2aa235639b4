"""Structured facts from OFAC's free-text ``Remarks`` column.

OFAC packs most of what it knows about a listed party into one semicolon-separated string:
``DOB 18 Jun 1998; POB Moscow, Russia; nationality Russia; Gender Male; Tax ID No.
7706107510 (Russia); Linked To: ROSNEFT.``. Screening and ownership work need these facts as
properties (birth dates, INN/OGRN, IMO numbers, passports, "Linked To" relations), so this module
turns the string into a :class:`Remarks` record. It knows nothing of FollowTheMoney entities;
``lists.ofac`` decides which properties each schema can hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass
class IdDocument:
    """An identity document or register number stated in the remarks."""

    type: str
    number: str
    country: str | None = None  # ISO-2 code when the country name is known
    country_name: str | None = None
    issued: str | None = None
    expires: str | None = None
    passport: bool = False


@dataclass
class Remarks:
    """What the remarks say, as (property, value) pairs plus documents, links and flags."""

    props: list[tuple[str, str]] = field(default_factory=list)
    documents: list[IdDocument] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    secondary_sanctions: list[str] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)  # directives, listing/effective dates
    listing_dates: list[str] = field(default_factory=list)  # "Listing Date (EO 14024 Directive 3)"
    notes: list[str] = field(default_factory=list)  # parts we keep verbatim

    def values(self, prop: str) -> list[str]:
        return [v for p, v in self.props if p == prop]

    def add(self, prop: str, value: str | None) -> None:
        if value:
            self.props.append((prop, value))


# ------------------------------------------------------------------------------------ dates
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]* (\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(text: str) -> str | None:
    """``18 Jun 1998`` -> ``1998-06-18``; ``Jun 1967`` -> ``1967-06``; ``1962`` -> ``1962``."""
    text = text.strip().rstrip(".").strip()
    if m := _DAY_MONTH_YEAR.match(text):
        month = MONTHS.get(m.group(2).lower())
        if month:
            return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    if m := _MONTH_YEAR.match(text):
        month = MONTHS.get(m.group(1).lower())
        if month:
            return f"{m.group(2)}-{month:02d}"
    if m := _YEAR.match(text):
        return m.group(1)
    return None


def parse_dates(text: str) -> list[str]:
    """A DOB expression: single date, ``circa`` date, or ``A to B`` range.

    A range of years yields every year in it (up to 15), so a birth year anywhere in the
    range matches during screening; a range of full dates yields its two ends.
    """
    text = text.strip().rstrip(".")
    text = re.sub(r"^(circa|approximately|approx\.?)\s+", "", text, flags=re.I)
    if " to " in text:
        start_text, end_text = (t.strip() for t in text.split(" to ", 1))
        start, end = parse_date(start_text), parse_date(end_text)
        if start and end and len(start) == 4 and len(end) == 4 and 0 <= int(end) - int(start) <= 15:
            return [str(y) for y in range(int(start), int(end) + 1)]
        return [d for d in (start, end) if d]
    single = parse_date(text)
    return [single] if single else []


# ------------------------------------------------------------------------------- helpers
def country_code(name: str | None) -> str | None:
    """ISO-2 code of an OFAC country name (``Korea, North`` -> ``kp``), or None."""
    if not name:
        return None
    return _country_code(name.strip())


@lru_cache(maxsize=4096)
def _country_code(name: str) -> str | None:
    from followthemoney.types import registry

    return registry.country.clean(name)


_NUM_COUNTRY = re.compile(
    r"^(?P<num>.+?)(?:\s+\((?P<country>[^()]+)\))?"
    r"(?:\s+issued\s+(?P<issued>\d{1,2} [A-Za-z]{3} \d{4}|[A-Za-z]{3} \d{4}|\d{4}))?"
    r"(?:\s+expires\s+(?P<expires>\d{1,2} [A-Za-z]{3} \d{4}|[A-Za-z]{3} \d{4}|\d{4}))?$"
)


def split_number(rest: str) -> tuple[str, str | None, str | None, str | None]:
    """``7706107510 (Russia) issued 01 Jan 2001`` -> (number, country name, issued, expires)."""
    m = _NUM_COUNTRY.match(rest.strip())
    if not m:
        return rest.strip(), None, None, None
    issued = parse_date(m.group("issued")) if m.group("issued") else None
    expires = parse_date(m.group("expires")) if m.group("expires") else None
    return m.group("num").strip(), m.group("country"), issued, expires


def phone_number(value: str) -> str:
    """OFAC writes ``(98)(21)(66153220)`` or ``8615175978802``: international digits without a
    plus sign, which phone validation needs."""
    digits = _digits(value)
    if 8 <= len(digits) <= 15 and re.fullmatch(r"[\d()\s\-+]+", value):
        return "+" + digits
    return value


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


# Labels of identity documents (kept as Identification entities and ``idNumber``).
ID_LABELS = (
    "National ID No.",
    "Identification Number",
    "Personal ID Card",
    "Cedula No.",
    "C.U.R.P.",
    "D.N.I.",
    "R.F.C.",
    "RFC",
    "SSN",
    "C.U.I.",
    "I.F.E.",
    "Credencial electoral",
    "Electoral Registry No.",
    "Driver's License No.",
    "Birth Certificate Number",
    "Residency Number",
    "National Foreign ID Number",
    "Italian Fiscal Code",
    "Cartilla de Servicio Militar Nacional",
    "Kenyan ID No.",
    "NIT #",
    "Citizen's Card Number",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "Travel Document Number",
    "Seafarer's Identification Document",
)
PASSPORT_LABELS = ("Passport", "Diplomatic Passport", "Official Passport", "Service Passport")
# Company registers: (label, property used unless the number is a Russian OGRN/INN/OKPO).
REGISTER_LABELS = (
    ("Registration Number", "registrationNumber"),
    ("Registration ID", "registrationNumber"),
    ("Business Registration Number", "registrationNumber"),
    ("Business Registration Document #", "registrationNumber"),
    ("Commercial Registry Number", "registrationNumber"),
    ("Company Number", "registrationNumber"),
    ("UK Company Number", "registrationNumber"),
    ("Public Registration Number", "registrationNumber"),
    ("Central Registration System Number", "registrationNumber"),
    ("Chamber of Commerce Number", "registrationNumber"),
    ("Trade License No.", "registrationNumber"),
    ("Enterprise Number", "registrationNumber"),
    ("Business Number", "registrationNumber"),
    ("C.R. No.", "registrationNumber"),
    ("Folio Mercantil No.", "registrationNumber"),
    ("Matricula Mercantil No", "registrationNumber"),
    ("Economic Register Number (CBLS)", "registrationNumber"),
    ("Istanbul Chamber of Comm. No.", "registrationNumber"),
    ("Dubai Chamber of Commerce Membership No.", "registrationNumber"),
    ("Registered Charity No.", "registrationNumber"),
    ("License", "licenseNumber"),
    ("Permit Number", "licenseNumber"),
    ("Government Gazette Number", "registrationNumber"),
    ("Legal Entity Number", "leiCode"),
    ("Unified Social Credit Code (USCC)", "uscCode"),
    ("D-U-N-S Number", "dunsCode"),
    ("V.A.T. Number", "vatCode"),
    ("US FEIN", "taxNumber"),
    ("BIK (RU)", "bikCode"),
    ("ISIN", "isinCode"),
    ("Equity Ticker", "ticker"),
    ("SWIFT/BIC", "swiftBic"),
)
#: Register numbers that also become Identification entities (shown as identifiers).
DOCUMENT_PROPS = ("registrationNumber", "licenseNumber", "ogrnCode", "okpoCode", "leiCode",
                  "uscCode", "dunsCode", "vatCode", "taxNumber")
SIMPLE_LABELS = (
    ("Email Address", "email"),
    ("Website", "website"),
    ("Phone Number", "phone"),
    ("Telephone", "phone"),
    ("Fax", "phone"),
    ("MMSI", "mmsi"),
    ("Aircraft Model", "model"),
    ("Aircraft Manufacturer's Serial Number (MSN)", "serialNumber"),
    ("Aircraft Construction Number (also called L/N or S/N or F/N)", "serialNumber"),
    ("Aircraft Tail Number", "registrationNumber"),
    ("Vessel Type", "type"),
    ("Target Type", "classification"),
    ("Nationality of Registration", "jurisdiction"),
)
DATE_LABELS = (
    ("Organization Established Date", "incorporationDate"),
    ("Aircraft Manufacture Date", "buildDate"),
    ("Vessel Year of Build", "buildDate"),
)


def _strip_label(part: str, label: str) -> str | None:
    """The rest of ``part`` after ``label`` (followed by a space or colon), else None."""
    if not part.startswith(label):
        return None
    rest = part[len(label) :]
    if rest and rest[0] not in " :":
        return None
    return rest.lstrip(" :").strip()


def _quoted(rest: str) -> str:
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'":
        return rest[1:-1].strip()
    return rest.strip("'").strip()


def split_parts(text: str) -> list[str]:
    """Remarks are ``; ``-separated; the final full stop is not part of the last value."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    return [p.strip() for p in re.split(r";\s+", text) if p.strip()]


_LISTING_DATE = re.compile(r"^Listing Date \([^)]*\):? (.+)$")

# ---------------------------------------------------------------------------------- parser
def parse_remarks(text: str | None) -> Remarks:
    """Parse one Remarks string. Parts it does not understand are kept in ``notes``."""
    out = Remarks()
    if not text:
        return out
    for part in split_parts(text):
        _parse_part(part, out)
    return out


def _parse_part(raw: str, out: Remarks) -> None:
    from followthemoney.types import registry

    part = raw[5:].strip() if raw.startswith("alt. ") else raw
    if (rest := _strip_label(part, "Linked To")) is not None:
        out.linked_to.append(rest.strip())  # may end in a legal form's full stop: keep it
        return
    part = part.rstrip(".")

    for marker, prop in (("a.k.a.", "weakAlias"), ("f.k.a.", "previousName"), ("n.k.a.", "alias")):
        if (rest := _strip_label(part, marker)) is not None:
            out.add(prop, _quoted(rest))
            return
    if (rest := _strip_label(part, "DOB")) is not None:
        dates = parse_dates(rest)
        for d in dates:
            out.add("birthDate", d)
        if not dates:
            out.notes.append(raw)
        return
    if (rest := _strip_label(part, "POB")) is not None:
        out.add("birthPlace", rest)
        code = country_code(rest.rsplit(",", 1)[-1])
        out.add("birthCountry", code)
        return
    if (rest := _strip_label(part, "nationality")) is not None:
        code = country_code(rest)
        out.add("nationality", code) if code else out.notes.append(raw)
        return
    if (rest := _strip_label(part, "citizen")) is not None:
        code = country_code(rest)
        out.add("citizenship", code) if code else out.notes.append(raw)
        return
    if (rest := _strip_label(part, "Gender")) is not None:
        gender = registry.gender.clean(rest)
        out.add("gender", gender) if gender else out.notes.append(raw)
        return
    if part.startswith("Secondary sanctions risk") or "Subject to Secondary Sanctions" in part:
        out.secondary_sanctions.append(raw)
        return
    if m := _LISTING_DATE.match(part):
        if day := parse_date(m.group(1)):
            out.listing_dates.append(day)
    if (
        re.match(r"^Executive Order \d+ (Directive|information)", part, re.I)
        or re.match(r"^(Listing|Effective) Date \(", part)
        or part.startswith("Purchase/Sales For Divestment Date")
        or part.startswith("CAATSA Section")
        or part.startswith("Transactions Prohibited For Persons Owned or Controlled")
    ):
        out.provisions.append(raw)
        return
    if (rest := _strip_label(part, "Vessel Registration Identification")) is not None:
        number = rest[4:].strip() if rest.upper().startswith("IMO ") else rest
        out.add("imoNumber", number)
        return
    if (rest := _strip_label(part, "Company Number IMO")) is not None:
        out.add("imoNumber", rest)
        return
    if (rest := _strip_label(part, "Tax ID No.")) is not None:
        number, country, _i, _e = split_number(rest)
        digits = _digits(number)
        is_ru = country is not None and country_code(country) == "ru"
        inn = (is_ru or country is None) and len(digits) in (10, 12) and digits == number
        out.add("innCode" if inn else "taxNumber", number)
        code = country_code(country)
        if code:
            out.add("country_hint", code)
        doc_type = "INN (Tax ID No.)" if inn else "Tax ID No."
        out.documents.append(IdDocument(doc_type, number, code, country))
        return
    if (rest := _strip_label(part, "Former Vessel Flag")) is not None:
        out.add("pastFlags", country_code(rest) or rest)
        return
    if (rest := _strip_label(part, "Vessel Flag")) is not None:
        out.add("flag", country_code(rest) or rest)
        return
    for label in PASSPORT_LABELS:
        if (rest := _strip_label(part, label)) is not None and rest and rest[0].isalnum():
            number, country, issued, expires = split_number(rest)
            out.documents.append(
                IdDocument(label, number, country_code(country), country, issued, expires, True)
            )
            out.add("passportNumber", number)
            return
    for label in ID_LABELS:
        if (rest := _strip_label(part, label)) is not None and rest:
            number, country, issued, expires = split_number(rest)
            out.documents.append(
                IdDocument(label, number, country_code(country), country, issued, expires)
            )
            out.add("idNumber", number)
            return
    for label, prop in REGISTER_LABELS:
        if (rest := _strip_label(part, label)) is not None and rest:
            number, country, issued, expires = split_number(rest)
            code = country_code(country)
            digits = _digits(number)
            if prop == "registrationNumber" and code == "ru" and digits == number:
                if label == "Government Gazette Number" and len(digits) in (8, 10):
                    prop = "okpoCode"
                elif len(digits) in (13, 15):
                    prop = "ogrnCode"
            out.add(prop, number)
            if code:
                out.add("country_hint", code)
            if prop in DOCUMENT_PROPS:
                doc_type = {"ogrnCode": "OGRN", "okpoCode": "OKPO"}.get(prop, "")
                doc_type = f"{doc_type} ({label})" if doc_type else label
                out.documents.append(IdDocument(doc_type, number, code, country, issued, expires))
            return
    for label, prop in DATE_LABELS:
        if (rest := _strip_label(part, label)) is not None:
            dates = parse_dates(rest)
            for d in dates:
                out.add(prop, d)
            if not dates:
                out.notes.append(raw)
            return
    for label, prop in SIMPLE_LABELS:
        if (rest := _strip_label(part, label)) is not None and rest:
            out.add(prop, phone_number(rest) if prop == "phone" else rest)
            return
    if (rest := _strip_label(part, "Organization Type")) is not None:
        out.add("sector", rest)
        return
    out.notes.append(raw)

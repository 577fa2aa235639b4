"""Strong identifiers, normalised per type, so that two lists writing one number differently agree.

Lists write the same register number in many ways: an INN without its leading zero
(``105012345`` for ``0105012345``), an OKPO as ``44428`` for ``00044428``, an IMO number as
``IMO 9187629`` or ``9187629``, a BIC with or without the ``XXX`` head-office branch, a passport as
``BN 4196361`` or ``Diplomatic Passport D009889``. :func:`normalise` turns one value of one type
into its canonical form (or ``None`` when it is not a plausible value of that type), and
:func:`classify` recognises the type of a number found in a generic field (``registrationNumber``,
``taxNumber``, ``idNumber``) by its shape and check digits.

Each scheme says whether it identifies a party on its own (``strong``), only together with a
birth date (``document``: passports and national ids are reused across countries and
re-issued), or only together with a similar name (``register``: a generic company number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Strength = Literal["strong", "document", "register"]


@dataclass(frozen=True)
class Scheme:
    """One identifier type: its key, what it proves alone, and whether a party has one value."""

    name: str
    label: str
    strength: Strength
    #: A party has at most one value (two different values mean two parties).
    exclusive: bool
    #: FtM properties read as this scheme.
    props: tuple[str, ...]


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme("inn", "Russian taxpayer number (INN)", "strong", False, ("innCode",)),
        Scheme("ogrn", "Russian state registration number (OGRN/OGRNIP)", "strong", False, ("ogrnCode",)),
        Scheme("okpo", "Russian statistics code (OKPO)", "strong", True, ("okpoCode",)),
        Scheme("imo", "IMO ship or company number", "strong", True, ("imoNumber",)),
        Scheme("mmsi", "Maritime Mobile Service Identity (MMSI)", "strong", False, ("mmsi",)),
        Scheme("bic", "SWIFT/BIC bank code", "strong", False, ("swiftBic",)),
        Scheme("lei", "Legal Entity Identifier (LEI)", "strong", True, ("leiCode",)),
        Scheme("usc", "Chinese unified social credit code", "strong", True, ("uscCode",)),
        Scheme("passport", "passport number", "document", False, ("passportNumber",)),
        Scheme("natid", "national identity number", "document", False, ()),
        Scheme("reg", "company register or tax number", "register", False,
               ("registrationNumber", "taxNumber", "vatCode", "idNumber", "uniqueEntityId",
                "dunsCode")),
    )
}

#: Words that label a number rather than belong to it ("TIN: 7802…", "Diplomatic Passport D0098").
_LABELS = frozenset(
    "ssn tin inn ogrn okpo no nr num number id ident passport diplomatic national card tax "
    "taxpayer identification registration reg vat code service official issued".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _alnum(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _ascii_alnum(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isascii() and ch.isalnum())


# ------------------------------------------------------------------------- check digits
def inn_valid(inn: str) -> bool:
    """Russian INN check digits (10 digits for organisations, 12 for individuals)."""
    if not inn.isdigit():
        return False
    d = [int(c) for c in inn]
    if len(d) == 10:
        w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
        return sum(a * b for a, b in zip(w, d, strict=False)) % 11 % 10 == d[9]
    if len(d) == 12:
        w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
        w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
        c11 = sum(a * b for a, b in zip(w11, d, strict=False)) % 11 % 10
        c12 = sum(a * b for a, b in zip(w12, d, strict=False)) % 11 % 10
        return c11 == d[10] and c12 == d[11]
    return False


def ogrn_valid(ogrn: str) -> bool:
    """OGRN (13 digits) or OGRNIP (15 digits) check digit."""
    if not ogrn.isdigit():
        return False
    if len(ogrn) == 13:
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if len(ogrn) == 15:
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


def imo_valid(imo: str) -> bool:
    """IMO number check digit: the digits weighted 7..2, last digit of the sum."""
    if len(imo) != 7 or not imo.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(imo[:6], range(7, 1, -1), strict=True)) % 10 == int(imo[6])


def lei_valid(lei: str) -> bool:
    """ISO 17442 LEI: ISO 7064 MOD 97-10 over the 20 characters."""
    if len(lei) != 20 or not lei.isalnum():
        return False
    number = "".join(str(int(ch, 36)) for ch in lei)
    return int(number) % 97 == 1


# ------------------------------------------------------------------------- normalisers
def norm_inn(value: str) -> str | None:
    """``7706107510``; a 9- or 11-digit value lost its leading zero (regions 01-09) and gets it
    back when the padded number passes the check digits."""
    d = _digits(value)
    if len(d) in (9, 11):
        padded = "0" + d
        if inn_valid(padded) or not inn_valid(d):
            d = padded
    if len(d) not in (10, 12) or set(d) == {"0"}:
        return None
    return d


def norm_ogrn(value: str) -> str | None:
    d = _digits(value)
    return d if len(d) in (13, 15) else None


def norm_okpo(value: str) -> str | None:
    """OKPO: 8 digits for organisations (leading zeros are often dropped), 10 for individuals."""
    d = _digits(value)
    if not d or set(d) == {"0"}:
        return None
    if len(d) < 8:
        d = d.zfill(8)
    return d if len(d) in (8, 10) else None


def norm_imo(value: str) -> str | None:
    """``IMO 9187629``, ``IMO9187629`` and ``9187629`` are one number."""
    text = value.upper().replace("IMO", " ")
    d = _digits(text)
    return d if len(d) == 7 else None


def norm_mmsi(value: str) -> str | None:
    d = _digits(value)
    return d if len(d) == 9 else None


_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def norm_bic(value: str) -> str | None:
    """A BIC ending in the head-office branch ``XXX`` is the 8-character BIC."""
    v = _ascii_alnum(value)
    if not _BIC.match(v):
        return None
    return v[:8] if len(v) == 11 and v.endswith("XXX") else v


def norm_lei(value: str) -> str | None:
    v = _ascii_alnum(value)
    return v if len(v) == 20 else None


def norm_usc(value: str) -> str | None:
    v = _ascii_alnum(value)
    return v if len(v) == 18 else None


def norm_document(value: str) -> str | None:
    """A passport or id-card number: label words dropped, separators removed, upper case;
    at least five characters of which three digits."""
    words = [w for w in _WORD.findall(value) if w.lower() not in _LABELS]
    v = _ascii_alnum("".join(words))
    if len(v) < 5 or sum(ch.isdigit() for ch in v) < 3 or len(v) > 24:
        return None
    if set(_digits(v)) == {"0"}:
        return None
    return v


def norm_register(value: str) -> str | None:
    """A generic register/tax number: label words dropped; at least six characters with five
    digits (shorter numbers such as ``202`` or ``84039`` recur across registers)."""
    words = [w for w in _WORD.findall(value) if w.lower() not in _LABELS]
    v = _ascii_alnum("".join(words))
    if len(v) < 6 or sum(ch.isdigit() for ch in v) < 5 or len(v) > 30:
        return None
    if set(_digits(v)) == {"0"}:
        return None
    return v


_NORMALISERS = {
    "inn": norm_inn,
    "ogrn": norm_ogrn,
    "okpo": norm_okpo,
    "imo": norm_imo,
    "mmsi": norm_mmsi,
    "bic": norm_bic,
    "lei": norm_lei,
    "usc": norm_usc,
    "passport": norm_document,
    "natid": norm_document,
    "reg": norm_register,
}


def normalise(scheme: str, value: str) -> str | None:
    """The canonical form of ``value`` as an identifier of ``scheme``, or ``None``."""
    if not value:
        return None
    return _NORMALISERS[scheme](str(value))


def classify(value: str) -> tuple[str, str] | None:
    """The scheme of a number found in a generic field, judged by shape and check digits: an
    INN or OGRN (valid check digits), an IMO number (``IMO`` prefix), else a register number."""
    text = str(value)
    if "IMO" in text.upper():
        imo = norm_imo(text)
        if imo:
            return ("imo", imo)
    d = _digits(text)
    if _ascii_alnum(text).isdigit() or re.match(r"^\s*(TIN|INN|OGRN)\b", text.upper()):
        if len(d) in (10, 12) and inn_valid(d):
            return ("inn", d)
        if len(d) in (9, 11) and inn_valid("0" + d):  # an INN that lost its leading zero
            return ("inn", "0" + d)
        if len(d) in (13, 15) and ogrn_valid(d):
            return ("ogrn", d)
    reg = norm_register(text)
    return ("reg", reg) if reg else None


def keys_of(prop: str, value: str, *, person: bool) -> list[tuple[str, str]]:
    """Identifier keys ``(scheme, value)`` of one property value of a record."""
    if prop in ("innCode",):
        v = norm_inn(value)
        return [("inn", v)] if v else []
    if prop == "passportNumber":
        v = norm_document(value)
        return [("passport", v)] if v else []
    if prop == "idNumber" and person:
        got = classify(value)
        if got and got[0] == "inn":
            return [got]
        v = norm_document(value)
        return [("natid", v)] if v else []
    for scheme in SCHEMES.values():
        if prop in scheme.props and scheme.name != "reg":
            v = normalise(scheme.name, value)
            return [(scheme.name, v)] if v else []
    if prop in SCHEMES["reg"].props:
        got = classify(value)
        return [got] if got else []
    return []


#: Every FtM property :func:`keys_of` reads.
IDENTIFIER_PROPS: tuple[str, ...] = tuple(
    dict.fromkeys(p for s in SCHEMES.values() for p in s.props)
) + ("idNumber",)

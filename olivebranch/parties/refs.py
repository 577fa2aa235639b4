"""Publishers' own cross-references: the record numbers one list gives for another's listing.

A UK designation of a UN-listed party carries the UN reference (``unscId`` ``QDi.241``); OFSI's
consolidated list gives each entry's UK Sanctions List reference (``RUS0273``) and the FCDO's
list gives the OFSI group id (``OFSI Group ID 14213``); an OpenSanctions export keeps OFAC's entry
number as ``authorityId``. Two records carrying the same reference of one scheme are the same
listing, so the same party: these are the strongest links there are.

Only structured fields are read. A UN reference *mentioned* in a narrative ("associated with
Al-Qaida (QDe.004)") names another party and is never taken as the record's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Reference schemes with the publisher they belong to.
REF_SCHEMES: dict[str, str] = {
    "un": "UN Security Council permanent reference",
    "uk": "UK Sanctions List unique id",
    "ofsi": "OFSI consolidated list group id",
    "ofac": "OFAC entry number",
    "eu": "EU financial sanctions file reference",
}

#: Authority names (lower case substrings) whose ``authorityId`` is a record number of a scheme.
_AUTHORITIES: tuple[tuple[str, str], ...] = (
    ("hm treasury ofsi", "ofsi"),
    ("fcdo", "uk"),
    ("foreign, commonwealth", "uk"),
    ("office of foreign assets control", "ofac"),
    ("treasury ofac", "ofac"),
    ("united nations security council", "un"),
    ("council of the eu", "eu"),
)

_UN = re.compile(r"^\s*([A-Za-z]{2}[ieIE])\s*\.?\s*(\d{1,4})\s*\.?\s*$")
_UN_NOTE = re.compile(r"\(UN Ref\)\s*:\s*([A-Za-z]{2}[ie]\s*\.?\s*\d{1,4})")
_UK_NOTE = re.compile(r"\(UK Sanctions List Ref\)\s*:\s*([A-Z]{2,4}\d{3,5})")
_OFSI_GROUP = re.compile(r"OFSI Group ID\s*:?\s*(\d{3,7})")


def norm_un(value: str) -> str | None:
    """``QDi.241``, ``QDi 241``, ``QDe092.`` -> ``QDI.241`` / ``QDE.092``."""
    m = _UN.match(value or "")
    if not m:
        return None
    return f"{m.group(1).upper()}.{int(m.group(2)):03d}"


def _norm(scheme: str, value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if scheme == "un":
        return norm_un(value)
    if scheme in ("ofac", "ofsi"):
        return value if value.isdigit() else None
    return value.upper()


def authority_scheme(authority: str) -> str | None:
    low = (authority or "").lower()
    for needle, scheme in _AUTHORITIES:
        if needle in low:
            return scheme
    return None


def sanction_refs(props: dict[str, list[Any]]) -> set[tuple[str, str]]:
    """References a ``Sanction`` entity states for its (single) listed entity."""
    out: set[tuple[str, str]] = set()
    for v in props.get("unscId") or []:
        if (n := norm_un(str(v))) is not None:
            out.add(("un", n))
    scheme = None
    for authority in props.get("authority") or []:
        scheme = authority_scheme(str(authority)) or scheme
    if scheme is not None:
        for v in props.get("authorityId") or []:
            if (n := _norm(scheme, str(v))) is not None:
                out.add((scheme, n))
    for v in props.get("recordId") or []:
        # OFSI and Companies House give the UK Sanctions List reference as ``recordId``
        if re.match(r"^[A-Z]{2,4}\d{3,5}$", str(v).strip()):
            out.add(("uk", str(v).strip()))
    for text in props.get("description") or []:
        for m in _OFSI_GROUP.finditer(str(text)):
            out.add(("ofsi", m.group(1)))
    return out


def note_refs(notes: Iterable[str]) -> set[tuple[str, str]]:
    """The structured ``(UN Ref):`` and ``(UK Sanctions List Ref):`` fields OFSI writes into its
    notes (not references mentioned in the narrative)."""
    out: set[tuple[str, str]] = set()
    for text in notes:
        for m in _UN_NOTE.finditer(str(text)):
            if (n := norm_un(m.group(1))) is not None:
                out.add(("un", n))
        for m in _UK_NOTE.finditer(str(text)):
            out.add(("uk", m.group(1)))
    return out

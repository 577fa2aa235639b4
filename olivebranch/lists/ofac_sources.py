"""The OFAC sources (SDN and Consolidated non-SDN): which parser reads a given download.

OFAC publishes each list as a CSV set (``olivebranch.lists.ofac``) and as XML
(``olivebranch.lists.ofac_xml``, which builds entities with the CSV parser's code); this module
sniffs a path and hands it to the right one, so neither parser imports the other's caller.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from olivebranch.errors import ParseError
from olivebranch.lists.base import ListingRule, ParseResult, SourceSpec
from olivebranch.lists.ofac import AUTHORITY, parse_set
from olivebranch.lists.ofac_files import csv_role, detect, xml_file
from olivebranch.lists.ofac_xml import parse_xml
from olivebranch.lists.textfile import head


# ------------------------------------------------------------------------------ sniffing
def sniffer(kind: str):  # type: ignore[no-untyped-def]
    """A sniffer that says whether ``path`` holds the ``kind`` list, by content only: a
    primary CSV file or an OFAC XML whose entries belong to that list (or cannot tell)."""

    def sniff(path: Path) -> bool:
        try:
            return kind in detect(Path(path))
        except (OSError, ParseError):
            return False

    return sniff


def is_xml(path: Path) -> bool:
    if path.is_dir():
        return False
    return head(path, 512).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _parse(path: Path, kind: str, suffix: str, csv_url: str, xml_url: str) -> ParseResult:
    """The CSV set, or (for a single XML file) sdn.xml / SDN_ADVANCED.xml and their
    consolidated counterparts."""
    path = Path(path)
    if path.is_dir() and not any(csv_role(f) == "primary" for f in path.iterdir()):
        path = xml_file(path, kind) or path  # a folder holding only the XML download
    if is_xml(path):
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
        id_prefix="ofac-",
        label="OFAC SDN",
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
        id_prefix="ofac-",
        label="OFAC non-SDN",
        # SSI directive entities (EO 13662, EO 14024 directives) are sectoral; the other non-SDN
        # lists (NS-PLC, CMIC, …) do not freeze assets
        listing=(
            ListingRule("sectoral", program="UKRAINE-EO13662"),
            ListingRule("sectoral", program="RUSSIA-EO14024"),
            ListingRule("other"),
        ),
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

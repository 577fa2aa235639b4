"""Canada Consolidated Special Economic Measures Act (SEMA) list (``data-set`` XML).

Each ``record`` is one listing in a schedule of one country regulation (``Country`` is the
bilingual regime name, e.g. ``Russia / Russie``); the publisher's reference is that regime's
schedule and item number. Ids are ``ca-sema-<regime>-<schedule>-<item>`` (the file has no
record number of its own). The XML carries no date; the bundled copy is of 2020-04-15.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from olivebranch.errors import ParseError
from olivebranch.lists.base import ParseResult, SourceSpec, make, make_sanction
from olivebranch.lists.fields import (
    country_code,
    iso_date,
    organisation_schema,
    put,
    text,
)
from olivebranch.lists.xmlsafe import parse_file, root_tag, where

if TYPE_CHECKING:
    from followthemoney import EntityProxy

AUTHORITY = "Canada (Global Affairs Canada)"
ID_PREFIX = "ca-sema-"
URL = "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml"
_SLUG = re.compile(r"[^a-z0-9]+")
_ACRONYM = re.compile(r"\(([A-Z]{3,})\)")


def regime_name(country: str | None) -> str | None:
    """``Russia / Russie`` -> ``Russia``; the JVCFOR regulation -> ``JVCFOR``."""
    s = text(country)
    if not s:
        return None
    m = _ACRONYM.search(s)
    if m and "/" in s and len(s) > 40:
        return m.group(1)
    return s.split(" / ")[0].strip()


def _slug(value: str | None) -> str:
    return _SLUG.sub("", (value or "na").lower()) or "na"


def _record(path: Path, el: etree._Element) -> list[EntityProxy]:
    d: dict[str, str] = {}
    for child in el:
        if isinstance(child.tag, str):
            value = text(child.text, path, where(child))
            if value:
                d[child.tag] = value
    regime = regime_name(d.get("Country"))
    item = d.get("Item")
    if not regime or not item:
        raise ParseError(path, where(el), "record without Country or Item")
    schedule = d.get("Schedule")
    code = country_code(regime) or _slug(regime)
    rid = f"{ID_PREFIX}{code}-{_slug(schedule)}-{_slug(item)}"
    if d.get("Entity"):
        name = d["Entity"]
        aliases = [a.strip() for a in (d.get("Aliases") or "").split(",") if a.strip()]
        proxy = make(organisation_schema([name, *aliases]), rid)
        proxy.add("name", name)
    else:
        name = text(" ".join(x for x in (d.get("GivenName"), d.get("LastName")) if x))
        if not name:
            raise ParseError(path, where(el), f"record {regime} item {item} has no name")
        aliases = [a.strip() for a in (d.get("Aliases") or "").split(",") if a.strip()]
        proxy = make("Person", rid)
        proxy.add("name", name)
        put(proxy, "firstName", d.get("GivenName"))
        put(proxy, "lastName", d.get("LastName"))
        put(proxy, "title", d.get("Title"))
        put(proxy, "birthDate", iso_date(d.get("DateOfBirth")))
    put(proxy, "alias", *aliases)
    put(proxy, "program", regime)
    ref = f"{regime}" + (f", Schedule {schedule}" if schedule else "") + f", Item {item}"
    sanction = make_sanction(
        proxy,
        sanction_id=f"{rid}-sanction",
        authority=AUTHORITY,
        authority_id=ref,
        programs=[regime],
        source_url=URL,
    )
    put(sanction, "description", d.get("Country"))
    return [proxy, sanction]


def parse(path: Path) -> ParseResult:
    path = Path(path)
    root = parse_file(path)
    if root.tag != "data-set":
        raise ParseError(path, where(root), f"root element is <{root.tag}>, expected <data-set>")
    entities: list[EntityProxy] = []
    seen: dict[str, int] = {}
    for el in root.iterfind("record"):
        proxies = _record(path, el)
        pid = str(proxies[0].id)
        if pid in seen:
            raise ParseError(path, where(el), f"duplicate listing {pid} (first at line "
                                              f"{seen[pid]})")
        seen[pid] = el.sourceline or 0
        entities.extend(proxies)
    return ParseResult(entities=entities)


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file() or root_tag(path) != "data-set":
        return False
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return b"<record" in head and (b"<Country>" in head or b"<Schedule>" in head)


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="ca_sema",
        title="Canada Consolidated SEMA List (XML)",
        regime="ca",
        authority=AUTHORITY,
        id_prefix=ID_PREFIX,
        label="CA SEMA",
        parse=parse,
        sniff=sniff,
        bundled="ca_sema/sema-lmes.xml",
        bundled_published=date(2020, 4, 15),
        urls=(URL,),
        description="Canada's consolidated Special Economic Measures Act sanctions list. The "
        "bundled copy is of 2020 and predates the 2022 Russia designations.",
    ),
]

"""The contract every list parser fulfils, and helpers they share.

A parser turns one official file (or a set of files, such as OFAC's CSV quartet) into
FollowTheMoney entities: the listed people, companies, vessels and aircraft, plus one
``Sanction`` entity per designation (``entity`` -> the listed entity, ``authority``,
``authorityId`` = the publisher's own record number, ``program``, ``listingDate``), plus
``Address``, ``Identification``/``Passport``, ``UnknownLink``/``Ownership`` entities where the
source states them. Parsers never touch the store; ``lists.importer`` stores what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError
from olivebranch.text_hygiene import MAX_NAME_LENGTH, has_lone_surrogate

if TYPE_CHECKING:
    from followthemoney import EntityProxy

# Hard limits against hostile input (huge fields, zip bombs, endless files).
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_FIELD_CHARS = 100_000
#: Longest name (name, alias, first/last name …) accepted: the text-hygiene cap shared with
#: the API. The longest in the bundled lists has 324 characters (a UN alias); a longer one is a
#: damaged or hostile file, and would also let one entry match almost any query.
MAX_NAME_CHARS = MAX_NAME_LENGTH
#: Properties holding a name or a part of one, whatever their FtM type.
NAME_PARTS = frozenset({"firstName", "lastName", "middleName", "secondName", "fatherName",
                        "motherName"})


@dataclass
class ParseResult:
    """What a parser returns: all entities of the file, the publication date if the file
    states one, and non-fatal warnings (e.g. a skipped malformed row)."""

    entities: list[EntityProxy]
    published: date | None = None
    warnings: list[str] = field(default_factory=list)
    note: str | None = None
    #: Signs that the file is not the whole list (no end marker, fewer entries than the file
    #: states): the importer refuses such a file unless told to accept it.
    incomplete: list[str] = field(default_factory=list)


Parser = Callable[[Path], ParseResult]


@dataclass(frozen=True)
class ListingRule:
    """How a source's designations count. A source's rules are tried in order, the first that
    matches a designation wins; a source with none lists everything as ``blocking`` (asset
    freeze) under its own regime, so a new source is never silently ignored.

    ``program`` and ``authority`` match substrings (any case); ``by_authority`` re-assigns the
    designation to the regime whose registry entry names its authority (multi-regime bundles),
    and matches only when one does; ``regime`` re-assigns it to a fixed regime."""

    kind: str = "blocking"  # blocking | sectoral | other
    program: str | None = None
    authority: str | None = None
    regime: str | None = None
    by_authority: bool = False


@dataclass(frozen=True)
class Supersession:
    """From ``since`` on, while source ``by`` is loaded, this source's designations no longer
    count (they stay searchable)."""

    by: str
    since: date | None = None
    note: str = ""
    citation: str = ""


@dataclass(frozen=True)
class SourceSpec:
    """A list source olivebranch knows: its name, the regime its designations belong to,
    the parser, and a sniffer that says whether a path looks like this source's file; how its
    designations count (``listing``), whether another source replaced it (``superseded``),
    the prefix of its entity ids and a short label for explanations."""

    name: str
    title: str
    regime: str
    authority: str
    parse: Parser
    sniff: Callable[[Path], bool]
    bundled: str | None = None  # path under data/lists/ (file or directory) of the bundled snapshot
    bundled_published: date | None = None  # list date of the bundle when the file carries none
    urls: tuple[str, ...] = ()  # official download URLs (file name -> fetched by `lists update`)
    description: str = ""
    listing: tuple[ListingRule, ...] = ()  # empty: every designation blocking, own regime
    superseded: Supersession | None = None
    id_prefix: str = ""  # entity ids are ``<id_prefix><publisher's record number>``
    label: str = ""  # short name in explanations ("OFAC SDN 12345 (RUSSIA-EO14024)")


def is_number(value: object) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts ``²`` or ``٣``, which ``int`` refuses
    or which no publisher uses in a record number."""
    text = str(value)
    return text.isascii() and text.isdigit()


def make(schema: str, entity_id: str) -> EntityProxy:
    from followthemoney import model

    proxy = model.make_entity(schema)
    proxy.id = entity_id
    return proxy


def make_sanction(
    entity: EntityProxy,
    *,
    sanction_id: str,
    authority: str,
    authority_id: str | None = None,
    programs: list[str] | None = None,
    listing_date: str | None = None,
    source_url: str | None = None,
    reason: str | None = None,
    country: str | None = None,
) -> EntityProxy:
    """One designation of ``entity`` by ``authority``."""
    s = make("Sanction", sanction_id)
    s.add("entity", entity.id)
    s.add("authority", authority)
    if authority_id:
        s.add("authorityId", authority_id)
    for p in programs or []:
        s.add("program", p)
    if listing_date:
        s.add("listingDate", listing_date)
    if source_url:
        s.add("sourceUrl", source_url)
    if reason:
        s.add("reason", reason, quiet=True)
    if country:
        s.add("country", country, quiet=True)
    return s


def check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ParseError(path, None, "file not found") from exc
    if size == 0:
        raise ParseError(path, None, "file is empty")
    if size > MAX_FILE_BYTES:
        raise ParseError(path, None, f"file is {size} bytes, over the {MAX_FILE_BYTES} limit")


def check_field(path: Path, where: str, value: str) -> str:
    if len(value) > MAX_FIELD_CHARS:
        raise ParseError(path, where, f"field of {len(value)} characters exceeds {MAX_FIELD_CHARS}")
    return value


def check_values(path: Path, entities: list[EntityProxy]) -> None:
    """Every property value of every parsed entity is valid text within the limits: no lone
    surrogate, names (of any schema and parser) up to ``MAX_NAME_CHARS``, other values up to
    ``MAX_FIELD_CHARS``. The place named is the entity (its id carries the publisher's record
    number) and the property."""
    from followthemoney.types import registry

    for entity in entities:
        for prop, value in entity.itervalues():
            if has_lone_surrogate(value):  # a JSON "\udc80" escape: not storable text
                raise ParseError(path, f"record {entity.id}, {prop.name}",
                                 "invalid character (a lone surrogate): not valid Unicode text")
            size = len(value)
            if size <= MAX_NAME_CHARS:
                continue
            is_name = prop.type == registry.name or prop.name in NAME_PARTS
            limit = MAX_NAME_CHARS if is_name else MAX_FIELD_CHARS
            if size > limit:
                kind = "name" if is_name else "value"
                raise ParseError(
                    path,
                    f"record {entity.id}, {prop.name}",
                    f"{kind} of {size} characters exceeds the {limit}-character limit "
                    f"(starts {value[:40]!r})",
                )


def count_designations(entities: list[EntityProxy]) -> int:
    return sum(1 for e in entities if e.schema.name == "Sanction")


def iter_with_progress(items: list[EntityProxy]) -> Iterator[EntityProxy]:
    yield from items

"""The ownership CSV format: one holding per row, as a versioned source (``ownership_csv``).

Columns (header row required, any order, extra columns ignored)::

    owner,owner_id,asset,asset_id,percent,as_of,source[,role][,end_date][,owner_type][,asset_type][,uncertain]

A row needs a name or an id for each side. ``percent`` is 0–100 or empty (share unknown);
``role`` names control relations (e.g. ``right to appoint board majority``) that count without
a share where a regime says so. The parser emits FtM ``Ownership`` entities plus stub
``LegalEntity`` nodes; ``olivebranch owners import`` additionally resolves name-only nodes to
list entities before storing. Full description: docs/ownership-csv.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError
from olivebranch.lists.base import ParseResult, SourceSpec, check_field, check_size, make
from olivebranch.lists.textfile import LineReader, head
from olivebranch.shares import parse_percent

if TYPE_CHECKING:
    from followthemoney import EntityProxy

REQUIRED = ("owner", "owner_id", "asset", "asset_id", "percent", "as_of", "source")
OPTIONAL = ("role", "end_date", "owner_type", "asset_type", "uncertain")
NODE_TYPES = ("LegalEntity", "Person", "Company", "Organization", "PublicBody")
STUB_PREFIX = "own-name-"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def stub_id(name: str) -> str:
    """Deterministic id for a node given by name only (normalised: case and spacing)."""
    norm = " ".join(name.lower().split())
    return STUB_PREFIX + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def _date(path: Path, where: str, column: str, value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not _DATE.match(value):
        raise ParseError(path, where, f"{column} {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def _node_type(path: Path, where: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return "LegalEntity"
    for t in NODE_TYPES:
        if t.lower() == value.lower():
            return t
    raise ParseError(path, where, f"type {value!r} is not one of {', '.join(NODE_TYPES)}")


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; checks the header names every required column."""
    check_size(path)
    body = _lines(path)
    header_line, header = next(body, (0, ""))
    if not header_line:
        raise ParseError(path, None, "no header row")
    try:
        columns = [c.strip().lower() for c in next(csv.reader([header]))]
    except csv.Error as exc:
        raise ParseError(path, f"line {header_line}", f"bad CSV header: {exc}") from exc
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ParseError(
            path, f"line {header_line}",
            f"missing column(s): {', '.join(missing)} (the header needs {', '.join(REQUIRED)})",
        )
    out = []
    for lineno, line in body:
        try:
            cells = next(csv.reader(io.StringIO(line)))
        except (csv.Error, StopIteration) as exc:
            raise ParseError(path, f"line {lineno}", f"bad CSV: {exc}") from exc
        if len(cells) > len(columns):
            raise ParseError(path, f"line {lineno}", f"{len(cells)} cells but the header has {len(columns)} columns")
        cells += [""] * (len(columns) - len(cells))
        out.append((lineno, {c: check_field(path, f"line {lineno}", v.strip()) for c, v in zip(columns, cells, strict=True)}))
    return out


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of the non-blank, non-comment lines, streamed (bounded length)."""
    for lineno, raw in LineReader(path, what="ownership CSV"):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise ParseError(path, f"line {lineno}", f"not UTF-8 ({exc.reason})") from exc
        if line.strip() and not line.lstrip().startswith("#"):
            yield lineno, line


def parse(path: Path) -> ParseResult:
    path = Path(path)
    rows = read_rows(path)
    if not rows:
        raise ParseError(path, None, "header only: no ownership rows")
    nodes: dict[str, EntityProxy] = {}
    edges: list[EntityProxy] = []
    warnings: list[str] = []

    def node(where: str, name: str, given: str, type_value: str, side: str) -> str:
        if not name and not given:
            raise ParseError(path, where, f"{side} needs a name ({side}) or an id ({side}_id)")
        eid = given or stub_id(name)
        if name:
            schema = "LegalEntity" if given else _node_type(path, where, type_value)
            proxy = nodes.get(eid)
            if proxy is None:
                proxy = nodes[eid] = make(schema, eid)
            proxy.add("name", name)
        return eid

    for lineno, row in rows:
        where = f"line {lineno}"
        owner = node(where, row["owner"], row["owner_id"], row.get("owner_type", ""), "owner")
        asset = node(where, row["asset"], row["asset_id"], row.get("asset_type", ""), "asset")
        if owner == asset:
            raise ParseError(path, where, "owner and asset are the same entity")
        try:
            pct = parse_percent(row["percent"])
        except ValueError as exc:
            raise ParseError(path, where, f"percent {row['percent']!r}: expected a number from 0 to 100 or empty") from exc
        start = _date(path, where, "as_of", row["as_of"])
        end = _date(path, where, "end_date", row.get("end_date", ""))
        source = row["source"]
        if not source:
            warnings.append(f"{where}: no source given")
        digest = hashlib.sha1(f"{lineno}|{owner}|{asset}|{pct}|{start}|{source}".encode()).hexdigest()[:20]
        own = make("Ownership", f"own-csv-{digest}")
        own.add("owner", owner)
        own.add("asset", asset)
        if pct is not None:
            own.add("percentage", f"{pct:g}")
        if start:
            own.add("startDate", start)
        if end:
            own.add("endDate", end)
        if row.get("role"):
            own.add("role", row["role"])
        if source:
            if source.startswith(("http://", "https://")):
                own.add("sourceUrl", source.split()[0], quiet=True)
            own.add("publisher", source)
        flag = row.get("uncertain", "").lower()
        if flag in ("true", "yes", "1", "uncertain"):
            own.add("status", "uncertain")
        elif flag not in ("", "false", "no", "0"):
            raise ParseError(path, where, f"uncertain {row['uncertain']!r}: expected true, false or empty")
        own.add("recordId", str(lineno))
        edges.append(own)
    return ParseResult(entities=[*nodes.values(), *edges], warnings=warnings)


def _sniff(path: Path) -> bool:
    if path.is_dir():
        return False
    text = head(path, 65536).decode("utf-8", "replace").lstrip("\ufeff")
    for line in text.splitlines()[:200]:
        if line.strip() and not line.lstrip().startswith("#"):
            cols = {c.strip().lower() for c in line.split(",")}
            return {"owner", "asset", "percent"} <= cols
    return False


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="ownership_csv",
        title="Ownership CSV (owner,owner_id,asset,asset_id,percent,as_of,source)",
        regime="other",
        authority="olivebranch ownership CSV",
        parse=parse,
        sniff=_sniff,
        bundled="../ownership/owners.csv",
        description=(
            "Ownership chains of Russian energy and minerals majors and projects, from the "
            "research notes (owners.yaml, assets.yaml) with their sources; see docs/ownership-csv.md."
        ),
    ),
    SourceSpec(
        name="ownership_user",
        title="Ownership CSV imported by the user (same format)",
        regime="other",
        authority="user-supplied ownership CSV",
        parse=parse,
        sniff=_sniff,
        description=(
            "Your own holdings (`olivebranch owners import FILE`); active alongside the bundled "
            "chains. Each import replaces the previous one."
        ),
    ),
]

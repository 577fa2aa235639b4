"""FollowTheMoney JSON lines (OpenSanctions exports, our own EU/UK bundles).

One entity per line, ``{"id", "schema", "properties"}``. Statement-style exports with extra keys
(``datasets``, ``referents``, ``first_seen`` …) are accepted; the extra keys are dropped.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from olivebranch.errors import ParseError
from olivebranch.lists.base import MAX_FIELD_CHARS, ListingRule, ParseResult, SourceSpec, check_size

if TYPE_CHECKING:
    from followthemoney import EntityProxy


def read_ftm(path: Path, *, max_line: int = 4 * MAX_FIELD_CHARS) -> list[EntityProxy]:
    """Read and validate every line; the first bad line raises a ``ParseError`` naming it."""
    from followthemoney import model
    from followthemoney.exc import InvalidData

    check_size(path)
    out: dict[str, EntityProxy] = {}
    first_line: dict[str, int] = {}
    with open(path, "rb") as fh:
        lineno = 0
        while raw := fh.readline(max_line + 1):  # bounded: a line never exceeds max_line
            lineno += 1
            if len(raw) > max_line:
                raise ParseError(path, f"line {lineno}", f"line longer than {max_line} bytes "
                                                         "(not a JSON-lines file, or damaged)")
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParseError(path, f"line {lineno}", f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ParseError(path, f"line {lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}") from exc
            if not isinstance(data, dict) or "schema" not in data or "id" not in data:
                raise ParseError(path, f"line {lineno}", "not a FollowTheMoney entity (needs id and schema)")
            if model.get(data["schema"]) is None:
                raise ParseError(path, f"line {lineno}", f"unknown FollowTheMoney schema {data['schema']!r}")
            clean = {"id": data["id"], "schema": data["schema"], "properties": data.get("properties") or {}}
            try:
                proxy = model.get_proxy(clean, cleaned=False)
            except (InvalidData, TypeError, ValueError) as exc:
                raise ParseError(path, f"line {lineno}", f"invalid entity: {exc}") from exc
            key = str(proxy.id)
            if key in out:  # a fragment of an entity seen before: merged, as FtM tools do
                try:
                    out[key] = out[key].merge(proxy)
                except InvalidData as exc:
                    raise ParseError(path, f"line {lineno}", f"entity {key!r} repeats line "
                                     f"{first_line[key]} with another schema: {exc}") from exc
            else:
                out[key] = proxy
                first_line[key] = lineno
    return list(out.values())


def _sniff(path: Path) -> bool:
    if path.is_dir():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip()
    except OSError:
        return False
    return head.startswith(b"{") and b'"schema"' in head


def parse(path: Path) -> ParseResult:
    return ParseResult(entities=read_ftm(path))


#: multi-regime bundles (OpenSanctions): a Sanction's authority says whose listing it is
BY_AUTHORITY = (ListingRule("blocking", by_authority=True), ListingRule("other"))

SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="ftm",
        title="FollowTheMoney JSON lines",
        regime="other",
        authority="OpenSanctions / FollowTheMoney export",
        listing=BY_AUTHORITY,
        parse=parse,
        sniff=_sniff,
        description="Any FollowTheMoney entity file (e.g. an OpenSanctions dataset export).",
    ),
]

SOURCES.append(
    SourceSpec(
        name="opensanctions_zala",
        title="OpenSanctions cluster around LLC CST / Zala Aero (yente test fixture)",
        regime="other",
        authority="OpenSanctions (statements from several authorities)",
        listing=BY_AUTHORITY,
        parse=parse,
        sniff=_sniff,
        bundled="opensanctions_zala/entities.ftm.json",
        bundled_published=date(2026, 4, 29),
        description=(
            "91 FollowTheMoney entities from opensanctions/yente tests/fixtures/dataset/zala "
            "(commit cad6640b): LLC CST (Zala Aero), Alexander Zakharov, Kalashnikov Concern, "
            "with Ownership records (percentages, start/end dates from ext_ru_egrul). Its Sanction "
            "entities come from several regimes' datasets (us_ofac_sdn, gb_fcdo_sanctions, eu_fsf, "
            "ch_seco_sanctions, ua_nsdc_sanctions, …); the dataset tags are dropped on import, so "
            "olivebranch.listings assigns each Sanction to a regime by its authority. "
            "Data licence CC BY-NC 4.0 (OpenSanctions)."
        ),
    )
)

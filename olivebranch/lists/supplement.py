"""OFAC SDN designations newer than the bundled sdn.csv, from a small cited YAML file.

The bundled OFAC primary file is of 2024-05-03 while its alias and address files are of mid-2026.
Designations that matter to energy deals and came later (Gazprom Neft, Surgutneftegas, Rosneft,
Lukoil and their subsidiaries, …) are listed in ``data/lists/us_ofac_sdn_supplement/supplement.yaml``
with their OFAC entry numbers, listing dates and citations. This parser joins each entry number to
the 2026 ``alt.csv``/``add.csv`` for aliases and addresses, and marks every resulting designation as
coming from the supplement (own source name and authority), so users can tell it from OFAC's file.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from olivebranch import yamlsafe
from olivebranch.errors import ParseError
from olivebranch.lists.base import (
    ParseResult,
    SourceSpec,
    check_size,
    is_number,
    make,
    make_sanction,
)
from olivebranch.lists.ofac import (
    ADDRESS_PREFIX,
    apply_aliases,
    build_addresses,
    entity_id,
    load_addresses,
    load_aliases,
    natural_name,
)

AUTHORITY = "US Treasury OFAC (olivebranch supplement)"
FILE_NAME = "supplement.yaml"
MAX_BYTES = 5 * 1024 * 1024
SCHEMATA = ("Company", "Organization", "LegalEntity", "Person", "Vessel", "Airplane")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _yaml_path(path: Path) -> Path:
    return path / FILE_NAME if path.is_dir() else path


def load(path: Path) -> dict[str, Any]:
    """Read and validate the YAML; every problem names the action/entry it is in."""
    file = _yaml_path(path)
    check_size(file)
    if file.stat().st_size > MAX_BYTES:
        raise ParseError(file, None, f"supplement file over {MAX_BYTES} bytes")
    try:
        data = yamlsafe.load(file.read_text(encoding="utf-8"), max_bytes=MAX_BYTES)
    except UnicodeDecodeError as exc:
        raise ParseError(file, f"byte {exc.start}", "not UTF-8 text") from exc
    except yamlsafe.YamlLimitError as exc:
        raise ParseError(file, f"line {exc.line}" if exc.line else None, exc.reason) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise ParseError(file, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("actions"), list):
        raise ParseError(file, None, "not a supplement file: needs a top-level 'actions' list")
    for i, action in enumerate(data["actions"]):
        where = f"actions[{i}]"
        if not isinstance(action, dict):
            raise ParseError(file, where, "an action must be a mapping")
        if not _DATE.match(str(action.get("listing_date", ""))):
            raise ParseError(file, where, "listing_date must be YYYY-MM-DD")
        try:
            date.fromisoformat(str(action["listing_date"]))
        except ValueError:
            raise ParseError(file, where, f"listing_date {str(action['listing_date'])!r} is "
                                          "not a calendar date") from None
        if not action.get("citation"):
            raise ParseError(file, where, "every action needs a citation URL")
        if not isinstance(action.get("entries"), list) or not action["entries"]:
            raise ParseError(file, where, "entries must be a non-empty list")
        for j, entry in enumerate(action["entries"]):
            ewhere = f"{where}.entries[{j}]"
            if not isinstance(entry, dict):
                raise ParseError(file, ewhere, "an entry must be a mapping")
            if not is_number(entry.get("ent_num", "")):
                raise ParseError(file, ewhere, "ent_num must be an OFAC entry number")
            if not entry.get("name"):
                raise ParseError(file, ewhere, "name is required")
            if entry.get("schema", "Company") not in SCHEMATA:
                raise ParseError(file, ewhere, f"schema must be one of {', '.join(SCHEMATA)}")
    return data


def _join_file(folder: Path, data: dict[str, Any], key: str, default: str) -> Path | None:
    rel = ((data.get("meta") or {}).get("join_files") or {}).get(key, default)
    candidate = (folder / str(rel)).resolve()
    return candidate if candidate.is_file() else None


def parse(path: Path) -> ParseResult:
    from followthemoney.exc import InvalidData

    data = load(path)
    file = _yaml_path(path)
    folder = file.parent
    alt_path = _join_file(folder, data, "alt", "../us_ofac_sdn/alt.csv")
    add_path = _join_file(folder, data, "add", "../us_ofac_sdn/add.csv")
    aliases = load_aliases(alt_path)
    addresses = load_addresses(add_path)
    warnings: list[str] = []
    if alt_path is None or add_path is None:
        warnings.append("alt.csv/add.csv to join with not found: entries carry no aliases/addresses")
    entities: dict[str, Any] = {}
    newest: date | None = None
    for action in data["actions"]:
        listed = str(action["listing_date"])
        day = date.fromisoformat(listed)
        newest = day if newest is None or day > newest else newest
        for entry in action["entries"]:
            ent_num = str(entry["ent_num"])
            schema = entry.get("schema", "Company")
            entity = make(schema, entity_id(ent_num))
            name = str(entry["name"])
            if schema == "Person":
                display, first, last = natural_name(name)
                entity.add("name", display)
                if first and last:
                    entity.add("firstName", first)
                    entity.add("lastName", last)
            else:
                entity.add("name", name)
            entity.add("topics", "sanction")
            apply_aliases(entity, aliases.get(ent_num, ()))
            addr = build_addresses(entity, addresses.get(ent_num, ()), ADDRESS_PREFIX)
            if entry.get("note"):
                entity.add("notes", str(entry["note"]))
            if add_path is not None and ent_num not in addresses:
                warnings.append(f"{ent_num} {name}: not in {add_path.name}, so not confirmed as SDN")
                entity.add("notes", "entry number not found in the bundled SDN add.csv")
            uncertain = bool(entry.get("uncertain", action.get("uncertain", False)))
            summary = (
                f"olivebranch supplement (OFAC designation after the bundled 2024-05-03 sdn.csv); "
                f"listing date {listed}"
                + (" inferred from the parent's designation" if entry.get("date_basis") else "")
                + ("; UNCERTAIN: not checked against OFAC's own file" if uncertain else "")
            )
            sanction = make_sanction(
                entity,
                sanction_id=f"ofac-{ent_num}-sdn-supplement",
                authority=AUTHORITY,
                authority_id=ent_num,
                programs=list(entry.get("programs") or action.get("programs") or []),
                listing_date=listed,
                source_url=str(action["citation"]),
            )
            sanction.add("summary", summary)
            for src in action.get("sources") or []:
                prop = "sourceUrl" if str(src).startswith("http") else "description"
                sanction.add(prop, str(src))
            if uncertain:
                sanction.add("status", "uncertain")
            for e in [entity, sanction, *addr]:
                assert e.id is not None
                try:
                    entities[e.id] = entities[e.id].merge(e) if e.id in entities else e
                except InvalidData as exc:
                    raise ParseError(file, f"entry {ent_num}", "listed twice with different "
                                     f"schemas ({entities[e.id].schema.name}, "
                                     f"{e.schema.name})") from exc
    return ParseResult(entities=list(entities.values()), published=newest, warnings=warnings)


def _sniff(path: Path) -> bool:
    file = _yaml_path(path)
    if not file.is_file():
        return False
    try:
        with open(file, "rb") as fh:
            head = fh.read(16384)
    except OSError:
        return False
    return b"actions:" in head and b"ent_num" in head


SOURCES: list[SourceSpec] = [
    SourceSpec(
        name="us_ofac_sdn_supplement",
        title="OFAC SDN designations after 2024-05-03 (olivebranch supplement, cited YAML)",
        regime="us",
        authority=AUTHORITY,
        id_prefix="ofac-",
        label="OFAC SDN",
        parse=parse,
        sniff=_sniff,
        bundled="us_ofac_sdn_supplement",
        # published = the newest listing_date in the file (ParseResult.published)
        description="Post-May-2024 SDN designations relevant to energy deals, joined to the 2026 "
        "OFAC alias/address files by entry number; every designation cites its source.",
    ),
]

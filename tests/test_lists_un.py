"""UN Security Council consolidated list: counts from the raw bundled XML, known entries."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from olivebranch.lists import un
from olivebranch.lists.base import ParseResult
from olivebranch.lists.importer import import_path


@pytest.fixture(scope="module")
def un_path() -> Path:
    from olivebranch.paths import LISTS_DIR

    return LISTS_DIR / "un_sc" / "UN_consolidated.xml"


@pytest.fixture(scope="module")
def parsed(un_path: Path) -> ParseResult:
    return un.parse(un_path)


def test_counts_match_raw_file(un_path: Path, parsed: ParseResult) -> None:
    raw = un_path.read_text(encoding="utf-8")
    individuals = len(re.findall(r"<INDIVIDUAL>", raw))
    entities = len(re.findall(r"<ENTITY>", raw))
    assert (individuals, entities) == (730, 273)
    schemata = Counter(e.schema.name for e in parsed.entities)
    assert schemata["Person"] == individuals
    assert schemata["Company"] + schemata["Organization"] == entities
    assert schemata["Sanction"] == individuals + entities
    programs = Counter(p for e in parsed.entities if e.schema.name == "Sanction"
                       for p in e.get("program"))
    raw_programs = Counter(re.findall(r"<UN_LIST_TYPE>([^<]+)</UN_LIST_TYPE>", raw))
    assert programs == raw_programs
    assert programs["Al-Qaida"] == 341


def test_published_from_date_generated(parsed: ParseResult) -> None:
    assert parsed.published == date(2026, 2, 27)


def test_known_individual(parsed: ParseResult) -> None:
    by_id = {e.id: e for e in parsed.entities}
    p = by_id["un-6907993"]
    assert p.get("name") == ["ERIC BADEGE"]
    assert p.get("nationality") == ["cd"]
    assert p.get("birthDate") == ["1971"]
    s = by_id["un-6907993-sanction"]
    assert s.get("authorityId") == ["CDi.001"]
    assert s.get("listingDate") == ["2012-12-31"]
    assert s.get("program") == ["DRC"]
    assert s.get("entity") == ["un-6907993"]


def test_aliases_documents_and_scripts(parsed: ParseResult) -> None:
    persons = [e for e in parsed.entities if e.schema.name == "Person"]
    assert sum(1 for p in persons if p.get("weakAlias")) > 100  # "Low" quality aliases
    assert sum(1 for p in persons if p.get("passportNumber")) > 150
    # NAME_ORIGINAL_SCRIPT (Arabic, Korean …) becomes an alias
    assert any(any(not a.isascii() for a in p.get("alias")) for p in persons)
    ranged = [p for p in persons if len(p.get("birthDate")) >= 2]
    assert ranged


def test_import_into_store(store, un_path: Path) -> None:
    report = import_path(store, un_path, "un_sc")
    assert report.version is not None
    assert report.version.published == date(2026, 2, 27)
    des = store.designations(entity_id="un-6907993")
    assert [(d.regime, d.source_id, d.listing_date) for d in des] == [
        ("un", "CDi.001", "2012-12-31")
    ]
    again = import_path(store, un_path, "un_sc")
    assert again.skipped

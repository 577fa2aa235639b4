"""Australia DFAT consolidated XLSX: counts from the raw bundled workbook, grouping of name
rows by Reference, known entries, broken inputs."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from olivebranch.errors import ParseError
from olivebranch.lists import dfat
from olivebranch.lists.base import ParseResult
from olivebranch.paths import LISTS_DIR

XLSX = LISTS_DIR / "au_dfat" / "regulation8_consolidated.xlsx"


@pytest.fixture(scope="module")
def parsed() -> ParseResult:
    return dfat.parse(XLSX)


def test_counts_match_raw(parsed: ParseResult) -> None:
    wb = load_workbook(XLSX, read_only=True)
    rows = [r for r in wb.active.iter_rows(values_only=True, max_col=12)][1:]
    wb.close()
    named = [r for r in rows if r[0] is not None]
    assert len(named) == 9553
    refs = {re.match(r"\s*(\d+)", str(r[0])).group(1): (r[10] or "").strip() for r in named}
    assert len(refs) == 3062
    sanctions = [e for e in parsed.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == len(refs)
    russia = sum(1 for c in refs.values() if c in ("Autonomous (Russia)", "Autonomous (Ukraine)"))
    assert russia == 1488
    programs = Counter(s.get("program")[0] for s in sanctions if s.get("program"))
    assert programs["Autonomous (Russia)"] + programs["Autonomous (Ukraine)"] == russia
    assert parsed.published == date(2024, 11, 11)  # latest Control Date


def test_alias_rows_are_grouped(parsed: ParseResult) -> None:
    by_id = {e.id: e for e in parsed.entities}
    baynah = by_id["au-dfat-1140"]
    assert baynah.get("name") == ["Yasin Ali Baynah"]
    assert len(baynah.get("alias")) == 15  # rows 1140a … 1140o ("1140g " has a trailing space)
    assert baynah.get("birthDate") == ["1965-12-24"]
    assert by_id["au-dfat-1140-sanction"].get("listingDate") == ["2010-04-12"]
    akhund = by_id["au-dfat-2"]
    assert "محمد حسن أخوند" in akhund.get("alias")  # Original Script row
    assert "1955" in akhund.get("birthDate")
    santos = by_id["au-dfat-1061"]
    assert santos.get("passportNumber") == ["AA780554"]
    assert "au-dfat-34" in by_id and "au-dfat-34c1" not in by_id


def test_not_the_dfat_layout(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["Name", "Country"])
    wb.active.append(["Someone", "Nowhere"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert not dfat.sniff(path)
    with pytest.raises(ParseError, match="missing columns"):
        dfat.parse(path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Reference,Name of Individual or Entity\n1,X\n")
    with pytest.raises(ParseError, match="not an XLSX"):
        dfat.parse(path)



def test_empty_and_truncated_workbook(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        dfat.parse(empty)
    data = XLSX.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ParseError, match="XLSX|zip"):
        dfat.parse(cut)

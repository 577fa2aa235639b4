"""OFSI ConList: the full 2025-04-10 XLSX (bundled), the official CSV layout, the modified
2020 CSV excerpt, and broken inputs."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from olivebranch.errors import ParseError
from olivebranch.lists import fields, uk_ofsi
from olivebranch.lists.base import ParseResult
from olivebranch.lists.fields import xlsx_rows
from olivebranch.paths import LISTS_DIR, REPO_DIR

XLSX = LISTS_DIR / "gb_ofsi" / "UK_Sanctions_List_2025-04-10.xlsx"
CSV_2020 = REPO_DIR / "tests" / "fixtures" / "lists" / "ofsi_conlist_2020_excerpt.csv"


@pytest.fixture(scope="module")
def raw_rows() -> list[tuple]:
    wb = load_workbook(XLSX, read_only=True)
    rows = [tuple(r) for r in wb["Data"].iter_rows(values_only=True)]
    wb.close()
    return rows


@pytest.fixture(scope="module")
def parsed() -> ParseResult:
    return uk_ofsi.parse(XLSX)


def test_fast_xlsx_reader_matches_openpyxl(raw_rows: list[tuple]) -> None:
    def trim(row: tuple) -> tuple:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        return tuple(values)

    ours = [trim(r) for r in xlsx_rows(XLSX, sheet="Data")]
    assert ours == [trim(r) for r in raw_rows]


def test_xlsx_counts_match_raw(raw_rows: list[tuple], parsed: ParseResult) -> None:
    header = list(raw_rows[1])
    gid, gtype, regime = (header.index(c) for c in ("Group ID", "Group Type", "Regime"))
    groups = {r[gid]: (r[gtype], r[regime]) for r in raw_rows[2:] if r[gid]}
    assert len(groups) == 4686
    assert parsed.published == date(2025, 4, 10)
    sanctions = [e for e in parsed.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == len(groups)
    schemata = Counter(e.schema.name for e in parsed.entities)
    types = Counter(t for t, _ in groups.values())
    assert schemata["Person"] == types["Individual"] == 3662
    assert schemata["Vessel"] == types["Ship"] == 15
    assert schemata["Company"] + schemata["Organization"] == types["Entity"]
    russia = sum(1 for s in sanctions if s.get("program") == ["Russia"])
    assert russia == sum(1 for _, r in groups.values() if r == "Russia") == 2181


def test_xlsx_known_entries(parsed: ParseResult) -> None:
    by_id = {e.id: e for e in parsed.entities}
    sechin = by_id["gb-ofsi-14213"]
    assert sechin.get("name") == ["Igor Ivanovich SECHIN"]
    assert "Игорь Иванович СЕЧИН" in sechin.get("alias")
    assert sechin.get("birthDate") == ["1960-09-07"]
    s = by_id["gb-ofsi-14213-sanction"]
    assert s.get("listingDate") == ["2022-03-10"]
    assert s.get("recordId") == ["RUS0273"]  # UK Sanctions List Ref, links to gb_fcdo
    gpn = by_id["gb-ofsi-16736"]
    assert gpn.get("innCode") == ["5504036333"]
    assert by_id["gb-ofsi-16736-sanction"].get("listingDate") == ["2025-01-10"]
    assert by_id["gb-ofsi-16735-sanction"].get("listingDate") == ["2025-01-10"]
    assert sum(1 for e in parsed.entities if e.get("weakAlias", quiet=True)) > 100


def test_official_csv_layout(raw_rows: list[tuple], tmp_path: Path) -> None:
    """The ConList.csv has the same rows: first line Last Updated, then the header."""
    path = tmp_path / "ConList.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["Last Updated", "10/04/2025"])
        for row in raw_rows[1:400]:
            w.writerow(["" if c is None else c for c in row])
    result = uk_ofsi.parse(path)
    assert result.published == date(2025, 4, 10)
    assert result.warnings == []
    gid = raw_rows[1].index("Group ID")
    expected = {r[gid] for r in raw_rows[2:400]}
    assert {e.id for e in result.entities if e.schema.name != "Sanction"} == {
        f"gb-ofsi-{g}" for g in expected
    }
    assert uk_ofsi.sniff(path)


def test_csv_2020_excerpt() -> None:
    result = uk_ofsi.parse(CSV_2020)
    assert result.published is None
    text = " ".join(result.warnings)
    assert "no 'Last Updated' line" in text
    assert "leading empty column" in text
    assert "Windows-1252" in text
    sanctions = [e for e in result.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == 41
    by_id = {e.id: e for e in result.entities}
    q = by_id["gb-ofsi-13349"]
    assert q.get("name") == ["Sheikh Farooq AL-QAHTANI"]
    assert sorted(q.get("nationality")) == ["qa", "sa"]  # "1) Saudi Arabia 2) Qatar"
    assert q.get("birthDate") == ["1980", "1981"]  # 00/00/1980
    assert q.get("passportNumber") == ["592667"]
    assert by_id["gb-ofsi-13349-sanction"].get("listingDate") == ["2016-04-01"]


def test_utf16_csv_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(CSV_2020.read_bytes().decode("cp1252").encode("utf-16"))
    with pytest.raises(ParseError, match="UTF-16"):
        uk_ofsi.parse(path)


def test_csv_without_conlist_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Last Updated,01/01/2025\nName,Country\nA,B\n")
    with pytest.raises(ParseError, match="missing columns"):
        uk_ofsi.parse(path)


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        uk_ofsi.parse(path)


def test_huge_field(tmp_path: Path) -> None:
    lines = CSV_2020.read_bytes().decode("cp1252").splitlines()
    lines[1] = lines[1].replace("UN Ref QDe.004.", "X" * 120_000, 1)
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ParseError, match="exceeds") as err:
        uk_ofsi.parse(path)
    assert "line 2" in str(err.value)


def test_xlsx_of_another_layout(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Last Updated", "01/01/2025"])
    ws.append(["Name", "Address"])
    ws.append(["Someone", "Somewhere"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert not uk_ofsi.sniff(path)
    with pytest.raises(ParseError, match="missing columns"):
        uk_ofsi.parse(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = XLSX.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match="XLSX|zip"):
        uk_ofsi.parse(path)


def test_xlsx_zip_bomb_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "MAX_XLSX_UNCOMPRESSED", 8 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(16):
                fh.write(chunk)
    with pytest.raises(ParseError, match="zip bomb"):
        uk_ofsi.parse(path)



def test_truncated_csv(tmp_path: Path) -> None:
    data = CSV_2020.read_bytes()
    path = tmp_path / "ConList.csv"
    path.write_bytes(data[: len(data) - 300])  # cut inside the last row
    with pytest.raises(ParseError, match="truncated") as err:
        uk_ofsi.parse(path)
    assert "line " in str(err.value)


def test_short_row_in_the_middle_is_skipped_with_warning(tmp_path: Path) -> None:
    lines = CSV_2020.read_bytes().decode("cp1252").splitlines()
    lines.insert(5, "ONLY,THREE,FIELDS")
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = uk_ofsi.parse(path)
    assert any("line 6" in w and "row skipped" in w for w in result.warnings)
    assert sum(1 for e in result.entities if e.schema.name == "Sanction") == 41

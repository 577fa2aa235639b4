"""Tables written as CSV, XLSX and JSON lines, read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from olivebranch.errors import InvalidInput
from olivebranch.exports import (
    Table,
    choose_format,
    findings_table,
    render,
    screening_table,
    unlock_table,
    write,
)


def _table() -> Table:
    return Table("verdicts", ["deal", "title", "us", "value", "when", "parties"], [
        ["arctic-lng-2", "Arctic LNG 2 — доля", "prohibited", 12.5, date(2026, 12, 7),
         ["novatek", "total"]],
        ["evil", "=HYPERLINK(\"http://x\")", "clear", 3, None, []],
    ], title="t", notes=["as of 2026-12-07"], verdict_columns={"us"})


def test_choose_format_by_option_extension_and_default() -> None:
    assert choose_format("out.csv") == "csv"
    assert choose_format("OUT.XLSX") == "xlsx"
    assert choose_format("out.ndjson") == "jsonl"
    assert choose_format("out.csv", "xlsx") == "xlsx"
    assert choose_format("-") == "jsonl" and choose_format(None) == "jsonl"
    with pytest.raises(InvalidInput, match="--format"):
        choose_format("out.csv", "pdf")
    with pytest.raises(InvalidInput, match="extension"):
        choose_format("out.txt")


def test_csv_round_trip_with_and_without_bom() -> None:
    plain = render(_table(), "csv")
    assert not plain.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(plain.decode("utf-8"))))
    assert rows[0] == ["deal", "title", "us", "value", "when", "parties"]
    assert rows[1] == ["arctic-lng-2", "Arctic LNG 2 — доля", "prohibited", "12.5", "2026-12-07",
                       "novatek; total"]
    assert rows[2][1].startswith("'=")  # never a formula in a spreadsheet
    excel = render(_table(), "csv", bom=True)
    assert excel.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(excel.decode("utf-8-sig")))) == rows


def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert write(_table(), path) == "xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["verdicts", "about"]
    ws = wb["verdicts"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["deal", "title", "us", "value", "when", "parties"]
    assert values[1][:4] == ["arctic-lng-2", "Arctic LNG 2 — доля", "prohibited", 12.5]
    assert values[1][4].date() == date(2026, 12, 7) and values[1][5] == "novatek; total"
    assert values[2][1] == '=HYPERLINK("http://x")' and ws["B3"].data_type == "s"
    assert ws["C2"].fill.fgColor.rgb.endswith("C62828")  # the prohibited colour
    assert ws.freeze_panes == "A2"
    assert wb["about"]["D2"].value == "as of 2026-12-07"


def test_jsonl_and_stdout(tmp_path: Path) -> None:
    out = io.BytesIO()
    assert write(_table(), "-", stdout=out) == "jsonl"
    first = json.loads(out.getvalue().decode().splitlines()[0])
    assert first["deal"] == "arctic-lng-2" and first["when"] == "2026-12-07"
    assert first["parties"] == ["novatek", "total"]
    csv_out = io.BytesIO()
    write(_table(), "-", "csv", stdout=csv_out)
    assert csv_out.getvalue().startswith(b"deal,title")

    class Tty(io.BytesIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(InvalidInput, match="redirect"):
        write(_table(), "-", "xlsx", stdout=Tty())
    piped = io.BytesIO()
    write(_table(), "-", "xlsx", stdout=piped)
    assert load_workbook(io.BytesIO(piped.getvalue()))["verdicts"]["A2"].value == "arctic-lng-2"


def test_several_tables_and_hostile_cells() -> None:
    nasty = Table("a/b:c*?", ["x"], [["bell\x07 and \x00 nul"], [{"k": 1}]])
    data = render([nasty, _table(), Table("verdicts", ["y"], [[1]])], "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["a-b-c--", "verdicts", "verdicts (2)", "about"]
    assert wb["a-b-c--"]["A2"].value == "bell and  nul"
    lines = render([nasty, _table()], "jsonl").decode().splitlines()
    assert json.loads(lines[0])["table"] == "a/b:c*?" and len(lines) == 4


def test_builders_shape() -> None:
    verdict = {"deal_id": "d1", "title": "Deal one", "scenario": "status-quo",
               "as_of": "2026-12-07", "regimes": {
                   "us": {"verdict": "prohibited", "findings": [{
                       "rule_id": "US-X", "effect": "prohibited", "title": "Blocked party",
                       "instrument": "EO 14024", "citation": "31 CFR 587", "confidence": "high",
                       "lifted_by": "executive", "text": "…", "party": "p1", "evidence": [
                           {"kind": "list_entry", "source": "us_ofac_sdn", "source_id": "1",
                            "caption": "ACME", "entity_id": "ofac-1"},
                           {"kind": "ownership_path", "path": "a → b (60%)"},
                           {"kind": "fact", "fact": "asset.arctic", "value": True}]}]},
                   "eu": {"verdict": "clear", "findings": []}}}
    t = findings_table(verdict)
    recs = t.records()
    assert [r["regime"] for r in recs] == ["us", "eu"]
    assert recs[0]["list entries"] == ["us_ofac_sdn 1 ACME (ofac-1)"]
    assert recs[0]["ownership paths"] == ["a → b (60%)"]
    assert recs[0]["facts"] == ["asset.arctic = True"] and recs[1]["title"] == "no rule fired"
    # the shape of olivebranch.unlock.Unlock.as_dict()
    unlock = {"deal": "d1", "title": "Deal one", "as_of": "2026-12-07", "target": "clear",
              "actors": {"us_president": "US President alone"},
              "regimes": {
                  "us": {"regime": "us", "verdict": "prohibited", "target": "clear",
                         "unlocked_already": False, "paths": [
                             {"cost": 1, "verdict_after": "clear", "still_firing": [],
                              "moves": [{"move": "delist:us:acme", "kind": "delist",
                                         "actor": "us_president", "what": "delist ACME",
                                         "rules": ["US-X"]}]},
                             {"cost": 2, "verdict_after": "clear", "still_firing": ["US-R"],
                              "moves": [{"move": "lift:US-X", "kind": "lift",
                                         "actor": "us_president", "what": "lift US-X",
                                         "rules": ["US-X"]},
                                        {"move": "lift:US-Y", "kind": "lift",
                                         "actor": "us_president", "what": "lift US-Y",
                                         "rules": ["US-Y"]}]}]},
                  "eu": {"regime": "eu", "verdict": "clear", "target": "clear",
                         "unlocked_already": True, "paths": []}}}
    u = unlock_table(unlock).records()
    assert [(r["regime"], r["path"], r["move"]) for r in u] == [
        ("us", 1, "delist:us:acme"), ("us", 2, "lift:US-X"), ("us", 2, "lift:US-Y"),
        ("eu", None, None)]
    assert u[0]["who"] == "US President alone" and u[3]["what"] == "nothing in the way"
    s = screening_table([{"id": "r1", "results": [{"entity_id": "e", "score": 0.9}]},
                         {"id": "r2", "line": 3, "error": "no name", "results": []}])
    assert [(r["id"], r["rank"], r["error"]) for r in s.records()] == [
        ("r1", 1, None), ("r2", None, "no name")]


def test_read_upload_csv_variants_and_xlsx() -> None:
    from olivebranch.exports import read_upload, to_csv

    comma = "id,name,country\r\n1,Роснефть,ru\r\n\r\n2,\"Acme, Inc\",us\r\n".encode()
    t = read_upload(b"\xef\xbb\xbf" + comma, "batch.csv")
    assert t.columns == ["id", "name", "country"]
    assert t.rows == [["1", "Роснефть", "ru"], ["2", "Acme, Inc", "us"]]
    semi = read_upload("id;name;country\n1;Müller GmbH;de\n".encode(), "excel-de.csv")
    assert semi.rows == [["1", "Müller GmbH", "de"]]
    tabs = read_upload(b"id\tname\n1\t=cmd\n", "t.tsv")
    assert tabs.rows == [["1", "=cmd"]]
    # kept exact for a program (the batch), guarded for a spreadsheet
    assert b"=cmd" in to_csv(tabs, safe=False) and b"'=cmd" in to_csv(tabs)
    xlsx = render(Table("in", ["id", "name", "birth_date"],
                        [[1, "Ivan Petrov", date(1960, 2, 29)], [None, None, None]]), "xlsx")
    x = read_upload(xlsx, "batch.xlsx")
    assert x.columns == ["id", "name", "birth_date"]
    assert x.rows == [["1", "Ivan Petrov", "1960-02-29"]]
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_upload(b"id,name\n1,\xe9\xe8\n", "latin.csv")
    with pytest.raises(InvalidInput, match="XLSX"):
        read_upload(b"PK\x03\x04broken", "broken.xlsx")
    with pytest.raises(InvalidInput, match="more than 1 rows"):
        read_upload(b"a\n1\n2\n", "x.csv", max_rows=1)

"""The CLI writes CSV, XLSX or JSON lines by --format or the output's extension, and to
standard output with ``-``; ``deal validate`` and ``scenario validate`` list every problem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from followthemoney import model
from openpyxl import load_workbook
from test_api_support import copy_store
from test_validation import BROKEN_DEAL, BROKEN_SCENARIO
from typer.testing import CliRunner

from olivebranch.cli import app as cli
from olivebranch.store import Store


@pytest.fixture(scope="module")
def env(bundled_store, tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("cli-exports")
    url = copy_store(bundled_store, home / "ws.sqlite")
    return {"OLIVEBRANCH_DB": url, "OLIVEBRANCH_HOME": str(home), "COLUMNS": "200"}


def run(env: dict[str, str], *args: str, code: int = 0):
    result = CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _sheet(path: Path, name: str | None = None) -> list[dict[str, object]]:
    wb = load_workbook(path)
    ws = wb[name] if name else wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_validate_commands_list_every_problem(env, tmp_path: Path) -> None:
    deal = tmp_path / "broken.yaml"
    deal.write_text(BROKEN_DEAL, encoding="utf-8")
    out = run(env, "deal", "validate", str(deal), code=1).output
    assert "11 problems" in out and "did you mean 'investor'" in out and "stakes[0].holder" in out
    as_json = json.loads(run(env, "deals", "validate", "--json", str(deal), code=1).stdout)
    assert len(as_json[0]["problems"]) == 11
    scen = tmp_path / "broken-scenario.yaml"
    scen.write_text(BROKEN_SCENARIO, encoding="utf-8")
    out = run(env, "scenario", "validate", str(scen), code=1).output
    assert "did you mean 'status-quo'" in out and "did you mean 'US-EO14024-BLOCKING'" in out
    good = Path(__file__).parents[1] / "data" / "scenarios" / "us-executive-relief.yaml"
    assert "valid scenario" in run(env, "scenario", "validate", str(good)).output


def test_screen_batch_writes_csv_xlsx_jsonl_and_stdout(env, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,schema,name,birth_date,identifier,country\n"
                   "r1,Company,Rosneft,,,ru\nr2,Person,Nobody Inparticular,,,\n"
                   "r3,Person,Bad Date,31/02/1960,,\n", encoding="utf-8")
    jsonl = tmp_path / "out.jsonl"
    run(env, "screen", "--input", str(src), "--output", str(jsonl))
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["r1", "r2", "r3"]
    hits = [x["entity_id"] for x in records[0]["results"]]
    assert hits
    as_csv = tmp_path / "out.csv"
    run(env, "screen", "--input", str(src), "--output", str(as_csv), "--bom")
    assert as_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _csv(as_csv)
    assert [r["entity_id"] for r in rows if r["id"] == "r1"] == hits
    assert {r["id"] for r in rows} == {"r1", "r2", "r3"}
    assert not (tmp_path / "out.csv.jsonl").exists()  # the working file is gone
    as_xlsx = tmp_path / "out.xlsx"
    run(env, "screen", "--input", str(src), "--output", str(as_xlsx))
    sheet = _sheet(as_xlsx)
    assert [r["entity_id"] for r in sheet if r["id"] == "r1"] == hits
    assert all(isinstance(r["score"], int | float) for r in sheet if r["entity_id"])
    piped = run(env, "screen", "--input", str(src), "--output", "-", "--format", "csv").stdout
    assert [r["entity_id"] for r in csv.DictReader(io.StringIO(piped)) if r["id"] == "r1"] == hits
    lines = run(env, "screen", "--input", str(src), "--output", "-").stdout.splitlines()
    assert [json.loads(x)["id"] for x in lines if x.startswith("{")] == ["r1", "r2", "r3"]


def test_assess_and_scenario_tables(env, tmp_path: Path) -> None:
    xlsx = tmp_path / "verdicts.xlsx"
    run(env, "assess", "--all", "--output", str(xlsx))
    rows = _sheet(xlsx, "verdicts")
    matrix = json.loads(run(env, "assess", "--all", "--format", "json").stdout)
    assert {r["deal"]: r["us"] for r in rows} == {
        v["deal_id"]: v["regimes"]["us"]["verdict"] for v in matrix}
    findings = tmp_path / "findings.csv"
    run(env, "assess", "arctic-lng-2-us-stake", "--explain", "--output", str(findings))
    frows = _csv(findings)
    assert {r["deal"] for r in frows} == {"arctic-lng-2-us-stake"}
    assert any(r["regime"] == "us" and r["effect"] == "prohibited" and r["citation"]
               for r in frows)

    compare = tmp_path / "compare.xlsx"
    run(env, "scenario", "compare", "status-quo", "us-executive-relief", "--output", str(compare))
    crows = _sheet(compare)
    moved = {r["deal"]: r for r in crows}
    assert moved and all(r["moved"] for r in crows)
    arctic = moved["arctic-lng-2-us-stake"]
    assert arctic["us (status-quo)"] == "prohibited" and arctic["us (us-executive-relief)"] == "clear"

    heat = tmp_path / "heat.csv"
    run(env, "scenario", "matrix", "status-quo", "us-executive-relief", "--output", str(heat))
    hrows = _csv(heat)
    assert {r["scenario"] for r in hrows} == {"status-quo", "us-executive-relief"}
    assert {(r["scenario"], r["deal"]): r["us"] for r in hrows}[
        ("us-executive-relief", "arctic-lng-2-us-stake")] == "clear"

    summary = tmp_path / "summary.xlsx"
    run(env, "scenario", "summary", "status-quo", "us-executive-relief", "--output", str(summary))
    wb = load_workbook(summary)
    assert wb.sheetnames == ["summary", "obstacles", "about"]
    srows = _sheet(summary, "summary")
    assert [r["scenario"] for r in srows] == ["status-quo", "us-executive-relief"]
    assert srows[1]["us clear"] >= srows[0]["us clear"]
    ran = tmp_path / "run.csv"
    run(env, "scenario", "run", "us-executive-relief", "--output", str(ran))
    rrows = {r["deal"]: r for r in _csv(ran)}
    assert rrows["arctic-lng-2-us-stake"]["us (us-executive-relief)"] == "clear"
    run(env, "scenario", "run", "us-executive-relief", "--baseline", "", "--output", str(ran))
    assert {r["scenario"] for r in _csv(ran)} == {"us-executive-relief"}
    # xlsx refused on a terminal is tested in test_exports; jsonl to stdout here
    out = run(env, "scenario", "compare", "status-quo", "us-executive-relief", "--format",
              "jsonl").stdout
    assert json.loads(out.splitlines()[0])["deal"] in moved


def test_export_entities_as_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    company = model.make_entity("Company")
    company.id = "test-acme"
    company.add("name", "=ACME Holdings")
    company.add("jurisdiction", "ru")
    Store(url).add_version("ftm", [company], regime="other", note="test")
    env = {"OLIVEBRANCH_DB": url, "OLIVEBRANCH_HOME": str(tmp_path)}
    dest = tmp_path / "entities.xlsx"
    run(env, "export", "--out", str(dest))
    rows = _sheet(dest)
    assert [(r["id"], r["name"], r["jurisdiction"]) for r in rows] == [
        ("test-acme", "=ACME Holdings", "ru")]
    as_csv = run(env, "export", "--format", "csv").stdout
    assert "'=ACME Holdings" in as_csv  # not a formula in a spreadsheet
    ftm = run(env, "export").stdout
    assert json.loads(ftm.splitlines()[0])["id"] == "test-acme"

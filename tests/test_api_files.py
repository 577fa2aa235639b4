"""Files in and out of the API: deal and scenario validation in YAML or JSON (every problem
at once), saving with every problem listed, tables downloaded as CSV and XLSX."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from test_api_support import shared_state
from test_validation import BROKEN_DEAL, BROKEN_SCENARIO

from olivebranch.api.state import AppState
from olivebranch.app import create_app
from olivebranch.validation import read_document

YAML = {"Content-Type": "application/yaml"}


@pytest.fixture(scope="module")
def ob(bundled_store, tmp_path_factory) -> AppState:
    return shared_state(bundled_store, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(ob: AppState):
    with TestClient(create_app(ob.settings, state=ob), raise_server_exceptions=False) as c:
        yield c


def test_deal_validate_accepts_yaml_and_json_and_lists_every_problem(client: TestClient) -> None:
    as_yaml = client.post("/api/deals/validate", content=BROKEN_DEAL.encode(), headers=YAML)
    assert as_yaml.status_code == 200, as_yaml.text
    body = as_yaml.json()
    assert body["valid"] is False and len(body["problems"]) == 11
    by_path = {p["path"]: p for p in body["problems"]}
    assert by_path["parties[0].role"]["suggestion"] == "investor"
    assert by_path["parties[0].role"]["line"] == 15
    assert body["field"] == body["problems"][0]["path"] and body["error"]
    as_json = client.post("/api/deals/validate", json=yaml.safe_load(BROKEN_DEAL))
    assert {p["path"] for p in as_json.json()["problems"]} == set(by_path)
    good = client.get("/api/deals/arctic-lng-2-us-stake").json()["deal"]
    text = yaml.safe_dump(good, allow_unicode=True)
    for ctype in ("application/yaml", "text/yaml", "text/plain"):
        ok = client.post("/api/deals/validate", content=text.encode(),
                         headers={"Content-Type": ctype}).json()
        assert ok["valid"] is True and ok["id"] == "arctic-lng-2-us-stake", ok
    bad_json = client.post("/api/deals/validate", content=b'{"id": ',
                           headers={"Content-Type": "application/json"}).json()
    assert bad_json["valid"] is False and bad_json["problems"][0]["code"] == "syntax"


def test_scenario_validate_yaml_and_json(client: TestClient) -> None:
    resp = client.post("/api/scenarios/validate", content=BROKEN_SCENARIO.encode(), headers=YAML)
    assert resp.status_code == 200, resp.text
    by_path = {p["path"]: p for p in resp.json()["problems"]}
    assert by_path["base[0]"]["suggestion"] == "status-quo"  # the catalogue's names
    assert by_path["changes[0].lift.rules[0]"]["suggestion"] == "US-EO14024-BLOCKING"
    assert len(by_path) >= 9
    good = {"name": "my-relief", "title": "t", "description": "d", "assumptions": ["a"],
            "base": ["status-quo"], "changes": [{"set_date": "2026-12-31"}]}
    assert client.post("/api/scenarios/validate", json=good).json()["valid"] is True
    assert client.post("/api/scenarios/validate", json=[1]).json()["valid"] is False


def test_saving_a_broken_deal_lists_every_problem(client: TestClient, ob: AppState) -> None:
    from olivebranch.api import auth

    key = auth.create_key(ob.store, "files analyst", "analyst")[0]
    resp = client.post("/api/deals", json=yaml.safe_load(BROKEN_DEAL),
                       headers={"X-API-Key": key})
    assert resp.status_code == 400
    detail = resp.json()["detail"]
    assert "11 problems" in detail and "parties[0].role" in detail and "stakes[0].holder" in detail


def _rows_csv(resp) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))


def _rows_xlsx(resp, sheet: str | None = None) -> list[dict[str, object]]:
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_findings_download_csv_and_xlsx(client: TestClient) -> None:
    url = "/api/exports/deals/arctic-lng-2-us-stake/findings"
    assessment = client.get("/api/deals/arctic-lng-2-us-stake/assessment").json()
    as_xlsx = client.get(url, params={"format": "xlsx"})
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="findings-arctic-lng-2-us-stake-status-quo-' in \
        as_xlsx.headers["content-disposition"]
    rows = _rows_xlsx(as_xlsx)
    expected = {(r, f["rule_id"]) for r, rv in assessment["regimes"].items()
                for f in rv["findings"]}
    assert {(r["regime"], r["rule"]) for r in rows if r["rule"]} == expected
    us = [r for r in rows if r["regime"] == "us"]
    assert all(r["regime verdict"] == assessment["regimes"]["us"]["verdict"] for r in us)
    # Accept header chooses the format; CSV by default, with a BOM on request
    by_accept = client.get(url, headers={"Accept": "text/csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert {(r["regime"], r["rule"]) for r in _rows_csv(by_accept) if r["rule"]} == expected
    assert client.get(url, params={"bom": "true"}).content.startswith(b"\xef\xbb\xbf")
    assert client.get("/api/exports/deals/no-such-deal/findings").status_code == 404
    assert client.get(url, params={"format": "pdf"}).status_code == 422


def test_heatmap_and_compare_downloads(client: TestClient) -> None:
    heat = client.get("/api/exports/heatmap", params={
        "scenarios": ["status-quo", "us-executive-relief"], "format": "xlsx"})
    assert heat.status_code == 200, heat.text
    rows = _rows_xlsx(heat)
    run = client.get("/api/scenarios/us-executive-relief/run").json()
    expected = {d["deal"]: d["verdicts"]["us"] for d in run["deals"]}
    assert {r["deal"]: r["us"] for r in rows if r["scenario"] == "us-executive-relief"} == expected
    assert {r["scenario"] for r in rows} == {"status-quo", "us-executive-relief"}
    compare = client.get("/api/exports/compare", params={"b": "us-executive-relief",
                                                         "moved": "true"})
    api = client.get("/api/scenarios/compare", params={"b": "us-executive-relief"}).json()
    moved = {d["deal"] for d in api["diffs"] if d["moved"]}
    crows = _rows_csv(compare)
    assert {r["deal"] for r in crows} == moved and moved
    assert client.get("/api/exports/compare", params={"b": "nope"}).status_code == 404
    jsonl = client.get("/api/exports/compare", params={"b": "us-executive-relief"},
                       headers={"Accept": "application/x-ndjson"})
    assert len(jsonl.text.splitlines()) == len(api["diffs"])


def test_saving_a_broken_scenario_lists_every_problem(client: TestClient, ob: AppState) -> None:
    from olivebranch.api import auth

    key = auth.create_key(ob.store, "files analyst 2", "analyst")[0]
    # (yaml.safe_load itself would crash on 2026-02-31: the validator's reader keeps dates text)
    resp = client.post("/api/scenarios", json=read_document(BROKEN_SCENARIO).data,
                       headers={"X-API-Key": key})
    assert resp.status_code == 400
    detail = resp.json()["detail"]
    for path in ("name", "assumptions", "changes[0].lift.regime", "changes[1].set_date",
                 "changes[3]"):
        assert f"  - {path}: " in detail, detail

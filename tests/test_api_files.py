"""Files in and out of the API: deal and scenario validation in YAML or JSON (every problem
at once), saving with every problem listed, tables downloaded as CSV and XLSX."""

from __future__ import annotations

import pytest
import yaml
from fastapi.testclient import TestClient
from test_api_support import shared_state
from test_validation import BROKEN_DEAL, BROKEN_SCENARIO

from olivebranch.api.state import AppState
from olivebranch.app import create_app

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

"""One workspace behind every interface: the CLI, the API and the web UI's JSON give the same
verdicts for the whole catalogue under every scenario on any date; the server takes the new day
after midnight; deals and scenarios saved through one interface are seen by the other.

The store is a copy of the session's bundled store plus one FollowTheMoney version in which
OFAC lists TechMet (an investor in a bundled Ukrainian lithium deal) from 2022 until its
delisting in May 2024, so the two past dates bracket a delisting, and the OFSI → FCDO
superseding of 28 Jan 2026.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from followthemoney import model
from test_api_support import copy_store
from typer.testing import CliRunner

from olivebranch.api import auth
from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState
from olivebranch.app import create_app
from olivebranch.cli import app as cli
from olivebranch.listings import Listings
from olivebranch.store import Store
from olivebranch.workspace import ManualClock

BEFORE = date(2023, 6, 1)  # TechMet listed by OFAC; OFSI's ConList still counts
AFTER = date(2026, 6, 1)  # TechMet delisted (May 2024); OFSI superseded by FCDO (28 Jan 2026)
DELISTED_DEAL = "dobra-lithium-us-psa"


def _techmet_listing() -> list:
    company = model.make_entity("Company")
    company.id = "test-ofac-techmet"
    company.add("name", "TechMet Limited")
    company.add("jurisdiction", "ie")
    sanction = model.make_entity("Sanction")
    sanction.id = "test-ofac-techmet-sanction"
    sanction.add("entity", company.id)
    sanction.add("authority", "Office of Foreign Assets Control")
    sanction.add("program", "RUSSIA-EO14024")
    sanction.add("startDate", "2022-03-01")
    sanction.add("endDate", "2024-05-01")
    return [company, sanction]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workspace-home")


@pytest.fixture(scope="module")
def store_url(bundled_store, home) -> str:
    url = copy_store(bundled_store, home / "ws.sqlite")
    Store(url).add_version("ftm", _techmet_listing(), regime="other",
                           published=date(2022, 3, 1), note="test: a delisting in 2024")
    return url


@pytest.fixture(scope="module")
def env(store_url, home) -> dict[str, str]:
    return {"OLIVEBRANCH_DB": store_url, "OLIVEBRANCH_HOME": str(home), "COLUMNS": "200"}


@pytest.fixture(scope="module")
def state(store_url, home, env) -> AppState:
    mp = pytest.MonkeyPatch()
    for k, v in env.items():
        mp.setenv(k, v)
    settings = Settings(db_url=store_url, deals_dir=home / "no-deals",
                        scenarios_dir=home / "no-scenarios", import_bundled_if_empty=False,
                        warm_up=False)
    st = AppState.start(settings)
    yield st
    mp.undo()


@pytest.fixture(scope="module")
def client(state):
    with TestClient(create_app(state.settings, state=state),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def analyst(state) -> dict[str, str]:
    return {"X-API-Key": auth.create_key(state.store, "test analyst", "analyst")[0]}


def run_cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# ---------------------------------------------------------------------- one answer everywhere
def cli_matrix(env, day: date | None) -> dict:
    args = ["scenario", "matrix", "--format", "json"]
    if day:
        args += ["--as-of", day.isoformat()]
    return json.loads(run_cli(env, *args))["scenarios"]


def api_matrix(client, names: list[str], day: date | None) -> dict:
    out = {}
    for name in names:
        params = {"as_of": day.isoformat()} if day else {}
        data = client.get(f"/api/scenarios/{name}/run", params=params).json()
        out[name] = {row["deal"]: row["verdicts"] for row in data["deals"]}
    return out


def web_matrix(client, names: list[str], day: date | None) -> dict:
    out = {}
    for name in names:
        params = {"scenario": name, "format": "json", **({"as_of": day.isoformat()} if day else {})}
        data = client.get("/deals", params=params).json()
        out[name] = {row["id"]: row["verdicts"] for row in data["deals"]}
    return out


@pytest.mark.parametrize("day", [None, BEFORE, AFTER], ids=["today", "before", "after"])
def test_cli_api_and_web_give_the_same_verdict_matrix(client, env, day) -> None:
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert len(names) >= 7
    via_cli = cli_matrix(env, day)
    via_api = api_matrix(client, names, day)
    via_web = web_matrix(client, names, day)
    assert set(via_cli) == set(names)
    assert len(via_cli["status-quo"]) >= 30 and len(via_cli["status-quo"]["tomtor-us-rare-earths"]) == 5
    assert via_cli == via_api == via_web


def test_the_dates_bracket_a_delisting_and_the_ofsi_superseding(client, state) -> None:
    url = f"/api/deals/{DELISTED_DEAL}/assessment"
    before = client.get(url, params={"as_of": BEFORE.isoformat()}).json()
    after = client.get(url, params={"as_of": AFTER.isoformat()}).json()
    assert before["parties"]["techmet"]["us"]["listed"] is True
    assert before["regimes"]["us"]["verdict"] != "clear"
    assert after["parties"]["techmet"]["us"]["listed"] is False
    assert after["regimes"]["us"]["verdict"] == "clear"
    assert "gb_ofsi" not in Listings.on(state.store, BEFORE).dropped
    assert "gb_ofsi" in Listings.on(state.store, AFTER).dropped


# ---------------------------------------------------------------------- the clock
def test_a_long_running_app_takes_the_new_day_after_midnight(state) -> None:
    """The EU's LNG import ban applies from 25 Apr 2026: a server started the evening before
    applies it to the first request after midnight, with no restart."""
    from olivebranch.workspace import Workspace

    clock = ManualClock(datetime(2026, 4, 24, 23, 59, 30))
    ws = Workspace(state.store, clock=clock, index=state.index)
    ob = AppState(settings=state.settings, workspace=ws, index=state.index, lookup=state.lookup,
                  ready=True)
    url = "/api/deals/yamal-lng-eu-utility-import/assessment"
    with TestClient(create_app(state.settings, state=ob)) as c:
        evening = c.get(url).json()
        assert evening["as_of"] == "2026-04-24"
        assert "EU-833-LNG-IMPORT-BAN" not in {f["rule_id"] for f in
                                                evening["regimes"]["eu"]["findings"]}
        runs = c.get("/api/scenarios/status-quo/run").json()
        assert runs["as_of"] == "2026-04-24"
        clock.set(datetime(2026, 4, 25, 0, 0, 5))
        morning = c.get(url).json()
        assert morning["as_of"] == "2026-04-25"
        assert "EU-833-LNG-IMPORT-BAN" in {f["rule_id"] for f in
                                           morning["regimes"]["eu"]["findings"]}
        assert c.get("/api/scenarios/status-quo/run").json()["as_of"] == "2026-04-25"
        assert c.get("/deals", params={"format": "json"}).json()["as_of"] == "2026-04-25"


# ---------------------------------------------------------------------- one catalogue
MY_SCENARIO = {
    "name": "test-us-lifts-eo14024",
    "title": "US lifts the EO 14024 designations (test)",
    "description": "Every RUSSIA-EO14024 listing is removed.",
    "assumptions": ["OFAC delists under EO 14024."],
    "base": ["us-executive-relief"],
    "changes": [{"delist": {"regime": "us", "program": "RUSSIA-EO14024"}}],
}


def test_saved_through_the_api_assessed_through_the_cli(client, analyst, env) -> None:
    deal = client.get("/api/deals/tomtor-us-rare-earths").json()["deal"]
    mine = {**deal, "id": "test-api-tomtor", "title": "Tomtor, saved through the API"}
    assert client.post("/api/deals", json=mine, headers=analyst).status_code == 201
    assert client.post("/api/scenarios", json=MY_SCENARIO, headers=analyst).status_code == 201
    api = client.get("/api/deals/test-api-tomtor/assessment",
                     params={"scenario": MY_SCENARIO["name"]}).json()
    out = json.loads(run_cli(env, "assess", "test-api-tomtor", "--scenario",
                             MY_SCENARIO["name"], "--format", "json"))
    assert out[0]["deal_id"] == "test-api-tomtor" and out[0]["scenario"] == MY_SCENARIO["name"]
    assert {r: v["verdict"] for r, v in out[0]["regimes"].items()} == \
        {r: v["verdict"] for r, v in api["regimes"].items()}
    run = json.loads(run_cli(env, "scenario", "run", MY_SCENARIO["name"], "--format", "json"))
    assert "test-api-tomtor" in {d["deal"] for d in run["deals"]}
    listed = run_cli(env, "deals", "list")
    assert "test-api-tomtor" in listed and "saved" in listed


def test_saved_through_the_cli_seen_by_the_api(client, env, tmp_path) -> None:
    deal = client.get("/api/deals/arctic-lng-2-us-stake").json()["deal"]
    deal_file = tmp_path / "mine.yaml"
    deal_file.write_text(yaml.safe_dump({**deal, "id": "test-cli-arctic",
                                         "title": "Arctic LNG 2, saved through the CLI"}))
    scenario_file = tmp_path / "test-cli-relief.yaml"
    scenario_file.write_text(yaml.safe_dump({**MY_SCENARIO, "name": "test-cli-relief",
                                             "base": []}))
    assert "saved deal" in run_cli(env, "deals", "save", str(deal_file))
    assert "saved scenario" in run_cli(env, "scenario", "save", str(scenario_file))
    got = client.get("/api/deals/test-cli-arctic").json()
    assert got["origin"] == "user" and got["revision"] == 1
    assessed = client.get("/api/deals/test-cli-arctic/assessment",
                          params={"scenario": "test-cli-relief"}).json()
    via_cli = json.loads(run_cli(env, "assess", "test-cli-arctic", "--scenario",
                                 "test-cli-relief", "--format", "json"))[0]
    assert assessed["scenario"] == "test-cli-relief"
    assert {r: v["verdict"] for r, v in assessed["regimes"].items()} == \
        {r: v["verdict"] for r, v in via_cli["regimes"].items()}
    names = {s["name"]: s for s in client.get("/api/scenarios").json()}
    assert names["test-cli-relief"]["origin"] == "user"
    # a second save is a new revision; the history keeps both, with who saved them
    assert "revision 2" in run_cli(env, "deals", "save", str(deal_file))
    history = client.get("/api/deals/test-cli-arctic/history").json()
    assert [h["revision"] for h in history] == [1, 2]
    assert all(h["saved_by"].startswith("cli") for h in history)
    assert client.get("/deals", params={"format": "json"}).json()["deals"]


# ---------------------------------------------------------------------- answers kept on disk
def test_a_command_reads_its_answer_back_and_never_a_stale_one(client, analyst, env, home) -> None:
    deal = client.get("/api/deals/vostok-oil-us-stake").json()["deal"]
    mine = {**deal, "id": "test-cached", "title": "First title"}
    assert client.put("/api/deals/test-cached", json=mine, headers=analyst).status_code == 200
    first = run_cli(env, "assess", "test-cached", "--format", "json")
    stored = sorted((home / "workspace-cache" / "results").glob("result-*.pickle"))
    again = run_cli(env, "assess", "test-cached", "--format", "json")
    assert again == first and stored
    assert sorted((home / "workspace-cache" / "results").glob("result-*.pickle")) == stored
    # the deal changes through the API: the next command answers for the new deal
    changed = {**mine, "title": "Second title"}
    assert client.put("/api/deals/test-cached", json=changed, headers=analyst).status_code == 200
    out = json.loads(run_cli(env, "assess", "test-cached", "--format", "json"))
    assert out[0]["title"] == "Second title"
    # and another day is another answer
    past = json.loads(run_cli(env, "assess", "test-cached", "--format", "json",
                              "--as-of", BEFORE.isoformat()))
    assert past[0]["as_of"] == BEFORE.isoformat()

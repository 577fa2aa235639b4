"""The HTTP API against the real app and the real bundled lists: yente-compatible matching,
bad input answered with 4xx (never 500), API keys with roles, deals, scenarios, ownership."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api_support import shared_state

from olivebranch.api import auth
from olivebranch.api.models import (
    DataCatalogModel,
    EntityMatchResponse,
    EntityResponse,
    SearchResponse,
)
from olivebranch.api.state import AppState
from olivebranch.app import create_app

#: The example from yente's /match documentation (routers/match.py docstring), verbatim.
YENTE_DOC_QUERY = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
    }
}
#: Fields yente's ScoredEntityResponse requires or defines (yente/data/common.py).
YENTE_RESULT_FIELDS = {"id", "caption", "schema", "properties", "datasets", "referents", "target",
                       "first_seen", "last_seen", "last_change", "score", "features", "match"}


@pytest.fixture(scope="module")
def ob(bundled_store, tmp_path_factory) -> AppState:
    return shared_state(bundled_store, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(ob: AppState):
    with TestClient(create_app(ob.settings, state=ob), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def closed(ob: AppState):
    """The same state behind an app that lets no anonymous caller in."""
    settings = dataclasses.replace(ob.settings, anonymous_match=False, anonymous_read=False)
    with TestClient(create_app(settings, state=ob), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def slow(ob: AppState):
    """The same state with the /match fast path switched off (FastAPI's route only)."""
    settings = dataclasses.replace(ob.settings, fast_match=False)
    with TestClient(create_app(settings, state=ob), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def keys(ob: AppState) -> dict[str, str]:
    return {role: auth.create_key(ob.store, f"test {role}", role)[0] for role in auth.ROLES}


def match(client: TestClient, body: Any, dataset: str = "default", **params: Any):
    return client.post(f"/match/{dataset}", json=body, params=params)


def person(name: str, **props: list[str]) -> dict[str, Any]:
    return {"queries": {"q": {"schema": "Person", "properties": {"name": [name], **props}}}}


# ---------------------------------------------------------------------- health, catalog
def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok"
    assert ready["entities"] > 10_000
    assert "us_ofac_sdn" in ready["sources"]


def test_catalog_and_algorithms(client: TestClient) -> None:
    cat = DataCatalogModel.model_validate(client.get("/catalog").json())
    names = [d.name for d in cat.datasets]
    assert names[0] == "default" and {"us_ofac_sdn", "eu_fsf", "gb_fcdo"} <= set(names)
    assert set(cat.datasets[0].children) == set(names[1:])
    algos = client.get("/algorithms").json()
    assert algos["default"] == algos["best"]
    assert "name" in algos["algorithms"][0]["features"]


# ---------------------------------------------------------------------- yente compatibility
def test_yente_documentation_request_round_trips(client: TestClient) -> None:
    resp = match(client, YENTE_DOC_QUERY)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    parsed = EntityMatchResponse.model_validate(data)
    assert set(parsed.responses) == {"entity1", "entity2"}
    assert data["limit"] == 5
    assert resp.headers["x-batch-size"] == "2"
    for key, sent in YENTE_DOC_QUERY["queries"].items():
        r = data["responses"][key]
        assert r["status"] == 200
        assert r["query"]["schema"] == sent["schema"]
        assert r["query"]["properties"] == sent["properties"]
        assert r["total"] == {"value": len(r["results"]), "relation": "eq"}
        for result in r["results"]:
            assert YENTE_RESULT_FIELDS <= set(result)


def test_fast_path_answers_exactly_like_the_route(client: TestClient, slow: TestClient) -> None:
    from olivebranch.api.fastpath import FastMatch

    rosneft = {"queries": {"c": {"schema": "Company", "properties": {"name": "Rosneft"}}}}
    bodies = [YENTE_DOC_QUERY, person("Vladimir Putin", birthDate=["1952-10-07"]), rosneft]
    variants = [("default", {}), ("default", {"limit": 2, "threshold": 0.6}),
                ("us_ofac_sdn", {"cutoff": 0.5, "algorithm": "logic-v2"})]
    for body in bodies:
        for dataset, params in variants:
            scope = {"type": "http", "method": "POST", "path": f"/match/{dataset}",
                     "query_string": "&".join(f"{k}={v}" for k, v in params.items()).encode(),
                     "headers": [], "app": client.app}
            assert FastMatch(client.app).answer(scope, json.dumps(body).encode()) is not None
            fast, route = match(client, body, dataset, **params), match(slow, body, dataset, **params)
            assert fast.status_code == route.status_code == 200
            assert fast.json() == route.json()
            assert fast.headers["x-batch-size"] == route.headers["x-batch-size"]


def test_an_unchanged_yente_client_works(ob: AppState, keys: dict[str, str], tmp_path) -> None:
    """nomenklatura's YenteEnricher (OpenSanctions' own yente client) against a live server that
    admits no anonymous caller: it sends its ApiKey header, matches and expands entities."""
    pytest.importorskip("nomenklatura")
    from followthemoney import Dataset, StatementEntity
    from nomenklatura.cache import Cache
    from nomenklatura.db import make_session
    from nomenklatura.enrich.yente import YenteEnricher

    from olivebranch.api.server import serve_in_thread

    settings = dataclasses.replace(ob.settings, anonymous_match=False, anonymous_read=False)
    ds = Dataset.make({"name": "client_test", "title": "yente client test"})
    session = make_session(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    with serve_in_thread(create_app(settings, state=ob)) as server:
        cache = Cache(session, ds, create=True)
        config = {"api": f"{server.url}/", "api_key": keys["read"], "cache_days": 0}
        client = YenteEnricher(ds, cache, config)
        query = StatementEntity.from_data(ds, {"id": "q1", "schema": "Person", "properties": {
            "name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]}})
        found = list(client.match(query))
        assert found and all("PUTIN" in e.caption.upper() for e in found[:3])
        expanded = list(client.expand(query, found[0]))
        assert expanded[0].id == found[0].id


def test_match_finds_putin_with_explanation(client: TestClient) -> None:
    body = person("Vladimir Putin", birthDate=["1952-10-07"], nationality=["ru"])
    data = match(client, body).json()["responses"]["q"]
    top = data["results"][0]
    assert "PUTIN" in top["caption"].upper()
    assert top["match"] is True and top["score"] >= 0.9
    assert top["features"]["name"] > 0.9
    assert top["explanations"]["name"]["detail"]
    assert top["explanation"] and top["designations"]
    assert all(r["schema"] == "Person" for r in data["results"])


def test_match_across_scripts_and_dataset_filter(client: TestClient) -> None:
    body = person("Путин Владимир Владимирович")
    everywhere = match(client, body, limit=10).json()["responses"]["q"]["results"]
    assert any("PUTIN" in r["caption"].upper() for r in everywhere)
    ofac = match(client, body, dataset="us_ofac_sdn", limit=10).json()["responses"]["q"]["results"]
    assert ofac, "Putin is on the SDN list"
    assert all("us_ofac_sdn" in r["datasets"] for r in ofac)


def test_threshold_and_limit(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Rosneft"]}}}}
    one = match(client, body, limit=1).json()
    assert one["limit"] == 1 and len(one["responses"]["q"]["results"]) <= 1
    loose = match(client, body, threshold=0.5, limit=20).json()["responses"]["q"]["results"]
    strict = match(client, body, threshold=0.95, limit=20).json()["responses"]["q"]["results"]
    assert len(strict) <= len(loose)
    assert all(r["score"] >= 0.95 and r["match"] for r in strict)
    assert all(r["score"] >= 0.5 for r in loose)


def test_identifier_alone_finds_the_entity(client: TestClient) -> None:
    # Arctic LNG 2's INN, as OFAC lists it (SDN entry 46030); no name in the query
    body = {"queries": {"q": {"schema": "Company", "properties": {"innCode": ["8904075357"]}}}}
    resp = match(client, body)
    assert resp.status_code == 200, resp.text
    results = resp.json()["responses"]["q"]["results"]
    # issue 12: a result is the merged party; OFAC's record is one of its referents
    assert "ofac-46030" in [r["id"] for r in results] + [x for r in results
                                                          for x in r["referents"]]


def test_search_and_entities(client: TestClient) -> None:
    found = client.get("/search/default", params={"q": "Sovcomflot"})
    assert found.status_code == 200
    parsed = SearchResponse.model_validate(found.json())
    assert parsed.results and parsed.total.value >= len(parsed.results)
    assert "datasets" in parsed.facets
    eid = parsed.results[0].id
    ent = client.get(f"/entities/{eid}")
    assert ent.status_code == 200
    assert EntityResponse.model_validate(ent.json()).id == eid
    # an OFAC entry number resolves to the OFAC entity's party (issue 12: merged, with the
    # record among its referents)
    by_number = client.get("/entities/46030").json()
    assert "ofac-46030" in [by_number["id"], *by_number["referents"]]
    assert by_number["target"] is True
    assert client.get("/entities/no-such-entity").status_code == 404


# ---------------------------------------------------------------------- bad input: 4xx, never 500
@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ("{not json", 422, "not valid JSON"),
        ("[]", 422, "body"),
        ('{"queries": []}', 422, "queries"),
        ('{"queries": {"q": {"schema": "Person"}}}', 422, "properties"),
        ('{"queries": {"q": {"schema": "Person", "properties": {"name": {"x": 1}}}}}', 422, "name"),
        ('{"queries": {"q": {"schema": "Dragon", "properties": {"name": ["x"]}}}}', 400, "unknown schema"),
        ('{"queries": {"q": {"schema": "Person", "properties": {"wingspan": ["2m"]}}}}', 400, "wingspan"),
        ('{"queries": {"q": {"schema": "Person", "properties": {"nationality": ["ru"]}}}}', 400, "name"),
        ('{"queries": {}}', 400, "No queries"),
        ('{"queries": {"q": {"schema": "Address", "properties": {"full": ["x"]}}}}', 400, "cannot be screened"),
    ],
)
def test_bad_match_bodies(client: TestClient, body: str, status: int, needle: str) -> None:
    resp = client.post("/match/default", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == status, resp.text
    assert needle.lower() in resp.json()["detail"].lower()


def test_bad_match_parameters(client: TestClient) -> None:
    body = person("Vladimir Putin")
    assert match(client, body, dataset="nowhere").status_code == 404
    assert "unknown algorithm" in match(client, body, algorithm="magic").json()["detail"]
    assert match(client, body, limit=0).status_code == 422
    assert match(client, body, limit=100_000).status_code == 422
    assert match(client, body, threshold=2).status_code == 422
    assert match(client, body, threshold="high").status_code == 422
    # a yente client sends its own algorithm names; they are accepted
    assert match(client, body, algorithm="logic-v2").status_code == 200


def test_batch_and_body_limits(client: TestClient) -> None:
    many = {"queries": {f"q{i}": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}
                        for i in range(101)}}
    resp = match(client, many)
    assert resp.status_code == 400 and "Too many queries" in resp.json()["detail"]
    huge = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 2_000_000]}}}})
    resp = client.post("/match/default", content=huge, headers={"content-type": "application/json"})
    assert resp.status_code == 413 and "too large" in resp.json()["detail"]
    long_value = {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 5000]}}}}
    assert match(client, long_value).status_code == 422


def test_bad_parameters_elsewhere(client: TestClient) -> None:
    assert client.get("/search/default").status_code == 422
    assert client.get("/api/deals", params={"as_of": "yesterday"}).status_code == 400
    assert client.get("/api/deals", params={"scenario": "no-such"}).status_code == 404
    assert client.get("/api/scenarios/compare", params={"b": "no-such"}).status_code == 404
    assert client.get("/api/deals/no-such/assessment").status_code == 404
    assert client.get("/api/ownership/no-such-entity").status_code == 404


# ---------------------------------------------------------------------- authentication
def test_keys_are_stored_hashed(ob: AppState, keys: dict[str, str]) -> None:
    from sqlalchemy import select

    from olivebranch.api.tables import api_keys

    with ob.store.engine.connect() as conn:
        rows = conn.execute(select(api_keys)).all()
    secrets = {k.rsplit("_", 1)[-1] for k in keys.values()}
    for row in rows:
        assert row.secret_hash not in secrets and len(row.secret_hash) == 64
        assert all(s not in " ".join(map(str, row)) for s in secrets)


def test_anonymous_access_follows_settings(client: TestClient, closed: TestClient) -> None:
    body = person("Vladimir Putin")
    assert match(client, body).status_code == 200
    assert client.get("/api/deals", params={"verdicts": False}).status_code == 200
    resp = match(closed, body)
    assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"
    assert closed.get("/api/lists").status_code == 401
    assert closed.get("/healthz").status_code == 200


def test_roles(closed: TestClient, keys: dict[str, str]) -> None:
    body = person("Vladimir Putin")
    read = {"X-API-Key": keys["read"]}
    bearer = {"Authorization": f"Bearer {keys['read']}"}
    assert closed.post("/match/default", json=body, headers=read).status_code == 200
    assert closed.post("/match/default", json=body, headers=bearer).status_code == 200
    assert closed.post("/match/default", json=body,
                       headers={"X-API-Key": keys["read"] + "x"}).status_code == 401
    assert closed.post("/match/default", json=body,
                       headers={"X-API-Key": "not-a-key"}).status_code == 401
    # writes need analyst, key management needs admin
    deal = {"id": "x"}
    assert closed.post("/api/deals", json=deal, headers=read).status_code == 403
    analyst = {"X-API-Key": keys["analyst"]}
    assert closed.post("/api/deals", json=deal, headers=analyst).status_code == 400  # invalid deal
    assert closed.get("/api/admin/keys", headers=analyst).status_code == 403
    admin = {"X-API-Key": keys["admin"]}
    listed = closed.get("/api/admin/keys", headers=admin).json()
    assert {"read", "analyst", "admin"} <= {k["role"] for k in listed}


def test_admin_creates_and_revokes_keys(closed: TestClient, keys: dict[str, str]) -> None:
    admin = {"X-API-Key": keys["admin"]}
    created = closed.post("/api/admin/keys", json={"name": "bank A", "role": "read"}, headers=admin)
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith("ob_") and new["role"] == "read"
    headers = {"X-API-Key": new["key"]}
    assert closed.get("/api/lists", headers=headers).status_code == 200
    assert closed.delete(f"/api/admin/keys/{new['key_id']}", headers=admin).status_code == 204
    assert closed.get("/api/lists", headers=headers).status_code == 401
    bad_role = closed.post("/api/admin/keys", json={"name": "x", "role": "god"}, headers=admin)
    assert bad_role.status_code == 422
    assert closed.delete("/api/admin/keys/nonexistent", headers=admin).status_code == 404


def test_list_import_refuses_bad_files(closed: TestClient, keys: dict[str, str]) -> None:
    admin = {"X-API-Key": keys["admin"]}
    analyst = {"X-API-Key": keys["analyst"]}
    files = {"file": ("sdn.csv", b"this is not an OFAC file\n", "text/csv")}
    assert closed.post("/api/admin/lists/us_ofac_sdn/import", files=files,
                       headers=analyst).status_code == 403
    resp = closed.post("/api/admin/lists/us_ofac_sdn/import", files=files, headers=admin)
    assert resp.status_code == 400, resp.text
    assert closed.post("/api/admin/lists/nowhere/import", files=files,
                       headers=admin).status_code == 404


def test_web_sign_in(closed: TestClient, keys: dict[str, str]) -> None:
    closed.cookies.clear()
    first = closed.get("/deals", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login")
    refused = closed.post("/login", data={"key": "ob_nope_nope", "next": "/deals"})
    assert refused.status_code == 401 and "unknown or revoked" in refused.text
    ok = closed.post("/login", data={"key": keys["read"], "next": "/deals"},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/deals"
    assert closed.get("/lists").status_code == 200  # the cookie signs the browser in
    # the cookie is not enough for a write: that needs the key in a header
    assert closed.post("/api/deals/validate", json={}).status_code == 401
    assert closed.post("/login", data={"key": keys["read"], "next": "//evil.example"},
                       follow_redirects=False).headers["location"] == "/"
    closed.get("/logout")
    closed.cookies.clear()
    assert closed.get("/lists", follow_redirects=False).status_code == 303


# ---------------------------------------------------------------------- lists
def test_lists(client: TestClient) -> None:
    active = client.get("/api/lists").json()
    assert {"us_ofac_sdn", "eu_fsf"} <= {v["source"] for v in active}
    assert all(v["active"] for v in active)
    assert client.get("/api/lists/versions").status_code == 200


# ---------------------------------------------------------------------- deals
def test_deal_catalogue_with_verdicts(client: TestClient) -> None:
    deals = client.get("/api/deals").json()
    assert len(deals) >= 25
    row = next(d for d in deals if d["id"] == "arctic-lng-2-us-stake")
    assert set(row["verdicts"]) == {"us", "eu", "uk", "ru", "ua"}
    assert row["verdicts"]["us"] == "prohibited" and row["origin"] == "bundled"


def test_assessment_has_cited_findings_and_changes_with_scenario(client: TestClient) -> None:
    url = "/api/deals/arctic-lng-2-us-stake/assessment"
    now = client.get(url).json()
    us = now["regimes"]["us"]
    assert us["verdict"] == "prohibited" and us["blockers"]
    finding = us["findings"][0]
    assert finding["citation"] and finding["instrument"] and finding["confidence"]
    assert now["parties"]["arctic-lng-2"]["us"]["listed"] is True
    relief = client.get(url, params={"scenario": "us-executive-relief"}).json()
    assert relief["scenario"] == "us-executive-relief"
    assert relief["regimes"]["us"]["verdict"] == "clear"
    past = client.get(url, params={"as_of": "2026-01-15"}).json()
    assert past["as_of"] == "2026-01-15" and set(past["regimes"]) == {"us", "eu", "uk", "ru", "ua"}


def test_deal_write_cycle(client: TestClient, closed: TestClient, keys: dict[str, str]) -> None:
    analyst = {"X-API-Key": keys["analyst"]}
    original = client.get("/api/deals/arctic-lng-2-us-stake").json()["deal"]
    mine = {**original, "id": "my-arctic-stake", "title": "My copy of the Arctic LNG 2 stake"}
    check = closed.post("/api/deals/validate", json=mine, headers=analyst).json()
    assert check == {"valid": True, "id": "my-arctic-stake", "error": None, "field": None,
                     "problems": []}
    created = closed.post("/api/deals", json=mine, headers=analyst)
    assert created.status_code == 201, created.text
    assert created.json()["origin"] == "user"
    assert closed.post("/api/deals", json=mine, headers=analyst).status_code == 409
    listed = {d["id"]: d for d in closed.get("/api/deals", headers=analyst).json()}
    assert listed["my-arctic-stake"]["verdicts"]["us"] == "prohibited"
    # a bad change is refused with the field named, and the stored deal is unchanged
    broken = {**mine, "parties": [{**mine["parties"][0], "jurisdiction": "USA"}] + mine["parties"][1:]}
    resp = closed.put("/api/deals/my-arctic-stake", json=broken, headers=analyst)
    assert resp.status_code == 400 and "parties[0].jurisdiction" in resp.json()["detail"]
    wrong_id = closed.put("/api/deals/other-id", json=mine, headers=analyst)
    assert wrong_id.status_code == 400 and "differs" in wrong_id.json()["detail"]
    assert closed.delete("/api/deals/arctic-lng-2-us-stake", headers=analyst).status_code == 409
    assert closed.delete("/api/deals/my-arctic-stake", headers=analyst).status_code == 204
    assert closed.get("/api/deals/my-arctic-stake", headers=analyst).status_code == 404


def test_deal_validation_errors(client: TestClient) -> None:
    result = client.post("/api/deals/validate", json={"id": "x", "title": "t"}).json()
    assert result["valid"] is False and result["error"]
    assert client.post("/api/deals/validate", json=[1, 2]).json()["valid"] is False


# ---------------------------------------------------------------------- scenarios
def test_scenarios_list_run_compare(client: TestClient) -> None:
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert {"status-quo", "us-executive-relief", "us-full-relief", "eu-lapse", "snapback"} <= set(names)
    one = client.get("/api/scenarios/us-executive-relief").json()
    assert one["assumptions"] and one["changes"]
    run = client.get("/api/scenarios/us-executive-relief/run").json()
    assert len(run["deals"]) >= 25 and set(run["clear"]) == {"us", "eu", "uk", "ru", "ua"}
    cmp = client.get("/api/scenarios/compare",
                     params={"a": "status-quo", "b": "us-executive-relief"}).json()
    assert cmp["newly_clear"]["us"] >= 1 and cmp["newly_clear"]["eu"] == 0
    moved = {d["deal"]: d for d in cmp["diffs"] if d["moved"]}
    assert "us: prohibited → clear" in moved["arctic-lng-2-us-stake"]["moved"]
    assert any(d["still_blocked_by"] for d in cmp["diffs"])
    chart = client.get("/api/scenarios/chart.svg", params={"scenarios": ["status-quo", "eu-lapse"]})
    assert chart.status_code == 200 and "<svg" in chart.text
    summary = client.get("/api/scenarios/summary").json()
    assert summary["top_obstacles"]


def test_user_scenarios(closed: TestClient, keys: dict[str, str]) -> None:
    analyst = {"X-API-Key": keys["analyst"]}
    mine = {
        "name": "test-eu-lifts-lng",
        "title": "EU lifts everything (test)",
        "description": "The EU lifts all its measures.",
        "assumptions": ["The Council agrees unanimously."],
        "changes": [{"lift": {"regime": "eu"}}],
    }
    adhoc = closed.post("/api/scenarios/run", json=mine, headers=analyst)
    assert adhoc.status_code == 200, adhoc.text
    assert adhoc.json()["clear"]["eu"] >= 10
    assert closed.post("/api/scenarios", json=mine, headers={"X-API-Key": keys["read"]}).status_code == 403
    assert closed.post("/api/scenarios", json=mine, headers=analyst).status_code == 201
    assert closed.get("/api/scenarios/test-eu-lifts-lng/run", headers=analyst).status_code == 200
    bad = {**mine, "changes": [{"fly": {}}]}
    resp = closed.put("/api/scenarios/test-eu-lifts-lng", json=bad, headers=analyst)
    assert resp.status_code == 400 and "changes[0]" in resp.json()["detail"]
    assert closed.delete("/api/scenarios/status-quo", headers=analyst).status_code == 409
    assert closed.delete("/api/scenarios/test-eu-lifts-lng", headers=analyst).status_code == 204


# ---------------------------------------------------------------------- ownership
def test_ownership(client: TestClient) -> None:
    report = client.get("/api/ownership/ofac-46030").json()
    assert report["status"]["us"]["blocked"] is True
    assert report["status"]["us"]["basis"] == "designated"
    svg = client.get("/api/ownership/ofac-46030/picture.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg")


# ---------------------------------------------------------------------- OpenAPI and pages
def test_openapi_declares_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    match_op = spec["paths"]["/match/{dataset}"]["post"]
    ok = match_op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/EntityMatchResponse")
    assert {"400", "401", "413", "422"} <= set(match_op["responses"])
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            content = op["responses"].get("200", op["responses"].get("201", {})).get("content", {})
            if "application/json" in content:
                assert content["application/json"]["schema"], f"{method} {path}"
    assert "EntityMatchQuery" in spec["components"]["schemas"]
    deal_body = spec["paths"]["/api/deals"]["post"]["requestBody"]["content"]["application/json"]
    assert deal_body["schema"]["$ref"].endswith("/Deal")
    text = json.dumps(spec)
    refs = set(re.findall(r"#/components/schemas/([\w.-]+)", text))
    assert refs <= set(spec["components"]["schemas"]), "every $ref resolves"
    assert "HTTPValidationError" not in text  # 422s are documented in the shape they have


def test_html_pages_render(client: TestClient) -> None:
    page = client.get("/screen", params={"q": "Sovcomflot"})
    assert page.status_code == 200 and "SOVCOMFLOT" in page.text.upper()
    assert client.get("/deals").status_code == 200
    report = client.get("/deals/arctic-lng-2-us-stake/report")
    assert report.status_code == 200 and "Not legal advice" in report.text
    assert "<svg" in report.text and "https://" in report.text
    assert client.get("/deals/no-such-deal").status_code == 404
    assert client.get("/lists").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/match/{dataset}" in docs.text
    assert "cdn" not in docs.text.lower()

"""Issue 12 item 4: reviewer memory. A reviewer's false-positive decision suppresses the hit at
the next screening (shown as cleared, never dropped); a new list version that adds an alias to
the listed record brings it back, saying what changed. Real store, real resolution, real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from parties_fixtures import base_lists, entity, listed, load

from olivebranch.api import auth
from olivebranch.api.settings import Settings
from olivebranch.app import create_app
from olivebranch.match import MatchIndex, Query
from olivebranch.parties import after_import
from olivebranch.reviews import CLEARED, CONFIRMED, RERAISED, ReviewError, Reviews
from olivebranch.reviews.memory import find_hit
from olivebranch.store import Store

NAME = "Maria Schmidt"


def _screen(store: Store, name: str = NAME) -> list:
    index = MatchIndex.from_store(store)
    results = index.search_parties(Query(name, schema="Person"), limit=5, threshold=0.5)
    return Reviews(store).apply(results, name=name)


def _schmidt(results: list) -> object:
    return next(r for r in results if "ofac-5" in r.record_ids)


@pytest.fixture
def resolved(store: Store) -> Store:
    load(store)
    after_import(store)
    return store


def test_false_positive_suppresses_then_a_new_alias_re_raises(resolved: Store) -> None:
    store = resolved
    hit = _schmidt(_screen(store))
    # the party: OFAC's and the UK's records of the listed Anna Maria Schmidt
    assert set(hit.record_ids) == {"ofac-5", "gb-fcdo-P5"} and hit.review is None
    review = Reviews(store).decide(hit, "false_positive", reviewer="anna", name=NAME,
                                   reason="our customer was born in 1992")
    assert review.record_ids == ("gb-fcdo-P5", "ofac-5")

    # next screening: still there, marked cleared, listed after the open hits
    again = _screen(store)
    cleared = _schmidt(again)
    assert cleared.review is not None and cleared.review.state == CLEARED
    assert cleared.review.suppressed
    assert cleared.review.text.startswith("cleared by anna on ")
    assert again[-1] is cleared
    # the same name written differently is the same subject; another name is not
    assert _schmidt(_screen(store, "SCHMIDT maria")).review is None  # word order differs
    assert _schmidt(_screen(store, "maria  schmidt")).review.state == CLEARED

    # a new OFAC version adds an alias to the listed record: the decision no longer covers it
    lists = base_lists()
    lists["us_ofac_sdn"] = [
        e for e in lists["us_ofac_sdn"] if e.id not in ("ofac-5", "ofac-5-sanction")
    ] + listed("us_ofac_sdn", entity("Person", "ofac-5", name="Anna Maria SCHMIDT",
                                     alias="Marija Schmidt", birthDate="1980-05-05"),
               program="RUSSIA-EO14024")
    store.add_version("us_ofac_sdn", lists["us_ofac_sdn"], regime="us")
    after_import(store)
    back = _schmidt(_screen(store))
    assert back.review is not None and back.review.state == RERAISED
    assert not back.review.suppressed
    assert any("Marija Schmidt" in c and "ofac-5" in c for c in back.review.changes)
    assert "re-raised" in back.review.text and "anna" in back.review.text


def test_unchanged_list_update_keeps_the_decision(resolved: Store) -> None:
    store = resolved
    Reviews(store).decide(_schmidt(_screen(store)), "true_match", reviewer="ben", name=NAME)
    # the same OFAC content re-imported as a new version: nothing about the party changed
    store.add_version("us_ofac_sdn", base_lists()["us_ofac_sdn"], regime="us")
    after_import(store)
    hit = _schmidt(_screen(store))
    assert hit.review.state == CONFIRMED and not hit.review.suppressed
    assert "true match by ben" in hit.review.text


def test_a_later_decision_supersedes_and_withdrawal_re_raises(resolved: Store) -> None:
    store = resolved
    reviews = Reviews(store)
    first = reviews.decide(_schmidt(_screen(store)), "false_positive", reviewer="anna",
                           name=NAME)
    second = reviews.decide(_schmidt(_screen(store)), "true_match", reviewer="ben", name=NAME)
    live = reviews.list()
    assert [r.id for r in live] == [second.id]
    assert {r.id for r in reviews.list(include_withdrawn=True)} == {first.id, second.id}
    assert reviews.withdraw(second.id)
    assert _schmidt(_screen(store)).review is None


def test_bad_decisions_are_refused(resolved: Store) -> None:
    index = MatchIndex.from_store(resolved)
    hit = find_hit(index, NAME, "gb-fcdo-P5", schema="Person")
    with pytest.raises(ReviewError, match="unknown decision"):
        Reviews(resolved).decide(hit, "maybe", reviewer="anna", name=NAME)
    with pytest.raises(ReviewError, match="reviewer"):
        Reviews(resolved).decide(hit, "true_match", reviewer=" ", name=NAME)
    with pytest.raises(ReviewError, match="not among the hits"):
        find_hit(index, NAME, "ofac-2", schema="Person")


def test_api_analyst_records_a_decision_and_match_shows_it(resolved: Store,
                                                           tmp_path: Path) -> None:
    settings = Settings(db_url=str(resolved.url), deals_dir=tmp_path / "deals",
                        scenarios_dir=tmp_path / "scenarios", import_bundled_if_empty=False,
                        warm_up=False, index_cache=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        ob = client.app.state.ob
        reader = {"Authorization": f"Bearer {auth.create_key(ob.store, 'r', 'read')[0]}"}
        analyst = {"Authorization": f"Bearer {auth.create_key(ob.store, 'a', 'analyst')[0]}"}
        body = {"name": NAME, "hit": "ofac-5", "decision": "false_positive",
                "reason": "different person", "schema": "Person"}
        assert client.post("/api/reviews", json=body, headers=reader).status_code == 403
        made = client.post("/api/reviews", json=body, headers=analyst)
        assert made.status_code == 200, made.text
        assert made.json()["reviewer"] == "a" and made.json()["decision"] == "false_positive"
        bad = client.post("/api/reviews", json={**body, "decision": "perhaps"}, headers=analyst)
        assert bad.status_code == 400
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": [NAME]}}}}
        found = client.post("/match/default", json=query, params={"threshold": 0.5},
                            headers=analyst).json()
        hit = next(r for r in found["responses"]["q"]["results"] if "ofac-5" in r["referents"])
        assert hit["match"] is False and hit["review"]["state"] == CLEARED
        assert hit["review"]["review"]["reviewer"] == "a"
        listed_reviews = client.get("/api/reviews", params={"name": NAME}, headers=reader)
        assert [r["party_id"] for r in listed_reviews.json()] == [hit["id"]]


def test_batch_file_decisions_by_customer_id(resolved: Store, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from olivebranch.cli import app

    index = MatchIndex.from_store(resolved)
    hit = find_hit(index, NAME, "ofac-5", schema="Person")
    Reviews(resolved).decide(hit, "false_positive", reviewer="anna", customer="C-17",
                             reason="customer file: born 1992")
    src = tmp_path / "customers.csv"
    src.write_text("id,schema,name\nC-17,Person,Maria Schmidt\nC-18,Person,Maria Schmidt\n",
                   encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    monkeypatch.setenv("OLIVEBRANCH_DB", str(resolved.url))
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["screen", "--input", str(src), "--output", str(dst),
                                      "--threshold", "0.5"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, dst.read_text(encoding="utf-8").splitlines())}
    mine = next(r for r in rows["C-17"]["results"] if "ofac-5" in r["records"])
    other = next(r for r in rows["C-18"]["results"] if "ofac-5" in r["records"])
    assert mine["review"]["state"] == CLEARED and mine["match"] is False
    assert "review" not in other  # the decision was for customer C-17 only

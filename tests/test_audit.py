"""The audit trail: assessments and scenario runs recorded through the workspace (so the CLI,
the API and the web UI record alike), a hash chain that ``verify`` checks, and ``replay`` that
computes a past verdict again from the recorded list versions after a newer one was imported."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import update
from test_monitor_e2e import ADDED, DEAL, REMOVED, base_entries, write_entries

from olivebranch.audit.log import ACTOR, AuditLog
from olivebranch.audit.tables import audit_records
from olivebranch.lists.importer import import_path
from olivebranch.replay import replay
from olivebranch.scenarios.model import SCENARIOS_DIR
from olivebranch.store import Store
from olivebranch.workspace import Workspace

DAY = date(2026, 12, 1)


@pytest.fixture
def ws(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'ob.sqlite'}")
    import_path(store, write_entries(tmp_path / "v1", base_entries() | {REMOVED}), "us_ofac_sdn",
                published=date(2026, 11, 20))
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / "alpha.yaml").write_text(DEAL.format(id="alpha-volga", name="OOO Volga Group"))
    scen = tmp_path / "scenarios"
    scen.mkdir()
    shutil.copy(SCENARIOS_DIR / "status-quo.yaml", scen)
    yield Workspace(store, deals_dir=deals, scenarios_dir=scen, cache_dir=tmp_path / "cache",
                    index_cache=False)


@contextmanager
def _write_lock_held(store: Store) -> Iterator[None]:
    """Another connection holds SQLite's write lock meanwhile (as a list import does)."""
    other = sqlite3.connect(store.url.removeprefix("sqlite:///"), timeout=0.1,
                            isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture(autouse=True)
def local_session():
    """Answers here are a local user's (API tests earlier in the process leave the caller set
    in the main thread's context)."""
    token = ACTOR.set(None)
    yield
    ACTOR.reset(token)


def test_replay_reproduces_a_past_verdict_after_a_newer_list(ws, tmp_path):
    token = ACTOR.set("api:k3y")
    try:
        first = ws.assess("alpha-volga", "status-quo", DAY)
    finally:
        ACTOR.reset(token)
    assert first.regimes["us"].verdict == "prohibited"
    log = AuditLog(ws.store)
    rec = log.list(action="assessment")[0]
    assert rec.who == "api:k3y" and rec.subject == "alpha-volga"
    assert rec.result["us"] == "prohibited"
    assert [v["source"] for v in rec.inputs["lists"]] == ["us_ofac_sdn"]
    assert rec.inputs["deal"]["id"] == "alpha-volga" and "revision" in rec.inputs["deal"]
    assert len(rec.inputs["rules"]) == 64 and rec.inputs["scenario"]["name"] == "status-quo"

    # OFAC delists Volga Group in a newer version, published on the same day
    import_path(ws.store, write_entries(tmp_path / "v2", base_entries() | {ADDED}), "us_ofac_sdn",
                published=date(2026, 11, 20))
    ws.refresh()
    now = ws.assess("alpha-volga", "status-quo", DAY)
    assert now.regimes["us"].verdict != "prohibited"
    latest = log.list(action="assessment")[0]
    assert latest.id > rec.id and latest.result["us"] == now.regimes["us"].verdict
    assert latest.inputs["lists"][0]["id"] != rec.inputs["lists"][0]["id"]

    again = replay(ws.store, rec.id)
    assert again.matches, again.differences
    assert again.recomputed["us"] == "prohibited"
    assert replay(ws.store, latest.id).matches
    assert log.verify().ok


def test_verify_detects_an_edited_record(ws):
    ws.assess("alpha-volga", "status-quo", DAY)
    ws.run("status-quo", DAY)
    log = AuditLog(ws.store)
    report = log.verify()
    assert report.ok and report.checked == log.count() >= 2
    target = log.list(action="assessment")[0]
    with ws.store.engine.begin() as conn:  # someone turns a prohibition into a clear verdict
        conn.execute(update(audit_records).where(audit_records.c.id == target.id)
                     .values(result={**target.result, "us": "clear"}))
    bad = log.verify()
    assert not bad.ok and bad.broken_at == target.id and "result was edited" in bad.reason
    with ws.store.engine.begin() as conn:  # ... and recomputes the digest to cover it up
        from olivebranch.audit.log import sha

        conn.execute(update(audit_records).where(audit_records.c.id == target.id)
                     .values(result_digest=sha({**target.result, "us": "clear"})))
    bad = log.verify()
    assert not bad.ok and bad.broken_at == target.id and "hash differs" in bad.reason


def test_every_interface_records_through_one_path(ws, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from olivebranch.api.settings import Settings
    from olivebranch.api.state import AppState
    from olivebranch.app import create_app
    from olivebranch.cli import app

    log = AuditLog(ws.store)
    imported = log.list(action="list_import")
    assert [r.subject for r in imported] == ["us_ofac_sdn"]
    assert imported[0].result["designations"] > 200 and imported[0].who.startswith("local:")

    settings = Settings(db_url=ws.store.url, deals_dir=tmp_path / "d", scenarios_dir=tmp_path / "s",
                        import_bundled_if_empty=False, warm_up=False, index_cache=False)
    ob = AppState(settings=settings, workspace=ws)
    ob.ready = True
    with TestClient(create_app(settings, state=ob)) as client:
        body = client.get("/api/deals/alpha-volga/assessment", params={"as_of": "2026-12-01"})
        assert body.status_code == 200
        client.get("/deals/alpha-volga", params={"as_of": "2026-12-01"})
    api, web = log.list(action="assessment", limit=2)
    assert web.who == api.who == "api:anonymous" and api.subject == "alpha-volga"

    monkeypatch.setenv("OLIVEBRANCH_DB", ws.store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(app, ["screen", "OOO Volga Group", "--json"])
    assert out.exit_code == 0, out.output
    rec = log.list(action="screening")[0]
    assert rec.subject == "OOO Volga Group" and rec.who.startswith("local:")
    assert rec.result[0]["entity_id"] == "ofac-16806"
    src = tmp_path / "batch.csv"
    src.write_text("id,name\n1,OOO Volga Group\n2,Jane Nobody\n")
    out = CliRunner().invoke(app, ["screen", "--input", str(src), "--output",
                                   str(tmp_path / "out.jsonl")])
    assert out.exit_code == 0, out.output
    rec = log.list(action="screening")[0]
    assert rec.subject == "batch.csv" and rec.result["rows"] == 2 and len(rec.inputs["file_hash"]) == 64
    out = CliRunner().invoke(app, ["audit", "verify"])
    assert out.exit_code == 0 and "intact" in out.output


def test_concurrent_writers_keep_one_chain(tmp_path):
    import threading

    url = f"sqlite:///{tmp_path / 'chain.sqlite'}"
    Store(url)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        log = AuditLog(Store(url))  # its own engine, as another process would have
        try:
            for i in range(15):
                log.record("screening", subject=f"w{n}-{i}", inputs={"i": i}, result=[n, i])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    log = AuditLog(Store(url))
    report = log.verify()
    assert report.ok and report.checked == 45


# ---------------------------------------------------------------- screenings and reviews
@pytest.fixture
def served(ws, tmp_path):
    """The API over the test store (its index built, as after start-up)."""
    from olivebranch.api.settings import Settings
    from olivebranch.api.state import AppState

    settings = Settings(db_url=ws.store.url, deals_dir=tmp_path / "d",
                        scenarios_dir=tmp_path / "s", import_bundled_if_empty=False,
                        warm_up=False, index_cache=False)
    ob = AppState(settings=settings, workspace=ws)
    ob.rebuild_index()
    ob.ready = True
    return ob


def _client(ob, **changes):
    import dataclasses

    from fastapi.testclient import TestClient

    from olivebranch.app import create_app

    return TestClient(create_app(dataclasses.replace(ob.settings, **changes), state=ob))


VOLGA = {"schema": "Company", "properties": {"name": ["OOO Volga Group"]}}
NOBODY = {"schema": "Person", "properties": {"name": ["Jane Nobody"], "birthDate": ["1990"]}}


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "route"])
def test_a_match_request_is_one_record_per_query_in_one_insert(served, fast):
    import hashlib

    from olivebranch.api import auth

    key, info = auth.create_key(served.store, "bank screening", "read")
    log = AuditLog(served.store)
    before = log.count()
    with _client(served, fast_match=fast) as client:
        resp = client.post("/match/default", params={"threshold": 0.7, "algorithm": "logic-v2"},
                           json={"queries": {"q1": VOLGA}}, headers={"X-API-Key": key})
        assert resp.status_code == 200, resp.text
        assert log.count() == before + 1
        rec = log.list(action="screening", limit=1)[0]
        assert rec.who == f"api:{info.key_id}" and rec.subject == "OOO Volga Group"
        assert rec.inputs["endpoint"] == "match" and rec.inputs["qid"] == "q1"
        assert rec.inputs["query"] == {**VOLGA, "id": None}
        assert rec.inputs["threshold"] == 0.7 and rec.inputs["algorithm"] == "logic-v2"
        assert [v["source"] for v in rec.inputs["lists"]] == ["us_ofac_sdn"]
        assert rec.inputs["lists"][0]["id"] == served.index_versions[0].id
        answer = resp.json()["responses"]["q1"]["results"]
        assert rec.result["response_hash"] == hashlib.sha256(resp.content).hexdigest()
        assert rec.result["top"][0] == {"id": "ofac-16806", "score": answer[0]["score"],
                                        "match": True}
        assert rec.result["total"] == len(answer)

        # three queries: three records, written together, one answer hash
        body = {"queries": {"a": VOLGA, "b": NOBODY, "c": {**VOLGA, "id": "cust-7"}}}
        resp = client.post("/match/us_ofac_sdn", json=body)
        assert resp.status_code == 200
    recs = sorted(log.list(action="screening", limit=3), key=lambda r: r.id)
    assert log.count() == before + 4
    assert [r.inputs["qid"] for r in recs] == ["a", "b", "c"]
    assert {r.at for r in recs} == {recs[0].at} and [r.id for r in recs] == list(
        range(recs[0].id, recs[0].id + 3))
    assert {r.result["response_hash"] for r in recs} == {
        hashlib.sha256(resp.content).hexdigest()}
    assert all(r.who == "api:anonymous" and r.inputs["batch"] == 3 for r in recs)
    assert recs[1].result["top"] == [] and recs[2].inputs["query"]["id"] == "cust-7"
    assert log.verify().ok


def test_a_large_match_batch_is_recorded_once(served):
    """Batches past the inline size are answered in the thread pool: still recorded, once."""
    log = AuditLog(served.store)
    before = log.count()
    body = {"queries": {f"q{i}": VOLGA if i % 2 else NOBODY for i in range(7)}}
    with _client(served) as client:
        assert client.post("/match/default", json=body).status_code == 200
    assert log.count() == before + 7


def test_the_web_screening_form_is_recorded(served):
    log = AuditLog(served.store)
    with _client(served) as client:
        assert client.get("/screen", params={"q": "OOO Volga Group"}).status_code == 200
    rec = log.list(action="screening", limit=1)[0]
    assert rec.inputs["endpoint"] == "web:screen" and rec.subject == "OOO Volga Group"
    assert rec.result["top"][0]["id"] == "ofac-16806"


def test_review_decisions_are_recorded_from_the_api_and_the_cli(served, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from olivebranch.api import auth
    from olivebranch.cli import app

    key, info = auth.create_key(served.store, "analyst anna", "analyst")
    log = AuditLog(served.store)
    with _client(served) as client:
        resp = client.post("/api/reviews", headers={"X-API-Key": key}, json={
            "name": "OOO Volga Group", "hit": "ofac-16806", "decision": "false_positive",
            "reason": "our customer is registered in Samara"})
        assert resp.status_code == 200, resp.text
        review_id = resp.json()["id"]
        rec = log.list(action="review", limit=1)[0]
        assert rec.who == f"api:{info.key_id}" and rec.subject == "ooo volga group"
        assert rec.inputs["party_id"] == "ofac-16806" and rec.inputs["records"] == ["ofac-16806"]
        assert rec.inputs["decision"] == "false_positive"
        assert rec.inputs["reviewer"] == "analyst anna" and "Samara" in rec.inputs["reason"]
        assert rec.result == {"review_id": review_id, "decision": "false_positive",
                              "supersedes": []}
        # the next screening shows the hit as cleared, and records that
        client.post("/match/default", json={"queries": {"q": VOLGA}})
        shown = log.list(action="screening", limit=1)[0].result["top"][0]
        assert shown == {**shown, "id": "ofac-16806", "match": False, "review": "cleared"}

    monkeypatch.setenv("OLIVEBRANCH_DB", served.store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(app, ["review", "add", "OOO Volga Group", "ofac-16806",
                                   "--decision", "true_match", "--reviewer", "boris"])
    assert out.exit_code == 0, out.output
    rec = log.list(action="review", limit=1)[0]
    assert rec.who.startswith("local:") and rec.inputs["reviewer"] == "boris"
    assert rec.result["decision"] == "true_match" and rec.result["supersedes"] == [review_id]
    newest = rec.result["review_id"]
    out = CliRunner().invoke(app, ["review", "withdraw", str(newest)])
    assert out.exit_code == 0, out.output
    gone = log.list(action="review_withdrawn", limit=1)[0]
    assert gone.inputs["review_id"] == newest and gone.result == {"withdrawn": True}
    assert log.verify().ok


def test_party_pair_judgements_are_recorded(ws):
    from olivebranch.parties.store import PartyStore

    PartyStore(ws.store).decide("ofac-2", "ofac-1", "negative", user="anna", reason="other DOB")
    rec = AuditLog(ws.store).list(action="review", limit=1)[0]
    assert rec.subject == "ofac-1|ofac-2" or rec.subject == "ofac-2|ofac-1"
    assert rec.inputs["kind"] == "party_pair" and rec.inputs["judgement"] == "negative"
    assert rec.inputs["user"] == "anna" and sorted(rec.inputs["pair"]) == ["ofac-1", "ofac-2"]


def test_verify_detects_an_edited_screening_record(served):
    with _client(served) as client:
        client.post("/match/default", json={"queries": {"q": VOLGA}})
    log = AuditLog(served.store)
    rec = log.list(action="screening", limit=1)[0]
    assert log.verify().ok
    top = [{**rec.result["top"][0], "score": 0.1, "match": False}]
    with served.store.engine.begin() as conn:  # the hit is made to look like a near miss
        conn.execute(update(audit_records).where(audit_records.c.id == rec.id)
                     .values(result={**rec.result, "top": top}))
    bad = log.verify()
    assert not bad.ok and bad.broken_at == rec.id


def test_replay_of_a_screening_after_a_newer_list_version(served, ws, tmp_path, monkeypatch):
    with _client(served) as client:
        client.post("/match/default", json={"queries": {"q": VOLGA, "n": NOBODY}})
    log = AuditLog(ws.store)
    recs = {r.inputs["qid"]: r for r in log.list(action="screening", limit=2)}
    volga, nobody = recs["q"], recs["n"]
    assert volga.inputs["qid"] == "q" and volga.result["top"][0]["id"] == "ofac-16806"
    first = replay(ws.store, volga.id)
    assert first.matches, first.differences
    assert replay(ws.store, nobody.id).matches

    # the CLI's single-name screening replays too
    monkeypatch.setenv("OLIVEBRANCH_DB", ws.store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path / "home"))
    from typer.testing import CliRunner

    from olivebranch.cli import app

    assert CliRunner().invoke(app, ["screen", "OOO Volga Group"]).exit_code == 0
    cli_rec = log.list(action="screening", limit=1)[0]

    # OFAC delists Volga Group: today's answer changes, the recorded one is still reproduced
    import_path(ws.store, write_entries(tmp_path / "v2", base_entries() | {ADDED}), "us_ofac_sdn",
                published=date(2026, 11, 20))
    served.rebuild_index()
    with _client(served) as client:
        now = client.post("/match/default", json={"queries": {"q": VOLGA}}).json()
    assert all(r["id"] != "ofac-16806" for r in now["responses"]["q"]["results"])
    again = replay(ws.store, volga.id)
    assert again.matches, again.differences
    assert again.recomputed["top"][0]["id"] == "ofac-16806"
    assert replay(ws.store, cli_rec.id).matches
    latest = log.list(action="screening", limit=1)[0]
    assert latest.inputs["lists"][0]["id"] != volga.inputs["lists"][0]["id"]
    assert replay(ws.store, latest.id).matches

    # a tampered record no longer replays as recorded, and the CLI says so
    with ws.store.engine.begin() as conn:
        top = [{**volga.result["top"][0], "score": 0.5}, *volga.result["top"][1:]]
        conn.execute(update(audit_records).where(audit_records.c.id == volga.id)
                     .values(result={**volga.result, "top": top}))
    out = CliRunner().invoke(app, ["audit", "replay", str(volga.id)])
    assert out.exit_code == 1 and "DIFFERS" in out.output and "top[0].score" in out.output


def test_match_never_waits_for_a_held_write_lock(served):
    """A list import holds SQLite's write lock for its whole version: /match still answers at
    once, and its record is appended (in order, with the time of the answer) when the lock is
    free."""
    import time

    log = AuditLog.of(served.store)
    before = log.count()
    with _client(served) as client:
        client.post("/match/default", json={"queries": {"q": NOBODY}})  # warm
        assert log.count() == before + 1
        with _write_lock_held(served.store):
            t0 = time.perf_counter()
            for body in ({"queries": {"q": VOLGA}}, {"queries": {"a": NOBODY, "b": VOLGA}}):
                assert client.post("/match/default", json=body).status_code == 200
            assert time.perf_counter() - t0 < 2.0
    assert log.flush(30)
    recs = sorted(log.list(action="screening", limit=3), key=lambda r: r.id)
    assert log.count() == before + 4
    assert [r.inputs["qid"] for r in recs] == ["q", "a", "b"]
    assert all("answered_at" in r.inputs for r in recs)
    assert recs[0].result["top"][0]["id"] == "ofac-16806"
    assert log.verify().ok


def test_deferred_answers_of_concurrent_requests_share_a_commit(ws):
    """While SQLite's write lock is held, the records of many concurrent answers wait for the
    writer thread, which appends all that wait in one transaction (group commit), each with
    its own caller, in the order they were answered, in one intact chain."""
    import threading

    log = AuditLog.of(ws.store)
    before = log.count()
    order: list[int] = []
    done = threading.Lock()

    def answer(n: int) -> None:
        with done:  # answered in this order
            order.append(n)
            log.record_answer([("screening", f"q{n}", {"qid": f"q{n}"}, {"n": n})],
                              who=f"key:{n % 3}")

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(20)]
    with _write_lock_held(ws.store):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert log.flush(30)
    recs = sorted(log.list(action="screening", limit=20), key=lambda r: r.id)
    assert log.count() == before + 20
    assert [r.result["n"] for r in recs] == order
    assert all(r.who == f"key:{r.result['n'] % 3}" for r in recs)
    assert len({r.at for r in recs}) <= 3  # one commit per batch that waited, not 20
    assert log.verify().ok

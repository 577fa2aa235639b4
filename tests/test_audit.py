"""The audit trail: assessments and scenario runs recorded through the workspace (so the CLI,
the API and the web UI record alike), a hash chain that ``verify`` checks, and ``replay`` that
computes a past verdict again from the recorded list versions after a newer one was imported."""

from __future__ import annotations

import shutil
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

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
from olivebranch.audit.replay import replay
from olivebranch.audit.tables import audit_records
from olivebranch.lists.importer import import_path
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
    return Workspace(store, deals_dir=deals, scenarios_dir=scen, cache_dir=tmp_path / "cache",
                     index_cache=False)


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

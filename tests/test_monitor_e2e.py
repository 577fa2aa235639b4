"""``lists update`` and ``monitor run`` end to end against a real HTTP server on loopback that
serves OFAC's file layout (``<mirror>/us_ofac_sdn/sdn.csv``, ``add.csv``, ``alt.csv``,
``sdn_comments.csv``): a new SDN version with one designation added and one removed, each
touching a catalogue deal, gives alerts naming the deal, the regime, the verdict before and
after and the designation; timeouts, a truncated download, a 404, a file cut short and a file
that changed its format each leave the active version untouched and say why. The webhook is a
real loopback receiver that checks the signature."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from datetime import date
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ofac_excerpt import SDN_DIR, SDN_FILES, entry, raw_lines

from olivebranch.lists.update import update_sources
from olivebranch.monitor import alerts as sinks
from olivebranch.monitor import watchlist
from olivebranch.monitor.run import MonitorConfig, run_monitor, screen_watchlist
from olivebranch.scenarios.model import SCENARIOS_DIR
from olivebranch.store import Store
from olivebranch.workspace import Workspace

REMOVED = b"16806"  # OOO VOLGA GROUP (RUSSIA-EO14024): delisted in the new version
ADDED = b"16807"  # OOO TRANSOIL (RUSSIA-EO14024): listed in the new version
SECRET = "s3cret-shared-with-the-receiver"


def write_entries(folder: Path, keep: set[bytes], *, cut: int | None = None,
                  end_byte: bool = True) -> Path:
    """OFAC's four files holding only the entries ``keep``, as OFAC writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SDN_FILES:
        lines = [ln for ln in raw_lines(SDN_DIR / name) if entry(ln) in keep]
        body = b"".join(ln + b"\r\n" for ln in lines)
        if cut is not None and name == "sdn.csv":
            body = body[: body.rfind(b"\r\n", 0, cut) + 2]  # whole records, then nothing
        (folder / name).write_bytes(body + (b"\x1a" if end_byte else b""))
    return folder


def base_entries() -> set[bytes]:
    return {entry(ln) for ln in raw_lines(SDN_DIR / "sdn.csv")[:250]}


DEAL = """id: {id}
title: "A US company buys into a Kazakh lithium project with {name}"
asset: {{name: Test lithium deposit, country: kz, sectors: [lithium], stage: exploration}}
activity: {{types: [joint_venture, equity], import_into: [us], products: [lithium]}}
parties:
  - {{id: us-buyer, name: US battery materials company, role: investor, jurisdiction: us}}
  - {{id: partner, name: "{name}", role: partner, jurisdiction: kz}}
  - {{id: target, name: Test Lithium Project LLP, role: target, jurisdiction: kz}}
stakes:
  - {{holder: partner, in: target, before: 100, after: 70}}
  - {{holder: us-buyer, in: target, before: 0, after: 30}}
"""


QUIET = """name: quiet
title: Nothing moves but the lists
description: A second scenario, so that verdicts are compared per scenario.
base: status-quo
assumptions: ["Only the lists change."]
changes: []
"""


class Mirror:
    """A loopback HTTP server over a folder, with faults per path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults: dict[str, str] = {}
        self.requests: list[str] = []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                mirror.requests.append(self.path)
                fault = mirror.faults.get(self.path.rsplit("/", 1)[-1])
                path = mirror.root / self.path.lstrip("/")
                if fault == "404" or not path.is_file():
                    self.send_error(404, "Not Found")
                    return
                body = path.read_bytes()
                if fault == "slow":
                    time.sleep(2.0)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", formatdate(usegmt=True))
                self.end_headers()
                if fault == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Receiver:
    """A webhook receiver on loopback that checks the signature (500 on its first call)."""

    def __init__(self, fail_first: int = 1) -> None:
        self.got: list[dict] = []
        self.bad: list[str] = []
        self.calls = 0
        me = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                me.calls += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = sinks.verify(SECRET, self.headers[sinks.TIMESTAMP_HEADER], body,
                                  self.headers[sinks.SIGNATURE_HEADER])
                if me.calls <= fail_first:
                    self.send_response(500)
                elif not ok:
                    me.bad.append(self.headers[sinks.SIGNATURE_HEADER])
                    self.send_response(401)
                else:
                    me.got.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def setup(tmp_path):
    from olivebranch.lists.importer import import_path

    store = Store(f"sqlite:///{tmp_path / 'ob.sqlite'}")
    first = write_entries(tmp_path / "v1", base_entries() | {REMOVED})
    import_path(store, first, "us_ofac_sdn", published=date(2026, 11, 20))
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / "alpha.yaml").write_text(DEAL.format(id="alpha-volga", name="OOO Volga Group"))
    (deals / "beta.yaml").write_text(DEAL.format(id="beta-transoil", name="OOO Transoil"))
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(SCENARIOS_DIR / "status-quo.yaml", scenarios)
    (scenarios / "quiet.yaml").write_text(QUIET)
    ws = Workspace(store, deals_dir=deals, scenarios_dir=scenarios, cache_dir=tmp_path / "cache",
                   index_cache=False)
    mirror = Mirror(tmp_path / "mirror")
    write_entries(tmp_path / "mirror" / "us_ofac_sdn", (base_entries() | {ADDED}))
    yield store, ws, mirror, tmp_path
    mirror.close()


def active_sdn(store: Store) -> int:
    return next(v.id for v in store.active_versions() if v.source == "us_ofac_sdn")


def test_monitor_run_alerts_name_deal_regime_verdicts_and_designation(setup):
    store, ws, mirror, tmp = setup
    wl = tmp / "counterparties.csv"
    wl.write_text("id,schema,name,country\nc-1,Company,OOO Volga Group,ru\n"
                  "c-2,Company,Transoil,ru\nc-3,Person,Jane Nobody,us\n")
    assert watchlist.save_csv(store, "counterparties", wl) == 3
    assert screen_watchlist(ws, "counterparties") >= 1  # c-1 hits the listed Volga Group
    scenarios = ["status-quo", "quiet"]
    base = run_monitor(ws, MonitorConfig(update=False, scenarios=scenarios))
    assert base.baseline and base.alerts == []
    before = active_sdn(store)

    receiver = Receiver(fail_first=1)
    try:
        report = run_monitor(ws, MonitorConfig(
            mirror=mirror.url, sources=["us_ofac_sdn"], scenarios=scenarios, downloads=tmp / "dl",
            jsonl=tmp / "alerts.jsonl", webhook=receiver.url, secret=SECRET, backoff=0.05))
    finally:
        receiver.close()
    assert report.updates[0]["status"] == "imported", report.updates
    assert active_sdn(store) != before
    assert mirror.requests == [f"/us_ofac_sdn/{n}" for n in SDN_FILES]
    by_kind = {(a.kind, a.entity_id): a for a in report.alerts}

    added = by_kind[("designation_added", "ofac-16807")].payload
    assert added["caption"] == "OOO TRANSOIL" and added["source"] == "us_ofac_sdn"
    assert any("RUSSIA-EO14024" in (d["program"] or "") for d in added["record"]["designations"])
    beta = next(d for d in added["deals"] if d["deal_id"] == "beta-transoil")
    us = next(v for v in beta["verdicts"] if v["scenario"] == "status-quo" and v["regime"] == "us")
    assert us["before"] != "prohibited" and us["after"] == "prohibited" and us["changed"]
    assert {v["scenario"] for v in beta["verdicts"]} == set(scenarios)
    assert [e["entry_id"] for e in added["watchlist"]] == ["c-2"]

    removed = by_kind[("designation_removed", "ofac-16806")].payload
    assert removed["caption"] == "OOO VOLGA GROUP"
    alpha = next(d for d in removed["deals"] if d["deal_id"] == "alpha-volga")
    us = next(v for v in alpha["verdicts"] if v["scenario"] == "status-quo" and v["regime"] == "us")
    assert us["before"] == "prohibited" and us["after"] != "prohibited"
    cleared = [e for e in removed["watchlist"] if e["event"].startswith("hit cleared")]
    assert [e["entry_id"] for e in cleared] == ["c-1"]
    assert "designation removed" in cleared[0]["event"]

    # the same alerts in the store, the JSON lines file and the (retried, signed) webhook
    stored = sinks.recent(store, run_id=report.run_id)
    assert {a.title for a in stored} == {a.title for a in report.alerts}
    lines = [json.loads(x) for x in (tmp / "alerts.jsonl").read_text().splitlines()]
    assert {x["entity_id"] for x in lines} >= {"ofac-16806", "ofac-16807"}
    assert report.delivery["webhook"]["ok"] and report.delivery["webhook"]["attempts"] == 2
    assert receiver.bad == [] and len(receiver.got) == 1
    assert {a["entity_id"] for a in receiver.got[0]["alerts"]} >= {"ofac-16806", "ofac-16807"}

    # nothing changed since: a second run alerts on nothing and re-assesses nothing
    again = run_monitor(ws, MonitorConfig(mirror=mirror.url, sources=["us_ofac_sdn"],
                                          scenarios=scenarios, downloads=tmp / "dl"))
    assert again.updates[0]["status"] == "unchanged"
    assert again.alerts == [] and again.deals_reassessed == []


@pytest.mark.parametrize(("fault", "why"), [
    ("slow", "timed out"),
    ("truncate", "truncated download"),
    ("404", "HTTP 404"),
])
def test_failed_downloads_keep_the_active_version(setup, fault, why):
    store, ws, mirror, tmp = setup
    before = active_sdn(store)
    mirror.faults = {"add.csv": fault}
    results = update_sources(store, ["us_ofac_sdn"], root=tmp / "dl", mirror=mirror.url,
                             timeout=0.5, retries=1, backoff=0.01)
    assert results[0].status == "failed" and results[0].stage == "download"
    assert why in results[0].reason and "add.csv" in results[0].reason
    assert f"active version {before} kept" in results[0].reason
    assert active_sdn(store) == before and len(store.versions("us_ofac_sdn")) == 1
    assert not any((tmp / "dl" / "us_ofac_sdn").iterdir())  # no half-downloaded set left


@pytest.mark.parametrize(("change", "why"), [
    ("columns", "no OFAC primary CSV file (12 columns"),
    ("cut", "refused, the active version is kept"),
])
def test_refused_files_keep_the_active_version(setup, change, why):
    store, ws, mirror, tmp = setup
    before = active_sdn(store)
    folder = tmp / "mirror" / "us_ofac_sdn"
    if change == "columns":  # the publisher changed its layout: a header and fewer columns
        rows = [next(csv.reader(io.StringIO(ln.decode("latin-1"))))
                for ln in raw_lines(folder / "sdn.csv")]
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(["uid", "name", "type", "programs"])
        w.writerows([r[0], r[1], r[2], r[3]] for r in rows)
        (folder / "sdn.csv").write_bytes(out.getvalue().encode("latin-1") + b"\x1a")
    else:  # a complete HTTP response of a file cut short: no end marker
        write_entries(folder, base_entries() | {ADDED}, cut=20_000, end_byte=False)
    report = run_monitor(ws, MonitorConfig(mirror=mirror.url, sources=["us_ofac_sdn"],
                                           scenarios=["status-quo"], downloads=tmp / "dl"))
    failed = report.updates[0]
    assert failed["status"] == "failed" and failed["stage"] == "import"
    assert why in failed["reason"], failed["reason"]
    assert active_sdn(store) == before
    assert [a.kind for a in report.alerts] == ["update_failed"]
    assert report.status == "partial"


def test_alerts_page_and_api_show_the_run(setup):
    from fastapi.testclient import TestClient

    from olivebranch.api.settings import Settings
    from olivebranch.api.state import AppState
    from olivebranch.app import create_app

    store, ws, mirror, tmp = setup
    run_monitor(ws, MonitorConfig(update=False, scenarios=["status-quo"]))
    report = run_monitor(ws, MonitorConfig(mirror=mirror.url, sources=["us_ofac_sdn"],
                                           scenarios=["status-quo"], downloads=tmp / "dl"))
    assert report.alerts
    settings = Settings(db_url=store.url, deals_dir=tmp / "d", scenarios_dir=tmp / "s",
                        import_bundled_if_empty=False, warm_up=False, index_cache=False)
    ob = AppState(settings=settings, workspace=ws)
    ob.ready = True
    with TestClient(create_app(settings, state=ob)) as client:
        api = client.get("/api/monitor/alerts").json()
        assert {a["entity_id"] for a in api} >= {"ofac-16806", "ofac-16807"}
        assert client.get("/api/monitor/runs").json()[0]["status"] == "ok"
        page = client.get("/alerts").text
        assert "OOO TRANSOIL" in page and "beta-transoil" in page
        assert "<strong>prohibited</strong>" in page


def test_cli_lists_update_and_monitor_run(setup, monkeypatch):
    from typer.testing import CliRunner

    from olivebranch.cli import app

    store, ws, mirror, tmp = setup
    monkeypatch.setenv("OLIVEBRANCH_DB", store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp / "home"))
    import yaml

    user = Workspace(store)  # user deals, saved in the store's catalogue (as the API does)
    for deal_id, name in (("alpha-volga", "OOO Volga Group"), ("beta-transoil", "OOO Transoil")):
        user.deals.save(yaml.safe_load(DEAL.format(id=deal_id, name=name)), create=True)
    runner = CliRunner(env={"COLUMNS": "200"})
    mirror.faults = {"alt.csv": "404"}
    out = runner.invoke(app, ["lists", "update", "us_ofac_sdn", "--mirror", mirror.url,
                              "--retries", "0"])
    assert out.exit_code == 1 and "HTTP 404" in out.output and "alt.csv" in out.output
    assert "active version 1 kept" in out.output.replace("\n", " ")
    out = runner.invoke(app, ["monitor", "run", "--no-update", "--scenario", "status-quo",
                              "--json"])
    assert out.exit_code == 0, out.output
    assert '"baseline": true' in out.output
    mirror.faults = {}
    out = runner.invoke(app, ["lists", "update", "us_ofac_sdn", "--mirror", mirror.url])
    assert out.exit_code == 0 and "imported" in out.output, out.output
    out = runner.invoke(app, ["monitor", "run", "--no-update", "--scenario", "status-quo"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "designation added: OOO TRANSOIL" in text and "beta-transoil" in text
    out = runner.invoke(app, ["monitor", "alerts"])
    assert "OOO VOLGA GROUP" in out.output

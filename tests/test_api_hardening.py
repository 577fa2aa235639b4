"""Issue 11 against the real app: scenario limits and queues, body limits before reading, key
checks off the event loop, rate limits, key expiry, lone surrogates, PDF queue, /catalog in
step with /match, 4xx instead of 500 for odd ids, and the browser security headers and CSRF."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from test_api_support import shared_state

from olivebranch.api import auth
from olivebranch.api.limits import Gate, RateLimiter, Refused
from olivebranch.api.server import serve_in_thread
from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState
from olivebranch.api.tables import api_key_expiry
from olivebranch.app import create_app

LUKOIL = "PJSC Lukoil"


@pytest.fixture(scope="module")
def ob(bundled_store, tmp_path_factory) -> AppState:
    return shared_state(bundled_store, tmp_path_factory.mktemp("api"))


def _client(ob: AppState, base: str = "http://testserver", **changes: object) -> TestClient:
    settings = dataclasses.replace(ob.settings, **changes)
    return TestClient(create_app(settings, state=ob), raise_server_exceptions=False,
                      base_url=base)


@pytest.fixture(scope="module")
def client(ob: AppState):
    with _client(ob) as c:
        yield c


@pytest.fixture(scope="module")
def keys(ob: AppState) -> dict[str, str]:
    return {role: auth.create_key(ob.store, f"hardening {role}", role)[0] for role in auth.ROLES}


def _delist(names: list[str], changes: int = 1) -> dict:
    per = max(1, len(names) // changes)
    chunks = [names[i:i + per] for i in range(0, len(names), per)] or [[]]
    return {"name": "adhoc", "title": "ad hoc", "description": "d", "assumptions": ["a test"],
            "changes": [{"delist": {"regime": "us", "names": c or [LUKOIL]}} for c in chunks]}


# ---------------------------------------------------------------------- 1. scenario DoS
def test_scenario_with_too_many_names_is_refused_before_running(client: TestClient) -> None:
    names = [f"Company number {i}" for i in range(2000)]
    t0 = time.perf_counter()
    resp = client.post("/api/scenarios/run", json=_delist(names))
    assert resp.status_code == 422, resp.text
    assert "2000" in resp.json()["detail"] and "at most 100" in resp.json()["detail"]
    assert time.perf_counter() - t0 < 5
    many = _delist([f"N{i}" for i in range(150)], changes=150)
    resp = client.post("/api/scenarios/run", json=many)
    assert resp.status_code == 422 and "150 changes" in resp.json()["detail"]


def test_saved_scenarios_have_the_same_limits(client: TestClient, keys: dict[str, str]) -> None:
    body = _delist([f"Company number {i}" for i in range(500)]) | {"name": "too-big"}
    resp = client.post("/api/scenarios", json=body, headers={"X-API-Key": keys["analyst"]})
    assert resp.status_code == 422 and "at most" in resp.json()["detail"]


def test_small_adhoc_scenario_still_runs(client: TestClient) -> None:
    body = _delist([LUKOIL])
    body["changes"] = [{"delist": {"regime": "us", "entities": ["ofac-17248"]}}]
    resp = client.post("/api/scenarios/run", json=body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["deals"]


def test_gate_queues_then_refuses() -> None:
    async def scenario() -> list[object]:
        gate = Gate("jobs", running=1, waiting=1, patience=0.3)
        release = asyncio.Event()
        out: list[object] = []

        async def job(i: int) -> None:
            try:
                async with gate.slot():
                    out.append(("ran", i))
                    await release.wait()
            except Refused as exc:
                out.append((exc.status, i, exc.retry_after))

        first = asyncio.create_task(job(1))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(job(2))  # waits in the queue
        await asyncio.sleep(0.01)
        await job(3)  # the queue is full: 429 at once
        await asyncio.sleep(0.4)  # the second gives up after its patience: 503
        release.set()
        await asyncio.gather(first, second)
        async with gate.slot():  # the slot is free again
            out.append(("ran", 4))
        assert gate.busy == 0 and gate.queued == 0
        return out

    out = asyncio.run(scenario())
    assert ("ran", 1) in out and ("ran", 4) in out
    assert (429, 3, 1) in out
    assert any(o[0] == 503 and o[1] == 2 and o[2] >= 1 for o in out if len(o) == 3)


def test_gate_hands_slots_over_in_order() -> None:
    async def scenario() -> list[int]:
        gate = Gate("jobs", running=1, waiting=5, patience=5)
        order: list[int] = []

        async def job(i: int) -> None:
            async with gate.slot():
                order.append(i)
                await asyncio.sleep(0.01)

        await asyncio.gather(*(job(i) for i in range(5)))
        assert gate.busy == 0
        return order

    assert asyncio.run(scenario()) == [0, 1, 2, 3, 4]


def test_busy_runs_answer_429_with_retry_after(ob: AppState) -> None:
    with _client(ob, queue_length=0) as c:
        assert c.get("/healthz").status_code == 200  # builds the middleware stack
        guard = c.app.state.guard()
        guard.runs.busy = guard.runs.running  # every run slot taken
        try:
            resp = c.post("/api/scenarios/run", json=_delist([LUKOIL]))
            assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1
            assert c.get("/api/scenarios/status-quo/run").status_code == 429
            assert c.get("/healthz").status_code == 200  # everything else is served
            assert c.get("/api/deals", params={"verdicts": "false"}).status_code == 200
        finally:
            guard.runs.busy = 0


def test_a_running_scenario_does_not_block_cached_pages(ob: AppState, client: TestClient) -> None:
    assert client.get("/api/deals").status_code == 200  # status quo computed and cached
    ws = ob.workspace
    held = threading.Event()
    done = threading.Event()

    def long_run() -> None:  # a scenario computation in progress
        with ws._computing:
            held.set()
            done.wait(20)

    t = threading.Thread(target=long_run)
    t.start()
    try:
        held.wait(5)
        t0 = time.perf_counter()
        assert client.get("/api/deals").status_code == 200
        assert client.get("/healthz").status_code == 200
        assert time.perf_counter() - t0 < 3
    finally:
        done.set()
        t.join()


# ---------------------------------------------------------------------- 2. bodies, keys, rates
def _raw(port: int, request: bytes, body: bytes = b"", timeout: float = 10) -> tuple[int, str]:
    """Send raw bytes; return the status and the response text (the server may answer before
    the body is sent)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        if body:
            try:
                s.sendall(body)
            except OSError:
                pass
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        try:
            s.settimeout(1)
            data += s.recv(65536)
        except OSError:
            pass
    return int(data.split(b" ", 2)[1]), data.decode("latin-1")


@pytest.fixture(scope="module")
def live(ob: AppState):
    app = create_app(dataclasses.replace(ob.settings, expensive_per_minute=1000), state=ob)
    with serve_in_thread(app) as server:
        yield server


def test_admin_upload_without_key_refused_before_the_body(live, keys: dict[str, str]) -> None:
    head = (b"POST /api/admin/lists/us_ofac_sdn/import HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 200000000\r\n\r\n")
    t0 = time.perf_counter()
    status, text = _raw(live.port, head)  # no body sent at all: the answer cannot wait for it
    assert status == 401 and "admin" in text
    assert time.perf_counter() - t0 < 5
    read = keys["read"].encode()
    status, _ = _raw(live.port, head.replace(b"Host: x\r\n", b"Host: x\r\nX-API-Key: " + read
                                              + b"\r\n"))
    assert status == 403


def test_large_bodies_refused_on_every_route(live, keys: dict[str, str]) -> None:
    # the upload size applies to imports only: key creation gets the ordinary limit
    for path in (b"/api/admin/keys", b"/api/deals/validate", b"/match/default", b"/login",
                 b"/api/scenarios/run"):
        status, text = _raw(live.port, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nX-API-Key: "
                            + keys["admin"].encode()
                            + b"\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 200000000\r\n\r\n")
        assert status == 413, (path, text)
    # chunked, no Content-Length: counted as it streams and cut off at the limit
    chunk = b"a" * 65536
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(40))
    status, _ = _raw(live.port, b"POST /api/deals/validate HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", body)
    assert status == 413


def test_expensive_endpoints_are_rate_limited_per_key(ob: AppState, keys: dict[str, str]) -> None:
    with _client(ob, expensive_per_minute=2) as c:
        h = {"X-API-Key": keys["read"]}
        assert c.get("/api/scenarios/status-quo/run", headers=h).status_code == 200
        assert c.get("/api/scenarios/status-quo/run", headers=h).status_code == 200
        third = c.get("/api/scenarios/status-quo/run", headers=h)
        assert third.status_code == 429 and 1 <= int(third.headers["retry-after"]) <= 60
        # another key has its own budget; cheap endpoints are not counted
        assert c.get("/api/scenarios/status-quo/run",
                     headers={"X-API-Key": keys["analyst"]}).status_code == 200
        assert c.get("/api/deals", headers=h).status_code == 200


def test_rate_limiter_window() -> None:
    r = RateLimiter(2, window=60)
    r.hit("a", now=0)
    r.hit("a", now=1)
    with pytest.raises(Refused) as exc:
        r.hit("a", now=2)
    assert exc.value.status == 429 and exc.value.retry_after == 58
    r.hit("a", now=61)  # the first one left the window


def test_keys_expire(ob: AppState, client: TestClient, keys: dict[str, str]) -> None:
    made = client.post("/api/admin/keys", json={"name": "short", "role": "read"},
                       headers={"X-API-Key": keys["admin"]})
    assert made.status_code == 201, made.text
    info = made.json()
    expires = datetime.fromisoformat(info["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    h = {"X-API-Key": info["key"]}
    assert client.get("/api/lists", headers=h).status_code == 200
    with ob.store.engine.begin() as conn:
        conn.execute(update(api_key_expiry).where(api_key_expiry.c.key_id == info["key_id"])
                     .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/api/lists", headers=h).status_code == 401
    assert auth.verify_key(ob.store, info["key"]) is None


# ---------------------------------------------------------------------- 3. lone surrogates
SURROGATE_DEAL = ('{"id": "surrogate-deal", "title": "Bad \\udc80 title", "asset": {"name": "x", '
                  '"country": "ru", "sectors": ["oil"]}, "parties": [], "activity": '
                  '{"types": ["investment"]}}')


def test_lone_surrogates_refused_and_nothing_written(client: TestClient,
                                                      keys: dict[str, str]) -> None:
    h = {"X-API-Key": keys["analyst"], "Content-Type": "application/json"}
    before = client.get("/api/deals", params={"verdicts": "false"}).json()
    resp = client.post("/api/deals", content=SURROGATE_DEAL, headers=h)
    assert resp.status_code == 422 and "surrogate" in resp.json()["detail"]
    after = client.get("/api/deals")
    assert after.status_code == 200
    assert [d["id"] for d in after.json()] == [d["id"] for d in before]
    assert client.get("/deals").status_code == 200
    assert client.get("/api/scenarios/status-quo/run").status_code == 200
    for path, body in (
        ("/match/default", '{"queries": {"q": {"schema": "Company", "properties": '
                           '{"name": ["Ros\\udc80neft"]}}}}'),
        ("/api/deals/validate", SURROGATE_DEAL),
        ("/api/scenarios/run", json.dumps(_delist([LUKOIL])).replace(LUKOIL, "\\udc80")),
        ("/api/deals/validate", '{"\\ud800": 1}'),
    ):
        got = client.post(path, content=body, headers=h)
        assert got.status_code == 422, (path, got.text)
    # a real pair is fine
    ok = client.post("/match/default", headers=h,
                     content='{"queries": {"q": {"schema": "Company", "properties": '
                             '{"name": ["Rosneft \\ud83d\\ude00"]}}}}')
    assert ok.status_code == 200
    assert client.get("/api/deals/%ED%B2%80").status_code in (400, 404)
    assert client.get("/api/deals?scenario=%ED%B2%80").status_code == 400
    assert client.get("/match/default", params={}).status_code in (200, 405)


# ---------------------------------------------------------------------- 8. DB writes off the loop
@pytest.mark.sqlite_only  # holds SQLite's write lock on the store file itself
def test_keyed_requests_do_not_wait_for_the_write_lock(live, ob: AppState,
                                                       keys: dict[str, str]) -> None:
    auth._touched.clear()  # the next keyed request wants to record last_used_at
    db = ob.store.url.removeprefix("sqlite:///")
    other = sqlite3.connect(db, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with httpx.Client(base_url=live.url, timeout=30) as http:
            t0 = time.perf_counter()
            resp = http.get("/api/lists", headers={"X-API-Key": keys["read"]})
            keyed = time.perf_counter() - t0
            t0 = time.perf_counter()
            assert http.get("/healthz").status_code == 200
            health = time.perf_counter() - t0
        assert resp.status_code == 200, resp.text
        assert keyed < 2 and health < 0.5, (keyed, health)
    finally:
        other.execute("ROLLBACK")
        other.close()
    deadline = time.monotonic() + 10  # the use is recorded once the lock is free
    while time.monotonic() < deadline:
        used = {k.key_id: k.last_used_at for k in auth.list_keys(ob.store)}
        if used[keys["read"].split("_")[1]] is not None:
            break
        time.sleep(0.1)
    assert used[keys["read"].split("_")[1]] is not None


# ---------------------------------------------------------------------- 10. PDF renders bounded
def test_pdf_renders_are_queued(ob: AppState) -> None:
    with _client(ob, queue_length=0) as c:
        c.get("/healthz")
        deal = c.get("/api/deals", params={"verdicts": "false"}).json()[0]["id"]
        guard = c.app.state.guard()
        guard.renders.busy = guard.renders.running
        try:
            resp = c.get(f"/deals/{deal}/report.pdf")
            assert resp.status_code == 429 and resp.headers["retry-after"]
            assert c.get(f"/deals/{deal}/report").status_code == 200  # HTML is not queued
        finally:
            guard.renders.busy = 0


# ---------------------------------------------------------------------- 11. /catalog and /match
def test_catalog_names_the_versions_the_index_serves(tmp_path: Path, fixtures: Path) -> None:
    from olivebranch.lists.importer import import_path

    settings = Settings(db_url=f"sqlite:///{tmp_path / 'c.sqlite'}", deals_dir=tmp_path / "d",
                        scenarios_dir=tmp_path / "s", import_bundled_if_empty=False,
                        warm_up=False, index_cache=False)
    sample = fixtures / "lists" / "sample_eu_fsf.xml"
    from olivebranch.store import Store

    import_path(Store(settings.db_url), sample, "eu_fsf")
    ob = AppState.start(settings)
    with TestClient(create_app(settings, state=ob)) as c:
        first = c.get("/catalog").json()["datasets"][1]["index_version"]
        import_path(ob.store, sample, "eu_fsf", force=True)  # a new version, index not rebuilt
        newest = str(ob.store.active_versions()[0].id)
        assert newest != first
        assert c.get("/catalog").json()["datasets"][1]["index_version"] == first
        ob.rebuild_index()
        assert c.get("/catalog").json()["datasets"][1]["index_version"] == newest


# ---------------------------------------------------------------------- 12. odd ids
def test_odd_ids_get_4xx(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/api/lists/diff/99999999999999999999/1").status_code == 422
    assert client.get("/api/lists/diff/9223372036854775807/1").status_code == 404
    assert client.get("/api/deals/" + "d" * 300).status_code == 414
    assert client.get("/api/deals/" + "d" * 150).status_code == 404
    assert client.get("/api/scenarios/" + "s" * 500 + "/run").status_code == 414
    assert client.get("/deals/" + "d" * 300).status_code == 414
    h = {"X-API-Key": keys["analyst"]}
    body = json.loads(SURROGATE_DEAL.replace("\\udc80", "ok")) | {"id": "x" * 300}
    assert client.post("/api/deals", json=body, headers=h).status_code in (400, 413, 422)
    assert client.post("/api/scenarios", headers=h,
                       json=_delist([LUKOIL]) | {"name": "s" * 500}).status_code in (400, 422)


def test_scenario_parameters_never_name_server_files(client: TestClient, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text((Path(__file__).resolve().parents[1] / "data" / "scenarios"
                        / "status-quo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for path in ("/api/deals", "/api/scenarios/compare?b=status-quo&a=",
                 "/api/scenarios/summary?scenarios="):
        sep = "&" if "?" in path else "?"
        url = f"{path}{str(outside)}" if path.endswith("=") else f"{path}{sep}scenario={outside}"
        resp = client.get(url)
        assert resp.status_code in (404, 422), (url, resp.status_code, resp.text[:200])
        assert str(tmp_path) not in resp.text


# ---------------------------------------------------------------------- web security
def test_security_headers_everywhere(client: TestClient) -> None:
    for path in ("/deals", "/api/lists", "/healthz", "/static/style.css", "/nowhere"):
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script.split() == ["script-src", "'self'"]
        assert "frame-ancestors 'none'" in csp
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["referrer-policy"] == "same-origin"


def test_templates_have_no_inline_script() -> None:
    import re

    root = Path(__file__).resolve().parents[1] / "olivebranch" / "web" / "templates"
    for t in root.glob("*.html"):
        text = t.read_text(encoding="utf-8")
        # data islands (type="application/json") are never executed, so CSP allows them
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>",
                             text), t.name
        assert not re.search(r"\son[a-z]+\s*=", text), t.name
        assert "javascript:" not in text, t.name


def test_urls_ignore_the_host_header(ob: AppState, client: TestClient) -> None:
    page = client.get("/deals", headers={"Host": "evil.example"}).text
    assert "evil.example" not in page and "/static/app.js" in page
    with _client(ob, base_url="https://ob.example.org") as c:
        page = c.get("/deals", headers={"Host": "evil.example"}).text
        assert 'src="https://ob.example.org/static/app.js"' in page


def test_login_needs_the_csrf_token(ob: AppState, keys: dict[str, str]) -> None:
    with _client(ob, anonymous_read=False, anonymous_match=False) as c:
        assert c.post("/login", data={"key": keys["read"], "next": "/"},
                      follow_redirects=False).status_code == 403  # no token: forged
        form = c.get("/login")
        token = form.text.split('name="csrf" value="')[1].split('"')[0]
        assert c.cookies.get("ob_csrf") == token
        bad = c.post("/login", data={"key": keys["read"], "csrf": token + "x"})
        assert bad.status_code == 403
        ok = c.post("/login", data={"key": keys["read"], "next": "/", "csrf": token},
                    follow_redirects=False)
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"]
        assert "samesite=strict" in cookie.lower() and "secure" not in cookie.lower()
    with _client(ob, "https://testserver", base_url="https://ob.example.org") as c:
        c.get("/login")
        token = c.cookies.get("ob_csrf")
        ok = c.post("/login", data={"key": keys["read"], "csrf": token},
                    follow_redirects=False)
        assert ok.status_code == 303
        assert "; secure" in ok.headers["set-cookie"].lower()


def test_error_messages_hide_server_paths(ob: AppState, client: TestClient) -> None:
    from olivebranch.api.errors import scrub

    root = str(ob.settings.deals_dir.parent)  # the state's directory (the SQLite file's too)
    assert root not in scrub(f"cannot read {root}/deals/x.yaml")
    for path in ("/api/deals/nope", "/deals/nope", "/api/scenarios/nope/run",
                 "/api/deals/nope/assessment?as_of=2020-13-45"):
        text = client.get(path).text
        assert root not in text and "/tmp/" not in text, (path, text[:300])

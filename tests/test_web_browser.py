"""The analyst web UI in a real browser: Debian's Chromium, headless, driven by Playwright
against a real uvicorn server on a loopback port. Screenshots go to ``test-artifacts/``; the
four main pages are copied to ``docs/screenshots/``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_api_support import shared_state

from olivebranch.api.server import RunningServer, serve_in_thread
from olivebranch.app import create_app
from olivebranch.paths import REPO_DIR
from olivebranch.web.reports import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path()
ARTIFACTS = REPO_DIR / "test-artifacts"
DOCS = REPO_DIR / "docs" / "screenshots"
VIEWPORT = {"width": 1360, "height": 900}

if CHROMIUM is None:
    pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(bundled_store, tmp_path_factory) -> Iterator[RunningServer]:
    ob = shared_state(bundled_store, tmp_path_factory.mktemp("web"))
    with serve_in_thread(create_app(ob.settings, state=ob)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: RunningServer):
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def visit(page, url: str) -> None:
    """Open a page and fail at once (with the server's answer) unless it is a 200."""
    resp = page.goto(url)
    assert resp is not None and resp.status == 200, f"{url}: {resp and resp.status} {resp and resp.text()[:500]}"


def shot(page, name: str, *, docs: bool = False, full: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    if docs:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")
    return path


def test_screening_in_the_browser(page) -> None:
    visit(page, "/screen")
    page.fill("input[name=q]", "Путин Владимир")
    page.select_option("select[name=schema]", "Person")
    page.click("#screen-form button[type=submit]")
    page.wait_for_selector("table.results tr.result")
    rows = page.locator("table.results tr.result")
    assert rows.count() >= 1
    first = rows.nth(0)
    assert "PUTIN" in first.inner_text().upper()
    assert "is-match" in (first.get_attribute("class") or "")
    assert first.locator("ul.why li").count() >= 1  # an explanation is shown
    shot(page, "screening", docs=True)
    first.locator("a.entity-link").click()
    page.wait_for_selector("h1")
    assert "PUTIN" in page.inner_text("h1").upper()
    assert "Designations" in page.content()
    shot(page, "entity")


def test_heat_map_with_scenario_switch(page) -> None:
    visit(page, "/deals")
    heat = page.locator("#heatmap")
    assert heat.get_attribute("data-scenario") == "status-quo"
    rows = page.locator("#heatmap tbody tr")
    assert rows.count() >= 25
    cell = page.locator('tr[data-deal="arctic-lng-2-us-stake"] td[data-regime="us"]')
    assert cell.get_attribute("data-verdict") == "prohibited"
    shot(page, "heatmap", docs=True)
    # the selector submits on change (a little JS); the page reloads under the new scenario
    with page.expect_navigation():
        page.select_option("#scenario-select", "us-executive-relief")
    assert "scenario=us-executive-relief" in page.url
    assert page.locator("#heatmap").get_attribute("data-scenario") == "us-executive-relief"
    cell = page.locator('tr[data-deal="arctic-lng-2-us-stake"] td[data-regime="us"]')
    assert cell.get_attribute("data-verdict") == "clear"
    assert "changed" in (cell.get_attribute("class") or "")
    eu = page.locator('tr[data-deal="arctic-lng-2-eu-equipment"] td[data-regime="eu"]')
    assert eu.get_attribute("data-verdict") == "prohibited"  # the EU keeps its measures
    shot(page, "heatmap-us-executive-relief")


def test_deal_page_and_report(page) -> None:
    visit(page, "/deals")
    page.click('tr[data-deal="arctic-lng-2-us-stake"] td.deal a')
    page.wait_for_selector("#verdicts")
    assert "Arctic LNG 2" in page.inner_text("h1")
    us = page.locator('#verdicts [data-regime="us"]')
    assert us.get_attribute("data-verdict") == "prohibited"
    findings = page.locator("#regime-us .finding")
    assert findings.count() >= 1
    assert findings.nth(0).locator("a", has_text="citation").count() == 1
    assert page.locator("#deal-picture svg").count() == 1
    assert page.locator("#parties tbody tr").count() >= 2
    shot(page, "deal", docs=True)
    # the same deal under a relief scenario, via the page's own selector
    with page.expect_navigation():
        page.select_option("#scenario-select", "us-executive-relief")
    assert page.locator('#verdicts [data-regime="us"]').get_attribute("data-verdict") == "clear"
    # printable report and its PDF
    visit(page, "/deals/arctic-lng-2-us-stake/report")
    assert "deal feasibility report" in page.inner_text(".report-head").lower()
    pdf = page.request.get("/deals/arctic-lng-2-us-stake/report.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF") and len(body) > 20_000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "deal-report.pdf").write_bytes(body)


def test_scenario_comparison(page) -> None:
    visit(page, "/scenarios")
    assert page.locator("#summary tbody tr").count() >= 7
    first = page.locator("#summary tbody tr").nth(0).locator("td")
    assert first.nth(1).inner_text().strip().isdigit()  # deals clear under the US
    assert page.locator("#chart svg").count() == 1
    shot(page, "scenarios")
    visit(page, "/scenarios/compare?a=status-quo&b=us-executive-relief")
    moved = page.locator("#moves tbody tr[data-deal]")
    assert moved.count() >= 1
    row = page.locator('#moves tr[data-deal="arctic-lng-2-us-stake"]')
    assert "→" in row.inner_text()
    assert page.locator("#chart svg").count() == 1
    shot(page, "scenario-comparison", docs=True)
    with page.expect_navigation():
        page.select_option("#compare-b", "eu-lapse")
    assert "b=eu-lapse" in page.url

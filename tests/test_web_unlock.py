"""The deal page's "What would it take" panel without a browser, over the real catalogue, packs
and bundled lists: it is server-rendered on the deal page (no script needed) for a deal the
status quo prohibits; each path's builder link carries scenario changes that, run as an ad-hoc
scenario through the API, give the deal the verdict the panel promises; the moves link what
they act on; the goal can be changed; the table downloads as CSV, XLSX and JSON lines."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from test_api_support import shared_state

from olivebranch.app import create_app
from olivebranch.context import effect_rank
from olivebranch.exports import UNLOCK_COLUMNS

DEAL = "arctic-lng-2-us-stake"


@pytest.fixture(scope="module")
def client(bundled_store, tmp_path_factory):
    ob = shared_state(bundled_store, tmp_path_factory.mktemp("webunlock"))
    with TestClient(create_app(ob.settings, state=ob), raise_server_exceptions=False) as c:
        yield c


class Links(HTMLParser):
    """Every element with an id, and the hrefs inside the panel, by class."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.builder: list[str] = []
        self.hrefs: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if a.get("id") == "unlock":
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth and tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
            if "builder-link" in (a.get("class") or ""):
                self.builder.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "section":
            self.depth -= 1


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def prefilled_scenario(href: str) -> tuple[dict, dict]:
    """The scenario a builder link pre-fills, as the builder page sends it to the API."""
    q = parse_qs(urlsplit(href).query)
    scenario = {"name": q["name"][0], "title": q["title"][0], "description": "from a link",
                "assumptions": ["test"], "changes": [json.loads(c) for c in q["change"]]}
    if "base" in q:
        scenario["base"] = q["base"]
    return scenario, {k: v[0] for k, v in q.items() if k != "change"}


def test_deal_page_renders_the_panel_and_every_builder_link_keeps_its_promise(client) -> None:
    res = client.get(f"/deals/{DEAL}")
    assert res.status_code == 200, res.text[:500]
    html = res.text
    page = parse(html)
    assert "unlock" in page.ids and "unlock-us" in page.ids
    assert len(page.ids) == len(set(page.ids)), "duplicate ids on the deal page"
    start = html.index('id="unlock-us"')
    end = html.find('class="unlock-regime"', start)
    us = html[start:end if end > 0 else len(html)]
    assert 'data-verdict="prohibited"' in us
    assert re.search(r'class="unlock-path" data-path="1" data-verdict-after="(clear|risk)"', us)
    assert "US President alone" in us  # who makes the cheapest path's moves
    assert page.builder, "no builder link"
    # links to what the moves act on: the finding on this page and the list entry
    anchors = [h for h in page.hrefs if h.startswith("#finding-us-")]
    assert anchors and all(a[1:] in page.ids for a in anchors), anchors
    assert any(h.startswith("/entity/") for h in page.hrefs)
    # each US path, replayed as the builder would run it, gives the promised verdict
    us_links = [h for h in page.builder if "regime=us" in h]
    assert us_links
    for href in us_links:
        scenario, q = prefilled_scenario(href)
        assert q["deal"] == DEAL and q["now"] == "prohibited"
        run = client.post("/api/scenarios/run", json=scenario)
        assert run.status_code == 200, run.text[:500]
        row = next(d for d in run.json()["deals"] if d["deal"] == DEAL)
        assert row["verdicts"]["us"] == q["expect"], (href, row["verdicts"])
        assert effect_rank(q["expect"]) <= effect_rank("risk")
        # the builder page opened from the link shows the changes and the promise
        page_b = client.get(href)
        assert page_b.status_code == 200
        assert 'id="focus"' in page_b.text and f'data-expect="{q["expect"]}"' in page_b.text
        assert "prefill-problems" not in page_b.text
        assert page_b.text.count('<li data-index="') == len(scenario["changes"])


def test_goal_and_fragment_and_json(client) -> None:
    res = client.get(f"/deals/{DEAL}/unlock", params={"target": "licensable", "fragment": "1"})
    assert res.status_code == 200
    assert res.text.lstrip().startswith("<section") and "<html" not in res.text
    assert 'data-target="licensable"' in res.text
    for m in re.finditer(r'data-verdict-after="([a-z_]+)"', res.text):
        assert effect_rank(m.group(1)) <= effect_rank("licence_required")
    full = client.get(f"/deals/{DEAL}/unlock")
    assert full.status_code == 200 and "<html" in full.text and 'id="unlock"' in full.text
    data = client.get(f"/deals/{DEAL}/unlock", params={"format": "json", "target": "clear"}).json()
    assert data["target"] == "clear" and data["regimes"]["us"]["verdict"] == "prohibited"
    move = data["regimes"]["us"]["paths"][0]["moves"][0]
    assert move["changes"] and all(len(c) == 1 for c in move["changes"])
    assert client.get("/deals/no-such-deal/unlock").status_code == 404
    # an unknown goal falls back to the default rather than failing the page
    assert 'data-target="unblocked"' in client.get(f"/deals/{DEAL}",
                                                   params={"target": "bogus"}).text


def test_builder_link_with_bad_changes_lists_every_problem(client) -> None:
    href = ("/scenarios/new?deal=x&regime=us&expect=clear&now=prohibited"
            "&change=%7B%22lift%22%3A%5B%5D%2C%22delist%22%3A1%7D&change=not-json")
    res = client.get(href)
    assert res.status_code == 200
    assert 'id="prefill-problems"' in res.text and "change 2 is not JSON" in res.text
    assert "change 1" in res.text.split("change 2 is not JSON")[0]  # both, in order


def test_unlock_table_downloads(client) -> None:
    from openpyxl import load_workbook

    base = f"/api/exports/deals/{DEAL}/unlock"
    x = client.get(base, params={"format": "xlsx", "regime": "us,ru"})
    assert x.status_code == 200, x.text[:300]
    assert "attachment" in x.headers["content-disposition"] and ".xlsx" in x.headers[
        "content-disposition"]
    wb = load_workbook(io.BytesIO(x.content))
    ws = wb["unlock"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == UNLOCK_COLUMNS
    recs = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {r["regime"] for r in recs} == {"us", "ru"}
    us = [r for r in recs if r["regime"] == "us"]
    assert us[0]["verdict now"] == "prohibited" and us[0]["path"] == 1
    assert all(json.loads(c) for r in us for c in r["scenario changes"].split("; "))
    csv = client.get(base, params={"format": "csv", "regime": "us"})
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("deal,regime,")
    jl = client.get(base, params={"format": "jsonl", "regime": "us"})
    lines = [json.loads(line) for line in jl.text.splitlines()]
    assert lines and all(line["deal"] == DEAL for line in lines)
    assert client.get("/api/exports/deals/nope/unlock").status_code == 404
    assert client.get(base, params={"target": "bogus"}).status_code in (400, 422)
    bad = client.get(base, params={"regime": "us,xx"})  # named, not a server error
    assert bad.status_code == 400 and "xx" in bad.json()["detail"]

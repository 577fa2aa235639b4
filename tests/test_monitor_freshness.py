"""Age warnings: each list in force, its publication date, and a warning when it is older than
its publisher's usual update interval, wherever a verdict is shown (CLI, API, web)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from ofac_excerpt import write_set

from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState
from olivebranch.app import create_app
from olivebranch.lists.importer import import_path
from olivebranch.monitor import freshness
from olivebranch.monitor.freshness import source_ages, warnings
from olivebranch.store import Store
from olivebranch.workspace import Workspace


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Store:
    root = tmp_path_factory.mktemp("fresh")
    store = Store(f"sqlite:///{root / 'ob.sqlite'}")
    import_path(store, write_set(root / "sdn", entries=400), "us_ofac_sdn",
                published=date(2026, 11, 1))
    return store


def test_age_against_interval(small_store, monkeypatch):
    monkeypatch.delenv(freshness.ENV, raising=False)
    fresh = source_ages(small_store, date(2026, 11, 10))
    assert [(a.source, a.age_days, a.interval_days, a.stale) for a in fresh] == [
        ("us_ofac_sdn", 9, 14, False)]
    assert warnings(small_store, date(2026, 11, 10)) == []
    old = warnings(small_store, date(2026, 12, 7))
    assert len(old) == 1 and "us_ofac_sdn" in old[0] and "36 days" in old[0] and "14-day" in old[0]


def test_interval_is_configurable(small_store, monkeypatch):
    monkeypatch.setenv(freshness.ENV, "us_ofac_sdn=60")
    assert warnings(small_store, date(2026, 12, 7)) == []
    monkeypatch.setenv(freshness.ENV, "us_ofac_sdn=5")
    assert len(warnings(small_store, date(2026, 11, 10))) == 1
    monkeypatch.setenv(freshness.ENV, "us_ofac_sdn=soon")
    with pytest.raises(ValueError, match="us_ofac_sdn"):
        warnings(small_store, date(2026, 11, 10))


def test_as_of_reads_the_versions_of_that_day(small_store, monkeypatch):
    monkeypatch.delenv(freshness.ENV, raising=False)
    # nothing was published on or before this day: no list in force, nothing to warn about
    assert source_ages(small_store, date(2026, 1, 1), as_of=date(2026, 1, 1)) == []


def test_api_and_web_show_the_warning(small_store, tmp_path, monkeypatch):
    monkeypatch.delenv(freshness.ENV, raising=False)
    settings = Settings(db_url=small_store.url, deals_dir=tmp_path / "d",
                        scenarios_dir=tmp_path / "s", import_bundled_if_empty=False,
                        warm_up=False, index_cache=False)
    ob = AppState(settings=settings, workspace=Workspace(small_store, cache_dir=tmp_path / "c"))
    ob.rebuild_index()
    ob.ready = True
    with TestClient(create_app(settings, state=ob)) as client:
        body = client.get("/api/deals/arctic-lng-2-us-stake/assessment",
                          params={"as_of": "2026-12-07"}).json()
        assert body["list_age"][0]["source"] == "us_ofac_sdn"
        assert body["list_age"][0]["stale"] is True
        assert "older than its publisher's usual 14-day" in body["list_age"][0]["warning"]
        page = client.get("/deals/arctic-lng-2-us-stake", params={"as_of": "2026-12-07"}).text
        assert "List age: us_ofac_sdn: published 2026-11-01" in page
        body = client.get("/api/deals/arctic-lng-2-us-stake/assessment",
                          params={"as_of": "2026-11-05"}).json()
        assert body["list_age"][0]["stale"] is False

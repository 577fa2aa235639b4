"""The store keeps versions, activates one per source, and never loses the active version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from followthemoney import model

from olivebranch.errors import ParseError
from olivebranch.lists.importer import import_path
from olivebranch.store import Store


def _entities(n: int, program: str = "TEST-PROG"):
    out = []
    for i in range(n):
        e = model.make_entity("Company")
        e.id = f"t-{i}"
        e.add("name", f"Company {i}")
        s = model.make_entity("Sanction")
        s.id = f"t-{i}-s"
        s.add("entity", e.id)
        s.add("authority", "Test")
        s.add("program", program)
        out += [e, s]
    return out


def test_versions_and_activation(store: Store) -> None:
    v1 = store.add_version("src", _entities(3), regime="us", published=date(2024, 1, 1))
    v2 = store.add_version("src", _entities(5), regime="us", published=date(2025, 1, 1))
    active = store.active_versions()
    assert [v.id for v in active] == [v2.id]
    assert v2.counts["schema"]["Company"] == 5
    assert v2.counts["program"]["TEST-PROG"] == 5
    assert [v.id for v in store.active_versions(as_of=date(2024, 6, 1))] == [v1.id]
    assert store.get_entity("t-4") is not None
    assert store.get_entity("t-4", as_of=date(2024, 6, 1)) is None
    assert {d.entity_id for d in store.designations()} == {f"t-{i}" for i in range(5)}
    store.activate(v1.id)
    assert store.get_entity("t-4") is None


def test_failed_version_write_keeps_active(store: Store) -> None:
    v1 = store.add_version("src", _entities(2), regime="us")
    bad = _entities(2)
    bad.append(bad[0])  # duplicate id -> refused before anything is written
    with pytest.raises(ValueError):
        store.add_version("src", bad, regime="us")
    assert [v.id for v in store.active_versions()] == [v1.id]
    assert len(store.versions("src")) == 1


def test_ftm_import_reports_bad_line(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.ftm.json"
    good.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["Ann"]}}\n')
    report = import_path(store, good, "ftm")
    assert report.version.entity_count == 1
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "a", "schema": "Person", "properties": {}}\n{"id": "b", "schema": \n')
    with pytest.raises(ParseError) as err:
        import_path(store, bad, "ftm")
    assert "line 2" in str(err.value) and "bad.ftm.json" in str(err.value)
    assert store.active_versions()[0].id == report.version.id
    unchanged = import_path(store, good, "ftm")
    assert unchanged.skipped


def test_time_travel_filters_listing_dates(store: Store) -> None:
    """A cumulative source published after ``as_of`` still counts for its earlier listings."""
    items = _entities(2)
    items[1].add("listingDate", "2025-01-10")
    items[3].add("listingDate", "2025-10-22")
    store.add_version("supp", items, regime="us", published=date(2025, 10, 22))
    before = store.designations(as_of=date(2024, 12, 31))
    assert before == []
    mid = store.designations(as_of=date(2025, 6, 1))
    assert [d.entity_id for d in mid] == ["t-0"]
    assert {d.entity_id for d in store.designations()} == {"t-0", "t-1"}

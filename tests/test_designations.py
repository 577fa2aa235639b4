"""Designation classes and superseded sources (OFSI ConList replaced by the FCDO list)."""

from __future__ import annotations

from datetime import date

from followthemoney import model

from olivebranch.listings import listed_status
from olivebranch.store import Store


def _listed(eid: str, authority: str) -> list:
    e = model.make_entity("Company")
    e.id = eid
    e.add("name", eid)
    s = model.make_entity("Sanction")
    s.id = f"{eid}-s"
    s.add("entity", eid)
    s.add("authority", authority)
    s.add("program", "Russia")
    return [e, s]


def test_ofsi_designations_stop_counting_once_fcdo_is_loaded(store: Store) -> None:
    store.add_version("gb_ofsi", _listed("gb-ofsi-1", "OFSI") + _listed("gb-ofsi-2", "OFSI"), regime="uk")
    only_ofsi = listed_status(store)["uk"]
    assert set(only_ofsi) == {"gb-ofsi-1", "gb-ofsi-2"}
    store.add_version("gb_fcdo", _listed("gb-fcdo-RUS1", "FCDO"), regime="uk")
    assert set(listed_status(store)["uk"]) == {"gb-fcdo-RUS1"}
    # before the ConList closed, both lists counted
    before = listed_status(store, date(2025, 6, 1))["uk"]
    assert set(before) == {"gb-ofsi-1", "gb-ofsi-2", "gb-fcdo-RUS1"}

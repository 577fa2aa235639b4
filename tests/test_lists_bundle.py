"""The non-OFAC bundled lists as stored by the session's ``bundled_store`` (every bundled
snapshot imported once): versions, list dates, designation counts and known designations."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

EXPECTED = {
    # source: (list date, designations)
    "un_sc": (date(2026, 2, 27), 1003),
    "eu_fsf": (date(2026, 5, 1), 5860),
    "gb_fcdo": (date(2026, 8, 22), 6349),
    "gb_ofsi": (date(2025, 4, 10), 4686),
    "au_dfat": (date(2024, 11, 11), 3062),
    "ca_sema": (date(2020, 4, 15), 1369),
}


@pytest.fixture(scope="module")
def by_source(bundled_store) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for d in bundled_store.designations():
        out.setdefault(d.source, Counter())[d.program] += 1
    return out


def test_versions_and_counts(bundled_store, by_source) -> None:
    versions = {v.source: v for v in bundled_store.active_versions()}
    for source, (published, count) in EXPECTED.items():
        assert versions[source].published == published, source
        assert sum(by_source[source].values()) == count, source


def test_regimes(bundled_store) -> None:
    regimes = {(d.source, d.regime) for d in bundled_store.designations()}
    for source, regime in [("un_sc", "un"), ("eu_fsf", "eu"), ("gb_fcdo", "uk"),
                           ("gb_ofsi", "uk"), ("au_dfat", "au"), ("ca_sema", "ca")]:
        assert (source, regime) in regimes


def test_russia_programmes(by_source) -> None:
    assert by_source["eu_fsf"]["UKR"] == 2596
    assert by_source["gb_fcdo"]["Russia"] == 3474
    assert by_source["gb_ofsi"]["Russia"] == 2181
    assert by_source["au_dfat"]["Autonomous (Russia)"] + by_source["au_dfat"][
        "Autonomous (Ukraine)"] == 1488
    assert by_source["ca_sema"]["Russia"] == 197


@pytest.mark.parametrize(
    ("entity_id", "source", "record", "listed"),
    [
        ("gb-fcdo-RUS3064", "gb_fcdo", "RUS3064", "2025-10-15"),
        ("gb-fcdo-RUS2092", "gb_fcdo", "RUS2092", "2024-02-22"),
        ("gb-ofsi-14213", "gb_ofsi", "14213", "2022-03-10"),
        ("eu-fsf-136043", "eu_fsf", "EU.7512.14", None),  # EU bundle has no listing dates
        ("eu-fsf-167101", "eu_fsf", "EU.11824.28", None),
        ("au-dfat-1140", "au_dfat", "1140", "2010-04-12"),
        ("un-6907993", "un_sc", "CDi.001", "2012-12-31"),
    ],
)
def test_known_designations(bundled_store, entity_id: str, source: str, record: str,
                            listed: str | None) -> None:
    des = bundled_store.designations(entity_id=entity_id)
    assert [(d.source, d.source_id, d.listing_date) for d in des] == [(source, record, listed)]
    entity = bundled_store.get_entity(entity_id)
    assert entity is not None and entity.get("name")


def test_ofsi_groups_link_to_fcdo_designations(bundled_store) -> None:
    """OFSI rows carry the UK Sanctions List Ref (kept as ``recordId``), which is the FCDO
    Unique ID: the 2025 ConList and the 2026 FCDO list can be joined, and the OFSI groups
    missing from the 2026 list are the designations lifted in between."""
    versions = {v.source: v.id for v in bundled_store.active_versions()}
    refs: dict[str, str] = {}
    fcdo: set[str] = set()
    for vid, data in bundled_store.iter_entity_dicts(
        version_ids=[versions["gb_ofsi"], versions["gb_fcdo"]], schemata=["Sanction"]
    ):
        props = data["properties"]
        if vid == versions["gb_ofsi"] and props.get("recordId"):
            refs[props["recordId"][0]] = props["authorityId"][0]
        elif vid == versions["gb_fcdo"]:
            fcdo.add(props["authorityId"][0])
    assert len(refs) == 4683  # of 4,686 groups
    lifted = set(refs) - fcdo
    assert len(lifted) == 28
    assert refs["RUS0273"] == "14213" and "RUS0273" in fcdo  # Sechin, still listed

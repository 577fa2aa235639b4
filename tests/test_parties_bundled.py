"""Parties on the real bundled lists: known parties, known namesakes, the labelled pairs."""

from __future__ import annotations

import csv

import pytest

from olivebranch.parties import Parties
from olivebranch.paths import DATA_DIR
from olivebranch.store import Store

SECHIN = ["au-dfat-6660", "ca-sema-ru-1-103", "eu-fsf-136043", "gb-fcdo-RUS0273",
          "gb-ofsi-14213", "ofac-16692"]


@pytest.fixture(scope="module")
def parties(bundled_store: Store) -> Parties:
    # the first load resolves the bundled lists (and stores the run in the session's store)
    return Parties.load(bundled_store)


def test_igor_sechin_is_one_party_with_six_listings(parties: Parties) -> None:
    pid = parties.party_of("ofac-16692")
    assert pid is not None and parties.records(pid) == SECHIN
    # his son and his former wife are other parties
    assert not parties.same_party("ofac-16692", "ofac-34558")
    assert not parties.same_party("ofac-16692", "gb-ofsi-14970")


def test_rosneft_across_us_uk_and_others(parties: Parties) -> None:
    assert parties.same_party("ofac-17022", "gb-fcdo-RUS3064")
    assert parties.same_party("ofac-17022", "au-dfat-7544")
    # Rosneft's trading arm and Rosneft Aero are not Rosneft
    for other in ("ofac-18299", "gb-fcdo-RUS1040", "ofac-18300"):
        assert not parties.same_party("ofac-17022", other)
    merged = parties.merged_entity(parties.party_of("ofac-17022") or "")
    assert merged is not None and "7706107510" in merged.get("innCode")
    assert set(parties.sources(merged.id or "")) >= {"us_ofac_cons", "gb_fcdo"}


def test_uk_lists_join_on_their_cross_references(parties: Parties) -> None:
    # OFSI's record names the FCDO's unique id; the FCDO's names the OFSI group
    assert parties.same_party("gb-fcdo-RUS0273", "gb-ofsi-14213")
    # a UN listing and its UK implementation share the UN reference
    assert parties.same_party("un-6908585", "gb-fcdo-DPR0231")


def test_labelled_pairs(parties: Parties) -> None:
    path = DATA_DIR / "parties" / "pairs.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    pos = [r for r in rows if r["label"] == "positive"]
    neg = [r for r in rows if r["label"] == "negative"]
    assert len(pos) >= 300 and len(neg) >= 300
    tp = sum(parties.same_party(r["left_id"], r["right_id"]) for r in pos)
    fp = sum(parties.same_party(r["left_id"], r["right_id"]) for r in neg)
    precision, recall = tp / (tp + fp), tp / len(pos)
    # bench/parties.py prints the exact figures; these floors catch regressions
    assert precision >= 0.99, (precision, recall)
    assert recall >= 0.90, (precision, recall)

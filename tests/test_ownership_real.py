"""Ownership status on the bundled real data: the Zala cluster, OFAC "Linked To:" remarks and
the ownership chains of Russian energy majors from the research notes."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from olivebranch.listings import designations_by_class, listed_status
from olivebranch.lists.ownership_csv import stub_id
from olivebranch.ownership import (
    OwnershipGraph,
    analyse,
    compute_status,
    edges_from_store,
    load_params,
)
from olivebranch.ownership.picture import svg

CST = "NK-abdzbEBkqyT29GyREbiURZ"  # LLC CST (Zala Aero)
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"
RTC = "NK-ERScv7cLkkvZ3ejz7xiToj"  # LLC RTC, 100% Zakharov from 2022-04-22 to 2023-10-22


@pytest.fixture(scope="module")
def analysis(bundled_store):
    return analyse(bundled_store)


def test_designations_are_classed_blocking_or_sectoral_from_data(bundled_store):
    classes = designations_by_class(bundled_store)
    assert "ofac-17064" in classes["sectoral"]["us"]  # Novatek: SSI Directive 2 only
    assert "ofac-17064" not in classes["blocking"]["us"]
    assert "ofac-46030" in classes["blocking"]["us"]  # Arctic LNG 2: SDN
    # the OpenSanctions bundle is sorted into regimes by the Sanction's authority
    blocking = listed_status(bundled_store)
    assert ZAKHAROV in blocking["us"] and ZAKHAROV in blocking["uk"] and ZAKHAROV in blocking["eu"]


def test_listing_dates_filter_designations_as_of_a_day(bundled_store):
    before = listed_status(bundled_store, date(2023, 6, 1))
    assert ZAKHAROV not in before.get("uk", {})  # FCDO listed him on 2023-12-06
    assert ZAKHAROV not in before.get("eu", {})  # EU listed him on 2025-02-24


def test_zala_kalashnikov_49_and_zakharov_51_percent(analysis):
    st = analysis.status(CST)
    assert all(s.blocked and s.basis == "designated" for s in st.values())
    owners = {o["owner_id"]: o["percent"] for o in st["us"].owners}
    assert owners == {KALASHNIKOV: 49.0, ZAKHAROV: 51.0}  # ended holdings (50%, 48%) dropped
    assert st["us"].share == 100  # OFAC aggregates
    assert st["uk"].share == 51  # UK: one designated person's holding
    # Kalashnikov is listed under OFAC's own id: linked by INN, and said so
    kal = analysis.status(KALASHNIKOV)["us"]
    assert kal.blocked and any("ofac-16911" in n and "innCode" in n for n in kal.notes)


def test_zala_holdings_on_an_earlier_date(bundled_store):
    """LLC RTC was 100% owned by Zakharov until 2023-10-22: blocked by ownership then, not now."""
    params = load_params()
    edges = edges_from_store(bundled_store, roles=params.roles)
    listed = listed_status(bundled_store)
    seeds = {r: set(ids) for r, ids in listed.items()}
    then = compute_status(OwnershipGraph.build(edges, as_of=date(2023, 6, 1)), seeds, params)
    now = compute_status(OwnershipGraph.build(edges, as_of=date(2026, 6, 1)), seeds, params)
    assert then["us"][RTC].blocked and then["us"][RTC].basis == "owned"
    assert not now["us"][RTC].blocked
    # on 2023-01-01 three open CST holdings of Zakharov (51%, 50%, 48%) contradict each other
    early = OwnershipGraph.build(edges, as_of=date(2023, 1, 1))
    assert any(c.owner == ZAKHAROV and c.asset == CST for c in early.conflicts)


def test_ofac_linked_to_is_a_reported_link_not_ownership(analysis):
    g = analysis.graph
    v = g.node("ofac-18267")  # OJSC Orenburgneft, "Linked To: ... ROSNEFT OIL COMPANY"
    links = [g.edge(e) for e in g.in_edges(v) if g.edge(e).owner == "ofac-17022"]
    assert links and links[0].kind == "link" and links[0].percent is None
    notes = analysis.status("ofac-18267")["us"].notes
    assert any("Linked To" in n and "not counted" in n for n in notes)


def test_yamal_lng_is_sectoral_through_novatek(analysis):
    """Research: Novatek (50.1%) is under SSI Directive 2, so the directive reaches Yamal LNG."""
    st = analysis.status(stub_id("PAO Yamal LNG"))["us"]
    assert not st.blocked and st.sectoral == "owned" and st.basis == "sectoral_owned"
    assert any("50.1%" in p.text() and "NOVATEK" in p.text().upper() for p in st.paths)


def test_vostok_oil_is_blocked_through_rosneft(analysis):
    """Research: Rosneft SDN since 22 Oct 2025; Vostok Oil (85% Rosneft) blocked via the 50% rule."""
    st = analysis.status(stub_id("OOO Vostok Oil"))["us"]
    assert st.blocked and st.basis == "owned" and st.share == 85
    text = st.paths[0].text()
    assert "85%" in text and "OFAC SDN 17022" in text
    assert any("uncertain" in n for n in st.notes)


def test_interros_37_percent_alone_does_not_block_nornickel(bundled_store):
    """Research: Interros owns 37% (<50%), so Nornickel is not blocked by Interros alone."""
    only_interros = analyse(bundled_store, delisted={"us": ["ofac-24283", "ofac-17013"]}, regimes=["us"])
    st = only_interros.status(stub_id("PAO GMK Norilsk Nickel"))["us"]
    assert not st.blocked and st.share == 37
    assert any("does not meet ≥ 50%" in n for n in st.notes)


def test_picture_of_the_zala_cluster(analysis):
    text = svg(analysis, CST)
    assert text.lstrip().startswith("<?xml") or "<svg" in text[:500]
    assert "49%" in text and "51%" in text and "CST" in text


def test_owners_cli_json_and_picture(bundled_store, monkeypatch, tmp_path):
    from olivebranch.cli import app

    monkeypatch.setenv("OLIVEBRANCH_DB", bundled_store.url)
    runner = CliRunner()
    out = runner.invoke(app, ["owners", CST, "--json", "--png", str(tmp_path / "cst.png")])
    assert out.exit_code == 0, out.output
    import json

    data = json.loads(out.output)
    assert data["status"]["us"]["basis"] == "designated"
    assert {e["percent"] for e in data["edges"] if e["asset"] == CST} >= {49.0, 51.0}
    assert (tmp_path / "cst.png").read_bytes()[:4] == b"\x89PNG"
    shown = runner.invoke(app, ["owners", "show", "Vagit Alekperov", "--depth", "1"])
    assert shown.exit_code == 0 and "28%" in shown.output


def test_deal_stakes_join_the_stored_graph_without_being_stored(analysis, bundled_store):
    from olivebranch.ownership import Edge

    deal = analysis.with_edges([
        Edge("ofac-17064", "deal-jv", 30, source="deal file"),  # Novatek (SSI only)
        Edge(stub_id("OOO Vostok Oil"), "deal-jv", 25, source="deal file"),  # blocked via Rosneft
    ])
    st = deal.status("deal-jv")["us"]
    assert not st.blocked and st.share == 25  # 25% from a blocked owner: under 50%
    # SSI: Novatek 30% + Vostok Oil 25% (itself SSI-owned through Rosneft's SSI listing) = 55%
    assert st.sectoral == "owned" and st.basis == "sectoral_owned" and st.sectoral_share == 55
    assert {o["owner_id"] for o in st.owners} == {"ofac-17064", stub_id("OOO Vostok Oil")}
    bigger = analysis.with_edges([Edge(stub_id("OOO Vostok Oil"), "deal-jv", 50, source="deal file")])
    path = bigger.status("deal-jv")["us"].paths[0].text()
    assert "deal-jv ← 50% OOO Vostok Oil ← 85%" in path and "OFAC SDN 17022" in path
    assert analysis.graph.node("deal-jv") is None
    assert bundled_store.get_entity("deal-jv") is None


def test_explanations_flag_old_and_uncertain_figures(analysis):
    notes = analysis.status(stub_id("PAO GMK Norilsk Nickel"))["us"].notes
    assert any("over 3 years old" in n and "En+" in n and "2019" in n for n in notes)
    assert any("uncertain" in n and "VTB" in n for n in notes)

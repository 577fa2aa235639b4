"""Each regime's ownership-or-control rule on small graphs whose answer the research states."""

from __future__ import annotations

from datetime import date

import pytest

from olivebranch.ownership import Edge, OwnershipGraph, compute_status, explain, load_params
from olivebranch.ownership.status import compute_results
from olivebranch.store import Designation

PARAMS = load_params(date(2026, 1, 1))


def statuses(edges, listed, *, params=PARAMS, as_of=date(2026, 1, 1), sectoral=None):
    graph = OwnershipGraph.build(edges, as_of=as_of)
    seeds = {r: set(listed) for r in params.regimes}
    sect = {r: set(sectoral or ()) for r in params.regimes}
    return compute_status(graph, seeds, params, sectoral_seeds=sect)


def test_rule_parameters_come_from_the_research_with_citations():
    us, eu, uk = PARAMS.regimes["us"], PARAMS.regimes["eu"], PARAMS.regimes["uk"]
    assert (us.threshold, us.strict, us.aggregate, us.counts_control) == (50, False, True, False)
    assert (eu.threshold, eu.strict, eu.aggregate, eu.counts_control) == (50, False, True, True)
    assert (uk.threshold, uk.strict, uk.aggregate, uk.counts_control) == (50, True, False, True)
    assert us.rule_id == "US-OFAC-50PCT" and "ofac.treasury.gov/faqs/398" in us.citation[0]
    assert uk.rule_id == "UK-REG7-OWNERSHIP" and eu.rule_id == "EU-OWNERSHIP-CONTROL"
    assert all(r.uncertain for r in PARAMS.regimes.values())


def test_two_blocked_owners_with_25_percent_each_aggregate_to_50():
    st = statuses([Edge("A", "X", 25), Edge("B", "X", 25), Edge("C", "X", 50)], {"A", "B"})
    assert st["us"]["X"].blocked and st["us"]["X"].basis == "owned"
    assert st["us"]["X"].share == 50
    assert {o["owner_id"] for o in st["us"]["X"].owners} == {"A", "B"}
    assert st["eu"]["X"].blocked  # Commission FAQ: holdings of listed persons are aggregated
    uk = st["uk"]["X"]  # OFSI: no aggregation across separate designated persons, and > 50%
    assert not uk.blocked and uk.share == 25
    assert any("does not meet > 50%" in n for n in uk.notes)


def test_indirect_ownership_through_an_entity_blocked_by_the_rule():
    edges = [Edge("Z", "Y", 100), Edge("Y", "X", 60), Edge("W", "V", 40), Edge("V", "U", 100)]
    st = statuses(edges, {"Z", "W"})
    for regime in ("us", "eu", "uk"):
        assert st[regime]["Y"].basis == "owned"
        assert st[regime]["X"].blocked and st[regime]["X"].basis == "owned"
        # no multiplying through a non-blocked intermediary: V is 40% owned, so U is clear
        assert not st[regime]["V"].blocked and not st[regime]["U"].blocked


def test_a_49_9_percent_holding_does_not_block_and_exactly_50_depends_on_the_regime():
    st = statuses([Edge("P", "Q", 49.9), Edge("P", "R", 50)], {"P"})
    for regime in ("us", "eu", "uk"):
        assert not st[regime]["Q"].blocked and st[regime]["Q"].basis is None
        assert st[regime]["Q"].share == pytest.approx(49.9)
    assert st["us"]["R"].blocked and st["eu"]["R"].blocked
    assert not st["uk"]["R"].blocked  # UK reg. 7: more than 50%


def test_eu_threshold_was_more_than_50_before_the_july_2024_update():
    before = load_params(date(2024, 7, 2))
    assert before.regimes["eu"].strict and before.regimes["eu"].notes
    st = statuses([Edge("P", "R", 50)], {"P"}, params=before, as_of=date(2024, 7, 2))
    assert not st["eu"]["R"].blocked
    assert statuses([Edge("P", "R", 50)], {"P"})["eu"]["R"].blocked


def test_control_without_ownership_counts_under_uk_and_eu_not_under_us():
    edge = Edge("P", "K", None, "control", "right to appoint board majority")
    st = statuses([edge], {"P"})
    assert st["uk"]["K"].blocked and st["uk"]["K"].basis == "controlled"
    assert st["eu"]["K"].blocked and st["eu"]["K"].basis == "controlled"
    us = st["us"]["K"]
    assert not us.blocked and us.basis is None
    assert any("control alone does not block under US-OFAC-50PCT" in n for n in us.notes)


def test_links_and_directorships_are_reported_but_never_counted():
    st = statuses([Edge("P", "K", None, "link", "Linked To")], {"P"})
    for regime in ("us", "eu", "uk"):
        assert not st[regime]["K"].blocked
        assert any("a link, not ownership" in n for n in st[regime]["K"].notes)


def test_cycles_terminate_and_are_reported():
    edges = [
        Edge("A", "B", 60), Edge("B", "C", 60), Edge("C", "B", 60),  # cycle fed by listed A
        Edge("D", "E", 70), Edge("E", "D", 70),  # cycle with nobody listed
    ]
    st = statuses(edges, {"A"})
    assert st["us"]["B"].blocked and st["us"]["C"].blocked
    assert not st["us"]["D"].blocked and not st["us"]["E"].blocked
    assert any("cycle" in n for n in st["us"]["D"].notes)
    graph = OwnershipGraph.build(edges, as_of=date(2026, 1, 1))
    result = compute_results(graph, {"us": {"A"}}, PARAMS.for_regimes(["us"]))["us"]
    texts = [p.text() for p in explain(result, "C").paths]
    assert texts == ["C ← 60% B ← 60% A"]


def test_unknown_percentages_give_possibly_owned_without_blocking():
    edges = [Edge("P", "U", None), Edge("P", "V", 30), Edge("Q", "V", None), Edge("U", "W", 80)]
    st = statuses(edges, {"P", "Q"})
    for regime in ("us", "eu", "uk"):
        u = st[regime]["U"]
        assert not u.blocked and u.basis == "possibly_owned"
        assert any("unknown share" in n for n in u.notes)
        assert st[regime]["W"].basis == "possibly_owned"  # held by a possibly-owned entity
    assert st["us"]["V"].basis == "possibly_owned" and st["us"]["V"].share == 30


def test_conflicting_edges_keep_the_latest_dated_share_and_report_it():
    edges = [
        Edge("P", "X", 40, start="2019-01-01", source="registry 2019"),
        Edge("P", "X", 55, start="2024-01-01", source="registry 2024"),
    ]
    graph = OwnershipGraph.build(edges, as_of=date(2026, 1, 1))
    assert graph.edge_count == 1 and graph.edge(0).percent == 55
    st = compute_status(graph, {"us": {"P"}}, PARAMS.for_regimes(["us"]))["us"]["X"]
    assert st.blocked
    assert any("conflicting shares" in n and "40%" in n for n in st.notes)


def test_ended_holdings_drop_out_on_the_evaluation_date():
    edge = Edge("P", "X", 100, start="2020-01-01", end="2023-10-22")
    assert statuses([edge], {"P"}, as_of=date(2023, 6, 1))["us"]["X"].blocked
    assert not statuses([edge], {"P"}, as_of=date(2024, 1, 1))["us"]["X"].blocked


def test_uk_adds_one_designated_persons_direct_and_indirect_holdings():
    # Schedule 1: P holds what entities P owns hold. 30% via A (owned by P) + 25% direct = 55%.
    edges = [Edge("P", "A", 60), Edge("A", "C", 30), Edge("P", "C", 25)]
    st = statuses(edges, {"P"})
    assert st["uk"]["C"].blocked and st["uk"]["C"].share == 55


def test_explanation_paths_name_percentages_and_list_entries():
    edges = [Edge("z", "y", 100), Edge("y", "x", 60)]
    graph = OwnershipGraph.build(edges, as_of=date(2026, 1, 1))
    des = Designation("z", "ofac-12345-sdn", "us", "us_ofac_sdn", 1, program="RUSSIA-EO14024", source_id="12345")
    result = compute_results(graph, {"us": {"z"}}, PARAMS.for_regimes(["us"]), designations={"us": {"z": [des]}})["us"]
    names = {"x": "X LLC", "y": "Y JSC", "z": "Z"}.__getitem__
    st = explain(result, "x", names=names)
    assert [p.text() for p in st.paths] == ["X LLC ← 60% Y JSC ← 100% Z (OFAC SDN 12345 (RUSSIA-EO14024))"]
    step = st.paths[0].to_dict()["steps"][0]
    assert step["held_by_next"]["percent"] == 60


def test_sectoral_status_propagates_through_the_50_percent_rule_under_us_only():
    st = statuses([Edge("S", "J", 50.1), Edge("S", "K", 20)], set(), sectoral={"S"})
    assert st["us"]["J"].sectoral == "owned" and st["us"]["J"].basis == "sectoral_owned"
    assert not st["us"]["J"].blocked
    assert st["us"]["K"].sectoral is None
    assert st["eu"]["J"].sectoral is None  # the EU has no SSI list


def test_deal_stakes_are_added_without_storing_and_override_stored_edges():
    graph = OwnershipGraph.build([Edge("P", "JV", 30)], as_of=date(2026, 1, 1))
    more = graph.with_edges([Edge("P", "JV", 51, source="deal file")])
    st = compute_status(more, {"us": {"P"}}, PARAMS.for_regimes(["us"]))["us"]["JV"]
    assert st.blocked and st.share == 51
    assert graph.edge_count == 1 and graph.edge(0).percent == 30


def test_scenario_overrides_change_parameters_and_say_so():
    params = load_params(date(2026, 1, 1), overrides={"us": {"threshold": 25}})
    assert params.regimes["us"].threshold == 25 and params.regimes["us"].notes
    st = statuses([Edge("P", "X", 30)], {"P"}, params=params)
    assert st["us"]["X"].blocked


def test_a_controlling_shareholders_share_still_counts_as_ownership():
    from olivebranch.ownership.edges import edges_from_ftm

    data = {"id": "o1", "schema": "Ownership", "properties": {
        "owner": ["P"], "asset": ["X"], "percentage": ["60"], "role": ["controlling shareholder"]}}
    edges = list(edges_from_ftm(data, PARAMS.roles))
    assert {(e.kind, e.percent) for e in edges} == {("ownership", 60.0), ("control", None)}
    st = statuses(edges, {"P"})
    assert st["us"]["X"].blocked and st["us"]["X"].basis == "owned"
    negated = {**data, "properties": {**data["properties"], "role": ["non-controlling shareholder"]}}
    assert [e.kind for e in edges_from_ftm(negated, PARAMS.roles)] == ["ownership"]

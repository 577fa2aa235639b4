"""Scenarios evaluated by the real verdict engine over the real rule packs and bundled lists.

Purpose-made deals (tests/fixtures/scenarios/deals) isolate one measure each; the bundled
scenarios are used as shipped. The match index covers just the pinned list entities, so the
tests stay fast; all other parties carry invented names that match nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from olivebranch.deals import load_catalogue
from olivebranch.scenarios.chart import chart_svg
from olivebranch.scenarios.engine import ScenarioEngine, diff, summarise
from olivebranch.scenarios.model import bundled_scenarios, load_scenario

PINNED = ("ofac-46030", "ofac-17143")
HERE = Path(__file__).parent / "fixtures" / "scenarios"


@pytest.fixture(scope="module")
def engine(bundled_store) -> ScenarioEngine:
    from olivebranch.match import MatchIndex
    from olivebranch.verdicts import Engine

    entities = [bundled_store.get_entity(i) for i in PINNED]
    index = MatchIndex.build(entities, [d for i in PINNED for d in bundled_store.designations(i)])
    deals = load_catalogue(HERE / "deals")
    return ScenarioEngine(Engine(bundled_store, match_index=index), bundled_store, deals)


@pytest.fixture(scope="module")
def runs(engine):
    names = ["status-quo", "us-executive-relief", "us-full-relief", "eu-lapse", "g7-relief"]
    return {n: engine.run(load_scenario(n)) for n in names}


def blockers(run, deal, regime):
    return [b.rule_id for b in run.blockers(deal, regime)]


def test_eo14071_only_deal_clears_for_us_under_executive_relief_not_for_eu(runs):
    sq, ex = runs["status-quo"], runs["us-executive-relief"]
    deal = "sc-copper-equity"
    assert blockers(sq, deal, "us") == ["US-EO14071-NEW-INVESTMENT"]
    assert sq.verdict(deal, "eu") == "prohibited"
    assert ex.verdict(deal, "us") == "clear"
    assert ex.verdict(deal, "eu") == "prohibited"
    assert blockers(ex, deal, "eu") == ["EU-833-ART3A-MINING"]
    moved = {d.deal_id: d for d in diff(sq, ex)}[deal]
    assert [str(m) for m in moved.moves] == ["us: prohibited → clear"]
    still = {(b.regime, b.rule_id, b.lifted_by) for b in moved.remaining}
    assert ("eu", "EU-833-ART3A-MINING", "council_unanimity") in still
    # and the EU measure goes when the EU's decisions lapse
    assert runs["eu-lapse"].verdict(deal, "eu") == "clear"
    assert runs["eu-lapse"].verdict(deal, "us") == "prohibited"


def test_statute_based_measure_survives_executive_relief_but_not_full_relief(runs):
    deal = "sc-uranium-offtake"
    assert blockers(runs["status-quo"], deal, "us") == ["US-URANIUM-IMPORT-ACT"]
    ex = runs["us-executive-relief"]
    # until 1 Jan 2028 the Secretary of Energy may waive the ban for a given import
    assert ex.verdict(deal, "us") == "licence_required"
    [b] = ex.blockers(deal, "us")
    assert (b.rule_id, b.lifted_by) == ("US-URANIUM-IMPORT-ACT", "legislative")
    assert runs["us-full-relief"].verdict(deal, "us") == "clear"


BLOCKING = {"US-EO14024-BLOCKING", "US-OFAC-50PCT"}


def blocking_findings(run, deal):
    return {(f.rule_id, f.party) for f in run.verdicts[deal].regimes["us"].blockers
            if f.rule_id in BLOCKING}


def test_delisting_owner_unblocks_subsidiary_under_ofac_50_percent_rule(engine, runs):
    deal = "sc-owned-by-arctic-lng-2"
    assert blocking_findings(runs["status-quo"], deal) == {
        ("US-EO14024-BLOCKING", "owner"), ("US-OFAC-50PCT", "seller")}
    one = engine.run(load_scenario(HERE / "delist-arctic-lng-2.yaml"))
    assert one.ctx.delisted == {"us": frozenset({"ofac-46030"})}
    assert blocking_findings(one, deal) == set()
    # what may remain is sectoral (SSI, EO 13662: Novatek owns 60% of Arctic LNG 2), which
    # only Congress-reviewed relief removes
    for b in one.blockers(deal, "us"):
        assert b.rule_id.startswith("US-SSI-") and b.effect == "restricted"
        assert b.lifted_by == "executive_with_congressional_review"
    # the same happens through the programme delisting of the executive-relief scenario
    assert blocking_findings(runs["us-executive-relief"], deal) == set()
    assert blockers(runs["us-full-relief"], deal, "us") == []


def test_dual_listed_owner_keeps_subsidiary_blocked_until_congress_acts(runs):
    deal = "sc-owned-by-gazprom-neft"
    assert ("US-OFAC-50PCT", "seller") in blocking_findings(runs["us-executive-relief"], deal)
    assert "ofac-17143" not in runs["us-executive-relief"].ctx.delisted.get("us", ())
    assert blockers(runs["us-full-relief"], deal, "us") == []


def test_memoised_ownership_is_reused_when_listings_do_not_change(engine, runs):
    # eu-lapse leaves US listings alone, so its US listing key equals the status quo's
    sq, eu = runs["status-quo"].ctx, runs["eu-lapse"].ctx
    assert sq.listing_key("us") == eu.listing_key("us")
    assert sq.listing_key("eu") != eu.listing_key("eu")


def test_summary_and_chart(runs):
    from olivebranch.scenarios.engine import Matrix

    matrix = Matrix(list(runs.values()), runs["status-quo"].regimes)
    summary = summarise(matrix)
    assert summary.deals == 4
    assert summary.clear("status-quo", "us") == 0
    assert summary.clear("us-executive-relief", "us") == 1  # copper
    assert summary.cleared_vs_base["us-executive-relief"]["us"] == 1
    assert summary.clear("us-full-relief", "us") >= 2  # copper, uranium (+ risk-only ones)
    top = {o.rule_id for o in summary.obstacles}
    assert "EU-833-ART3A-MINING" in top
    svg = chart_svg(summary)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_bundled_scenarios_all_apply_to_real_packs(engine):
    for s in bundled_scenarios():
        state = engine.context(s)
        assert state.ctx.scenario == s.name and state.ctx.assumptions


def test_reuse_gives_the_same_findings_as_full_evaluation(engine):
    """Regime results reused or partly re-evaluated across scenarios equal a fresh run."""
    # both share the verdict engine, hence the listing snapshot of each day
    fresh = ScenarioEngine(engine.verdicts, engine.store, engine.deals, reuse=False)
    scenarios = [load_scenario(n) for n in ("status-quo", "us-executive-relief",
                                             "us-full-relief", "g7-relief", "snapback")]
    scenarios.append(load_scenario(HERE / "delist-arctic-lng-2.yaml"))
    reused = ScenarioEngine(engine.verdicts, engine.store, engine.deals)
    for s in scenarios:
        a, b = fresh.run(s), reused.run(s)
        for deal in a.verdicts:
            for regime in a.regimes:
                fa = [(f.rule_id, f.party, f.effect) for f in a.verdicts[deal].regimes[regime].findings]
                fb = [(f.rule_id, f.party, f.effect) for f in b.verdicts[deal].regimes[regime].findings]
                assert (a.verdict(deal, regime), fa) == (b.verdict(deal, regime), fb), (s.name, deal)
    assert reused.stats["reused"] > 0 and reused.stats["partial"] > 0

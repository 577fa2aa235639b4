"""The bundled scenarios over the real catalogue, rule packs and bundled lists: the plain-words
peace scenario moves named deals and the comparison shows which rules stopped firing per deal
(host-state rules included); every bundled scenario moves a deal or says why it cannot."""

from __future__ import annotations

import pytest

from olivebranch.deals import load_catalogue
from olivebranch.scenarios.engine import ScenarioEngine, diff
from olivebranch.scenarios.model import bundled_scenarios, load_scenario


@pytest.fixture(scope="module")
def engine(bundled_store) -> ScenarioEngine:
    from olivebranch.verdicts import Engine

    return ScenarioEngine(Engine(bundled_store), bundled_store, load_catalogue())


@pytest.fixture(scope="module")
def base(engine):
    return engine.run(load_scenario("status-quo"))


def test_plain_words_peace_moves_deals_and_shows_stopped_rules(engine, base):
    peace = engine.run(load_scenario("peace-energy-us-ru"))
    diffs = {d.deal_id: d for d in diff(base, peace)}
    # names resolved through the screening index, the energy groups' EO 14024 listings off
    log = "\n".join(peace.state.log)
    assert "US-SDN-ROSNEFT-LUKOIL: groups -lukoil, -rosneft" in log
    assert "ofac-46030" in peace.ctx.delisted["us"]  # Arctic LNG 2
    assert "ofac-17143" not in peace.ctx.delisted["us"]  # Gazprom Neft: EO 13662 too
    # the EU keeps everything
    assert all(d.stopped.get("eu") is None and d.started.get("eu") is None
               for d in diffs.values())
    # a named deal moves: the US no longer sees Arctic LNG 2 as blocked
    moved = diffs["arctic-lng-2-eu-equipment"]
    assert [str(m) for m in moved.moves] == ["us: risk → clear"]
    # per deal, the rules that stopped firing, host-state rules included
    us_stake = diffs["arctic-lng-2-us-stake"]
    assert "US-EO14024-BLOCKING" in us_stake.stopped["us"]
    assert us_stake.stopped["ru"] == ["RU-DECREE-520-FEC-SHARES"]
    # Decrees 79/81 still apply to US investors: the Russian verdict does not move
    assert peace.verdict("arctic-lng-2-us-stake", "ru") == "host_approval_required"
    assert "RU-DECREES-79-81-GOVCOMMISSION" in {
        b.rule_id for b in peace.blockers("arctic-lng-2-us-stake", "ru")}
    vostok = diffs["vostok-oil-us-stake"]
    # Rosneft's EO 14024 listing goes, and with it the 50% rule for Vostok Oil (85% Rosneft)
    assert {"US-EO14024-BLOCKING", "US-OFAC-50PCT"} <= set(vostok.stopped["us"])
    assert "RU-DECREE-520-FEC-SHARES" in vostok.stopped["ru"]
    # the US new-investment ban was not part of the package: it still blocks the US stake
    assert peace.verdict("arctic-lng-2-us-stake", "us") == "prohibited"
    assert "US-EO14071-NEW-INVESTMENT" in {
        b.rule_id for b in peace.blockers("arctic-lng-2-us-stake", "us")}
    as_dict = us_stake.as_dict()
    assert as_dict["rules_stopped"]["ru"] == ["RU-DECREE-520-FEC-SHARES"]


def test_every_bundled_scenario_moves_a_deal_or_says_why_not(engine, base):
    for s in bundled_scenarios():
        if s.name == "status-quo":
            continue
        run = engine.run(s)
        moved = [d.deal_id for d in diff(base, run) if d.moves]
        assert moved or "cannot move" in s.description, s.name
        # the deals a description says it moves ("Moves ... (e.g. a, b)") do move
        said = s.description.split("Moves", 1)[1].split(".")[0] if "Moves" in s.description \
            else ""
        for deal in engine.deals:
            if deal.id in said:
                assert deal.id in moved, (s.name, deal.id)


def test_legal_review_corrections(engine, base):
    ex = engine.run(load_scenario("us-executive-relief"))
    # VTB's EO 13662 tag is an SSI Directive 1 listing: the Norilsk offtake is not prohibited
    assert ex.verdict("norilsk-nickel-us-offtake", "us") in ("risk", "clear")
    # waivers the President grants alone are in executive relief
    assert {"US-CAATSA-225-CRUDE-PROJECTS", "US-CAATSA-232-PIPELINES",
            "US-PEESA-NORDSTREAM"} <= set(ex.state.lifted)
    # eu-lapse bites at expiry: it is evaluated after both decisions' terms end
    lapse = engine.run(load_scenario("eu-lapse"))
    assert str(lapse.ctx.as_of) == "2027-03-16"
    assert any("2014/512" in line and "lapsed on 2027-01-31" in line for line in lapse.state.log)
    assert lapse.verdict("murmansk-lng-eu-equity", "eu") == "clear"


def test_russian_opening_and_territorial_scenarios(engine, base):
    ro = engine.run(load_scenario("russian-opening"))
    assert base.verdict("kolmozerskoye-us-lithium-jv", "ru") == "host_approval_required"
    assert ro.verdict("kolmozerskoye-us-lithium-jv", "ru") == "clear"
    settle = engine.run(load_scenario("settlement-recognised-line"))
    deal = "shevchenkivske-lithium-us-stake"
    assert settle.verdict(deal, "us") != base.verdict(deal, "us")
    # the EU and Ukraine do not recognise: their territorial findings stay
    assert settle.verdict(deal, "ua") == base.verdict(deal, "ua") == "prohibited"


def test_names_resolve_through_the_screening_index_and_errors_list_everything(engine):
    from olivebranch.scenarios.model import ScenarioError, parse_scenario

    def scen(*changes):
        return parse_scenario({"name": "t", "title": "t", "description": "d",
                               "assumptions": ["a"], "changes": list(changes)}, "t.yaml")

    state = engine.context(scen({"delist": {"regime": "us", "program": "RUSSIA-EO14024",
                                            "names": ["Gazprom Neft", "Arctic LNG 2"]}}))
    log = "\n".join(state.log)
    assert "'Arctic LNG 2' → ofac-46030" in log and "'Gazprom Neft' → ofac-17143" in log
    # only the EO 14024 designations of the two named companies: Gazprom Neft keeps EO 13662
    assert state.ctx.delisted["us"] == frozenset({"ofac-46030"})
    with pytest.raises(ScenarioError) as err:
        engine.context(scen({"delist": {"regime": "us", "names": ["VTB", "Rosneft"]}},
                            {"designate": {"regime": "eu", "names": ["Zzyzx Qwerty Holdings"]}}))
    text = str(err.value)
    assert "name 'VTB'" in text and "candidates: ofac-" in text
    assert "Zzyzx Qwerty Holdings" in text and len(err.value.problems) == 2

"""Scenario files and the pure ``apply`` step, on hand-made rules and designations."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from olivebranch.context import EvaluationContext, GeneralLicence, Rule
from olivebranch.errors import ParseError
from olivebranch.listings import ListingIndex
from olivebranch.scenarios.apply import apply, apply_scenario
from olivebranch.scenarios.model import (
    ScenarioError,
    bundled_scenarios,
    json_schema,
    parse_scenario,
    read_scenario_file,
)

DAY = date(2026, 6, 1)


def rule(id: str, regime: str, lifted_by: str, kind: str, instrument: str, **kw) -> Rule:
    return Rule(id=id, regime=regime, title=id, instrument=instrument, effect="prohibited",
                lifted_by=lifted_by, condition=None, kind=kind, **kw)


RULES = {
    r.id: r
    for r in [
        rule("US-EO14024-BLOCKING", "us", "executive", "blocking", "Executive Order 14024"),
        rule("US-OFAC-50PCT", "us", "executive", "ownership_rule", "OFAC 50% guidance"),
        rule("US-EO14071-NEW-INVESTMENT", "us", "executive", "investment_ban",
             "Executive Order 14071 sec. 1(a)(i)"),
        rule("US-PRICE-CAP", "us", "executive", "price_cap", "EO 14071 determinations",
             params={"crude_usd": 60}),
        rule("US-SSI-DIR4-UNCONVENTIONAL", "us", "executive_with_congressional_review",
             "sectoral", "EO 13662 Directive 4"),
        rule("US-URANIUM-IMPORT-ACT", "us", "legislative", "import_ban", "Pub. L. 118-62"),
        rule("EU-833-ART3A-NEW-INVESTMENT", "eu", "council_unanimity", "investment_ban",
             "Council Regulation (EU) No 833/2014 Art. 3a"),
        rule("EU-GAS-PHASEOUT-REG", "eu", "ordinary_legislative", "import_ban", "REPowerEU"),
    ]
}


def d(entity: str, sanction: str, regime: str, program: str, source: str = "us_ofac_sdn"):
    return SimpleNamespace(entity_id=entity, sanction_id=sanction, regime=regime,
                           program=program, source=source)


INDEX = ListingIndex.from_designations(
    [
        d("ofac-1", "s1", "us", "RUSSIA-EO14024"),  # Rosneft-like: EO 14024 only
        d("ofac-2", "s2", "us", "RUSSIA-EO14024"),  # Gazprom Neft-like: dual listing
        d("ofac-2", "s2", "us", "UKRAINE-EO13662"),
        d("ofac-3", "s3", "us", "CYBER2"),
        d("eu-fsf-9", "e9", "eu", "UKR", "eu_fsf"),
    ],
    names={"ofac-1": ["ROSNEFT OIL COMPANY", "Rosneft"], "ofac-2": ["GAZPROM NEFT"],
           "ofac-3": ["Rosneft Trading"], "eu-fsf-9": ["Sechin, Igor"]},
)


@pytest.fixture
def ctx() -> EvaluationContext:
    gl = GeneralLicence("US-GL-8L", "us", "Energy-related transactions",
                        effective_until=date(2025, 3, 12))
    return EvaluationContext(as_of=DAY, rules=RULES, general_licences={gl.id: gl})


def scen(*changes, **kw):
    data = {"name": "t", "title": "T", "description": "test", "assumptions": ["a"],
            "changes": list(changes), **kw}
    return parse_scenario(data, "t.yaml")


def test_lift_by_lifted_by_keeps_statute_and_other_regimes(ctx):
    out = apply(ctx, scen({"lift": {"regime": "us", "lifted_by": "executive",
                                    "exclude_kind": ["blocking", "ownership_rule"]}}), INDEX)
    assert "US-EO14071-NEW-INVESTMENT" not in out.rules
    assert "US-PRICE-CAP" not in out.rules
    for kept in ("US-EO14024-BLOCKING", "US-OFAC-50PCT", "US-SSI-DIR4-UNCONVENTIONAL",
                 "US-URANIUM-IMPORT-ACT", "EU-833-ART3A-NEW-INVESTMENT"):
        assert kept in out.rules
    assert out.scenario == "t" and out.assumptions == ("a",)
    assert ctx.rules == RULES  # the input context is untouched


def test_lift_by_instrument_substring_and_regex(ctx):
    out = apply(ctx, scen({"lift": {"instrument": "order 14071"}}), INDEX)
    assert set(RULES) - set(out.rules) == {"US-EO14071-NEW-INVESTMENT"}
    out = apply(ctx, scen({"lift": {"instrument_regex": r"^EO 1\d{4}", "kind": "price_cap"}}))
    assert set(RULES) - set(out.rules) == {"US-PRICE-CAP"}


def test_restore_undoes_lift_and_keeps_param_change(ctx):
    s = scen(
        {"lift": {"regime": "us"}},
        {"set_param": {"rule": "US-PRICE-CAP", "param": "crude_usd", "value": 45}},
        {"restore": ["US-PRICE-CAP", "US-URANIUM-IMPORT-ACT"]},
    )
    state = apply_scenario(ctx, s, INDEX)
    assert state.ctx.rules["US-PRICE-CAP"].params == {"crude_usd": 45}
    assert "US-URANIUM-IMPORT-ACT" in state.ctx.rules
    assert "US-EO14071-NEW-INVESTMENT" not in state.ctx.rules
    assert RULES["US-PRICE-CAP"].params == {"crude_usd": 60}


def test_delist_programme_spares_dual_listings_until_second_programme(ctx):
    out = apply(ctx, scen({"delist": {"regime": "us", "program": "RUSSIA-EO14024"}}), INDEX)
    assert out.delisted == {"us": frozenset({"ofac-1"})}
    out = apply(ctx, scen({"delist": {"regime": "us", "program": "RUSSIA-EO14024"}},
                          {"delist": {"regime": "us", "program": "UKRAINE-EO13662"}}), INDEX)
    assert out.delisted["us"] == {"ofac-1", "ofac-2"}
    assert out.listing_key("us") != ctx.listing_key("us")
    assert out.listing_key("eu") == ctx.listing_key("eu")


def test_delist_by_name_and_relist_undo(ctx):
    s = scen({"delist": {"regime": "us", "names": ["Rosneft"]}})
    assert apply(ctx, s, INDEX).delisted == {"us": frozenset({"ofac-1"})}
    s = scen({"delist": {"regime": "us", "names": "Rosneft"}},
             {"relist": {"regime": "us", "entities": ["1"]}})  # OFAC number works too
    assert apply(ctx, s, INDEX).delisted == {}


def test_designate_adds_and_delist_removes_it_again(ctx):
    out = apply(ctx, scen({"designate": {"regime": "eu", "names": ["Gazprom Neft"],
                                         "note": "snapback"}}), INDEX)
    assert out.added == {"eu": {"ofac-2": "snapback"}}
    out = apply(ctx, scen({"designate": {"regime": "eu", "entities": ["ofac-2"]}},
                          {"delist": {"regime": "eu", "entities": ["ofac-2"]}}), INDEX)
    assert out.added == {}


def test_licences_end_and_reissue(ctx):
    out = apply(ctx, scen({"start_licence": {"id": "US-GL-8L"}}), INDEX)
    gl = out.general_licences["US-GL-8L"]
    assert gl.in_force(DAY) and gl.title == "Energy-related transactions"
    out = apply(ctx, scen({"end_licence": "US-GL-8L"}, {"start_licence": {"id": "US-GL-8L"}}))
    assert out.general_licences["US-GL-8L"].in_force(DAY)
    out = apply(ctx, scen({"end_licence": "US-GL-8L"}))
    assert out.general_licences == {}


def test_ownership_params_and_date(ctx):
    out = apply(ctx, scen({"set_param": {"ownership": "us", "param": "threshold", "value": 25}},
                          {"set_date": "2027-01-01"}), INDEX)
    assert out.ownership_params == {"us": {"threshold": 25}}
    assert out.as_of == date(2027, 1, 1)
    assert out.listing_key("us")[2] == (("threshold", 25),)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lift": ["US-NOPE"]}, "unknown rule id(s): US-NOPE"),
        ({"lift": {"regime": "ua"}}, "lift matches no rule"),
        ({"set_param": {"rule": "US-PRICE-CAP", "param": "cap", "value": 1}},
         "has no parameter 'cap'; it has: crude_usd"),
        ({"delist": {"regime": "us", "names": ["Lukoil"]}}, "matches no entity listed under us"),
        ({"delist": {"regime": "us", "names": ["Rosneft Oil"]}}, "candidates: ofac-1"),
        ({"delist": {"regime": "us", "program": "RUSSIA-EO99999"}}, "no us designation"),
        ({"end_licence": "GL-X"}, "unknown general licence: GL-X"),
    ],
)
def test_apply_errors_name_change(ctx, change, message):
    with pytest.raises(ScenarioError) as err:
        apply(ctx, scen({"set_date": "2026-06-01"}, change), INDEX)
    text = str(err.value)
    assert text.startswith("t.yaml, changes[1].") and message in text


@pytest.mark.parametrize(
    "changes, where, reason",
    [
        ([{"lift": {"regime": "us"}, "delist": {"regime": "us"}}], "changes[0]",
         "exactly one action key"),
        ([{"lift_rules": "X"}], "changes[0]", "unknown action 'lift_rules'"),
        ([{"set_date": "2026-07-01"}, {"lift": {"regime": "mars"}}], "changes[1].lift.regime",
         "unknown regime 'mars'"),
        ([{"lift": {"lifted_by": "president"}}], "changes[0].lift.lifted_by",
         "unknown lifted_by 'president'"),
        ([{"lift": {"kind": "blocking"}}], "changes[0].lift", "select rules by at least one"),
        ([{"lift": {"instrument_regex": "("}}], "changes[0].lift.instrument_regex",
         "invalid regular expression"),
        ([{"delist": {"regime": "us", "program": "X", "colour": "red"}}],
         "changes[0].delist.colour", "Extra inputs are not permitted"),
        ([{"set_param": {"rule": "X", "ownership": "us", "param": "p", "value": 1}}],
         "changes[0].set_param", "exactly one of"),
        ([{"set_date": "next year"}], "changes[0].set_date", "date"),
    ],
)
def test_file_errors_are_precise(changes, where, reason):
    with pytest.raises(ParseError) as err:
        scen(*changes)
    assert err.value.path == "t.yaml"
    assert err.value.where == where
    assert reason in err.value.reason


def test_top_level_errors(fixtures: Path):
    with pytest.raises(ParseError) as err:
        parse_scenario({"name": "Bad Name", "title": "t", "description": "d",
                        "assumptions": ["a"]}, "x.yaml")
    assert err.value.where == "name"
    with pytest.raises(ParseError) as err:
        parse_scenario({"name": "ok", "title": "t", "description": "d", "assumptions": []})
    assert err.value.where == "assumptions"
    with pytest.raises(ParseError) as err:
        read_scenario_file(fixtures / "scenarios" / "broken-yaml.yaml")
    assert err.value.where and err.value.where.startswith("line ")
    with pytest.raises(ParseError) as err:
        read_scenario_file(fixtures / "scenarios" / "bad-change.yaml")
    assert "bad-change.yaml, changes[2].delist.regime: unknown regime 'ru-eu'" in str(err.value)


def test_base_chain_and_loop(fixtures: Path, ctx):
    s = read_scenario_file(fixtures / "scenarios" / "child.yaml")
    state = apply_scenario(ctx, s, INDEX)
    # parent lifts all US rules, child restores the uranium act
    assert "US-URANIUM-IMPORT-ACT" in state.ctx.rules
    assert "US-EO14071-NEW-INVESTMENT" not in state.ctx.rules
    assert state.ctx.assumptions == ("Parent assumption.", "Child assumption.")
    with pytest.raises(ParseError, match="base chain loops"):
        apply(ctx, read_scenario_file(fixtures / "scenarios" / "loop-a.yaml"))


def test_bundled_scenarios_validate_and_schema_is_current():
    import json

    from olivebranch.scenarios.model import SCHEMA_PATH

    names = [s.name for s in bundled_scenarios()]
    for required in ("status-quo", "us-executive-relief", "us-full-relief", "us-relief-eu-keeps",
                     "eu-lapse", "g7-relief", "snapback"):
        assert required in names
    for s in bundled_scenarios():
        assert s.assumptions and s.description
    assert json.loads(SCHEMA_PATH.read_text()) == json_schema()


def test_remaining_sectoral_listing_does_not_keep_entity_blocked(ctx):
    rows = [
        d("ofac-17022", "sdn", "us", "RUSSIA-EO14024", "us_ofac_sdn_supplement"),
        d("ofac-17022", "cons", "us", "UKRAINE-EO13662", "us_ofac_cons"),
        d("ofac-17143", "sdn2", "us", "RUSSIA-EO14024", "us_ofac_sdn_supplement"),
        d("ofac-17143", "sdn2", "us", "UKRAINE-EO13662", "us_ofac_sdn_supplement"),
        d("ofac-17064", "cons3", "us", "UKRAINE-EO13662", "us_ofac_cons"),
    ]
    index = ListingIndex.from_designations(
        rows, classify=lambda r: ("sectoral" if r.source == "us_ofac_cons" else "blocking", "us")
    )
    out = apply(ctx, scen({"delist": {"regime": "us", "program": "RUSSIA-EO14024"}}), index)
    assert out.delisted == {"us": frozenset({"ofac-17022"})}  # Rosneft off; Gazprom Neft stays
    out = apply(ctx, scen({"delist": {"regime": "us", "program": "UKRAINE-EO13662"}}), index)
    assert out.delisted == {"us": frozenset({"ofac-17064"})}  # SSI-only Novatek off


def test_cli_list_show_schema():
    from typer.testing import CliRunner

    from olivebranch.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["scenario", "list"])
    assert out.exit_code == 0 and "us-executive-relief" in out.output
    out = runner.invoke(app, ["scenario", "show", "g7-relief"])
    assert out.exit_code == 0
    assert "base: us-full-relief, eu-lapse" in out.output
    assert "us-executive-relief[1]" in out.output  # base changes are listed first
    out = runner.invoke(app, ["scenario", "schema"])
    assert out.exit_code == 0 and '"title": "olivebranch scenario"' in out.output
    out = runner.invoke(app, ["scenario", "show", "no-such-scenario"])
    assert out.exit_code != 0 and "no scenario named 'no-such-scenario'" in str(out.exception)


def test_cli_run_reports_file_errors_before_evaluating(fixtures: Path):
    from typer.testing import CliRunner

    from olivebranch.cli import app

    out = CliRunner().invoke(app, ["scenario", "run", str(fixtures / "scenarios" / "bad-change.yaml")])
    assert out.exit_code != 0
    assert "changes[2].delist.regime: unknown regime 'ru-eu'" in str(out.exception)


def test_new_licence_condition_is_parsed_in_the_rule_language(ctx):
    from olivebranch.rules import conditions

    s = scen({"start_licence": {"id": "US-GL-8M", "regime": "us", "title": "Energy payments",
                                "condition": {"fact": "asset.energy", "is": True}}})
    gl = apply(ctx, s, INDEX).general_licences["US-GL-8M"]
    assert conditions.evaluate(gl.condition, {"asset.energy": True}.get).value
    bad = scen({"start_licence": {"id": "US-GL-8M", "regime": "us", "title": "x",
                                  "condition": ["not", "a", "mapping"]}})
    with pytest.raises(ScenarioError, match="changes\\[0\\].start_licence: start_licence US-GL-8M"):
        apply(ctx, bad, INDEX)

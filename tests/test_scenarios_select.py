"""The scenario selection algebra and the host-state, territorial, effect and timing changes,
on hand-made rules and designations (``apply`` is pure: no store needed)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from olivebranch.context import EvaluationContext, Rule
from olivebranch.errors import ParseError
from olivebranch.listings import Listings
from olivebranch.rules import conditions
from olivebranch.scenarios.apply import apply_scenario
from olivebranch.scenarios.model import ScenarioError, parse_scenario

DAY = date(2026, 12, 7)


def rule(id: str, regime: str, *, kind: str = "blocking", lifted_by: str = "executive",
         effect: str = "prohibited", instrument: str = "", condition=None, **kw) -> Rule:
    return Rule(id=id, regime=regime, title=id, instrument=instrument or id, effect=effect,
                lifted_by=lifted_by, kind=kind,
                condition=conditions.parse(condition) if condition else None, **kw)


UNFRIENDLY = {"all": [{"fact": "asset.country", "eq": "ru"},
                      {"fact": "persons.unfriendly", "is": True}]}
RULES = {r.id: r for r in [
    rule("US-SDN-ROSNEFT-LUKOIL", "us", params={"groups": ["rosneft", "lukoil"]},
         condition={"fact": "party.group", "in": "param.groups"}),
    rule("US-EO14071-NEW-INVESTMENT", "us", kind="investment_ban",
         condition={"fact": "asset.sectors", "contains_any": ["oil", "gas"]}),
    rule("US-EO14065-COVERED-REGIONS", "us", kind="investment_ban",
         condition={"fact": "asset.occupied", "eq": "ngca"}),
    rule("EU-263-NGCA-INVESTMENT-BAN", "eu", kind="investment_ban",
         lifted_by="council_unanimity", instrument="Council Regulation (EU) 2022/263",
         condition={"fact": "asset.occupied", "eq": "ngca"}),
    rule("EU-833-ART3A", "eu", kind="investment_ban", lifted_by="council_unanimity",
         instrument="Council Regulation (EU) No 833/2014 Art. 3a"),
    rule("RU-DECREE-520", "ru", kind="host_approval", effect="host_approval_required",
         lifted_by="presidential_decree", condition=UNFRIENDLY),
    rule("RU-DECREES-79-81", "ru", kind="host_approval", effect="host_approval_required",
         lifted_by="presidential_decree", condition=UNFRIENDLY),
    rule("UA-TOT-LAW", "ua", kind="host_approval", lifted_by="legislative",
         condition={"all": [{"fact": "asset.country", "eq": "ua"},
                            {"fact": "asset.occupied", "ne": "none"}]}),
]}


def d(entity: str, sanction: str, program: str, regime: str = "us", source: str = "us_ofac_sdn"):
    return SimpleNamespace(entity_id=entity, sanction_id=sanction, regime=regime,
                           program=program, source=source)


INDEX = Listings.from_designations(
    [
        d("ofac-17022", "s1", "RUSSIA-EO14024"),  # Rosneft: EO 14024 only (blocking)
        d("ofac-18300", "s2", "RUSSIA-EO14024"),  # a Rosneft trading arm
        d("ofac-17143", "s3", "RUSSIA-EO14024"),  # Gazprom Neft: dual listing
        d("ofac-17143", "s3", "UKRAINE-EO13662"),
        d("ofac-17013", "s4", "RUSSIA-EO14024"),  # VTB
        d("ofac-17013", "s4", "UKRAINE-EO13662"),
        d("ofac-46030", "s5", "RUSSIA-EO14024"),  # Arctic LNG 2
        d("ofac-9", "s6", "CYBER2"),
        d("eu-1", "e1", "UKR", "eu", "eu_fsf"),
    ],
    names={"ofac-17022": ["OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY", "Rosneft Oil Company"],
           "ofac-18300": ["ROSNEFT TRADE LIMITED"],
           "ofac-17143": ["PUBLIC JOINT STOCK COMPANY GAZPROM NEFT", "Gazprom Neft"],
           "ofac-17013": ["VTB BANK PUBLIC JOINT STOCK COMPANY"],
           "ofac-46030": ["LIMITED LIABILITY COMPANY ARCTIC LNG 2", "Arctic LNG 2"],
           "ofac-9": ["Rosneft Hackers Collective"], "eu-1": ["Gazprom Neft"]},
)


def scen(*changes, **kw):
    data = {"name": "t", "title": "T", "description": "test", "assumptions": ["a"],
            "changes": list(changes), **kw}
    return parse_scenario(data, "t.yaml")


def run(*changes, as_of: date = DAY, origin: date | None = DAY):
    ctx = EvaluationContext(as_of=as_of, rules=RULES)
    return apply_scenario(ctx, scen(*changes), INDEX, origin=origin)


def fires(state, rule_id: str, **facts) -> bool:
    r = state.ctx.rules[rule_id]
    return conditions.evaluate(r.condition, lambda f: facts.get(f), r.params).value


# ----------------------------------------------------------------------------- listings
def test_program_and_names_together_select_only_the_named_companies():
    st = run({"delist": {"regime": "us", "program": "RUSSIA-EO14024", "names": ["Arctic LNG 2"]}})
    assert st.ctx.delisted == {"us": frozenset({"ofac-46030"})}
    assert st.removed["us"] == {("s5", "RUSSIA-EO14024", "us_ofac_sdn", "blocking")}


def test_one_programme_of_a_dual_listed_entity_goes_the_other_stays():
    st = run({"delist": {"regime": "us", "program": "RUSSIA-EO14024", "names": "Gazprom Neft"}})
    assert "ofac-17143" not in st.ctx.delisted.get("us", ())  # still EO 13662-listed
    assert any(k[1] == "RUSSIA-EO14024" for k in st.removed["us"])
    assert not any(k[1] == "UKRAINE-EO13662" for k in st.removed["us"])
    st = run({"delist": {"regime": "us", "program": "UKRAINE-EO13662", "names": "Gazprom Neft"}},
             {"delist": {"regime": "us", "program": "RUSSIA-EO14024", "entities": "17143"}})
    assert "ofac-17143" in st.ctx.delisted["us"]


def test_sector_group_union_and_exclusion():
    # energy sector: the Rosneft, Gazprom Neft and Novatek/Arctic LNG groups, not VTB or CYBER2
    st = run({"delist": {"regime": "us", "program": "RUSSIA-EO14024", "sector": "energy"}})
    assert st.ctx.delisted["us"] == {"ofac-17022", "ofac-18300", "ofac-46030"}
    # a group by name pattern catches a stranger with the name: exclusion and intersection
    st = run({"delist": {"regime": "us", "group": "rosneft",
                         "exclude": {"names": ["ROSNEFT TRADE LIMITED"], "program": "CYBER2"}}})
    assert st.ctx.delisted["us"] == {"ofac-17022"}
    st = run({"delist": [{"regime": "us", "group": "vtb", "program": "RUSSIA-EO14024"},
                         {"regime": "eu", "program": "UKR"}]})
    # VTB keeps its other designation here (hand-made: every row blocking), the EU one goes
    assert st.ctx.delisted == {"eu": frozenset({"eu-1"})}
    assert st.removed["us"] == {("s4", "RUSSIA-EO14024", "us_ofac_sdn", "blocking")}


def test_group_keyed_rule_follows_the_parent_delisting_and_relisting():
    st = run({"delist": {"regime": "us", "names": ["Rosneft Oil Company"]}})
    assert st.ctx.rules["US-SDN-ROSNEFT-LUKOIL"].params["groups"] == ["lukoil"]
    assert not fires(st, "US-SDN-ROSNEFT-LUKOIL", **{"party.group": "rosneft"})
    assert any("US-SDN-ROSNEFT-LUKOIL: groups -rosneft" in line for line in st.log)
    back = run({"delist": {"regime": "us", "names": ["Rosneft Oil Company"]}},
               {"relist": {"regime": "us", "entities": ["ofac-17022"]}})
    assert back.ctx.rules["US-SDN-ROSNEFT-LUKOIL"].params["groups"] == ["rosneft", "lukoil"]


def test_every_name_problem_is_reported_at_once_with_candidates():
    with pytest.raises(ScenarioError) as err:
        run({"delist": {"regime": "us", "names": ["Rosneft", "Gazprom Neft", "Sberbank"]}},
            {"designate": {"regime": "eu", "names": ["Nobody Ltd"]}})
    text = str(err.value)
    assert "name 'Rosneft' matches no entity listed under us" in text
    assert "candidates: " in text and "ofac-17022 (Rosneft Oil Company)" in text
    assert "name 'Sberbank'" in text and "changes[1].designate" in text
    assert len(err.value.problems) == 2  # type: ignore[attr-defined]


def test_file_errors_are_all_listed():
    with pytest.raises(ParseError) as err:
        scen({"delist": {"regime": "us", "group": "acme"}},
             {"lift": {"lifted_by": "tsar"}},
             {"set_effect": {"rules": "X", "to": "banned"}})
    problems = err.value.problems  # type: ignore[attr-defined]
    assert [p[0] for p in problems] == ["changes[0].delist.group", "changes[1].lift.lifted_by",
                                        "changes[2].set_effect.to"]
    assert "unknown group 'acme'" in str(err.value) and "unknown effect 'banned'" in str(err.value)


# ----------------------------------------------------------------------------- rules
def test_rule_selection_by_sector_effect_union_and_exclusion():
    st = run({"lift": [{"regime": "us", "sector": "oil"}, {"rules": "RU-DECREE-520"}]})
    assert set(st.lifted) == {"US-EO14071-NEW-INVESTMENT", "RU-DECREE-520"}
    st = run({"lift": {"regime": "eu", "exclude_instrument_regex": "2022/263"}})
    assert set(st.lifted) == {"EU-833-ART3A"}


def test_set_effect_changes_what_a_rule_does():
    st = run({"set_effect": {"rules": ["US-EO14071-NEW-INVESTMENT"], "to": "licence_required"}})
    assert st.ctx.rules["US-EO14071-NEW-INVESTMENT"].effect == "licence_required"


# ----------------------------------------------------------------------------- host state
def test_us_off_the_unfriendly_list_for_decree_520_only():
    st = run({"host_list": {"list": "ru-unfriendly", "remove": ["us"], "rules": ["RU-DECREE-520"]}})
    us = {"asset.country": "ru", "persons.unfriendly": True, "investors.jurisdictions": ["us"]}
    de = {**us, "investors.jurisdictions": ["de", "us"]}
    assert not fires(st, "RU-DECREE-520", **us)
    assert fires(st, "RU-DECREE-520", **de)  # a German co-investor still needs the decree
    assert fires(st, "RU-DECREES-79-81", **us)  # 79/81 untouched
    st = run({"host_list": {"remove": ["us"]}}, {"host_list": {"add": ["us"]}})
    assert fires(st, "RU-DECREES-79-81", **us)


def test_the_unfriendly_list_is_data():
    from olivebranch.facts import UNFRIENDLY
    from olivebranch.hostdata import host_lists

    assert UNFRIENDLY == host_lists()["ru-unfriendly"].members
    assert {"us", "de", "gb", "jp"} <= UNFRIENDLY and "cn" not in UNFRIENDLY


# ----------------------------------------------------------------------------- territory
def test_returned_areas_leave_territorial_rules_and_occupation_law():
    st = run({"territory": {"areas": ["zaporizhzhia"], "status": "returned"}})
    zap = {"asset.country": "ua", "asset.occupied": "ngca", "asset.oblast": "zaporizhzhia"}
    don = {**zap, "asset.oblast": "donetsk"}
    for rid in ("US-EO14065-COVERED-REGIONS", "EU-263-NGCA-INVESTMENT-BAN", "UA-TOT-LAW"):
        assert not fires(st, rid, **zap), rid
        assert fires(st, rid, **don), rid


def test_recognition_moves_only_the_recognising_regime():
    st = run({"territory": {"areas": ["donetsk"], "status": "recognised", "by": ["us"]}})
    don = {"asset.country": "ua", "asset.occupied": "ngca", "asset.oblast": "donetsk"}
    assert not fires(st, "US-EO14065-COVERED-REGIONS", **don)
    assert fires(st, "EU-263-NGCA-INVESTMENT-BAN", **don)
    assert fires(st, "UA-TOT-LAW", **don)


def test_newly_occupied_area_starts_territorial_rules():
    st = run({"territory": {"areas": ["kherson"], "status": "occupied"}})
    kh = {"asset.country": "ua", "asset.occupied": "none", "asset.oblast": "kherson"}
    assert fires(st, "EU-263-NGCA-INVESTMENT-BAN", **kh)
    assert not fires(st, "EU-263-NGCA-INVESTMENT-BAN", **{**kh, "asset.oblast": "kyiv"})


# ----------------------------------------------------------------------------- timing
def test_changes_take_effect_on_their_day():
    change = {"lift": "US-EO14071-NEW-INVESTMENT", "effective": "2027-06-01"}
    assert "US-EO14071-NEW-INVESTMENT" in run(change).ctx.rules
    assert "US-EO14071-NEW-INVESTMENT" not in run(change, as_of=date(2027, 6, 1)).ctx.rules


def test_eu_veto_bites_at_the_next_expiry_of_each_decision():
    lapse = [{"eu_lapse": {"decision": "2014/512"}}, {"eu_lapse": {"decision": "2014/145/CFSP"}}]
    now = run(*lapse)
    assert "EU-833-ART3A" in now.ctx.rules and not now.ctx.delisted
    feb = run(*lapse, as_of=date(2027, 2, 1))  # sectoral lapsed 31 Jan 2027, listings not yet
    assert "EU-833-ART3A" not in feb.ctx.rules and not feb.ctx.delisted
    assert "EU-263-NGCA-INVESTMENT-BAN" in feb.ctx.rules  # territorial decisions apart
    mar = run(*lapse, as_of=date(2027, 3, 16))
    assert mar.ctx.delisted == {"eu": frozenset({"eu-1"})}

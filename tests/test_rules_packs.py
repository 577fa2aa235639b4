"""Rule packs load, validate, and say precisely what is wrong with a bad rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivebranch.context import EFFECTS, LIFTED_BY
from olivebranch.rules import conditions
from olivebranch.rules.model import RuleError, load_general_licences, load_pack, load_rules

GOOD_RULE = """
regime: us
rules:
  - id: T-1
    title: t
    instrument: i
    citation: https://example.org
    kind: investment_ban
    effect: prohibited
    lifted_by: executive
    confidence: verified
    effective_from: 2022-04-06
    params: {threshold: 25}
    condition:
      all:
        - {fact: asset.country, eq: ru}
        - {fact: stake.foreign_max_after, gte: param.threshold}
"""


def test_packs_cover_the_research_catalogue() -> None:
    rules = load_rules()
    by_regime: dict[str, int] = {}
    for r in rules.values():
        by_regime[r.regime] = by_regime.get(r.regime, 0) + 1
        assert r.effect in EFFECTS and r.lifted_by in LIFTED_BY
        assert r.citation and r.citation.startswith("http"), r.id
        assert r.confidence in ("verified", "secondary", "uncertain")
    assert set(by_regime) == {"us", "eu", "uk", "ru", "ua"}
    assert len(rules) >= 80
    for rid in ("US-EO14024-BLOCKING", "US-OFAC-50PCT", "US-EO14071-NEW-INVESTMENT",
                "US-EO14066-ENERGY-IMPORT", "US-SSI-DIR4-UNCONVENTIONAL", "US-PEESA-NORDSTREAM",
                "US-URANIUM-IMPORT-ACT", "US-EIROA-STATUTE", "EU-833-ART3A-NEW-INVESTMENT",
                "EU-833-LNG-IMPORT-BAN", "EU-GAS-PHASEOUT-REG", "EU-833-ART3N-PRICE-CAP",
                "EU-269-ASSET-FREEZE", "UK-REG18B-INVESTMENT", "RU-57FZ-STRATEGIC",
                "RU-SUBSOIL-FEDERAL-SIGNIFICANCE", "RU-DECREE-520-FEC-SHARES",
                "UA-US-RECONSTRUCTION-FUND", "UA-TOT-LAW-1207", "EU-263-NGCA-INVESTMENT-BAN"):
        assert rid in rules, rid
    assert rules["US-URANIUM-IMPORT-ACT"].lifted_by == "legislative"
    assert rules["EU-GAS-PHASEOUT-REG"].lifted_by == "ordinary_legislative"
    assert "US-GL-127" in load_general_licences()


def _pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "us.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_pack_loads(tmp_path: Path) -> None:
    rules, _ = load_pack(_pack(tmp_path, GOOD_RULE))
    assert rules["T-1"].params["threshold"] == 25


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("effect: prohibited", "effect: forbidden", "rule T-1.effect: 'forbidden' is not an effect"),
        ("asset.country", "asset.nation", "rule T-1: condition: unknown fact 'asset.nation'"),
        ("effective_from: 2022-04-06", "effective_from: 2022-13-45", "T-1.effective_from"),
        ("param.threshold", "param.limit", "'param.limit' names no parameter"),
        ("lifted_by: executive", "lifted_by: congress", "rule T-1.lifted_by"),
        ("eq: ru", "equals: ru", "unknown operator 'equals'"),
    ],
)
def test_bad_pack_names_file_rule_and_reason(tmp_path: Path, old: str, new: str,
                                             message: str) -> None:
    path = _pack(tmp_path, GOOD_RULE.replace(old, new))
    with pytest.raises(RuleError) as exc:
        load_pack(path)
    assert str(path) in str(exc.value)
    assert message in str(exc.value)


def test_conditions_explain_which_leaves_fired() -> None:
    cond = conditions.parse({"all": [
        {"fact": "asset.sectors", "contains_any": ["lng", "gas"]},
        {"not": {"fact": "party.jurisdiction", "in": ["ru"]}},
        {"any": [{"fact": "x.a", "gte": "param.t"}, {"fact": "x.b", "is": True}]},
    ]})
    facts = {"asset.sectors": ["lng"], "party.jurisdiction": "us", "x.a": 30, "x.b": False}
    out = conditions.evaluate(cond, facts.get, {"t": 25})
    assert out.value
    assert [f["fact"] for f in out.fired] == ["asset.sectors", "party.jurisdiction", "x.a"]
    assert not conditions.evaluate(cond, facts.get, {"t": 31}).value
    assert "x.a = 30" in conditions.describe_fired(out.fired)


# ---------------------------------------------------------------------------------------------
# The December 2026 legal review (docs/legal-review-2026-12.md): each correction pinned on the
# rule data itself - dates, thresholds, lifting authorities and the facts a rule reads - with
# plain fact dictionaries, so the checks do not depend on list matching or the verdict engine.

from dataclasses import replace  # noqa: E402
from datetime import date  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import yaml  # noqa: E402

from olivebranch.rules.model import PACKS_DIR  # noqa: E402

RULES_DIR = PACKS_DIR.parent

#: domains of official texts (legislation, regulators, official journals, heads of state)
OFFICIAL_DOMAINS = (
    "ofac.treasury.gov", "home.treasury.gov", "treasury.gov", "govinfo.gov", "federalregister.gov",
    "ecfr.gov", "bis.gov", "bis.doc.gov", "congress.gov", "uscode.house.gov", "state.gov",
    "eur-lex.europa.eu", "data.europa.eu", "consilium.europa.eu", "ec.europa.eu",
    "legislation.gov.uk", "gov.uk", "publication.pravo.gov.ru", "pravo.gov.ru", "kremlin.ru",
    "government.ru", "rada.gov.ua", "kmu.gov.ua", "rnbo.gov.ua",
)


def is_official(url: str) -> bool:
    """An official text: an official domain and a path that names a document, not a homepage."""
    u = urlparse(url)
    host = (u.hostname or "").lower()
    official = any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS)
    return official and (u.path.strip("/") != "" or bool(u.query))


def raw_rules() -> dict[str, dict]:
    out = {}
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["rules"]:
            out[item["id"]] = item
    return out


def citations(item: dict) -> list[str]:
    c = item["citation"]
    return list(c) if isinstance(c, list) else [c]


def official_citation_count() -> tuple[int, int]:
    """(rules whose first citation is an official text, all rules) - reported in the docs."""
    raw = raw_rules()
    return sum(is_official(citations(r)[0]) for r in raw.values()), len(raw)


def test_rules_cite_an_official_text_first_where_they_have_one() -> None:
    raw = raw_rules()
    for rid, item in raw.items():
        urls = citations(item)
        assert all(u.startswith("http") for u in urls), rid
        if any(is_official(u) for u in urls):
            assert is_official(urls[0]), f"{rid}: official text must come first: {urls}"
    official, total = official_citation_count()
    assert total >= 110
    # 89/117 before the uranium companion rule merged into its phased rule (issue 13 item 2)
    assert official >= 88, f"only {official}/{total} rules cite an official text first"
    assert not is_official("http://publication.pravo.gov.ru/"), "a homepage is not a citation"


def fires(rid: str, day: date, facts: dict, nexus: set[str] | None = None, **params) -> bool:
    """Does the rule fire on ``day`` for these facts, its phases and the nexus gate applied?
    ``nexus``: the nexus kinds the deal has (default: every kind of the rule's regime)."""
    from olivebranch.context import EvaluationContext
    from olivebranch.evaluation import fire
    from olivebranch.regimes import registry

    rule = load_rules()[rid]
    if params:
        rule = replace(rule, params={**rule.params, **params})
    kinds = {k.id for k in registry().get(rule.regime).nexus.kinds} if nexus is None else nexus
    if rule.nexus and not rule.exposure and not set(rule.nexus) & kinds:
        return False
    return fire(rule, facts.get, EvaluationContext(as_of=day, rules={})) is not None


def effect_on(rid: str, day: date, facts: dict) -> str | None:
    from olivebranch.context import EvaluationContext
    from olivebranch.evaluation import fire

    hit = fire(load_rules()[rid], facts.get, EvaluationContext(as_of=day, rules={}))
    return hit.effect if hit else None


US_LISTED = {"persons.us": True, "party.listed": True}
BLOCKING = ("US-EO14024-BLOCKING", "US-CAATSA-CODIFIED-BLOCKING", "US-EO14039-PEESA-BLOCKING",
            "US-SDN-OTHER-PROGRAMMES", "US-TERRITORIAL-DESIGNATIONS", "US-EO14065-DESIGNATIONS")


@pytest.mark.parametrize(("programs", "group", "rule", "lifted_by"), [
    (["RUSSIA-EO14024"], None, "US-EO14024-BLOCKING", "executive"),
    (["UKRAINE-EO13662", "RUSSIA-EO14024"], "gazprom_neft", "US-CAATSA-CODIFIED-BLOCKING",
     "executive_with_congressional_review"),
    (["UKRAINE-EO13661", "UKRAINE-EO13662"], None, "US-CAATSA-CODIFIED-BLOCKING",
     "executive_with_congressional_review"),
    # VTB's EO 13662 tag is its SSI Directive 1 listing: blocked under EO 14024 only
    (["UKRAINE-EO13662", "RUSSIA-EO14024"], "vtb", "US-EO14024-BLOCKING", "executive"),
    (["UKRAINE-EO13662", "RUSSIA-EO14024"], "rosneft", "US-EO14024-BLOCKING", "executive"),
    (["PEESA-EO14039"], None, "US-EO14039-PEESA-BLOCKING", "executive"),
    (["UKRAINE-EO13660"], None, "US-TERRITORIAL-DESIGNATIONS", "executive_with_congressional_review"),
    (["RUSSIA-EO14065"], None, "US-EO14065-DESIGNATIONS", "executive"),
    (["SDNT"], None, "US-SDN-OTHER-PROGRAMMES", "executive"),
])
def test_us_blocking_splits_by_lifting_authority(programs, group, rule, lifted_by) -> None:
    facts = {**US_LISTED, "party.programs": programs, "party.group": group}
    fired = [r for r in BLOCKING if fires(r, date(2026, 6, 1), facts)]
    assert fired == [rule]
    assert load_rules()[rule].lifted_by == lifted_by
    assert not fires(rule, date(2026, 6, 1), facts, nexus=set()), "no US nexus: no finding"


def test_oil_major_designations_start_on_their_own_dates() -> None:
    rosneft = {"persons.us": True, "party.group": "rosneft"}
    gpn = {"persons.us": True, "party.group": "gazprom_neft"}
    assert not fires("US-SDN-ROSNEFT-LUKOIL", date(2025, 6, 1), rosneft)
    assert fires("US-SDN-ROSNEFT-LUKOIL", date(2025, 10, 22), rosneft)
    assert not fires("US-SDN-GAZPROMNEFT-SURGUT", date(2025, 1, 9), gpn)
    assert fires("US-SDN-GAZPROMNEFT-SURGUT", date(2025, 6, 1), gpn)
    assert not fires("US-SDN-GAZPROMNEFT-SURGUT", date(2025, 6, 1), rosneft)
    rules = load_rules()
    assert rules["US-SDN-ROSNEFT-LUKOIL"].lifted_by == "executive"
    assert rules["US-SDN-GAZPROMNEFT-SURGUT"].lifted_by == "executive_with_congressional_review"


def test_us_start_dates_of_metals_ban_and_petroleum_services() -> None:
    nickel = {"asset.country": "ru", "activity.import_into": ["us"], "activity.products": ["nickel"]}
    assert not fires("US-EO14068-TRADE", date(2023, 6, 1), nickel)
    assert fires("US-EO14068-TRADE", date(2024, 4, 13), nickel)
    services = {"persons.us": True, "asset.country": "ru", "activity.services": ["petroleum"]}
    assert not fires("US-EO14071-SERVICES", date(2025, 2, 26), services)
    assert fires("US-EO14071-SERVICES", date(2025, 2, 27), services)


def test_uranium_act_waiver_phase_then_ban_then_sunset() -> None:
    leu = {"activity.import_into": ["us"], "activity.products": ["enriched_uranium"],
           "asset.country": "ru"}
    rules = load_rules()

    def effect(day: date) -> str | None:
        return effect_on("US-URANIUM-IMPORT-ACT", day, leu)

    assert effect(date(2024, 6, 1)) is None  # in force 90 days after 13 May 2024
    assert effect(date(2024, 8, 11)) == "licence_required"
    assert effect(date(2027, 12, 31)) == "licence_required"
    assert effect(date(2028, 1, 1)) == "prohibited"
    assert effect(date(2040, 12, 31)) == "prohibited"
    assert effect(date(2041, 1, 1)) is None
    # one measure, one rule with two phases (the waiver phase and the ban) since issue 13
    assert "US-URANIUM-IMPORT-ACT-NO-WAIVERS" not in rules
    assert rules["US-URANIUM-IMPORT-ACT"].lifted_by == "legislative"
    assert len(rules["US-URANIUM-IMPORT-ACT"].phases) == 2


def test_us_lifting_authorities_after_review() -> None:
    rules = load_rules()
    assert rules["US-EO14066-ENERGY-IMPORT"].lifted_by == "executive"
    assert rules["US-EIROA-STATUTE"].lifted_by == "executive_with_congressional_review"
    for rid in ("US-CAATSA-225-CRUDE-PROJECTS", "US-CAATSA-232-PIPELINES",
                "US-CAATSA-228-FACILITATION"):
        assert rules[rid].lifted_by == "executive_with_congressional_review", rid
    assert rules["US-PEESA-NORDSTREAM"].lifted_by == "executive"


def test_caatsa_232_needs_an_export_pipeline_and_peesa_does_not_reach_investors() -> None:
    day = date(2026, 6, 1)
    field_line = {"asset.country": "ru", "asset.sectors": ["oil", "oil_pipeline"],
                  "asset.subsoil_use": True, "activity.investment": True,
                  "activity.value_usd": 5e9, "activity.import_into": []}
    assert not fires("US-CAATSA-232-PIPELINES", day, field_line)
    export = {**field_line, "asset.sectors": ["gas_pipeline"], "asset.projects": ["turkstream"]}
    assert fires("US-CAATSA-232-PIPELINES", day, export)
    pipe = {**field_line, "asset.sectors": ["gas_pipeline", "gas"], "asset.subsoil_use": False}
    assert fires("US-CAATSA-232-PIPELINES", day, pipe)
    buyer = {"asset.projects": ["nord_stream_2"], "activity.types": ["equity", "new_investment"]}
    assert not fires("US-PEESA-NORDSTREAM", day, buyer)
    assert fires("US-PEESA-NORDSTREAM", day, {**buyer, "activity.types": ["services"]})


def test_missing_us_measures_are_rules() -> None:
    day = date(2026, 6, 1)
    loan = {"persons.us": True, "activity.types": ["financing"], "party.role": "target"}
    assert fires("US-EO14024-DIR3-DEBT-EQUITY", day, {**loan, "party.group": "transneft"})
    assert not fires("US-EO14024-DIR3-DEBT-EQUITY", date(2022, 3, 25),
                     {**loan, "party.ssi_directives": ["EO14024-3"]})
    assert fires("US-SSI-DIR1-FINANCIAL-DEBT", day, {**loan, "party.ssi_directives": ["EO13662-1"]})
    supply = {"persons.us": True, "asset.country": "ru", "activity.types": ["supply_equipment"]}
    assert fires("US-EAR-746-8-RUSSIA", day, supply)
    assert fires("US-EAR-746-5-OIL-GAS", day, {**supply, "asset.arctic_offshore": True})
    assert not fires("US-EAR-746-5-OIL-GAS", day, supply)
    # CAATSA 228: a non-US party dealing with a blocked party faces designation exposure
    eu_supplier = {"parties.any_blocked": True, "party.jurisdiction": "fr", "party.blocked": False,
                   "party.role": "supplier"}
    assert fires("US-CAATSA-228-FACILITATION", day, eu_supplier)
    assert not fires("US-CAATSA-228-FACILITATION", day, {**eu_supplier, "party.jurisdiction": "us"})
    assert not fires("US-CAATSA-228-FACILITATION", day, {**eu_supplier,
                                                         "parties.any_blocked": False})


@pytest.mark.parametrize(("rid", "regime"), [
    ("US-PRICE-CAP", "us"), ("EU-833-ART3N-PRICE-CAP", "eu"), ("UK-PRICE-CAP", "uk")])
def test_price_caps_do_not_fire_on_imports_into_the_capping_state(rid, regime) -> None:
    day = date(2026, 6, 1)
    trade = {f"persons.{regime}": True, "asset.country": "ru", "activity.products": ["crude_oil"],
             "activity.types": ["offtake"], "activity.import_into": []}
    assert fires(rid, day, trade)
    assert not fires(rid, day, {**trade, "activity.import_into": [regime]})
    exceeded = rid.replace("-PRICE-CAP", "-PRICE-CAP-EXCEEDED")
    assert not fires(exceeded, day, trade)
    assert fires(exceeded, day, {**trade, "activity.price_above_cap": True})
    assert load_rules()[exceeded].effect == "prohibited"


def test_eu_gas_phaseout_regulation_2026_261() -> None:
    rule = load_rules()["EU-GAS-PHASEOUT-REG"]
    assert "2026/261" in rule.instrument and rule.citation.endswith("/reg/2026/261/oj")
    gas = {"activity.import_into": ["eu"], "activity.products": ["lng"], "asset.country": "ru"}
    assert not fires("EU-GAS-PHASEOUT-REG", date(2026, 3, 17), gas)
    assert fires("EU-GAS-PHASEOUT-REG", date(2026, 3, 18), gas)
    assert rule.lifted_by == "ordinary_legislative"
    assert load_rules()["EU-833-LNG-IMPORT-BAN"].effective_from == date(2026, 4, 25)


@pytest.mark.parametrize(("rid", "product", "start"), [
    ("UK-COAL-IMPORT-BAN", "coal", date(2022, 8, 10)),
    ("UK-OIL-IMPORT-BAN", "crude_oil", date(2022, 12, 5)),
    ("UK-OIL-IMPORT-BAN", "petroleum_products", date(2022, 12, 5)),
    ("UK-LNG-IMPORT-BAN", "lng", date(2023, 1, 1)),
])
def test_uk_import_bans_start_per_product(rid, product, start) -> None:
    facts = {"asset.country": "ru", "activity.import_into": ["uk"], "activity.products": [product]}
    assert not fires(rid, date.fromordinal(start.toordinal() - 1), facts)
    assert fires(rid, start, facts)
    others = {"UK-COAL-IMPORT-BAN", "UK-OIL-IMPORT-BAN", "UK-LNG-IMPORT-BAN"} - {rid}
    assert not any(fires(o, date(2026, 6, 1), facts) for o in others)


def test_russian_thresholds_for_federal_subsoil_and_foreign_states() -> None:
    day = date(2026, 6, 1)
    base = {"asset.country": "ru", "asset.federal_significance": True, "asset.strategic": True,
            "investors.foreign": True, "activity.investment": True}
    subsoil = "RU-SUBSOIL-FEDERAL-SIGNIFICANCE"
    assert not fires(subsoil, day, {**base, "stake.foreign_max_after": 9.9})
    assert not fires(subsoil, day, {**base, "stake.foreign_max_after": 20})
    assert fires(subsoil, day, {**base, "stake.foreign_max_after": 25})
    state = {**base, "investors.foreign_state": True}
    assert not fires(subsoil, day, {**state, "stake.foreign_max_after": 5,
                                     "stake.foreign_state_max_after": 5})
    assert fires(subsoil, day, {**state, "stake.foreign_max_after": 6,
                                "stake.foreign_state_max_after": 6})
    ban = "RU-57FZ-FOREIGN-STATE-CONTROL-BAN"
    assert fires(ban, day, {**state, "stake.foreign_state_max_after": 30})
    assert not fires(ban, day, {**state, "stake.foreign_state_max_after": 20})
    plain = {**state, "asset.federal_significance": False}
    assert not fires(ban, day, {**plain, "stake.foreign_state_max_after": 30})
    assert fires(ban, day, {**plain, "stake.foreign_state_max_after": 51})


def test_russian_decrees_carry_their_verified_end_dates() -> None:
    rules = load_rules()
    for rid, end in (("RU-DECREE-520-FEC-SHARES", date(2025, 12, 31)),
                     ("RU-PRICECAP-RETALIATION", date(2026, 6, 30))):
        # one rule per measure (issue 13): the verified phase, then the presumed renewal
        rule = rules[rid]
        assert rid.replace("-FEC-SHARES", "") + "-PRESUMED-RENEWED" not in rules
        first, later = rule.phases
        assert first.until == end and rule.verified_until == end
        assert later.from_ == date.fromordinal(end.toordinal() + 1), "no gap, no overlap"
        assert later.effect == first.effect and later.until is None
    assert rules["RU-DECREE-618-LLC"].effect == "risk", "LLCs only; the target's form is unknown"
    oil = {"asset.country": "ru", "activity.products": ["crude_oil"], "activity.types": ["import"],
           "persons.unfriendly": True, "activity.import_into": ["us"]}
    assert not fires("RU-PRICECAP-RETALIATION", date(2025, 6, 1), oil)


def test_missing_russian_measures_are_rules() -> None:
    day = date(2026, 6, 1)
    leu = {"activity.products": ["enriched_uranium"], "asset.country": "ru",
           "activity.import_into": ["us"]}
    assert fires("RU-URANIUM-EXPORT-US-RESTRICTION", day, leu)
    assert not fires("RU-URANIUM-EXPORT-US-RESTRICTION", date(2024, 11, 14), leu)
    gas = {"activity.products": ["pipeline_gas"], "asset.country": "ru", "persons.unfriendly": True}
    assert fires("RU-DECREE-172-GAS-ROUBLES", day, gas)
    stake = {"asset.country": "ru", "persons.unfriendly": True, "activity.investment": True}
    assert fires("RU-DECREE-302-TEMPORARY-MANAGEMENT", day, stake)
    assert fires("RU-APC-248-1-EXCLUSIVE-JURISDICTION", day, stake)


def test_ukrainian_rules_no_longer_over_fire() -> None:
    day = date(2026, 6, 1)
    stake = {"asset.country": "ua", "asset.ua_strategic_mineral": True, "activity.investment": True,
             "activity.types": ["equity"], "activity.new_licence": False}
    assert not fires("UA-CRITICAL-MINERALS-REGIME", day, stake)
    assert not fires("UA-CRITICAL-MINERALS-REGIME", day, {**stake, "activity.types": ["offtake"]})
    assert fires("UA-CRITICAL-MINERALS-REGIME", day,
                 {**stake, "activity.types": ["licence_application"]})
    transit = {"asset.country": "ua", "asset.occupied": "none", "asset.subsoil_use": False,
               "persons.jurisdictions": ["ru", "ua"]}
    assert not fires("UA-SUBSOIL-SANCTIONED-UBO", day, transit)
    assert fires("UA-SUBSOIL-SANCTIONED-UBO", day, {**transit, "asset.subsoil_use": True})
    assert "1039-XIV" in load_rules()["UA-PSA-LAW"].instrument


# --------------------------------------------------------------------------- sidecar data files

def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _check_condition(cond: object, where: str) -> None:
    """Sidecar conditions use the pack language; their facts may be proposed ones."""
    conditions.parse(cond, where)


def test_phases_sidecar_matches_the_packs() -> None:
    rules = load_rules()
    data = _load(RULES_DIR / "phases.yaml")
    seen = set()
    for m in data["measures"]:
        assert m["measure"] not in seen
        seen.add(m["measure"])
        assert set(m["rules"]) <= set(rules), m["measure"]
        assert m["citation"].startswith("http")
        starts = [p["from"] for p in m.get("phases", [])]
        assert starts == sorted(starts), m["measure"]
        for p in m.get("phases", []):
            assert p["effect"] in EFFECTS and p["effect"] != "clear"
            assert p["rule"] is None or p["rule"] in m["rules"], (m["measure"], p)
            if p.get("until"):
                assert p["until"] >= p["from"]
            if p.get("when"):
                _check_condition(p["when"], f"{m['measure']}.when")
        # a rule's own dates span the phases it carries today
        for rid in {p["rule"] for p in m.get("phases", []) if p["rule"]}:
            mine = [p for p in m["phases"] if p["rule"] == rid]
            assert rules[rid].effective_from == min(p["from"] for p in mine), (m["measure"], rid)
            ends = [p.get("until") for p in mine]
            assert rules[rid].effective_until == (None if None in ends else max(ends)), rid
        for r in m.get("renewals", []):
            ends = [h["until"] for h in r["history"] if h.get("until")]
            assert ends == sorted(ends) and r["last_verified_until"] == max(ends)
    assert {"us-uranium-import-act", "eu-833-lng-import-ban", "eu-gas-phaseout-2026-261",
            "us-oil-majors-designations", "us-eo14071-petroleum-services",
            "ru-decree-520", "ru-decree-961"} <= seen


def test_licence_files_are_complete() -> None:
    rules = load_rules()
    ids: set[str] = set()
    for regime in ("us", "eu", "uk"):
        data = _load(RULES_DIR / "licences" / f"{regime}.yaml")
        assert data["regime"] == regime
        for lic in data["licences"]:
            assert lic["id"] not in ids and lic["id"].startswith(regime.upper() + "-")
            ids.add(lic["id"])
            assert lic["kind"] in ("general_licence", "derogation", "exemption", "wind_down")
            assert lic["effect"] in ("clear", "restricted", "licence_required")
            assert lic["authorises"] and lic["confidence"] in ("verified", "secondary", "uncertain")
            assert lic["rules"] and set(lic["rules"]) <= set(rules), lic["id"]
            assert all(rules[r].regime == regime for r in lic["rules"])
            assert all(u.startswith("http") for u in lic["citation"])
            if lic.get("issued") and lic.get("expires"):
                assert lic["expires"] > lic["issued"], lic["id"]
            _check_condition(lic["scope"], lic["id"])
    for lic_id in ("US-GL-8L", "US-GL-124A", "US-GL-128B", "US-GL-131A", "UK-GL-INT-2025-7539056",
                   "EU-EXEMPT-833-3RA-2"):
        assert lic_id in ids, lic_id
    # the licences wired into the packs today agree with the fuller record
    issued = {lic["id"] for r in ("us", "eu", "uk")
              for lic in _load(RULES_DIR / "licences" / f"{r}.yaml")["licences"] if lic.get("issued")}
    for gid, gl in load_general_licences().items():
        if gid in issued:
            assert gl.effective_from is not None


def test_nexus_sidecar_covers_every_rule() -> None:
    rules = load_rules()
    data = _load(RULES_DIR / "nexus.yaml")["rules"]
    assert set(data) == set(rules)
    kinds = {"us_person", "us_territory", "usd_clearing", "us_facilitation", "us_goods", "us_import",
             "eu_person", "eu_territory", "eu_vessel_aircraft", "eu_business", "eu_import",
             "uk_person", "uk_territory", "uk_ship", "uk_import", "ru_asset", "ru_goods",
             "ru_counterparty", "ru_claimed_territory", "ua_asset", "ua_person"}
    exposure = {rid for rid, v in data.items() if v["nexus"] == "exposure"}
    assert {"US-CAATSA-228-FACILITATION", "US-EO14114-FFI", "US-CAATSA-225-CRUDE-PROJECTS",
            "US-CAATSA-232-PIPELINES", "US-PEESA-NORDSTREAM"} <= exposure
    for rid, v in data.items():
        if rid in exposure:
            assert v["exposure"]
            continue
        if v["nexus"] == "obligation":  # EU Art. 8a: binds the parent, not the subsidiary
            assert rules[rid].obligation
            continue
        assert v["nexus"] and set(v["nexus"]) <= kinds, rid
        regime = rules[rid].regime
        assert all(k.startswith((regime + "_", "usd_") if regime == "us" else regime + "_")
                   for k in v["nexus"]), rid

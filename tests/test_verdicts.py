"""Verdicts for the bundled catalogue on the bundled lists, with hand-checked cases pinned.

One Engine per module (building the match index is the slow part)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from olivebranch.deals import load_catalogue
from olivebranch.verdicts import REGIMES, Engine


@pytest.fixture(scope="module")
def engine(bundled_store) -> Engine:
    return Engine(bundled_store)


@pytest.fixture(scope="module")
def verdicts(engine):
    ctx = engine.base_context(date(2026, 11, 27))
    return {d.id: engine.assess(d, ctx) for d in load_catalogue()}


def _ids(verdicts, deal, regime):
    return {f.rule_id for f in verdicts[deal].regimes[regime].findings}


def test_every_deal_has_a_verdict_per_regime_with_cited_findings(verdicts) -> None:
    assert len(verdicts) >= 25
    for v in verdicts.values():
        assert set(v.regimes) == set(REGIMES)
        for rv in v.regimes.values():
            assert rv.checked, "a verdict states what was checked"
            if rv.verdict != "clear":
                assert rv.findings
                assert all(f.citation and f.instrument and f.confidence for f in rv.findings)
        json.dumps(v.to_dict(), default=str)


# (deal, regime, verdict, finding ids that must be present) - hand-checked against rules.md
CASES = [
    # a US person buying into Arctic LNG 2 (SDN since 2 Nov 2023; EO 14071). Russia: Decrees 81
    # and 520 (verified to 31 Dec 2025, presumed renewed after); the stake is below the 25% at
    # which federal-subsoil approval starts (legal review 2026-12)
    ("arctic-lng-2-us-stake", "us", "prohibited",
     {"US-EO14024-BLOCKING", "US-EO14071-NEW-INVESTMENT", "US-EO14066-ENERGY-INVESTMENT"}),
    ("arctic-lng-2-us-stake", "ru", "host_approval_required",
     {"RU-DECREES-79-81-GOVCOMMISSION", "RU-DECREE-520-FEC-SHARES"}),
    # an EU utility importing Russian LNG: 19th-package ban and the REPowerEU phase-out law
    ("yamal-lng-eu-utility-import", "eu", "prohibited",
     {"EU-833-LNG-IMPORT-BAN", "EU-GAS-PHASEOUT-REG"}),
    # a UK company supplying Arctic offshore drilling equipment to Gazprom Neft Shelf
    ("prirazlomnoye-uk-drilling-equipment", "uk", "prohibited",
     {"UK-ENERGY-GOODS-EXPORT", "UK-ASSET-FREEZE", "UK-REG7-OWNERSHIP"}),
    # a US investor in a Ukrainian lithium PSA with the Fund's preferential right
    ("dobra-lithium-us-psa", "ua", "host_approval_required",
     {"UA-US-RECONSTRUCTION-FUND", "UA-CRITICAL-MINERALS-REGIME", "UA-PSA-LAW"}),
    ("dobra-lithium-us-psa", "us", "clear", set()),
    # a foreign-state-controlled investor taking 30% of a federal-significance subsoil company:
    # control of a federal-subsoil user starts at 25%, which 57-FZ bars foreign states from
    ("elkon-foreign-state-30pct", "ru", "prohibited",
     {"RU-57FZ-FOREIGN-STATE-CONTROL-BAN", "RU-57FZ-FOREIGN-STATE",
      "RU-SUBSOIL-FEDERAL-SIGNIFICANCE"}),
    # US SSI Directive 4 and petroleum services for an Arctic offshore oil field
    ("prirazlomnoye-us-oilfield-services", "us", "prohibited",
     {"US-SSI-DIR4-UNCONVENTIONAL", "US-EO14071-SERVICES", "US-OFAC-50PCT",
      "US-CAATSA-225-CRUDE-PROJECTS"}),
    # uranium: the statute, liftable only by Congress; DOE waivers possible until 1 Jan 2028
    ("elkon-uranium-us-import", "us", "licence_required", {"US-URANIUM-IMPORT-ACT"}),
    ("elkon-uranium-us-import", "ru", "licence_required", {"RU-URANIUM-EXPORT-US-RESTRICTION"}),
    # Nord Stream 2: SDN under EO 14039 (PEESA), CAATSA 232, and the EU's own Nord Stream ban
    ("nord-stream-2-us-acquisition", "us", "prohibited",
     {"US-EO14039-PEESA-BLOCKING", "US-CAATSA-232-PIPELINES"}),
    ("nord-stream-2-us-acquisition", "eu", "prohibited",
     {"EU-833-NORD-STREAM-BAN", "EU-GAS-PHASEOUT-REG"}),
    # Tomtor: Rosneft owns the operator - blocked through the 50% rule
    ("tomtor-us-rare-earths", "us", "prohibited", {"US-OFAC-50PCT", "US-EO14071-NEW-INVESTMENT"}),
    # Crimea: EU listing of Chernomorneftegaz plus the Crimea regime; Ukrainian nullity
    ("chornomornaftogaz-crimea-gas", "eu", "prohibited",
     {"EU-269-ASSET-FREEZE", "EU-692-CRIMEA-IMPORT-BAN"}),
    ("chornomornaftogaz-crimea-gas", "ua", "prohibited", {"UA-TOT-LAW-1207"}),
    # occupied Donetsk: US covered-regions embargo
    ("shevchenkivske-lithium-us-stake", "us", "prohibited", {"US-EO14065-COVERED-REGIONS"}),
    # occupied Zaporizhzhia: EU non-government-controlled-areas investment ban
    ("kruta-balka-lithium-eu-jv", "eu", "prohibited", {"EU-263-NGCA-INVESTMENT-BAN"}),
    # nickel: US import ban (and Nornickel blocked in the aggregate, see the evidence test)
    ("norilsk-nickel-us-offtake", "us", "prohibited", {"US-EO14068-TRADE"}),
    # a grid interconnector toward the EU: nothing stands in the way
    ("ukrenergo-eu-interconnector", "eu", "clear", set()),
]


@pytest.mark.parametrize(("deal", "regime", "verdict", "expected"), CASES)
def test_hand_checked_cases(verdicts, deal, regime, verdict, expected) -> None:
    rv = verdicts[deal].regimes[regime]
    assert rv.verdict == verdict, [(f.rule_id, f.effect) for f in rv.findings]
    assert expected <= _ids(verdicts, deal, regime)


def test_blocking_findings_carry_list_entry_and_ownership_evidence(verdicts) -> None:
    f = next(f for f in verdicts["arctic-lng-2-us-stake"].regimes["us"].findings
             if f.rule_id == "US-EO14024-BLOCKING")
    entry = next(e for e in f.evidence if e["kind"] == "list_entry")
    assert entry["entity_id"] == "ofac-46030" and entry["score"] >= 0.78
    assert entry["source"].startswith("us_ofac")
    owned = next(f for f in verdicts["tomtor-us-rare-earths"].regimes["us"].findings
                 if f.rule_id == "US-OFAC-50PCT")
    assert owned.party == "vostok-engineering"
    assert any(e["kind"] == "ownership_path" for e in owned.evidence)
    # Nornickel: Interros (SDN) 37% + Rusal 26.4%, and Rusal is 56.88% En+, which Deripaska
    # (44.95%) and VTB (21.4%), both SDN, own together: blocked in the aggregate under the 50%
    # rule on the bundled ownership data - but its 2019-2020 figures are marked uncertain, so
    # since issue 13 (ownership freshness) Nornickel is only "possibly owned", with the paths.
    nickel = next(f for f in verdicts["norilsk-nickel-us-offtake"].regimes["us"].findings
                  if f.rule_id == "US-OWNERSHIP-POSSIBLY-OWNED" and f.party == "nornickel")
    assert nickel.effect == "risk"
    assert not any(f.rule_id == "US-OFAC-50PCT" and f.party == "nornickel"
                   for f in verdicts["norilsk-nickel-us-offtake"].regimes["us"].findings)
    texts = [e["path"] for e in nickel.evidence if e["kind"] == "ownership_path"]
    assert any("37%" in t and "38240" in t for t in texts)
    assert any("26.4%" in t and "56.88%" in t and "En+" in t for t in texts)
    assert any(e["kind"] == "note" and "uncertain" in e["text"] for e in nickel.evidence)
    # under the UK's per-person test none of them reaches more than 50%
    assert not verdicts["norilsk-nickel-us-offtake"].parties["nornickel"]["uk"]["owned"]


def test_unknown_and_ambiguous_parties_are_visible(verdicts) -> None:
    unknown = [f for v in verdicts.values() for rv in v.regimes.values() for f in rv.findings
               if f.rule_id.endswith("SCREENING-UNKNOWN-COUNTERPARTY")]
    assert unknown and all(f.effect == "risk" and f.party for f in unknown)
    ambiguous = [f for v in verdicts.values() for rv in v.regimes.values() for f in rv.findings
                 if f.rule_id.endswith("SCREENING-AMBIGUOUS")]
    assert ambiguous
    for f in ambiguous:
        cands = [e for e in f.evidence if e["kind"] == "list_entry" and e.get("ambiguous")]
        assert len({c["entity_id"] for c in cands}) >= 2


def test_pin_settles_an_ambiguous_match(engine, verdicts) -> None:
    deal = next(d for d in load_catalogue() if d.id == "norilsk-nickel-us-offtake")
    st = verdicts[deal.id].parties["interros"]["us"]
    if st["match"] != "ambiguous":
        pytest.skip("the bundled lists no longer make Interros ambiguous")
    ctx = engine.base_context(date(2026, 11, 27))
    cands = [e for f in verdicts[deal.id].regimes["us"].findings
             if f.rule_id == "US-SCREENING-AMBIGUOUS" for e in f.evidence
             if e["kind"] == "list_entry"]
    pinned = deal.model_copy(deep=True)
    pinned.party("interros").pin = [cands[0]["entity_id"]]
    v = engine.assess(pinned, ctx, ["us"])
    assert v.parties["interros"]["us"]["match"] == "listed"
    assert "US-SCREENING-AMBIGUOUS" not in {f.rule_id for f in v.regimes["us"].findings}


def test_time_travel_uses_rule_dates(engine) -> None:
    deal = next(d for d in load_catalogue() if d.id == "yamal-lng-eu-utility-import")
    before = engine.assess(deal, engine.base_context(date(2025, 6, 1)), ["eu"])
    ids = {f.rule_id for f in before.regimes["eu"].findings}
    assert "EU-833-LNG-IMPORT-BAN" not in ids and "EU-GAS-PHASEOUT-REG" not in ids
    assert before.regimes["eu"].verdict != "prohibited"


def test_scenario_delisting_unblocks_owned_subsidiary(engine) -> None:
    deal = next(d for d in load_catalogue() if d.id == "tomtor-us-rare-earths")
    ctx = engine.base_context(date(2026, 11, 27))
    base = engine.assess(deal, ctx, ["us"])
    rosneft_ids = {e["entity_id"] for f in base.regimes["us"].findings
                   if f.rule_id == "US-EO14024-BLOCKING" for e in f.evidence
                   if e["kind"] == "list_entry"}
    assert rosneft_ids
    lifted = ctx.evolve(delisted={"us": frozenset(rosneft_ids)})
    after = engine.assess(deal, lifted, ["us"])
    assert not after.parties["vostok-engineering"]["us"]["owned"]
    assert "US-OFAC-50PCT" not in {f.rule_id for f in after.regimes["us"].findings}


def test_cli_renders_every_format_and_the_explanation(verdicts) -> None:
    import csv
    import io

    from rich.console import Console

    from olivebranch.cli.assess import _table, explain_text, render_matrix

    vs = list(verdicts.values())
    regimes = list(REGIMES)
    rows = list(csv.reader(io.StringIO(render_matrix(vs, regimes, "csv"))))
    assert rows[0] == ["deal", *regimes] and len(rows) == len(vs) + 1
    assert json.loads(render_matrix(vs, regimes, "json"))[0]["regimes"]["us"]["verdict"]
    md = render_matrix(vs, regimes, "md").splitlines()
    assert md[0].startswith("| deal |") and len(md) == len(vs) + 2
    for width in (80, 140):
        console = Console(record=True, width=width, force_terminal=True)
        _table(vs, regimes, date(2026, 11, 27), "status-quo", console=console)
        text = console.export_text()
        assert all(v.deal_id in text for v in vs), f"deal ids cut at width {width}"
        assert max(len(line) for line in text.splitlines()) <= width
    text = explain_text(verdicts["tomtor-us-rare-earths"])
    assert "== US: prohibited" in text and "ownership: Vostok Engineering LLC ← 51%" in text
    assert "list entry: us_ofac" in text and "citation: https://" in text


def test_cleared_false_positive_stays_out_and_is_recorded(engine, verdicts) -> None:
    """SODECO (Japan) scores 0.78 against RAZAVI OIL AND GAS DEVELOPMENT CO. (Iran, SDN); the
    deal file clears that entry after review, and the verdict says so."""
    v = verdicts["sakhalin-1-exxon-return"]
    assert v.parties["sodeco"]["cleared"] == ["ofac-30849"]
    assert not v.parties["sodeco"]["us"]["listed"]
    deal = next(d for d in load_catalogue() if d.id == "sakhalin-1-exxon-return")
    uncleared = deal.model_copy(deep=True)
    uncleared.party("sodeco").cleared = []
    again = engine.assess(uncleared, engine.base_context(date(2026, 11, 27)), ["us"])
    hits = {c.entity_id for c in engine.resolve(uncleared.party("sodeco"))}
    if "ofac-30849" not in hits:
        pytest.skip("the matcher no longer confuses SODECO with RAZAVI")
    assert again.parties["sodeco"]["us"]["listed"], "without the review the namesake is a hit"

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

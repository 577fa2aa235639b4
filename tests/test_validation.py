"""The one validator for deals and scenarios: every problem at once, with its place, plain
words, a suggestion where a value is close to a known one, strict dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from olivebranch.deals import DEALS_DIR
from olivebranch.scenarios.model import SCENARIOS_DIR, bundled_names
from olivebranch.validation import (
    InvalidDocument,
    parse_strict_date,
    read_document,
    suggest,
    validate_deal,
    validate_file,
    validate_scenario,
)

BROKEN_DEAL = """\
id: My Deal
title: A broken deal
as_of: 31/02/1960
asset:
  name: Some field
  country: Russia
  sectors: [oill, gas]
  colour: red
activity:
  types: [equity]
  import_into: [usa]
parties:
  - id: buyer
    name: Buyer Co
    role: investr
    jurisdiction: USA
  - id: target
    name: Target Co
    role: target
    jurisdiction: xx
stakes:
  - holder: buyr
    in: target
    after: 70
  - holder: buyer
    in: target
    after: 50
"""

BROKEN_SCENARIO = """\
name: My Scenario
title: broken
description: several things wrong at once
assumptions: []
base: [status-qou]
changes:
  - lift: {regime: usa, lifted_by: executiv, rules: [US-EO14024-BLOCKNG]}
  - set_date: 2026-02-31
  - start_licence: {id: GL-NEW, regime: eu, title: t, effective_from: 01/03/2026}
  - lfit: [US-EO14024-BLOCKING]
  - set_param: {rule: US-PRICE-CAP, param: crude_cap_usdd, value: 80}
"""


def _by_path(report) -> dict[str, object]:
    return {p.path: p for p in report.problems}


def test_broken_deal_reports_every_problem_in_one_run() -> None:
    report = validate_deal(BROKEN_DEAL, name="broken.yaml")
    assert not report.valid and report.item is None
    problems = _by_path(report)
    # twelve independent mistakes, all found at once (field errors and reference checks)
    expected = {
        "id": "my-deal", "as_of": None, "asset.country": "ru", "asset.sectors[0]": "oil",
        "asset.colour": None, "activity.import_into[0]": "us", "parties[0].role": "investor",
        "parties[0].jurisdiction": "us", "parties[1].jurisdiction": None,
        "stakes[0].holder": "buyer", "stakes[0].in": None,
    }
    assert set(expected) <= set(problems), report.text()
    for path, hint in expected.items():
        if hint is not None:
            assert problems[path].suggestion == hint, (path, problems[path])
    # places in the text, and no pydantic wording anywhere
    assert problems["parties[0].role"].line == 15
    assert problems["asset.colour"].line == 8 and problems["asset.colour"].code == "unknown_field"
    for p in report.problems:
        assert "Input should" not in p.message and "Value error" not in p.message
        assert "pydantic" not in p.message
    assert "February 1960 has 29 days" in problems["as_of"].message
    assert "more than 100%" in problems["stakes[0].in"].message
    text = report.text()
    assert text.startswith("broken.yaml: 11 problems") and text.count("\n  - ") == 11


def test_broken_scenario_reports_every_problem_in_one_run() -> None:
    report = validate_scenario(BROKEN_SCENARIO, scenarios=bundled_names())
    problems = _by_path(report)
    expected = {
        "name": "my-scenario", "assumptions": None, "base[0]": "status-quo",
        "changes[0].lift.regime": "us", "changes[0].lift.lifted_by": "executive",
        "changes[0].lift.rules[0]": "US-EO14024-BLOCKING", "changes[1].set_date": None,
        "changes[2].start_licence.effective_from": "2026-03-01", "changes[3]": "lift",
        "changes[4].set_param.param": "crude_cap_usd",
    }
    assert set(expected) <= set(problems), report.text()
    for path, hint in expected.items():
        assert problems[path].suggestion == hint, (path, problems[path])
    assert "February 2026 has 28 days" in problems["changes[1].set_date"].message
    assert problems["changes[3]"].line == 10


def test_json_input_with_places_and_content_type() -> None:
    data = yaml.safe_load(BROKEN_DEAL)
    text = json.dumps(data, indent=2)
    report = validate_deal(text.encode(), content_type="application/json")
    problems = _by_path(report)
    assert problems["parties[0].role"].suggestion == "investor"
    assert problems["parties[0].role"].line is not None
    # JSON syntax errors carry the line and column
    bad = validate_deal('{"id": "x",\n  "title": }', content_type="application/json")
    assert [p.code for p in bad.problems] == ["syntax"] and bad.problems[0].line == 2


def test_parsed_data_from_a_form() -> None:
    data = yaml.safe_load((DEALS_DIR / "dobra-lithium-us-psa.yaml").read_text())
    assert validate_deal(data).valid
    data["parties"][0]["role"] = "opertor"
    data["stakes"] = [{"holder": "nobody", "in": data["parties"][0]["id"], "after": 10}]
    report = validate_deal(data)
    problems = _by_path(report)
    assert problems["parties[0].role"].suggestion == "operator"
    assert problems["stakes[0].holder"].code == "reference"
    assert problems["parties[0].role"].line is None


def test_every_bundled_deal_and_scenario_is_valid() -> None:
    for path in sorted(DEALS_DIR.glob("*.yaml")):
        report = validate_file(path)
        assert report.kind == "deal" and report.valid, report.text()
        assert report.item.id == report.id
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        report = validate_file(path, scenarios=bundled_names())
        assert report.kind == "scenario" and report.valid, report.text()


@pytest.mark.parametrize("text", ["31/02/1960", "1960-02-31", "1960-13-01", "2026-12-07T10:00",
                                  "7 Dec 2026", "20261207", "", "2026-1-7"])
def test_strict_dates_refuse(text: str) -> None:
    with pytest.raises(ValueError):
        parse_strict_date(text)


def test_strict_dates_accept_iso_and_suggest() -> None:
    assert parse_strict_date("2024-02-29") == date(2024, 2, 29)
    assert parse_strict_date(date(2026, 12, 7)) == date(2026, 12, 7)
    with pytest.raises(ValueError, match="2023 has 28 days"):
        parse_strict_date("2023-02-29")
    deal = yaml.safe_load((DEALS_DIR / "dobra-lithium-us-psa.yaml").read_text())
    deal["as_of"] = "07.12.2026"
    (problem,) = validate_deal(deal).problems
    assert problem.path == "as_of" and problem.suggestion == "2026-12-07"
    # a YAML date that is no day of the calendar is a problem, not a crash
    report = validate_deal(yaml.safe_dump({**deal, "as_of": None}).replace(
        "as_of: null", "as_of: 2026-02-30"))
    assert [p.path for p in report.problems] == ["as_of"]


def test_unreadable_inputs_are_problems_not_crashes(tmp_path: Path) -> None:
    assert validate_deal(b"\xff\xfe\x00bad").problems[0].code == "encoding"
    assert validate_deal("").problems[0].code == "empty"
    assert validate_deal("id: [unclosed").problems[0].code == "syntax"
    assert validate_deal("[1, 2]").problems[0].code == "wrong_type"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    assert validate_deal(bomb).problems[0].code == "too_large"
    dup = validate_deal("id: a\nid: b\ntitle: t\n")
    assert any(p.code == "duplicate_key" and p.line == 2 for p in dup.problems)
    missing = validate_file(tmp_path / "nope.yaml")
    assert missing.problems[0].code == "io"


@pytest.mark.parametrize("data", [
    {"parties": {"a": 1}, "stakes": "x"}, {"parties": [1, None, []], "stakes": [1, {"in": 5}]},
    {"stakes": [{"holder": "a", "in": "a", "before": "lots"}], "parties": [{"id": 3}]},
    {"changes": [None, {}, {"lift": {"rules": {"a": 1}}}, {"set_param": [1]},
                 {"end_licence": {"licences": 5}}], "assumptions": "x", "base": 5},
    {"changes": "lift", "name": 5},
])
def test_hostile_shapes_never_crash(data: dict) -> None:
    for fn in (validate_deal, validate_scenario):
        report = fn(data, **({"scenarios": ["a"]} if fn is validate_scenario else {}))
        assert not report.valid
        for p in report.problems:
            assert p.message and isinstance(p.path, str)


def test_raise_for_problems_lists_all() -> None:
    with pytest.raises(InvalidDocument) as exc:
        validate_deal(BROKEN_DEAL, name="x.yaml").raise_for_problems()
    assert exc.value.status == 400
    assert str(exc.value).startswith("x.yaml: 11 problems")
    assert "parties[0].role" in str(exc.value) and "stakes[0].holder" in str(exc.value)


def test_suggest_is_conservative() -> None:
    assert suggest("investr", ["investor", "operator"]) == "investor"
    assert suggest("Service Provider", ["service_provider"]) == "service_provider"
    assert suggest("banana", ["investor", "operator"]) is None
    assert suggest("EU-692-CRIMEA-TOURISM", ["EU-833-ART3-ANNEXII-OIL-EQUIPMENT"]) is None
    assert read_document("a: 2026-12-07").data == {"a": "2026-12-07"}  # dates stay text


def test_screening_birth_dates_must_be_calendar_days() -> None:
    """The screening reader of birth dates (many written forms) refuses impossible days too:
    ``31/02/1960`` is unreadable (the CLI says so; a batch row gets an error), not 1960-02-31."""
    from olivebranch.match.batch import row_query
    from olivebranch.match.score import parse_date

    assert parse_date("31/02/1960") is None and parse_date("1960-02-31") is None
    assert parse_date("31 Feb 1960") is None
    assert parse_date("29.02.1960") == "1960-02-29" and parse_date("1958-12") == "1958-12"
    with pytest.raises(ValueError, match="birth_date"):
        row_query({"name": "Ivan Petrov", "birth_date": "31/02/1960"}, 2)


def test_pinned_entity_ids_checked_against_the_store(bundled_store) -> None:
    from olivebranch.validation import entity_checker

    deal = yaml.safe_load((DEALS_DIR / "dobra-lithium-us-psa.yaml").read_text())
    real = next(iter(bundled_store.iter_entity_dicts()))[1]["id"]
    deal["parties"][0]["pin"] = [real, "ofac-no-such-entity"]
    report = validate_deal(deal, entity_ids=entity_checker(bundled_store))
    assert [(p.path, p.code) for p in report.problems] == [("parties[0].pin[1]", "reference")]

"""Deal files: the bundled catalogue loads, the schema is published, bad files fail precisely."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from olivebranch.deals import DEALS_DIR, DealError, load_catalogue, load_deal
from olivebranch.deals.schema import SCHEMA_PATH, render


def test_catalogue_loads_and_validates_against_published_schema() -> None:
    deals = load_catalogue()
    assert 25 <= len(deals) <= 35
    assert {d.asset.country for d in deals} == {"ru", "ua"}
    schema = json.loads(SCHEMA_PATH.read_text())
    for path in sorted(DEALS_DIR.glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    assert SCHEMA_PATH.read_text() == render(), "regenerate: python -m olivebranch.deals.schema"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _base() -> dict:
    return yaml.safe_load((DEALS_DIR / "dobra-lithium-us-psa.yaml").read_text())


@pytest.mark.parametrize(
    ("mutate", "where", "reason"),
    [
        (lambda d: d["parties"][1].update(jurisdiction="Ireland"), "parties[1].jurisdiction",
         "not an ISO 3166 alpha-2"),
        (lambda d: d["asset"].pop("sectors"), "asset.sectors", "required field is missing"),
        (lambda d: d["asset"].update(sectors=["unobtainium"]), "asset.sectors[0]",
         "'unobtainium' is not allowed"),
        (lambda d: d["stakes"].append({"holder": "nobody", "in": "dobra-jv", "after": 5}),
         "stakes[1].holder", "'nobody' is not a party id"),
        (lambda d: d["activity"].update(colour="red"), "activity.colour", "unknown field"),
        (lambda d: d["parties"].append(dict(d["parties"][0])), "parties[4].id",
         "duplicate party id"),
    ],
)
def test_bad_deal_errors_name_file_field_and_reason(tmp_path: Path, mutate, where: str,
                                                    reason: str) -> None:
    data = _base()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(DealError) as exc:
        load_deal(path)
    assert exc.value.path == str(path)
    assert exc.value.where == where
    assert reason in exc.value.reason


def test_broken_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nasset: {name: [\n", encoding="utf-8")
    with pytest.raises(DealError) as exc:
        load_deal(path)
    assert exc.value.where and exc.value.where.startswith("line ")

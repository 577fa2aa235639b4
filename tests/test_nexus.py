"""Nexus kinds per regime (issue 13 item 1): each kind of data/regimes.yaml established by the
deal facts its test reads, and absent without them. Pure: no store."""

from __future__ import annotations

from typing import Any

import pytest

from olivebranch.deals import deal_from_data
from olivebranch.nexus import deal_nexus
from olivebranch.regimes import registry


def deal(parties: list[dict[str, Any]], **kw: Any):
    asset = kw.pop("asset", {"name": "Qvorlan field", "country": "ru", "sectors": ["oil"]})
    activity = {"types": ["equity"], **kw.pop("activity", {})}
    return deal_from_data({"id": "n", "title": "n", "asset": asset, "activity": activity,
                           "parties": parties, **kw})


def p(pid: str, jur: str, role: str = "investor", **kw: Any) -> dict[str, Any]:
    return {"id": pid, "name": f"Zyxwq {pid}", "role": role, "jurisdiction": jur, **kw}


RU_SELLER = p("seller", "ru", "seller")
CASES = [
    ("us", "us_person", deal([p("a", "us"), RU_SELLER])),
    ("us", "us_person", deal([p("a", "ch", kind="person", nationality=["ch", "us"]), RU_SELLER])),
    ("us", "us_territory", deal([p("a", "ch", acts_from=["us"]), RU_SELLER])),
    ("us", "us_territory", deal([p("a", "ch", branches=["us"]), RU_SELLER])),
    ("us", "usd_clearing", deal([p("a", "in", "offtaker"), RU_SELLER],
                                payments=[{"currency": "USD"}])),
    ("us", "us_facilitation", deal([p("a", "us", "lender"), RU_SELLER])),
    ("us", "us_goods", deal([p("a", "de", "supplier"), RU_SELLER],
                            activity={"types": ["supply_equipment"]},
                            goods=[{"origin": "de", "us_content_pct": 26}])),
    ("us", "us_goods", deal([p("a", "de", "supplier"), RU_SELLER],
                            activity={"types": ["supply_equipment"]},
                            goods=[{"origin": "us"}])),
    ("us", "us_import", deal([p("a", "ca", "offtaker"), RU_SELLER],
                             cargo={"destinations": ["us"]})),
    ("eu", "eu_person", deal([p("a", "fr"), RU_SELLER])),
    ("eu", "eu_territory", deal([p("a", "ch", acts_from=["nl"]), RU_SELLER])),
    ("eu", "eu_vessel_aircraft", deal([p("a", "mh", "shipper", kind="vessel", vessel_flag="mt"),
                                       RU_SELLER])),
    ("eu", "eu_business", deal([p("a", "ch", "offtaker"), RU_SELLER],
                               payments=[{"currency": "EUR", "clearing": ["de"]}])),
    ("eu", "eu_import", deal([p("a", "ch", "offtaker"), RU_SELLER],
                             activity={"types": ["offtake"], "import_into": ["eu"]})),
    ("uk", "uk_person", deal([p("a", "gb"), RU_SELLER])),
    ("uk", "uk_territory", deal([p("a", "us", branches=["gb"]), RU_SELLER])),
    ("uk", "uk_ship", deal([p("a", "bm", "shipper", kind="vessel", vessel_flag="gb"), RU_SELLER])),
    ("uk", "uk_import", deal([p("a", "ch", "offtaker"), RU_SELLER],
                             cargo={"destinations": ["gb"]})),
    ("ru", "ru_asset", deal([p("a", "cn"), RU_SELLER])),
    ("ru", "ru_goods", deal([p("a", "cn", "offtaker"), RU_SELLER],
                            activity={"types": ["offtake"], "products": ["crude_oil"]})),
    ("ru", "ru_counterparty", deal([p("a", "cn"), RU_SELLER])),
    ("ru", "ru_claimed_territory", deal([p("a", "cn")], asset={
        "name": "Qvorlan", "country": "ua", "sectors": ["gas"], "occupied": "crimea"})),
    ("ua", "ua_asset", deal([p("a", "cn")], asset={"name": "Qvorlan", "country": "ua",
                                                    "sectors": ["lithium"]})),
    ("ua", "ua_person", deal([p("a", "ua")])),
]


@pytest.mark.parametrize(("regime", "kind", "d"), CASES, ids=[f"{c[1]}-{i}" for i, c in
                                                               enumerate(CASES)])
def test_nexus_kind_is_established_by_its_facts(regime, kind, d) -> None:
    got = deal_nexus(d)[regime]
    assert kind in got, got
    assert all(h.why for h in got[kind])


def test_every_nexus_kind_of_the_registry_is_covered() -> None:
    kinds = {k.id for r in registry().regimes.values() for k in r.nexus.kinds}
    assert kinds == {c[1] for c in CASES}


def test_no_nexus_without_persons_territory_currency_or_goods() -> None:
    d = deal([p("trader", "tr", "offtaker"), RU_SELLER],
             payments=[{"currency": "CNY", "clearing": ["cn"]}], cargo={"destinations": ["in"]},
             activity={"types": ["offtake"], "products": ["nickel"]})
    got = deal_nexus(d)
    assert got["us"] == {} and got["eu"] == {} and got["uk"] == {}
    # the host side's persons bring no nexus: an EU partner staying in is not investing
    d2 = deal([p("a", "tr"), p("total", "fr", "partner"), RU_SELLER])
    assert "eu_person" not in deal_nexus(d2)["eu"]
    # US content at or below the de minimis is no US goods nexus
    d3 = deal([p("a", "de", "supplier"), RU_SELLER], activity={"types": ["supply_equipment"]},
              goods=[{"origin": "de", "us_content_pct": 25}])
    assert "us_goods" not in deal_nexus(d3)["us"]


def test_deal_schema_describes_every_field_and_the_doc_names_them() -> None:
    from pathlib import Path
    from typing import get_args

    from olivebranch.deals import models as m
    from olivebranch.deals.schema import deal_schema

    schema = deal_schema()
    for name, d in [("Deal", schema), *schema["$defs"].items()]:
        for field, spec in d.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    doc = (Path(__file__).resolve().parents[1] / "docs" / "deal-format.md").read_text()
    for cls in (m.Deal, m.Asset, m.Activity, m.Party, m.Stake, m.Payment, m.Goods, m.Cargo,
                m.Contract, m.Deliveries, m.Uncertain):
        for field_name, f in cls.model_fields.items():
            assert f"`{f.alias or field_name}`" in doc, f"{cls.__name__}.{field_name}"
    for role in get_args(m.Role):
        assert f"| `{role}` |" in doc, role

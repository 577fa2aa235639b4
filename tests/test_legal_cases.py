"""Pinned legal cases (issue 13 item 7; /work/notes/legal-engine-spec.md section 5): nexus,
exposure, phases and grandfathering, licences, lifting authority and host-state scope, each with
its expected verdict per regime and the rule ids that must and must not fire, at several dates.

Deals are purpose-made: invented names that match no list entry, except parties pinned to a
bundled list entity (``pin``). Every Russian or Ukrainian counterparty has its owners stated, so
the 'unknown counterparty' screening warnings do not interfere. Real engine, bundled lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from olivebranch.deals import deal_from_data
from olivebranch.scenarios.apply import apply
from olivebranch.scenarios.model import load_scenario
from olivebranch.verdicts import Engine

D = date.fromisoformat


#: list entities the cases name or pin; the screening index holds just these (fast: one index
#: for every date), so invented names match nothing
NAMED = ("ofac-46030", "ofac-17143", "ofac-31926", "ofac-16736", "ofac-17013", "ofac-17016",
         "ofac-17022", "gb-fcdo-RUS3064", "ofac-17248", "gb-fcdo-RUS3094", "ofac-17254",
         "gb-fcdo-RUS1072")


@pytest.fixture(scope="module")
def engine(bundled_store) -> Engine:
    from olivebranch.match import MatchIndex

    entities = [e for e in (bundled_store.get_entity(i) for i in NAMED) if e is not None]
    index = MatchIndex.build(entities, [d for e in entities
                                        for d in bundled_store.designations(e.id)])
    return Engine(bundled_store, match_index=index)


def party(pid: str, jur: str, role: str, **kw: Any) -> dict[str, Any]:
    names = {"investor": "Investcorp", "target": "Holding", "seller": "Trading House",
             "offtaker": "Resources", "supplier": "Maschinenbau", "lender": "Bankasi"}
    return {"id": pid, "name": kw.pop("name", f"Zyxwq {pid.title()} "
                                      f"{names.get(role, 'Partners')}"),
            "role": role, "jurisdiction": jur, **kw}


def owner(pid: str, jur: str = "ru") -> dict[str, Any]:
    """A private owner (a natural person: no owners of its own to state)."""
    return party(pid, jur, "partner", name=f"Qvorlan {pid.title()} Zyxwqovich", kind="person")


def deal(did: str, asset: dict[str, Any], types: list[str], parties: list[dict[str, Any]],
         stakes: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    activity = {"types": types, **kw.pop("activity", {})}
    return {"id": did, "title": did, "asset": {"name": f"Qvorlan {did} asset", **asset},
            "activity": activity, "parties": parties, "stakes": stakes or [], **kw}


def own(holder: str, target: str, pct: float = 100) -> dict[str, Any]:
    return {"holder": holder, "in": target, "before": pct, "after": pct}


@dataclass
class Case:
    name: str
    day: str
    deal: dict[str, Any]
    verdicts: dict[str, str] = field(default_factory=dict)
    must: dict[str, set[str]] = field(default_factory=dict)
    never: dict[str, set[str]] = field(default_factory=dict)
    scenario: str | None = None
    reason: dict[str, str] = field(default_factory=dict)  # regime -> clear_reason prefix


RU_MINE = {"country": "ru", "sectors": ["nickel"], "stage": "producing"}
RU_OIL = {"country": "ru", "sectors": ["oil"], "stage": "producing"}
RU_LNG = {"country": "ru", "sectors": ["lng", "gas"], "stage": "producing"}
US_ALL = {"us_person"}

# (1) nexus --------------------------------------------------------------------------------
uk_only = deal("uk-only", RU_MINE, ["offtake"],
               [party("trader", "gb", "offtaker"), party("seller", "ru", "seller"),
                owner("holder")], [own("holder", "seller")],
               activity={"products": ["nickel"]}, cargo={"destinations": ["tr"]})
branch = deal("branch", {"country": "ru", "sectors": ["copper"]}, ["equity"],
              [party("bank", "us", "investor", branches=["gb"]), party("target", "ru", "target"),
               owner("holder")], [own("holder", "target", 90),
                                  {"holder": "bank", "in": "target", "before": 0, "after": 10}])
usd = deal("usd", RU_LNG, ["offtake"],
           [party("buyer", "in", "offtaker"),
            party("alng", "ru", "seller", name="LLC Arctic LNG 2", pin=["ofac-46030"])],
           activity={"products": ["lng"]}, cargo={"destinations": ["in"]},
           payments=[{"currency": "USD", "clearing": ["us"]}])
cny = {**usd, "id": "cny", "payments": [{"currency": "CNY", "clearing": ["cn"]}]}
shelf = {"country": "ru", "sectors": ["oil"], "offshore": True, "arctic": True, "shelf": True}
ear = deal("ear", shelf, ["supply_equipment"],
           [party("supplier", "de", "supplier"), party("operator", "ru", "operator"),
            owner("holder")], [own("holder", "operator")],
           activity={"equipment": ["offshore_drilling"]},
           goods=[{"description": "drilling riser", "origin": "de", "us_content_pct": 30}])
ear0 = {**ear, "id": "ear0", "goods": [{"description": "drilling riser", "origin": "de",
                                        "us_content_pct": 0}]}
swiss = deal("swiss", {"country": "ru", "sectors": ["gas"]}, ["equity"],
             [party("investor", "ch", "investor", acts_from=["nl"]),
              party("target", "ru", "target"), owner("holder")],
             [own("holder", "target", 80),
              {"holder": "investor", "in": "target", "before": 0, "after": 20}])
vessel = deal("vessel", RU_OIL, ["maritime_transport"],
              [party("shipco", "mh", "shipper", kind="vessel", vessel_flag="mt"),
               party("seller", "ru", "seller"), owner("holder")], [own("holder", "seller")],
              activity={"products": ["crude_oil"], "price_above_cap": True},
              cargo={"destinations": ["in"]})
uk_ship = deal("ukship", RU_LNG, ["maritime_transport"],
               [party("operator", "gb", "shipper", vessel_flag="gb"),
                party("seller", "ru", "seller"), owner("holder")], [own("holder", "seller")],
               activity={"products": ["lng"]}, cargo={"destinations": ["cn"]})

art8a = deal("art8a", {"country": "ru", "sectors": ["gas"]}, ["equity"],
              [party("sub", "rs", "investor"), party("parent", "fr", "partner",
                                                      name="Zyxwq Parent Groupe"),
               party("target", "ru", "target"), owner("holder")],
              [own("parent", "sub"), own("holder", "target", 90),
               {"holder": "sub", "in": "target", "before": 0, "after": 10}])

# (2) exposure -----------------------------------------------------------------------------
ffi = deal("ffi", RU_OIL, ["financing"],
           [party("bank", "tr", "lender"),
            party("gpn", "ru", "target", name="Gazprom Neft", pin=["ofac-17143"],
                  group="gazprom_neft")])

# (3) time ---------------------------------------------------------------------------------
def lng_import(did: str, **contract: Any) -> dict[str, Any]:
    return deal(did, RU_LNG, ["import"],
                [party("utility", "de", "offtaker"), party("seller", "ru", "seller"),
                 owner("holder")], [own("holder", "seller")],
                activity={"products": ["lng"], "import_into": ["eu"]}, contract=contract)


pipeline = deal("pipe", {"country": "ru", "sectors": ["gas", "gas_pipeline"]}, ["import"],
                [party("buyer", "hu", "offtaker"), party("seller", "ru", "seller"),
                 owner("holder")], [own("holder", "seller")],
                activity={"products": ["pipeline_gas"], "import_into": ["eu"]},
                contract={"date": "2019-06-01", "term": "long_term"})
uranium = deal("leu", {"country": "ru", "sectors": ["uranium", "nuclear"]}, ["import"],
               [party("utility", "us", "offtaker"), party("seller", "ru", "seller"),
                owner("holder")], [own("holder", "seller")],
               activity={"products": ["enriched_uranium"], "import_into": ["us"]})


def crude(did: str, group: str) -> dict[str, Any]:
    return deal(did, RU_OIL, ["offtake"],
                [party("buyer", "us", "offtaker"),
                 party("sub", "ru", "seller", group=group), owner("holder")],
                [own("holder", "sub")], activity={"products": ["crude_oil"]},
                cargo={"destinations": ["in"]})


services = deal("svc", {"country": "ru", "sectors": ["oil"], "stage": "producing"}, ["services"],
                [party("oilfield", "us", "service_provider"), party("operator", "ru", "operator"),
                 owner("holder")], [own("holder", "operator")],
                activity={"services": ["petroleum", "well_completion"]})


def nickel(did: str, produced: str | None) -> dict[str, Any]:
    goods = [{"description": "cathodes", "origin": "ru", "production_date": produced}] \
        if produced else []
    return deal(did, RU_MINE, ["import"],
                [party("importer", "us", "offtaker"), party("seller", "ru", "seller"),
                 owner("holder")], [own("holder", "seller")],
                activity={"products": ["nickel"], "import_into": ["us"]}, goods=goods)


decree961 = deal("d961", RU_OIL, ["offtake"],
                 [party("buyer", "cn", "offtaker"), party("shipper", "gr", "shipper"),
                  party("seller", "ru", "seller"), owner("holder")], [own("holder", "seller")],
                 activity={"products": ["crude_oil"]}, cargo={"destinations": ["cn"]})


def tenor(did: str, days: int) -> dict[str, Any]:
    return deal(did, {"country": "ru", "sectors": ["oil_pipeline"]}, ["financing"],
                [party("bank", "us", "lender"),
                 party("tn", "ru", "target", group="transneft"), owner("holder")],
                [own("holder", "tn")], activity={"loan_tenor_days": days})


# (4) licences -----------------------------------------------------------------------------
lig = deal("lig", {"country": "at", "sectors": ["oil"]}, ["divestment"],
           [party("lawfirm", "us", "service_provider"), party("buyer", "ch", "investor"),
            party("lig", "at", "target", group="lukoil")])
sakhalin = deal("s2", {"country": "ru", "sectors": ["lng"], "projects": ["sakhalin_2"]},
                ["import"],
                [party("importer", "us", "offtaker"), party("seller", "ru", "seller"),
                 owner("holder"),
                 party("gpb", "ru", "service_provider", name="Gazprombank",
                       pin=["ofac-17016"], group="gazprombank")],
                [own("holder", "seller")],
                activity={"products": ["lng"]}, cargo={"destinations": ["jp"]},
                payments=[{"currency": "JPY", "via": "gpb"}])
cpc = deal("cpc", {"country": "kz", "sectors": ["oil", "oil_pipeline"], "projects": ["cpc"]},
           ["services"],
           [party("oilfield", "us", "service_provider"),
            party("lukoil", "ru", "partner", name="Lukoil", group="lukoil")],
           activity={"services": ["petroleum"]})
uk_wind = deal("ukwind", RU_OIL, ["offtake"],
               [party("trader", "gb", "offtaker"),
                party("rosneft", "ru", "seller", name="PJSC Rosneft Oil Company",
                      group="rosneft")],
               activity={"products": ["crude_oil"]}, cargo={"destinations": ["in"]},
               contract={"date": "2025-06-01", "term": "short_term"})

# (5) lifting authority --------------------------------------------------------------------
vtb = deal("vtb", RU_OIL, ["services"],
           [party("adviser", "us", "service_provider"),
            party("vtb", "ru", "partner", name="VTB Bank", pin=["ofac-17013"], group="vtb")],
           activity={"services": ["advisory"]})
gpn = deal("gpn", RU_OIL, ["offtake"],
           [party("buyer", "us", "offtaker"),
            party("gpn", "ru", "seller", name="Gazprom Neft", pin=["ofac-17143"],
                  group="gazprom_neft")],
           activity={"products": ["crude_oil"]}, cargo={"destinations": ["in"]})
crimea = deal("crimea", {"country": "ua", "sectors": ["gas"], "occupied": "crimea"}, ["offtake"],
              [party("buyer", "us", "offtaker"),
               party("cng", "ua", "seller", name="Chernomorneftegaz", pin=["ofac-16736"])],
              activity={"products": ["pipeline_gas"]})

asset_listed = deal("asset-listed", {**RU_LNG, "name": "LLC Arctic LNG 2"}, ["offtake"],
                    [party("buyer", "us", "offtaker"), party("seller", "ru", "seller"),
                     owner("holder")], [own("holder", "seller")],
                    activity={"products": ["lng"]}, cargo={"destinations": ["in"]})
us_desk = deal("us-desk", RU_OIL, ["offtake"],
               [party("trader", "ch", "offtaker", acts_from=["us"]),
                party("gpn", "ru", "seller", name="Gazprom Neft", pin=["ofac-17143"],
                      group="gazprom_neft")],
               activity={"products": ["crude_oil"]}, cargo={"destinations": ["in"]})

# (6) host-state scope ---------------------------------------------------------------------
ELKON = {"country": "ru", "sectors": ["uranium"], "federal_significance": True, "strategic": True}


def elkon(did: str, pct: float, jur: str = "qa", state: bool = True) -> dict[str, Any]:
    return deal(did, ELKON, ["equity"],
                [party("fund", jur, "investor", state_controlled=state),
                 party("target", "ru", "target"), owner("holder")],
                [own("holder", "target", 100 - pct),
                 {"holder": "fund", "in": "target", "before": 0, "after": pct}])


def d618(did: str, form: str) -> dict[str, Any]:
    return deal(did, {"country": "ru", "sectors": ["copper"]}, ["equity"],
                [party("investor", "us", "investor"),
                 party("target", "ru", "target", legal_form=form), owner("holder")],
                [own("holder", "target", 90),
                 {"holder": "investor", "in": "target", "before": 0, "after": 10}])


UA_LITHIUM = {"country": "ua", "sectors": ["lithium"], "ua_strategic_mineral": True}
ua_stake = deal("uastake", UA_LITHIUM, ["equity"],
                [party("investor", "fr", "investor"), party("holder", "ua", "target"),
                 owner("owner", "ua")],
                [own("owner", "holder", 80),
                 {"holder": "investor", "in": "holder", "before": 0, "after": 20}])
ua_permit = {**ua_stake, "id": "uapermit",
             "activity": {"types": ["licence_application"], "new_licence": True}}
gts = deal("gts", {"country": "ua", "sectors": ["gas_pipeline"], "subsoil_use": False},
           ["transit"],
           [party("trader", "ru", "offtaker"), party("gtsou", "ua", "operator"),
            owner("state", "ua")], [own("state", "gtsou")],
           activity={"products": ["pipeline_gas"]})

CASES = [
    # nexus
    Case("uk-only-deal-no-eu-risk", "2026-06-01", uk_only,
         {"us": "clear", "eu": "clear", "uk": "clear", "ru": "risk", "ua": "clear"},
         {"ru": {"RU-UNFRIENDLY-LIST"}},
         {"eu": {"EU-SCREENING-UNKNOWN-COUNTERPARTY"}}),
    Case("us-person-via-foreign-branch", "2026-06-01", branch,
         {"us": "prohibited", "uk": "prohibited", "eu": "clear"},
         {"us": {"US-EO14071-NEW-INVESTMENT"}, "uk": {"UK-REG18B-INVESTMENT"}}),
    Case("usd-clearing-reaches-blocking", "2026-06-01", usd,
         {"us": "prohibited", "eu": "clear", "uk": "clear"}, {"us": {"US-EO14024-BLOCKING"}}),
    Case("cny-payment-only-exposure", "2026-06-01", cny, {"us": "risk"},
         {"us": {"US-CAATSA-228-FACILITATION"}}, {"us": {"US-EO14024-BLOCKING"}}),
    Case("us-content-reaches-ear", "2026-06-01", ear,
         {"us": "licence_required", "eu": "prohibited"},
         {"us": {"US-EAR-746-5-OIL-GAS", "US-EAR-746-8-RUSSIA"},
          "eu": {"EU-833-ART3-ANNEXII-OIL-EQUIPMENT"}}),
    Case("no-us-content-no-ear", "2026-06-01", ear0, {"us": "clear"}, {},
         {"us": {"US-EAR-746-5-OIL-GAS", "US-EAR-746-8-RUSSIA"}}),
    Case("eu-business-done-in-eu", "2026-06-01", swiss,
         {"eu": "prohibited", "us": "clear", "uk": "clear"},
         {"eu": {"EU-833-ART3A-NEW-INVESTMENT"}}),
    Case("eu-vessel", "2026-06-01", vessel, {"eu": "prohibited", "us": "clear", "uk": "clear"},
         {"eu": {"EU-833-ART3N-PRICE-CAP-EXCEEDED"}}),
    Case("art-8a-best-efforts", "2026-06-01", art8a, {"eu": "risk"},
         {"eu": {"EU-833-ART8A-BEST-EFFORTS"}}, {"eu": {"EU-833-ART3A-NEW-INVESTMENT"}}),
    Case("uk-ship-lng-ban-2027", "2027-06-01", uk_ship, {"uk": "prohibited"},
         {"uk": {"UK-LNG-MARITIME-SERVICES"}}),
    Case("uk-ship-lng-ban-not-yet", "2026-06-01", uk_ship, {"uk": "clear"}, {},
         {"uk": {"UK-LNG-MARITIME-SERVICES"}}),
    # exposure
    Case("foreign-bank-financing-blocked-party", "2026-06-01", ffi, {"us": "risk"},
         {"us": {"US-EO14114-FFI", "US-CAATSA-228-FACILITATION"}},
         {"us": {"US-CAATSA-CODIFIED-BLOCKING", "US-EO14024-BLOCKING"}}),
    # time: phases and grandfathering
    Case("lng-short-term-2026", "2026-06-01",
         lng_import("lng-st", date="2025-03-01", term="short_term"), {"eu": "prohibited"},
         {"eu": {"EU-833-LNG-IMPORT-BAN", "EU-GAS-PHASEOUT-REG"}}),
    Case("lng-long-term-grandfathered-2026", "2026-06-01",
         lng_import("lng-lt", date="2024-05-01", term="long_term"), {"eu": "restricted"},
         {"eu": {"EU-GAS-PHASEOUT-REG", "EU-833-LNG-IMPORT-BAN"}}),
    Case("lng-long-term-grandfathered-2027", "2027-06-01",
         lng_import("lng-lt", date="2024-05-01", term="long_term"), {"eu": "prohibited"},
         {"eu": {"EU-833-LNG-IMPORT-BAN", "EU-GAS-PHASEOUT-REG"}}),
    Case("lng-long-term-amended", "2026-06-01",
         lng_import("lng-am", date="2024-05-01", term="long_term", amended_on="2025-09-01"),
         {"eu": "prohibited"}, {"eu": {"EU-833-LNG-IMPORT-BAN", "EU-GAS-PHASEOUT-REG"}}),
    Case("pipeline-gas-long-term-2027-06", "2027-06-01", pipeline, {"eu": "restricted"},
         {"eu": {"EU-GAS-PHASEOUT-REG"}}),
    Case("pipeline-gas-long-term-2027-10", "2027-10-15", pipeline, {"eu": "prohibited"},
         {"eu": {"EU-GAS-PHASEOUT-REG"}}),
    Case("uranium-2024", "2024-06-01", uranium, {"us": "clear"}, {},
         {"us": {"US-URANIUM-IMPORT-ACT"}, "ru": {"RU-URANIUM-EXPORT-US-RESTRICTION"}}),
    Case("uranium-2026", "2026-06-01", uranium, {"us": "licence_required"},
         {"us": {"US-URANIUM-IMPORT-ACT"}, "ru": {"RU-URANIUM-EXPORT-US-RESTRICTION"}}),
    Case("uranium-2028", "2028-06-01", uranium, {"us": "prohibited"},
         {"us": {"US-URANIUM-IMPORT-ACT"}}),
    Case("uranium-2041", "2041-06-01", uranium, {}, {}, {"us": {"US-URANIUM-IMPORT-ACT"}}),
    Case("oil-majors-rosneft-2025-06", "2025-06-01", crude("rn", "rosneft"), {}, {},
         {"us": {"US-SDN-ROSNEFT-LUKOIL"}}),
    Case("oil-majors-gpn-2025-06", "2025-06-01", crude("gn", "gazprom_neft"), {"us": "prohibited"},
         {"us": {"US-SDN-GAZPROMNEFT-SURGUT"}}),
    Case("oil-majors-rosneft-2025-11", "2025-11-01", crude("rn", "rosneft"), {"us": "prohibited"},
         {"us": {"US-SDN-ROSNEFT-LUKOIL"}}),
    Case("petroleum-services-2024", "2024-06-01", services, {}, {},
         {"us": {"US-EO14071-SERVICES"}}),
    Case("petroleum-services-2025", "2025-06-01", services, {"us": "prohibited"},
         {"us": {"US-EO14071-SERVICES"}}),
    Case("metals-2023", "2023-06-01", nickel("ni23", None), {}, {}, {"us": {"US-EO14068-TRADE"}}),
    Case("metals-old-metal", "2024-06-01", nickel("ni-old", "2024-01-15"), {"us": "clear"}, {},
         {"us": {"US-EO14068-TRADE"}}),
    Case("metals-new-metal", "2024-06-01", nickel("ni-new", "2024-05-01"), {"us": "prohibited"},
         {"us": {"US-EO14068-TRADE"}}),
    Case("decree-961-stale", "2026-09-01", decree961, {"ru": "restricted"},
         {"ru": {"RU-PRICECAP-RETALIATION"}}),
    # (a lender is an investor for the investment ban)
    Case("ssi-tenor-30", "2026-06-01", tenor("t30", 30), {"us": "prohibited"},
         {"us": {"US-EO14024-DIR3-DEBT-EQUITY", "US-EO14071-NEW-INVESTMENT"}},
         {"us": {"US-SSI-DIR2-ENERGY-DEBT"}}),
    Case("ssi-tenor-10", "2026-06-01", tenor("t10", 10), {}, {},
         {"us": {"US-EO14024-DIR3-DEBT-EQUITY", "US-SSI-DIR2-ENERGY-DEBT"}}),
    # licences
    Case("gl-131a-window", "2026-01-10", lig, {"us": "restricted"},
         {"us": {"US-SDN-ROSNEFT-LUKOIL"}}),
    Case("gl-131-expired", "2026-03-15", lig, {"us": "prohibited"},
         {"us": {"US-SDN-ROSNEFT-LUKOIL"}}),
    Case("gl-8l-energy-payments", "2025-03-01", sakhalin, {"us": "restricted"}, {},
         {"us": {"US-GL8-ENERGY"}}),
    Case("gl-8l-expired", "2025-04-01", sakhalin, {"us": "prohibited"}, {"us": {"US-GL8-ENERGY"}}),
    Case("gl-124a-cpc", "2026-06-01", cpc, {"us": "clear"}, {}),
    Case("uk-wind-down", "2025-11-01", uk_wind, {"uk": "restricted"}),
    Case("uk-wind-down-over", "2025-12-01", uk_wind, {"uk": "prohibited"}),
    Case("scenario-licence-131c", "2026-06-01", lig, {"us": "restricted"},
         {"us": {"US-SDN-ROSNEFT-LUKOIL"}}, scenario="gl131c-test"),
    Case("listed-asset-screened-as-target", "2026-06-01", asset_listed, {"us": "prohibited"},
         {"us": {"US-EO14024-BLOCKING"}}),
    Case("us-territory-desk", "2026-06-01", us_desk, {"us": "prohibited"},
         {"us": {"US-CAATSA-CODIFIED-BLOCKING"}}),
    Case("clear-reason-no-nexus", "2026-06-01", ffi, {"uk": "clear", "eu": "clear"},
         reason={"uk": "no nexus"}),
    # lifting authority and blocking split
    Case("vtb-is-ssi-only", "2026-06-01", vtb, {"us": "prohibited"},
         {"us": {"US-EO14024-BLOCKING"}}, {"us": {"US-CAATSA-CODIFIED-BLOCKING"}}),
    Case("gazprom-neft-codified", "2026-06-01", gpn, {"us": "prohibited"},
         {"us": {"US-CAATSA-CODIFIED-BLOCKING"}}),
    Case("gazprom-neft-codified-exec-relief", "2026-06-01", gpn, {"us": "prohibited"},
         {"us": {"US-CAATSA-CODIFIED-BLOCKING"}}, scenario="us-executive-relief"),
    Case("gazprom-neft-full-relief", "2026-06-01", gpn, {"us": "clear"}, {},
         scenario="us-full-relief"),
    Case("crimea-13660-stays", "2026-06-01", crimea, {"us": "prohibited"},
         {"us": {"US-TERRITORIAL-DESIGNATIONS", "US-EO13685-CRIMEA-EMBARGO"}}),
    Case("crimea-13660-stays-full-relief", "2026-06-01", crimea, {"us": "prohibited"},
         scenario="us-full-relief"),
    # host-state thresholds and scope
    Case("57fz-state-4pct", "2026-06-01", elkon("e4", 4), {}, {},
         {"ru": {"RU-57FZ-FOREIGN-STATE", "RU-57FZ-FOREIGN-STATE-CONTROL-BAN"}}),
    Case("57fz-state-20pct", "2026-06-01", elkon("e20", 20), {"ru": "host_approval_required"},
         {"ru": {"RU-57FZ-FOREIGN-STATE", "RU-SUBSOIL-FEDERAL-SIGNIFICANCE"}},
         {"ru": {"RU-57FZ-FOREIGN-STATE-CONTROL-BAN"}}),
    Case("57fz-state-30pct", "2026-06-01", elkon("e30", 30), {"ru": "prohibited"},
         {"ru": {"RU-57FZ-FOREIGN-STATE-CONTROL-BAN"}}),
    Case("subsoil-private-9pct", "2026-06-01", elkon("p9", 9.9, "ae", False), {}, {},
         {"ru": {"RU-SUBSOIL-FEDERAL-SIGNIFICANCE"}}),
    Case("subsoil-private-25pct", "2026-06-01", elkon("p25", 25, "ae", False), {},
         {"ru": {"RU-SUBSOIL-FEDERAL-SIGNIFICANCE"}}),
    Case("decree-618-pjsc", "2026-06-01", d618("pjsc", "pjsc"), {},
         {"ru": {"RU-DECREES-79-81-GOVCOMMISSION"}}, {"ru": {"RU-DECREE-618-LLC"}}),
    Case("decree-618-llc", "2026-06-01", d618("llc", "llc"), {"ru": "host_approval_required"},
         {"ru": {"RU-DECREE-618-LLC"}}),
    Case("ua-critical-minerals-share-purchase", "2026-06-01", ua_stake, {"ua": "restricted"},
         {"ua": {"UA-US-RECONSTRUCTION-FUND"}}, {"ua": {"UA-CRITICAL-MINERALS-REGIME"}}),
    Case("ua-critical-minerals-permit", "2026-06-01", ua_permit,
         {"ua": "host_approval_required"}, {"ua": {"UA-CRITICAL-MINERALS-REGIME"}}),
    Case("ua-gts-transit-no-subsoil-ubo", "2026-06-01", gts, {"ua": "prohibited"},
         {"ua": {"UA-SANCTIONS-LAW-NSDC"}}, {"ua": {"UA-SUBSOIL-SANCTIONED-UBO"}}),
]

GL_131C = {"name": "gl131c-test", "title": "GL 131C", "description": "renewal of GL 131A",
           "assumptions": ["OFAC renews GL 131A as 131C to 1 Jan 2027"],
           "changes": [{"start_licence": {"id": "US-GL-131C", "like": "US-GL-131A",
                                          "effective_from": "2026-03-01",
                                          "effective_until": "2026-12-31"}}]}


def _context(engine: Engine, case: Case):
    ctx = engine.base_context(D(case.day))
    if case.scenario is None:
        return ctx
    if case.scenario == GL_131C["name"]:
        from olivebranch.scenarios.model import Scenario

        scenario = Scenario.model_validate(GL_131C)
    else:
        scenario = load_scenario(case.scenario)
    return apply(ctx, scenario, engine.listings(ctx.as_of))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pinned_legal_case(engine, case: Case) -> None:
    verdict = engine.assess(deal_from_data(case.deal), _context(engine, case))
    for regime, expected in case.verdicts.items():
        rv = verdict.regimes[regime]
        assert rv.verdict == expected, (regime, [(f.rule_id, f.effect, f.party)
                                                 for f in rv.findings])
    for regime, ids in case.must.items():
        fired = set(verdict.regimes[regime].rule_ids)
        assert ids <= fired, (regime, ids - fired)
    for regime, ids in case.never.items():
        fired = set(verdict.regimes[regime].rule_ids)
        assert not ids & fired, (regime, ids & fired)
    for regime, prefix in case.reason.items():
        assert (verdict.regimes[regime].clear_reason or "").startswith(prefix), \
            verdict.regimes[regime].clear_reason


def test_case_count() -> None:
    assert len(CASES) >= 30


# `assess --as-of` at the four dates of the issue: the phase in force each time
DATES = ("2024-06-01", "2025-06-01", "2026-06-01", "2027-06-01")
DATED = [
    # (deal, regime, rule, effect of its finding at each date; None = no finding)
    (lng_import("lng-st", date="2025-03-01", term="short_term"), "eu", "EU-833-LNG-IMPORT-BAN",
     (None, None, "prohibited", "prohibited")),
    (lng_import("lng-lt", date="2024-05-01", term="long_term"), "eu", "EU-833-LNG-IMPORT-BAN",
     (None, None, "clear", "prohibited")),
    (uranium, "us", "US-URANIUM-IMPORT-ACT",
     (None, "licence_required", "licence_required", "licence_required")),
    (crude("rn", "rosneft"), "us", "US-SDN-ROSNEFT-LUKOIL",
     (None, None, "prohibited", "prohibited")),
    (crude("gn", "gazprom_neft"), "us", "US-SDN-GAZPROMNEFT-SURGUT",
     (None, "prohibited", "prohibited", "prohibited")),
    (services, "us", "US-EO14071-SERVICES", (None, "prohibited", "prohibited", "prohibited")),
]


@pytest.mark.parametrize(("data", "regime", "rule", "effects"), DATED,
                         ids=[f"{r}-{d['id']}" for d, _, r, _ in DATED])
def test_phase_in_force_at_each_date(engine, data, regime, rule, effects) -> None:
    d = deal_from_data(data)
    for day, expected in zip(DATES, effects, strict=True):
        rv = engine.assess(d, engine.base_context(D(day))).regimes[regime]
        got = {f.effect for f in rv.findings if f.rule_id == rule}
        assert got == ({expected} if expected else set()), (day, got)


def test_findings_name_licences_phases_and_stale_renewals(engine) -> None:
    v = engine.assess(deal_from_data(lig), engine.base_context(D("2026-01-10")))
    f = next(f for f in v.regimes["us"].findings if f.rule_id == "US-SDN-ROSNEFT-LUKOIL")
    assert f.licence and f.licence.startswith("US-GL-131") and f.licence in f.text
    assert any(e["kind"] == "licence" and e["number"] for e in f.evidence)
    late = engine.assess(deal_from_data(lig), engine.base_context(D("2026-03-15")))
    f = next(f for f in late.regimes["us"].findings if f.rule_id == "US-SDN-ROSNEFT-LUKOIL")
    assert f.licence is None and "not verified" in (f.notes or "")
    d961 = engine.assess(deal_from_data(decree961), engine.base_context(D("2026-09-01")))
    f = next(f for f in d961.regimes["ru"].findings if f.rule_id == "RU-PRICECAP-RETALIATION")
    assert "renewal after 2026-06-30 not verified" in (f.notes or "")
    # an exposure is shown apart and names the exposed party and the listed one's entry
    ex = engine.assess(deal_from_data(ffi), engine.base_context(D("2026-06-01"))).regimes["us"]
    assert {f.rule_id for f in ex.exposures} >= {"US-EO14114-FFI", "US-CAATSA-228-FACILITATION"}
    caatsa = next(f for f in ex.exposures if f.rule_id == "US-CAATSA-228-FACILITATION")
    assert any(e["kind"] == "list_entry" and e["entity_id"] == "ofac-17143"
               for e in caatsa.evidence)
    assert ex.to_dict()["exposures"] and not ex.blockers
    # the unknown-tenor loan keeps the rule's own effect and says which fact was missing
    unknown = deal_from_data({**tenor("tx", 0), "activity": {"types": ["financing"]}})
    rv = engine.assess(unknown, engine.base_context(D("2026-06-01"))).regimes["us"]
    f = next(f for f in rv.findings if f.rule_id == "US-EO14024-DIR3-DEBT-EQUITY")
    assert f.effect == "restricted" and "activity.loan_tenor_days not given" in (f.notes or "")

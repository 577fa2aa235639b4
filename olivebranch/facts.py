"""Facts engine: from a deal (and each party's screening result) to the facts rules look at.

Facts are named with dots (``asset.arctic``, ``activity.types``, ``party.blocked``). Most are
properties of the deal alone and computed once; ``party.*`` and ``parties.*`` status facts
depend on the regime being evaluated (whose lists, whose ownership rule) and on the scenario
(delistings, added designations), so they are computed per regime from a :class:`PartyStatus`.
A rule whose condition uses any ``party.*`` fact is evaluated once per party.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from olivebranch.deals.models import Deal, Party
from olivebranch.regimes import Registry, registry

if TYPE_CHECKING:
    from olivebranch.standing import PartyStatus

#: fact name -> what it means (shown in docs/rules.md and used to validate rule packs)
FACTS: dict[str, str] = {
    # asset
    "asset.country": "host country of the asset (ISO-2)",
    "asset.region": "region text",
    "asset.oblast": "Ukrainian oblast (donetsk, luhansk, zaporizhzhia, kherson, crimea, sevastopol)",
    "asset.sectors": "sectors of the asset (oil, gas, lng, lithium, …)",
    "asset.projects": "named projects rules single out (arctic_lng_2, nord_stream_2, …)",
    "asset.stage": "exploration | development | construction | producing | halted",
    "asset.arctic": "north of the Arctic Circle",
    "asset.offshore": "offshore",
    "asset.arctic_offshore": "offshore and north of the Arctic Circle",
    "asset.deepwater": "deep water (US: > 500 ft; EU: > 150 m)",
    "asset.shale": "shale formation",
    "asset.shelf": "on the continental shelf",
    "asset.oil": "the asset produces or may produce oil (oil sector)",
    "asset.special_oil_project": "deepwater, Arctic offshore or shale project with oil potential",
    "asset.energy": "energy sector (oil, gas, LNG, pipelines, power, nuclear, coal)",
    "asset.mining": "mining and quarrying sector (minerals, metals, uranium, coal)",
    "asset.occupied": "Ukrainian territory outside government control: none | crimea | ngca",
    "asset.federal_significance": "Russian subsoil plot of federal significance",
    "asset.strategic": "strategic activity under Russian Law 57-FZ",
    "asset.subsoil_use": "the asset includes a subsoil plot (exploration or production), not only "
    "pipelines, plants or grids (deal file, else a resource sector without a transport sector)",
    "asset.special_zone": "in a Russian special economic zone listed in EU Annex LII",
    "asset.ua_strategic_mineral": "strategic or critical mineral on Ukraine's lists",
    "asset.ua_fund_resource": "natural resource within Appendix A of the US-Ukraine Fund agreement",
    # activity
    "activity.types": "what the deal does (equity, joint_venture, financing, offtake, …)",
    "activity.investment": "equity, new investment, joint venture or financing",
    "activity.supply": "supply of equipment, technology or services",
    "activity.import_into": "jurisdictions the product is imported into (us, eu, uk)",
    "activity.products": "products bought, sold or shipped",
    "activity.services": "kinds of services supplied",
    "activity.equipment": "kinds of equipment supplied",
    "activity.price_above_cap": "oil sold above the price cap (true/false/unknown)",
    "activity.new_licence": "Ukraine: licence or PSA granted after the Reconstruction Fund began",
    "activity.value_usd": "deal value in US dollars",
    "activity.price_usd_bbl": "oil price in USD per barrel",
    "activity.loan_tenor_days": "maturity of new debt in days (unknown if not given)",
    "activity.new_equity_issue": "the deal buys newly issued shares",
    "activity.psa": "the deal is a production sharing agreement",
    "asset.cross_border": "a pipeline or line crossing an international border",
    "project.initiated_on": "when the project was initiated",
    "project.initiated_before": "when the project was initiated (licence scopes compare it "
    "with their cut-off date)",
    # contract, deliveries, goods, payments, cargo
    "contract.date": "when the contract was concluded",
    "contract.term": "spot | short_term | long_term",
    "contract.amended_after": "amended after the grandfathering cut-off",
    "contract.amended_on": "when the contract was last amended",
    "deliveries.start": "first delivery",
    "deliveries.end": "last delivery",
    "goods.origins": "countries of origin of the goods",
    "goods.us_content_max": "largest US content share of any goods, percent",
    "goods.production_date": "earliest production date of the goods (unknown if not given)",
    "goods.eccns": "ECCNs of the goods",
    "payment.currencies": "currencies of the payments",
    "payment.usd_cleared_in_us": "a USD payment is cleared through US banks",
    "cargo.destinations": "countries cargoes go to (ISO-2)",
    # persons involved (plus persons.<regime> for every regime of the registry, see known_facts)
    "persons.unfriendly": "a party from a state on Russia's 'unfriendly' list",
    "investors.jurisdictions": "jurisdictions of the investing parties (those persons.unfriendly reads)",
    "persons.jurisdictions": "jurisdictions of all parties",
    "investors.foreign": "an investor from outside the host country",
    "investors.foreign_state": "an investor controlled by a foreign state",
    "stake.foreign_max_after": "largest share any foreign investor holds in a target after the deal",
    "stake.foreign_state_max_after": "largest share a foreign-state-controlled investor holds after",
    "stake.acquired_max": "largest increase of any holder's share in a target",
    "parties.groups": "corporate groups of all parties (rosneft, gazprom, novatek, …)",
    "parties.roles": "roles of all parties",
    "targets.legal_forms": "legal forms of the targets (unknown when no target gives one)",
    # regime-dependent status (computed for the regime being evaluated)
    "parties.any_blocked": "a party is blocked (listed or owned by listed persons) in this regime",
    "parties.any_listed": "a party is directly listed (blocking) in this regime",
    "parties.any_sectoral": "a party carries a sectoral (SSI) listing in this regime",
    "parties.any_ambiguous": "a party matched two list entries that cannot be told apart",
    "parties.ssi_directives": "OFAC directives any party is subject to (from the lists)",
    # per party (a rule using these fires once per party)
    "party.id": "the party's id in the deal file",
    "party.role": "investor, operator, partner, offtaker, lender, supplier, target, …",
    "party.kind": "company, person, state_body, fund, vessel",
    "party.jurisdiction": "country of incorporation or nationality",
    "party.nationality": "nationalities of a natural person",
    "party.incorporation": "where a legal person is incorporated",
    "party.branches": "countries where it acts through a branch",
    "party.location": "where it acts in this deal (acts_from and branches)",
    "party.legal_form": "llc | jsc | pjsc | partnership | state_body | fund | other",
    "party.vessel_flag": "flag state of its vessel",
    "party.implied": "the asset itself, screened as the target (no party is the target)",
    "party.regimes": "regimes whose person the party is (nationality or incorporation)",
    "party.parent_of_acting": "holds more than 50% of a party on the acting side of the deal "
    "(investor, lender, supplier, …) that is a person of another country",
    "party.delisted": "its list entries under this regime were removed by the scenario",
    "party.eu_annex_entry": "its entry number in the EU Annex (not derived yet: unknown)",
    "party.group": "corporate group",
    "party.is_counterparty": "on the host side of the deal (target, operator, partner or seller)",
    "party.host": "incorporated in the host country",
    "party.state_controlled": "controlled by a state",
    "party.foreign_state": "controlled by a state other than the host",
    "party.listed": "directly designated (blocking) under this regime",
    "party.owned_by_listed": "owned or controlled by designated persons under this regime's rule",
    "party.blocked": "listed or owned by listed persons",
    "party.sectoral": "carries a sectoral listing (e.g. OFAC SSI) in this regime, itself or "
    "through owners with one (OFAC applies the 50% rule to SSI status)",
    "party.ssi_directives": "OFAC directives it is subject to (EO13662-1..4, EO14024-1..4), from "
    "its own SSI entry or those of its 50% owners",
    "party.possibly_owned": "not blocked on known shares, but blocked persons hold shares the "
    "data leaves unknown that could reach the threshold",
    "party.programs": "sanctions programmes of its list entries in this regime",
    "party.match": "screening result: listed | ambiguous | none | not_screened",
    "party.match_score": "score of the best list match",
    "party.owners_known": "the deal or the ownership data says who owns it",
    "party.stake_after": "largest share it holds in a target after the deal",
    "party.stake_before": "largest share it held in a target before the deal",
}

def _host_unfriendly() -> frozenset[str]:
    from olivebranch.hostdata import unfriendly_states

    return unfriendly_states()


#: member states of the EU (the EU regime's persons, ``data/regimes.yaml``)
EU_MEMBERS = registry().get("eu").nexus.persons
#: Russia's 'unfriendly' states (Government Order 430-r of 5 Mar 2022, as amended; research
#: id RU-UNFRIENDLY-LIST), as data: data/host/unfriendly_states.yaml (scenarios can change it).
UNFRIENDLY = _host_unfriendly()
ENERGY = frozenset(
    "oil gas lng gas_pipeline oil_pipeline coal power power_transmission nuclear petrochemicals".split()
)
MINING = frozenset(
    "uranium rare_earths lithium titanium nickel copper cobalt platinum_group niobium zirconium "
    "graphite gold coal".split()
)
#: sectors that move or process a resource rather than extract it
TRANSPORT = frozenset("gas_pipeline oil_pipeline power_transmission shipping petrochemicals".split())
#: Appendix A of the US-Ukraine Reconstruction Investment Fund agreement (minerals, oil, gas).
UA_FUND_RESOURCES = MINING | frozenset("oil gas lng".split())
COUNTERPARTY_ROLES = frozenset({"target", "operator", "partner", "seller", "state"})
INVESTING = frozenset({"equity", "new_investment", "joint_venture", "financing"})
SUPPLYING = frozenset({"supply_equipment", "supply_technology", "services"})


def known_facts(reg: Registry | None = None) -> dict[str, str]:
    """Every fact rules may use: ``FACTS`` plus ``persons.<regime>`` for each regime of the
    registry whose nexus names its persons, and ``nexus.<regime>``."""
    from olivebranch.nexus import nexus_fact_names

    reg = reg or registry()
    out = dict(FACTS)
    out.update(nexus_fact_names(reg))
    for r in reg.regimes.values():
        if r.nexus.persons:
            out[f"persons.{r.id}"] = f"a person of {r.name} (by nationality or incorporation) " \
                                     "is a party on the investing side"
    return out


def is_known_fact(name: str, reg: Registry | None = None) -> bool:
    return name in known_facts(reg)


def person_regimes(jurisdiction: str, reg: Registry | None = None) -> set[str]:
    """Whose 'persons' a party is, from its jurisdiction."""
    return (reg or registry()).person_regimes(jurisdiction)


def _stakes_by_holder(deal: Deal) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for s in deal.stakes:
        b, a = out.get(s.holder, (0.0, 0.0))
        out[s.holder] = (max(b, s.before), max(a, s.after))
    return out


def subsoil_use(asset: Any) -> bool:
    """Does the deal's asset include a subsoil plot? The deal file says so, else: an oil, gas or
    mineral sector and no pipeline, grid, shipping or processing sector."""
    if asset.subsoil_use is not None:
        return asset.subsoil_use
    sectors = set(asset.sectors)
    return bool(sectors & (MINING | {"oil", "gas"})) and not sectors & TRANSPORT


def deal_facts(deal: Deal, reg: Registry | None = None) -> dict[str, Any]:
    """Regime-independent facts of one deal. Pure."""
    reg = reg or registry()
    a, act = deal.asset, deal.activity
    sectors = set(a.sectors)
    host = a.country
    types = set(act.types)
    jur = [p.jurisdiction for p in deal.parties]
    investors = [p for p in deal.parties if p.role not in COUNTERPARTY_ROLES and p.screen]
    foreign = [p for p in deal.parties if p.jurisdiction != host and p.role in
               {"investor", "partner", "lender", "fund"}]
    foreign_state = [p for p in foreign if p.state_controlled and (p.state or p.jurisdiction) != host]
    stakes = _stakes_by_holder(deal)
    foreign_ids = {p.id for p in deal.parties if p.jurisdiction != host and p.screen}
    fstate_ids = {p.id for p in foreign_state}
    acquired = [s.after - s.before for s in deal.stakes]
    oil = "oil" in sectors
    facts: dict[str, Any] = {
        "asset.country": host,
        "asset.region": a.region,
        "asset.oblast": (a.oblast or "").lower() or None,
        "asset.sectors": sorted(sectors),
        "asset.projects": sorted(a.projects),
        "asset.stage": a.stage,
        "asset.arctic": a.arctic,
        "asset.offshore": a.offshore,
        "asset.arctic_offshore": a.arctic and a.offshore,
        "asset.deepwater": a.deepwater,
        "asset.shale": a.shale,
        "asset.shelf": a.shelf or a.offshore,
        "asset.oil": oil,
        "asset.special_oil_project": oil and (a.deepwater or a.shale or (a.arctic and a.offshore)),
        "asset.energy": bool(sectors & ENERGY),
        "asset.mining": bool(sectors & MINING),
        "asset.occupied": a.occupied,
        "asset.federal_significance": a.federal_significance,
        "asset.strategic": a.strategic or a.federal_significance,
        "asset.subsoil_use": subsoil_use(a),
        "asset.special_zone": a.special_zone,
        "asset.ua_strategic_mineral": a.ua_strategic_mineral,
        "asset.ua_fund_resource": bool(sectors & UA_FUND_RESOURCES),
        "activity.types": sorted(types),
        "activity.investment": bool(types & INVESTING),
        "activity.supply": bool(types & SUPPLYING),
        "activity.import_into": sorted(act.import_into),
        "activity.products": sorted(act.products),
        "activity.services": sorted(act.services),
        "activity.equipment": sorted(act.equipment),
        "activity.price_above_cap": act.price_above_cap,
        "activity.new_licence": act.new_licence,
        "activity.value_usd": act.value_usd,
        "persons.unfriendly": any(p.jurisdiction in UNFRIENDLY for p in investors),
        "persons.jurisdictions": sorted(set(jur)),
        "investors.jurisdictions": sorted({p.jurisdiction for p in investors}),
        "investors.foreign": bool(foreign),
        "investors.foreign_state": bool(foreign_state),
        "stake.foreign_max_after": max(
            [v[1] for k, v in stakes.items() if k in foreign_ids], default=0.0),
        "stake.foreign_state_max_after": max(
            [v[1] for k, v in stakes.items() if k in fstate_ids], default=0.0),
        "stake.acquired_max": max(acquired, default=0.0),
        "parties.groups": sorted({p.group for p in deal.parties if p.group}),
        "parties.roles": sorted({p.role for p in deal.parties}),
        "targets.legal_forms": sorted({p.legal_form for p in deal.parties
                                       if p.role == "target" and p.legal_form}) or None,
        "activity.price_usd_bbl": act.price_usd_bbl,
        "activity.loan_tenor_days": act.loan_tenor_days,
        "activity.new_equity_issue": act.new_equity_issue,
        "activity.psa": act.psa,
        "asset.cross_border": a.cross_border,
        "project.initiated_on": a.initiated_on,
        "project.initiated_before": a.initiated_on,
        **_contract_facts(deal),
    }
    of_investors = set().union(*(reg.person_regimes(p.jurisdiction) for p in investors))
    for r in reg.regimes.values():
        if r.nexus.persons:
            facts[f"persons.{r.id}"] = r.id in of_investors
    return facts


def _parent_of_acting(party: Party, deal: Deal) -> bool:
    acting = {p.id: p for p in deal.parties if p.role not in COUNTERPARTY_ROLES}
    return any(s.holder == party.id and s.in_ in acting and max(s.before, s.after) > 50
               and acting[s.in_].jurisdiction != party.jurisdiction for s in deal.stakes)


def _contract_facts(deal: Deal) -> dict[str, Any]:
    c, d, goods = deal.contract, deal.deliveries, deal.goods
    amended = None
    if c is not None:
        amended = c.amended_after if c.amended_after is not None else (
            True if c.amended_on is not None else (False if c.date is not None else None))
    dates = [g.production_date for g in goods if g.production_date]
    content = [g.us_content_pct for g in goods if g.us_content_pct is not None]
    cleared = False
    for p in deal.payments:
        if p.currency == "USD" and (not p.clearing or "us" in p.clearing):
            cleared = True
    return {
        "contract.date": c.date if c else None,
        "contract.term": c.term if c else None,
        "contract.amended_after": amended,
        "contract.amended_on": c.amended_on if c else None,
        "deliveries.start": d.start if d else None,
        "deliveries.end": d.end if d else None,
        "goods.origins": sorted({g.origin for g in goods if g.origin}),
        "goods.us_content_max": max(content) if content else None,
        "goods.production_date": min(dates) if dates else None,
        "goods.eccns": sorted({g.eccn for g in goods if g.eccn}),
        "payment.currencies": sorted({p.currency for p in deal.payments}),
        "payment.usd_cleared_in_us": cleared,
        "cargo.destinations": sorted(deal.cargo.destinations) if deal.cargo else [],
    }


def party_facts(party: Party, deal: Deal, status: PartyStatus) -> dict[str, Any]:
    host = deal.asset.country
    stakes = _stakes_by_holder(deal).get(party.id, (0.0, 0.0))
    return {
        "party.id": party.id,
        "party.role": party.role,
        "party.kind": party.kind,
        "party.jurisdiction": party.jurisdiction,
        "party.nationality": sorted(party.nationality),
        "party.incorporation": party.incorporated_in or (
            party.jurisdiction if party.kind != "person" else None),
        "party.branches": sorted(party.branches),
        "party.location": sorted(set(party.acts_from) | set(party.branches)),
        "party.legal_form": party.legal_form,
        "party.vessel_flag": party.vessel_flag,
        "party.implied": party.implied,
        "party.regimes": sorted(registry().person_regimes(party.incorporated_in or
                                                          party.jurisdiction)
                                | {r for n in party.nationality
                                   for r in registry().person_regimes(n)}),
        "party.parent_of_acting": _parent_of_acting(party, deal),
        "party.delisted": status.match == "delisted",
        "party.eu_annex_entry": None,
        "party.group": party.group,
        "party.is_counterparty": party.jurisdiction == host
        or party.role in {"target", "operator", "seller"}
        or (party.role == "partner" and party.jurisdiction not in UNFRIENDLY),
        "party.host": party.jurisdiction == host,
        "party.state_controlled": party.state_controlled,
        "party.foreign_state": party.state_controlled and (party.state or party.jurisdiction) != host,
        "party.listed": status.listed,
        "party.owned_by_listed": status.owned and not status.listed,
        "party.blocked": status.blocked,
        "party.sectoral": status.sectoral,
        "party.ssi_directives": status.directives,
        "party.possibly_owned": status.possibly_owned and not status.blocked,
        "party.programs": status.programs,
        "party.match": status.match,
        "party.match_score": status.score,
        # a natural person has no owners to know
        "party.owners_known": status.owners_known or party.kind == "person",
        "party.stake_after": stakes[1],
        "party.stake_before": stakes[0],
    }


def regime_facts(statuses: Mapping[str, PartyStatus]) -> dict[str, Any]:
    values = list(statuses.values())
    return {
        "parties.any_blocked": any(s.blocked for s in values),
        "parties.any_listed": any(s.listed for s in values),
        "parties.any_sectoral": any(s.sectoral for s in values),
        "parties.any_ambiguous": any(s.match == "ambiguous" for s in values),
        "parties.ssi_directives": sorted({d for s in values for d in s.directives}),
    }


class FactView:
    """``facts(name)`` for the condition evaluator: deal facts + regime facts (+ one party's)."""

    __slots__ = ("_maps",)

    def __init__(self, *maps: Mapping[str, Any]) -> None:
        self._maps = maps

    def __call__(self, name: str) -> Any:
        for m in self._maps:
            if name in m:
                return m[name]
        return None

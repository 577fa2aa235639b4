"""Nexus: through which persons, territory, currency or goods a regime reaches a deal.

A regime's rules bind only those it reaches. The registry (``data/regimes.yaml``) names each
regime's nexus kinds (``us_person``, ``usd_clearing``, ``eu_business``…) and the generic test
that establishes each from the deal; this module implements the tests. Each rule names the
kinds that let it fire (``olivebranch/rules/nexus.yaml``); rules about exposure without nexus
(secondary sanctions, designation risk) are marked ``exposure`` there instead.

Pure functions of (deal, registry); the engine computes them once per deal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from olivebranch.deals.models import Deal, Party
from olivebranch.regimes import NexusKind, Regime, Registry, registry

#: roles on the host side of a deal: their persons do not bring their regime's prohibitions
#: (an EU shareholder that stays in a project a US investor buys into is not investing)
HOST_SIDE_ROLES = frozenset({"target", "operator", "partner", "seller", "state"})
#: roles that sell or supply what the host state's export measures reach
SUPPLYING_ROLES = frozenset({"seller", "supplier", "operator", "partner"})
#: roles that approve, finance, facilitate or guarantee another party's transaction
FACILITATING_ROLES = frozenset({"lender", "service_provider", "insurer", "fund"})
#: activity types that move goods out of the host state
EXPORTING = frozenset({"offtake", "import", "transit", "maritime_transport"})
#: where a currency is cleared when the deal does not say (the currency's home)
HOME_CLEARING: dict[str, str] = {"USD": "us", "GBP": "gb", "JPY": "jp", "CNY": "cn",
                                 "RUB": "ru", "CHF": "ch", "INR": "in", "AED": "ae",
                                 "TRY": "tr", "KZT": "kz", "UAH": "ua"}


@dataclass(frozen=True)
class NexusHit:
    """One nexus kind a deal has under a regime, and why (the party or fact that gives it)."""

    kind: str
    why: str
    party: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "why": self.why, "party": self.party}


def party_persons(party: Party) -> set[str]:
    """Countries whose 'person' the party is: nationalities of a natural person, place of
    incorporation of a legal person (``jurisdiction`` when not given separately)."""
    out = set(party.nationality)
    if party.kind == "person":
        out.add(party.jurisdiction)
    else:
        out.add(party.incorporated_in or party.jurisdiction)
    return out


def party_places(party: Party) -> set[str]:
    """Where the party acts in this deal: ``acts_from`` and its branches."""
    return set(party.acts_from) | set(party.branches)


def _clearing(deal: Deal, r: Regime) -> list[tuple[str, set[str], bool]]:
    """Each payment's currency, where it is cleared, and whether that was presumed (not given:
    the currency's home; a currency of the regime without a single home, such as EUR, is
    presumed cleared in the regime's territory)."""
    out = []
    for p in deal.payments:
        where, presumed = set(p.clearing), False
        if not where:
            presumed = True
            home = HOME_CLEARING.get(p.currency)
            if home:
                where = {home}
            elif p.currency.lower() in r.nexus.currencies:
                where = set(r.nexus.territory)
        out.append((p.currency, where, presumed))
    return out


Test = Callable[[Deal, Regime, NexusKind], list[NexusHit]]


def acting(deal: Deal) -> list[Party]:
    """The parties that do what the deal does (invest, buy, supply, lend, ship, insure), not
    the host side (target, operator, partner, seller, state)."""
    return [p for p in deal.parties if p.screen and p.role not in HOST_SIDE_ROLES]


def _person(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"{p.name} ({p.role}) is a person of {r.name} "
                     f"({', '.join(sorted(party_persons(p) & r.nexus.persons))})", p.id)
            for p in acting(deal) if party_persons(p) & r.nexus.persons]


def _territory(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"{p.name} acts from {', '.join(sorted(party_places(p) & r.nexus.territory))}",
                     p.id)
            for p in deal.parties if party_places(p) & r.nexus.territory]


def _clears(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    out = []
    for currency, where, presumed in _clearing(deal, r):
        if currency.lower() in r.nexus.currencies and where & r.nexus.territory:
            out.append(NexusHit(k.id, f"a {currency} payment cleared in "
                                f"{', '.join(sorted(where & r.nexus.territory))}"
                                + (" (presumed: clearing not given)" if presumed else "")))
    return out


def _facilitation(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"{p.name} ({p.role}) is a person of {r.name} facilitating the deal",
                     p.id)
            for p in deal.parties if p.role in FACILITATING_ROLES and party_persons(p) & r.nexus.persons]


def _goods(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    de_minimis = float(k.params.get("de_minimis_pct", 25))
    out = []
    for g in deal.goods:
        what = g.description or "goods"
        if g.origin and g.origin in r.nexus.goods_origin:
            out.append(NexusHit(k.id, f"{what} of {g.origin} origin"))
        elif g.us_content_pct is not None and g.us_content_pct > de_minimis:
            out.append(NexusHit(k.id, f"{what} with {g.us_content_pct:g}% controlled content "
                                f"(above the {de_minimis:g}% de minimis)"))
        elif g.foreign_direct_product:
            out.append(NexusHit(k.id, f"{what}: a foreign direct product"))
    if not deal.goods and set(deal.activity.types) & {"supply_equipment", "supply_technology"}:
        # no goods described: a supplier of the regime stands in for goods of its origin
        out.extend(NexusHit(k.id, f"{p.name} ({p.role}) supplies equipment or technology "
                            "(no goods described: taken to be of its origin)", p.id)
                   for p in acting(deal) if party_persons(p) & r.nexus.goods_origin)
    return out


def _import(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    out = []
    if r.id in deal.activity.import_into:
        out.append(NexusHit(k.id, f"imported into {r.name}"))
    dest = set(deal.cargo.destinations if deal.cargo else ()) & r.nexus.territory
    if dest:
        out.append(NexusHit(k.id, f"cargo destined for {', '.join(sorted(dest))}"))
    return out


def _vessel(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"{p.name} flies the flag of {p.vessel_flag}", p.id)
            for p in deal.parties if p.vessel_flag and p.vessel_flag in r.nexus.persons]


def _business(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    hits = _territory(deal, r, k) + _clears(deal, r, k) + _import(deal, r, k)
    return [NexusHit(k.id, f"business done in part in {r.name}: {h.why}", h.party) for h in hits]


def _asset(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"the asset is in {deal.asset.country}")] \
        if deal.asset.country in r.nexus.territory else []


def _host_goods(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    out = []
    if deal.asset.country in r.nexus.territory and (set(deal.activity.types) & EXPORTING
                                              or deal.activity.products):
        out.append(NexusHit(k.id, f"goods from the asset in {deal.asset.country}"))
    out.extend(NexusHit(k.id, f"{g.description or 'goods'} of {g.origin} origin")
               for g in deal.goods if g.origin in r.nexus.territory)
    if deal.activity.products:
        out.extend(NexusHit(k.id, f"{p.name} ({p.role}), a person of {r.name}, supplies "
                            f"{', '.join(deal.activity.products)}", p.id)
                   for p in deal.parties
                   if p.role in SUPPLYING_ROLES and party_persons(p) & r.nexus.persons)
    return out


def _host_counterparty(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"{p.name} is a person of {r.name}", p.id)
            for p in deal.parties if p.screen and party_persons(p) & r.nexus.persons]


def _occupied(deal: Deal, r: Regime, k: NexusKind) -> list[NexusHit]:
    return [NexusHit(k.id, f"the asset is in territory {r.name} claims "
                     f"({deal.asset.occupied})")] if deal.asset.occupied != "none" else []


TESTS: dict[str, Test] = {
    "person": _person, "territory": _territory, "clearing": _clears,
    "facilitation": _facilitation, "goods": _goods, "import": _import, "vessel": _vessel,
    "business": _business, "asset": _asset, "host_goods": _host_goods,
    "host_counterparty": _host_counterparty, "occupied": _occupied,
}


def regime_nexus(deal: Deal, regime: Regime) -> dict[str, list[NexusHit]]:
    """The regime's nexus kinds the deal has, each with why. Pure."""
    out: dict[str, list[NexusHit]] = {}
    for k in regime.nexus.kinds:
        hits = TESTS[k.test](deal, regime, k)
        if hits:
            out[k.id] = hits
    return out


def deal_nexus(deal: Deal, reg: Registry | None = None,
               regimes: Iterable[str] | None = None) -> dict[str, dict[str, list[NexusHit]]]:
    """``{regime: {kind: [hits]}}`` for every regime of the registry (or those named)."""
    reg = reg or registry()
    ids = tuple(regimes) if regimes is not None else reg.ids
    return {rid: regime_nexus(deal, reg.get(rid)) for rid in ids}


def nexus_facts(nexus: Mapping[str, Mapping[str, list[NexusHit]]]) -> dict[str, object]:
    """Facts rules and licences may read: ``nexus.<regime>`` (kinds present) and
    ``nexus.<kind>`` (true/false)."""
    facts: dict[str, object] = {}
    for rid, kinds in nexus.items():
        facts[f"nexus.{rid}"] = sorted(kinds)
    return facts


def nexus_fact_names(reg: Registry | None = None) -> dict[str, str]:
    reg = reg or registry()
    return {f"nexus.{r.id}": f"nexus kinds of {r.name} the deal has "
            f"({', '.join(k.id for k in r.nexus.kinds)})"
            for r in reg.regimes.values() if r.nexus.kinds}

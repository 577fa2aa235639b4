"""The deal format: one YAML file per proposed deal, validated by these pydantic models.

The JSON Schema published at ``olivebranch/deals/deal.schema.json`` is generated from them
(``python -m olivebranch.deals.schema``), so the schema and the loader cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from olivebranch.regimes import registry

Sector = Literal[
    "oil", "gas", "lng", "gas_pipeline", "oil_pipeline", "coal", "power", "power_transmission",
    "nuclear", "uranium", "rare_earths", "lithium", "titanium", "nickel", "copper", "cobalt",
    "platinum_group", "niobium", "zirconium", "graphite", "gold", "petrochemicals", "shipping",
    "petroleum_retail",
]
ActivityType = Literal[
    "equity", "new_investment", "joint_venture", "financing", "offtake", "import",
    "supply_equipment", "supply_technology", "services", "maritime_transport", "divestment",
    "maintenance", "licence_application", "transit",
]
Product = Literal[
    "crude_oil", "petroleum_products", "lng", "pipeline_gas", "gas_condensate", "coal",
    "enriched_uranium", "uranium_ore", "nickel", "copper", "aluminium", "palladium", "platinum",
    "rare_earths", "lithium", "titanium", "niobium", "tantalum", "zirconium", "electricity",
    "gold", "phosphate",
]
Role = Literal[
    "investor", "operator", "partner", "offtaker", "lender", "supplier", "target", "seller",
    "state", "fund", "service_provider", "shipper", "insurer",
]
PartyKind = Literal["company", "person", "state_body", "fund", "vessel"]
#: a regime with a territory (``data/regimes.yaml``): where goods are imported into
Regime = Literal[tuple(r.id for r in registry().regimes.values() if r.nexus.territory)]  # type: ignore[valid-type]
Occupation = Literal["none", "crimea", "ngca"]
LegalForm = Literal["llc", "jsc", "pjsc", "partnership", "state_body", "fund", "other"]
ContractTerm = Literal["spot", "short_term", "long_term"]
Stage = Literal["exploration", "development", "construction", "producing", "halted"]

_Date = date
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COUNTRY = re.compile(r"^[a-z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _country(value: str) -> str:
    v = value.strip().lower()
    if not _COUNTRY.match(v):
        raise ValueError(f"'{value}' is not an ISO 3166 alpha-2 country code (e.g. us, de, ru)")
    return v


def _countries(values: list[str]) -> list[str]:
    return [_country(v) for v in values]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Asset(_Strict):
    """The project or asset the deal is about, with the flags rules look at."""

    name: str = Field(description="the asset's name; screened against the lists as the target "
                      "when no party has the role 'target'")
    country: str = Field(description="host country, ISO-2 lowercase (ru, ua)")
    region: str | None = Field(None, description="region, free text")
    oblast: str | None = Field(None, description="Ukrainian oblast, or crimea/sevastopol")
    sectors: list[Sector] = Field(min_length=1, description="what the asset produces, moves or "
                                  "processes (oil, gas, lng, nickel, …)")
    projects: list[str] = Field(
        default_factory=list,
        description="named projects that rules single out: arctic_lng_2, murmansk_lng, "
        "nord_stream_1, nord_stream_2, turkstream, sakhalin_1, sakhalin_2, cpc …",
    )
    stage: Stage | None = Field(None, description="exploration, development, construction, "
                                "producing or halted")
    arctic: bool = Field(False, description="north of the Arctic Circle")
    offshore: bool = Field(False, description="offshore")
    deepwater: bool = Field(False, description="water deeper than 500 ft (US) / 150 m (EU)")
    shale: bool = Field(False, description="shale formation")
    shelf: bool = Field(False, description="on the (Russian) continental shelf")
    occupied: Occupation = Field(
        "none", description="Ukrainian territory outside government control: crimea or ngca"
    )
    federal_significance: bool = Field(
        False, description="Russian subsoil plot of federal significance (Subsoil Law art. 2.1)"
    )
    strategic: bool = Field(False, description="strategic activity under Russian Law 57-FZ")
    subsoil_use: bool | None = Field(
        None,
        description="the asset includes a subsoil plot (exploration or production of oil, gas or "
        "minerals), not only pipelines, plants or grids; default: derived from the sectors",
    )
    special_zone: bool = Field(False, description="in a Russian zone listed in EU Annex LII")
    ua_strategic_mineral: bool = Field(
        False, description="strategic or critical mineral on Ukraine's lists"
    )
    cross_border: bool | None = Field(
        None, description="a pipeline or line that crosses an international land or maritime "
        "border (CAATSA sec. 232 'export pipelines')")
    initiated_on: date | None = Field(
        None, description="when the project was initiated (e.g. civil nuclear GL 115A covers "
        "projects initiated or under construction by 21 Nov 2024)")
    screen: bool = Field(True, description="false: do not screen the asset's name as the "
                         "target when no party is the target")
    research_id: str | None = Field(None, description="id in shared/research/assets.yaml")

    @field_validator("country")
    @classmethod
    def _cc(cls, v: str) -> str:
        return _country(v)


class Activity(_Strict):
    """What the deal does: invest, buy the output, supply equipment, lend, …"""

    types: list[ActivityType] = Field(min_length=1, description="what the deal does: equity, "
                                      "financing, offtake, supply_equipment, services, …")
    import_into: list[Regime] = Field(
        default_factory=list, description="regimes whose territory the product is imported into "
        "(us, eu, uk); for any country use cargo.destinations")
    products: list[Product] = Field(default_factory=list,
                                    description="products bought, sold or shipped")
    services: list[str] = Field(default_factory=list, description="kinds of services supplied "
                                "(petroleum, well_completion, engineering, …)")
    equipment: list[str] = Field(default_factory=list, description="kinds of equipment supplied "
                                 "(offshore_drilling, lng_liquefaction, …)")
    price_above_cap: bool | None = Field(None, description="oil sold above the price cap "
                                         "(unknown if not given)")
    price_usd_bbl: float | None = Field(None, ge=0, description="oil price in USD per barrel")
    new_licence: bool = Field(
        False, description="Ukraine: a licence or PSA granted after the Reconstruction Fund began"
    )
    psa: bool = Field(False, description="the deal is a production sharing agreement")
    loan_tenor_days: int | None = Field(
        None, ge=0, description="maturity of new debt in days (SSI directives, EO 14024 "
        "Directive 3); unknown if not given")
    new_equity_issue: bool | None = Field(
        None, description="the deal buys newly issued shares (not existing ones)")
    value_usd: float | None = Field(None, ge=0, description="deal value in US dollars")
    description: str | None = Field(None, description="free text")


class Party(_Strict):
    """A party to the deal. ``name`` as it appears in sanctions lists, so matching can find it."""

    id: str = Field(description="slug used by stakes and payments to refer to the party")
    name: str = Field(description="the name as it appears in sanctions lists")
    role: Role = Field(description="its part in the deal (see docs/deal-format.md, Roles)")
    kind: PartyKind = Field("company", description="company, person, state_body, fund or vessel")
    jurisdiction: str = Field(description="country of incorporation (or nationality of a person)")
    nationality: list[str] = Field(
        default_factory=list, description="nationalities of a natural person, ISO-2 (each counts "
        "for nexus); default: jurisdiction for persons")
    incorporated_in: str | None = Field(
        None, description="where a legal person is incorporated or constituted, ISO-2; default: "
        "jurisdiction")
    branches: list[str] = Field(
        default_factory=list, description="countries where it acts through a branch (not a "
        "subsidiary), ISO-2: a US company's foreign branch is a US person; a foreign bank's US "
        "branch is in the US")
    acts_from: list[str] = Field(
        default_factory=list, description="where it acts in this deal (negotiates, signs, "
        "performs), ISO-2: persons in a regime's territory are reached territorially")
    legal_form: LegalForm | None = Field(None, description="llc, jsc, pjsc, partnership, "
                                         "state_body, fund or other")
    vessel_flag: str | None = Field(None, description="flag state of a vessel (or the vessel "
                                    "the party operates), ISO-2")
    aliases: list[str] = Field(default_factory=list, description="other names to screen")
    identifiers: list[str] = Field(default_factory=list,
                                   description="registration numbers, IMO numbers, …")
    pin: list[str] = Field(
        default_factory=list, description="list entity ids that settle an ambiguous match"
    )
    cleared: list[str] = Field(
        default_factory=list,
        description="list entity ids reviewed and found not to be this party (false positives)",
    )
    state_controlled: bool = Field(False, description="controlled by a state")
    state: str | None = Field(None, description="the state that controls it, ISO-2")
    group: str | None = Field(None, description="corporate group, e.g. rosneft, gazprom, novatek")
    screen: bool = Field(True, description="false for the host state itself")
    note: str | None = Field(None, description="free text")
    implied: bool = Field(False, description="set by olivebranch: the asset screened as the "
                          "target because no party is the target (not written in deal files)")

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"'{v}' is not a slug (lowercase letters, digits, - and _)")
        return v

    @field_validator("nationality", "branches", "acts_from")
    @classmethod
    def _ccs(cls, v: list[str]) -> list[str]:
        return _countries(v)

    @field_validator("incorporated_in", "vessel_flag")
    @classmethod
    def _cc1(cls, v: str | None) -> str | None:
        return None if v is None else _country(v)

    @field_validator("jurisdiction", "state")
    @classmethod
    def _cc(cls, v: str | None) -> str | None:
        return None if v is None else _country(v)

    @field_validator("pin", "cleared", mode="before")
    @classmethod
    def _pins(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v


class Stake(_Strict):
    """Who holds what share of whom, before and after the deal (percent)."""

    holder: str = Field(description="party id of the holder")
    in_: str = Field(alias="in", description="party id of the company held")
    before: float = Field(0, ge=0, le=100, description="share before the deal, percent")
    after: float = Field(0, ge=0, le=100, description="share after the deal, percent")
    as_of: date | None = Field(None, description="date the share was last confirmed; older than "
                               "the configured age, it gives 'possibly owned', not 'blocked'")
    uncertain: bool = Field(False, description="the share is not confirmed (press reports, "
                            "estimates): it gives 'possibly owned', not 'blocked'")
    note: str | None = Field(None, description="free text, source")


class Uncertain(_Strict):
    """A fact the deal's author is unsure of, shown next to every verdict."""

    field: str = Field(description="the field whose value is uncertain")
    note: str = Field(description="why")


class Payment(_Strict):
    """One payment leg: its currency, the countries whose banks clear it, the bank."""

    currency: str = Field(description="ISO 4217 code (USD, EUR, CNY, RUB, …)")
    clearing: list[str] = Field(
        default_factory=list, description="countries whose banks clear it, ISO-2; not given: "
        "the currency's home (USD: us, EUR: an EU member, GBP: gb)")
    via: str | None = Field(None, description="party id of the paying or receiving bank (a bank "
                            "that only handles payments is not a lender or target)")
    note: str | None = Field(None, description="free text")

    @field_validator("currency", mode="before")
    @classmethod
    def _cur(cls, v: object) -> object:
        v = str(v).strip().upper()
        if not _CURRENCY.match(v):
            raise ValueError(f"'{v}' is not an ISO 4217 currency code (USD, EUR, CNY)")
        return v

    @field_validator("clearing")
    @classmethod
    def _ccs(cls, v: list[str]) -> list[str]:
        return _countries(v)


class Goods(_Strict):
    """Goods the deal moves: origin and US content decide export-control nexus."""

    description: str | None = Field(None, description="what the goods are")
    origin: str | None = Field(None, description="country of origin, ISO-2")
    us_content_pct: float | None = Field(None, ge=0, le=100, description="share of controlled "
                                         "US content by value, percent (EAR de minimis)")
    foreign_direct_product: bool = Field(False, description="made abroad with US technology or "
                                         "software (15 CFR 734.9)")
    eccn: str | None = Field(None, description="ECCN or EAR99")
    production_date: date | None = Field(None, description="when it was produced (metals "
                                         "produced before 13 Apr 2024 are outside EO 14068)")

    @field_validator("origin")
    @classmethod
    def _cc(cls, v: str | None) -> str | None:
        return None if v is None else _country(v)


class Cargo(_Strict):
    """Where cargoes go."""

    destinations: list[str] = Field(default_factory=list, description="destination countries, "
                                    "ISO-2 (any country)")

    @field_validator("destinations")
    @classmethod
    def _ccs(cls, v: list[str]) -> list[str]:
        return _countries(v)


class Contract(_Strict):
    """The supply or investment contract: its date and term decide grandfathering."""

    date: _Date | None = Field(None, description="when the contract was concluded")
    term: ContractTerm | None = Field(None, description="spot, short_term (one year or less) or "
                                      "long_term")
    amended_on: _Date | None = Field(None, description="when it was last amended (other than "
                                    "amendments the grandfathering clauses allow)")
    amended_after: bool | None = Field(
        None, description="amended after the grandfathering cut-off; default: true when "
        "amended_on is given")


class Deliveries(_Strict):
    """The delivery window."""

    start: _Date | None = Field(None, description="first delivery")
    end: _Date | None = Field(None, description="last delivery")


class Deal(_Strict):
    """One proposed cross-border deal."""

    id: str = Field(description="slug, unique in the catalogue")
    title: str = Field(description="one line")
    description: str | None = Field(None, description="free text")
    asset: Asset = Field(description="the project or asset the deal is about")
    activity: Activity = Field(description="what the deal does")
    parties: list[Party] = Field(min_length=1, description="everyone taking part")
    stakes: list[Stake] = Field(default_factory=list, description="shares before and after")
    payments: list[Payment] = Field(default_factory=list, description="payment legs")
    goods: list[Goods] = Field(default_factory=list, description="goods supplied or bought")
    cargo: Cargo | None = Field(None, description="where cargoes go")
    contract: Contract | None = Field(None, description="contract date and term")
    deliveries: Deliveries | None = Field(None, description="delivery window")
    uncertain: list[Uncertain] = Field(default_factory=list,
                                       description="facts the author is unsure of")
    sources: list[str] = Field(default_factory=list, description="where the facts come from")
    as_of: date | None = Field(None, description="date the deal's facts were last checked")

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"'{v}' is not a slug (lowercase letters, digits, - and _)")
        return v

    @model_validator(mode="after")
    def _references(self) -> Deal:
        ids = [p.id for p in self.parties]
        seen: set[str] = set()
        for i, pid in enumerate(ids):
            if pid in seen:
                raise ValueError(f"parties[{i}].id: duplicate party id '{pid}'")
            seen.add(pid)
        totals: dict[str, tuple[float, float]] = {}
        for i, s in enumerate(self.stakes):
            for attr, ref in (("holder", s.holder), ("in", s.in_)):
                if ref not in seen:
                    raise ValueError(f"stakes[{i}].{attr}: '{ref}' is not a party id ({', '.join(ids)})")
            if s.holder == s.in_:
                raise ValueError(f"stakes[{i}]: a party cannot hold a stake in itself")
            b, a = totals.get(s.in_, (0.0, 0.0))
            totals[s.in_] = (b + s.before, a + s.after)
        for i, pay in enumerate(self.payments):
            if pay.via is not None and pay.via not in seen:
                raise ValueError(f"payments[{i}].via: '{pay.via}' is not a party id ({', '.join(ids)})")
        for target, (b, a) in totals.items():
            if b > 100.01 or a > 100.01:
                raise ValueError(
                    f"stakes: shares in '{target}' add up to more than 100% "
                    f"(before {b:g}%, after {a:g}%)"
                )
        return self

    def screened_parties(self) -> list[Party]:
        """The parties, plus the asset as an implied target when no party is the target and
        the asset's name may itself be listed (a listed project company, an SDN vessel)."""
        if not self.asset.screen or any(p.role == "target" for p in self.parties):
            return list(self.parties)
        ids = {p.id for p in self.parties}
        pid = "asset" if "asset" not in ids else "asset-implied"
        return [*self.parties, Party(id=pid, name=self.asset.name, role="target",
                                     jurisdiction=self.asset.country, implied=True,
                                     note="the asset itself, screened as the target")]

    def party(self, pid: str) -> Party:
        for p in self.parties:
            if p.id == pid:
                return p
        raise KeyError(pid)

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
Stage = Literal["exploration", "development", "construction", "producing", "halted"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COUNTRY = re.compile(r"^[a-z]{2}$")


def _country(value: str) -> str:
    v = value.strip().lower()
    if not _COUNTRY.match(v):
        raise ValueError(f"'{value}' is not an ISO 3166 alpha-2 country code (e.g. us, de, ru)")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Asset(_Strict):
    """The project or asset the deal is about, with the flags rules look at."""

    name: str
    country: str = Field(description="host country, ISO-2 lowercase (ru, ua)")
    region: str | None = None
    oblast: str | None = Field(None, description="Ukrainian oblast, or crimea/sevastopol")
    sectors: list[Sector] = Field(min_length=1)
    projects: list[str] = Field(
        default_factory=list,
        description="named projects that rules single out: arctic_lng_2, murmansk_lng, "
        "nord_stream_1, nord_stream_2, turkstream, sakhalin_1, sakhalin_2, cpc …",
    )
    stage: Stage | None = None
    arctic: bool = Field(False, description="north of the Arctic Circle")
    offshore: bool = False
    deepwater: bool = Field(False, description="water deeper than 500 ft (US) / 150 m (EU)")
    shale: bool = False
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
    research_id: str | None = Field(None, description="id in shared/research/assets.yaml")

    @field_validator("country")
    @classmethod
    def _cc(cls, v: str) -> str:
        return _country(v)


class Activity(_Strict):
    """What the deal does: invest, buy the output, supply equipment, lend, …"""

    types: list[ActivityType] = Field(min_length=1)
    import_into: list[Regime] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    equipment: list[str] = Field(default_factory=list)
    price_above_cap: bool | None = None
    new_licence: bool = Field(
        False, description="Ukraine: a licence or PSA granted after the Reconstruction Fund began"
    )
    value_usd: float | None = Field(None, ge=0)
    description: str | None = None


class Party(_Strict):
    """A party to the deal. ``name`` as it appears in sanctions lists, so matching can find it."""

    id: str
    name: str
    role: Role
    kind: PartyKind = "company"
    jurisdiction: str = Field(description="country of incorporation (or nationality of a person)")
    aliases: list[str] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
    pin: list[str] = Field(
        default_factory=list, description="list entity ids that settle an ambiguous match"
    )
    cleared: list[str] = Field(
        default_factory=list,
        description="list entity ids reviewed and found not to be this party (false positives)",
    )
    state_controlled: bool = False
    state: str | None = Field(None, description="the state that controls it, ISO-2")
    group: str | None = Field(None, description="corporate group, e.g. rosneft, gazprom, novatek")
    screen: bool = Field(True, description="false for the host state itself")
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"'{v}' is not a slug (lowercase letters, digits, - and _)")
        return v

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

    holder: str
    in_: str = Field(alias="in")
    before: float = Field(0, ge=0, le=100)
    after: float = Field(0, ge=0, le=100)
    note: str | None = None


class Uncertain(_Strict):
    field: str
    note: str


class Deal(_Strict):
    """One proposed cross-border deal."""

    id: str
    title: str
    description: str | None = None
    asset: Asset
    activity: Activity
    parties: list[Party] = Field(min_length=1)
    stakes: list[Stake] = Field(default_factory=list)
    uncertain: list[Uncertain] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
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
        for target, (b, a) in totals.items():
            if b > 100.01 or a > 100.01:
                raise ValueError(
                    f"stakes: shares in '{target}' add up to more than 100% "
                    f"(before {b:g}%, after {a:g}%)"
                )
        return self

    def party(self, pid: str) -> Party:
        for p in self.parties:
            if p.id == pid:
                return p
        raise KeyError(pid)

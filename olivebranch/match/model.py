"""The screening engine's public data types: queries, features and results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Score at or above which a result counts as a match. Chosen on the labelled dev set's
#: categories (see bench/match_quality.py): it keeps false positives on unlisted names
#: at about 1% while finding transliterated, reordered, abbreviated and typo'd names.
DEFAULT_THRESHOLD = 0.78

#: FtM properties read as identifiers (tax, registration, vessel, passport, …).
IDENTIFIER_PROPS = (
    "innCode", "ogrnCode", "kppCode", "okpoCode", "registrationNumber", "taxNumber",
    "idNumber", "passportNumber", "imoNumber", "mmsi", "leiCode", "swiftBic", "vatCode",
    "uniqueEntityId", "dunsCode", "npiCode", "bikCode", "icijId", "okvedCode", "callSign",
    "registrationNumber", "serialNumber", "number",
)
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")


def compose_name(props: Mapping[str, Sequence[str]]) -> str | None:
    """A person's full name from its parts (first, middle, patronymic, last) when given."""
    parts = []
    for prop in ("firstName", "secondName", "middleName", "fatherName", "lastName"):
        values = props.get(prop, ()) or ()
        if values:
            parts.append(values[0])
    return " ".join(parts) if parts else None


@dataclass
class Query:
    """What is screened: one or more names plus optional facts that confirm or refute a hit."""

    name: str | list[str]
    schema: str = "LegalEntity"
    birth_date: str | None = None
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    id: str | None = None

    @property
    def names(self) -> list[str]:
        names = [self.name] if isinstance(self.name, str) else list(self.name)
        return [n for n in names if n and n.strip()]

    @classmethod
    def from_properties(cls, schema: str, properties: Mapping[str, Sequence[str]]) -> Query:
        """A query in yente's ``/match`` shape: ``{"name": [...], "birthDate": [...], ...}``."""
        names: list[str] = []
        for prop in ("name", "alias", "previousName"):
            names.extend(properties.get(prop, []) or [])
        composed = None if names else compose_name(properties)
        if composed:
            names.append(composed)
        birth = list(properties.get("birthDate", []) or [])
        countries: list[str] = []
        for prop in COUNTRY_PROPS:
            countries.extend(properties.get(prop, []) or [])
        idents: list[str] = []
        for prop in IDENTIFIER_PROPS:
            idents.extend(properties.get(prop, []) or [])
        return cls(
            name=names,
            schema=schema,
            birth_date=birth[0] if birth else None,
            countries=[c.lower() for c in countries],
            identifiers=list(dict.fromkeys(idents)),
        )

    @classmethod
    def from_entity(cls, proxy: Any) -> Query:
        """A query from a FollowTheMoney entity (names, birth date, countries, identifiers)."""
        props: dict[str, list[str]] = {}
        for prop, value in proxy.itervalues():
            props.setdefault(prop.name, []).append(value)
        q = cls.from_properties(proxy.schema.name, props)
        q.id = proxy.id
        return q


@dataclass
class Feature:
    """One piece of evidence and how much it moved the score, in words."""

    name: str
    weight: float
    value: float
    text: str


@dataclass
class MatchResult:
    """One listed entity found for a query, with its designations and the reasons."""

    entity_id: str
    caption: str
    schema: str
    score: float
    match: bool
    sources: list[str]
    source_ids: list[str]
    programs: list[str]
    datasets: list[str]
    features: list[Feature]
    explanation: str
    entity: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (used by the batch output and the API)."""
        return {
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "score": round(self.score, 4),
            "match": self.match,
            "source": self.sources[0] if self.sources else None,
            "sources": self.sources,
            "source_id": self.source_ids[0] if self.source_ids else None,
            "source_ids": self.source_ids,
            "programs": self.programs,
            "datasets": self.datasets,
            "explanation": self.explanation,
            "features": [
                {"name": f.name, "weight": f.weight, "value": round(f.value, 4), "text": f.text}
                for f in self.features
            ],
        }

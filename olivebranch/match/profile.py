"""Turning queries and FtM entities into scorer profiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from olivebranch.match.model import COUNTRY_PROPS, IDENTIFIER_PROPS, Query, compose_name
from olivebranch.match.noise import strip_noise
from olivebranch.match.score import Profile, identifier_keys, parse_date

NAME_PROPS = ("name", "alias", "previousName")


def query_profile(q: Query) -> Profile:
    """The query as the scorer sees it: names cleaned of payment and trade text noise (field
    labels, account lines, c/o, branch, vessel annotations; former names added), with the
    removals kept as notes for the explanation."""
    birth = parse_date(q.birth_date) if q.birth_date else None
    idents: set[str] = set()
    for value in q.identifiers:
        idents |= identifier_keys(value)
    names: list[str] = []
    notes: list[str] = []
    for raw in q.names:
        cleaned = strip_noise(raw, q.schema or "LegalEntity")
        names.extend(cleaned.names)
        notes.extend(cleaned.notes)
    return Profile(
        schema=q.schema or "LegalEntity",
        names=tuple(dict.fromkeys(names)),
        notes=tuple(dict.fromkeys(notes)),
        birth_dates=(birth,) if birth else (),
        countries=frozenset(c.strip().lower() for c in q.countries if c and c.strip()),
        identifiers=frozenset(idents),
    )


def profile_names(props: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The names of an FtM property dict's profile: its names, aliases and previous names, or
    else the name its parts compose."""
    names: list[str] = []
    for prop in NAME_PROPS:
        names.extend(props.get(prop, ()) or ())
    composed = None if names else compose_name(props)
    if composed:
        names.append(composed)
    return tuple(dict.fromkeys(names))


def weak_names(props: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The weak aliases of an FtM property dict's profile."""
    return tuple(dict.fromkeys(props.get("weakAlias", ()) or ()))


def dict_profile(schema: str, props: Mapping[str, Sequence[str]]) -> Profile:
    """A profile from an FtM property dict (``{"name": [...], "birthDate": [...]}``)."""
    births = []
    for value in props.get("birthDate", ()) or ():
        d = parse_date(value)
        if d:
            births.append(d)
    countries: set[str] = set()
    for prop in COUNTRY_PROPS:
        countries.update(c.lower() for c in props.get(prop, ()) or ())
    idents: set[str] = set()
    for prop in IDENTIFIER_PROPS:
        for value in props.get(prop, ()) or ():
            idents |= identifier_keys(value)
    return Profile(
        schema=schema,
        names=profile_names(props),
        weak_names=weak_names(props),
        birth_dates=tuple(dict.fromkeys(births)),
        countries=frozenset(countries),
        identifiers=frozenset(idents),
    )


def as_profile(x: Any) -> Profile:
    """A profile from a :class:`Query`, an FtM ``EntityProxy`` or a plain name string."""
    if isinstance(x, Profile):
        return x
    if isinstance(x, Query):
        return query_profile(x)
    if isinstance(x, str):
        return query_profile(Query(name=x))
    props: dict[str, list[str]] = {}
    for prop, value in x.itervalues():
        props.setdefault(prop.name, []).append(value)
    return dict_profile(x.schema.name, props)

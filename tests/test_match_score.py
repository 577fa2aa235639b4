"""Scoring evidence: dates of birth, identifiers, countries, schema, explanations."""

from __future__ import annotations

from followthemoney import model

from olivebranch.match import DEFAULT_THRESHOLD, Query, compare
from olivebranch.match.score import parse_date


def person(name: str, **props: str) -> object:
    e = model.make_entity("Person")
    e.id = "p-" + name.replace(" ", "-")
    e.add("name", name)
    for k, v in props.items():
        e.add(k, v)
    return e


def company(name: str, **props: str) -> object:
    e = model.make_entity("Company")
    e.id = "c-" + name.replace(" ", "-")
    e.add("name", name)
    for k, v in props.items():
        e.add(k, v)
    return e


def test_parse_date_forms() -> None:
    assert parse_date("19 Dec 1958") == "1958-12-19"
    assert parse_date("1958-12-19") == "1958-12-19"
    assert parse_date("19.12.1958") == "1958-12-19"
    assert parse_date("1958") == "1958"
    assert parse_date("sometime") is None


def test_conflicting_birth_date_lowers_and_matching_raises() -> None:
    listed = person("Kirill Dmitriev", birthDate="1975-04-12")
    base, _ = compare(Query("Kirill Dmitriev", schema="Person"), listed)
    same, feats = compare(Query("Kirill Dmitriev", schema="Person", birth_date="12 Apr 1975"), listed)
    other, other_feats = compare(
        Query("Kirill Dmitriev", schema="Person", birth_date="1980-01-01"), listed)
    assert other < base <= same
    assert base - other >= 0.15
    assert any(f.name == "birth_date" and f.value < 0 and "conflicts" in f.text
               for f in other_feats)
    assert any(f.name == "birth_date" and f.value > 0 for f in feats)


def test_equal_identifier_is_strong_evidence() -> None:
    listed = company("Arktik SPG 2", innCode="8904075357")
    weak, _ = compare(Query("Arktik Gas Two", schema="Company"), listed)
    strong, feats = compare(Query("Arktik Gas Two", schema="Company", identifiers=["8904075357"]),
                            listed)
    assert weak < DEFAULT_THRESHOLD <= strong
    assert strong >= 0.9
    assert any(f.name == "identifier" and "8904075357" in f.text for f in feats)


def test_country_conflict_lowers() -> None:
    listed = company("Romashka LLC", country="ru")
    same, _ = compare(Query("Romashka", schema="Company", countries=["ru"]), listed)
    other, feats = compare(Query("Romashka", schema="Company", countries=["br"]), listed)
    assert other < same
    assert any(f.name == "country" and f.value < 0 for f in feats)


def test_schema_incompatibility() -> None:
    score, feats = compare(Query("Romashka", schema="Person"), company("Romashka"))
    assert score == 0.0
    assert feats and feats[0].name == "schema"


def test_different_known_given_names_do_not_match() -> None:
    score, _ = compare(Query("Marfa Kiryanova", schema="Person"),
                       Query("Maria Kiryanova", schema="Person"))
    assert score < DEFAULT_THRESHOLD


def test_explanations_are_readable() -> None:
    score, feats = compare(Query("Kirill Dmitrijew", schema="Person"),
                           person("DMITRIEV, Kirill Aleksandrovich"))
    assert score >= DEFAULT_THRESHOLD
    name = feats[0]
    assert name.name == "name" and name.weight == 1.0
    assert "dmitrijew = dmitriev (same after transliteration)" in name.text
    assert "patronymic 'aleksandrovich' not in query" in name.text
    _, feats = compare(Query("B. R. Rotenberg", schema="Person"),
                       Query("Roman Borisovich Rotenberg", schema="Person"))
    assert "out of order" in feats[0].text


def test_query_from_entity_and_properties() -> None:
    e = person("Igor Sechin", birthDate="1960-09-07", nationality="ru")
    q = Query.from_entity(e)
    assert q.names == ["Igor Sechin"] and q.birth_date == "1960-09-07" and q.countries == ["ru"]
    q2 = Query.from_properties("Person", {"firstName": ["Igor"], "lastName": ["Sechin"]})
    assert q2.names == ["Igor Sechin"]
    score, _ = compare(q2, e)
    assert score >= 0.95

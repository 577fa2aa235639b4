"""Name variants spelling cannot join: nicknames, Pinyin/Wade-Giles, Korean surnames, and the
structural checks that keep different people apart (bin reversal, CJK characters)."""

from __future__ import annotations

from olivebranch.match import DEFAULT_THRESHOLD, Query, compare
from olivebranch.match.text import sinitic_key


def score(a: str, b: str, schema: str = "Person") -> float:
    return compare(Query(a, schema=schema), Query(b, schema=schema))[0]


def test_nicknames_and_cross_language_forms_match() -> None:
    for a, b in [("Bill Clinton", "William Clinton"), ("Bibi Netanyahu", "Benjamin Netanyahu"),
                 ("Juan Smith", "John Smith"), ("Ted Doe", "Theodore Doe")]:
        assert score(a, b) >= DEFAULT_THRESHOLD, (a, b)
    # a nickname of another name does not
    assert score("Bob Smith", "William Smith") < DEFAULT_THRESHOLD
    _, feats = compare(Query("Bill Clinton", schema="Person"),
                       Query("William Clinton", schema="Person"))
    assert "nickname" in feats[0].text


def test_korean_surname_romanisations_match() -> None:
    assert score("Park Chan Ho", "Pak Chan Ho") >= DEFAULT_THRESHOLD
    assert score("Choi Min Su", "Choe Min Su") >= DEFAULT_THRESHOLD


def test_wade_giles_meets_pinyin() -> None:
    assert sinitic_key("tsetung") == sinitic_key("zedong")
    assert sinitic_key("vladimir") == ""
    assert score("Mao Tse-tung", "Mao Zedong") >= DEFAULT_THRESHOLD
    assert score("Hsi Chin-ping", "Xi Jinping") >= DEFAULT_THRESHOLD
    assert score("Mao Tse-tung", "Liu Shaoqi") < DEFAULT_THRESHOLD


def test_father_and_son_swapped_around_bin_do_not_match() -> None:
    assert score("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI") < DEFAULT_THRESHOLD
    assert score("MUHAMMAD BIN SALMAN AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI") == 1.0


def test_one_cjk_character_changed_is_another_name() -> None:
    assert score("김종은", "김정은") < DEFAULT_THRESHOLD
    assert score("习近朋", "习近平") < DEFAULT_THRESHOLD
    # the same name in traditional characters still matches
    assert score("習近平", "习近平") >= DEFAULT_THRESHOLD


def test_org_abbreviations_and_series_numbers() -> None:
    assert score("Microsoft Corp.", "Microsoft Corporation", "Company") >= DEFAULT_THRESHOLD
    assert score("U.S. Department of State", "United States Department of State",
                 "Organization") >= DEFAULT_THRESHOLD
    assert score("Arctic LNG 2", "Arctic LNG 1", "Company") < DEFAULT_THRESHOLD


def test_initials_written_together_and_abd_al() -> None:
    assert score("JC Juncker", "Jean-Claude Juncker") >= DEFAULT_THRESHOLD
    assert score("'Abd al-Aziz al-Nuristani", "Abdul Aziz Nooristani") >= DEFAULT_THRESHOLD
    assert score("Bachar el-Assad", "Bashar al-Assad") >= DEFAULT_THRESHOLD


def test_regional_qualifier_of_a_group_company() -> None:
    assert score("faberlic", "FABERLIC EUROPE Sp. z o.o.", "Company") >= DEFAULT_THRESHOLD
    assert score("Deutsche Bank (Schweiz) AG", "Deutsche Bank AG", "Company") >= DEFAULT_THRESHOLD
    # two different regional subsidiaries are two companies
    assert score("Bowne Global Solutions (France), S.A.R.L.",
                 "Bowne Global Solutions (Germany), G.m.b.H.", "Company") < DEFAULT_THRESHOLD

"""Text hygiene: invisible characters, lone surrogates, homoglyphs, length caps (issue 11)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivebranch.match import Query, compare
from olivebranch.match.names import analyze
from olivebranch.match.text import clean
from olivebranch.text_hygiene import (
    MAX_NAME_LENGTH,
    TextHygieneError,
    TextTooLongError,
    UnencodableTextError,
    check_text,
    fold_homoglyphs,
    limit_length,
    normalize_text,
    strip_invisible,
)

INVISIBLE = ["\u200d", "\u200c", "\u200b", "\u2060", "\ufe0f", "\u180e", "\u2063", "\u00ad",
             "\u202e", "\ufeff", "\U000e0101"]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_invisible_characters_do_not_split_names(ch: str) -> None:
    for listed in ("Rosneft", "Sovcomflot", "Роснефть"):
        mid = len(listed) // 2
        hidden = listed[:mid] + ch + listed[mid:]
        assert strip_invisible(hidden) == listed
        score, _ = compare(Query(hidden, schema="Company"), Query(listed, schema="Company"))
        assert score == pytest.approx(1.0), (hidden.encode("unicode_escape"), score)


def test_every_format_character_is_stripped() -> None:
    cf = [chr(c) for c in range(0x110000)
          if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) == "Cf"]
    assert len(cf) > 150
    assert strip_invisible("a" + "".join(cf) + "b") == "ab"


@pytest.mark.parametrize("word,plain", [
    ("Rоsneft", "Rosneft"),  # one Cyrillic о in a Latin word
    ("SОVСОMFLОT", "SOVCOMFLOT"),  # capitals
    ("Gazprоm Nеft", "Gazprom Neft"),
    ("Газпрoм", "Газпром"),  # one Latin o in a Cyrillic word
    ("Пyтин", "Путин"),
    ("Αlpha", "Alpha"),  # Greek capital alpha
])
def test_mixed_script_homoglyphs_fold_to_the_majority_script(word: str, plain: str) -> None:
    assert fold_homoglyphs(word) == plain
    score, _ = compare(Query(word), Query(plain))
    assert score == pytest.approx(1.0)


@pytest.mark.parametrize("word", ["Рома", "Москва", "Αθήνα", "Zürich", "Łódź", "ООО Ромашка",
                                  "Ivanov Иван"])
def test_single_script_words_are_untouched(word: str) -> None:
    assert fold_homoglyphs(word) == word


def test_lone_surrogate_is_refused_with_a_4xx_error() -> None:
    with pytest.raises(UnencodableTextError) as err:
        check_text("Acme \udc80 Ltd", field="name")
    assert 400 <= err.value.status_code < 500
    assert "U+DC80" in str(err.value) and "name" in str(err.value)
    assert isinstance(err.value, TextHygieneError) and isinstance(err.value, ValueError)
    assert check_text("Acme Ltd") == "Acme Ltd"
    # matching itself never fails on one
    assert "\udc80" not in normalize_text("Acme \udc80 Ltd")
    compare(Query("Acme \udc80 Ltd"), Query("Acme Ltd"))


def test_length_limits() -> None:
    long = "B" * (MAX_NAME_LENGTH + 1)
    with pytest.raises(TextTooLongError) as err:
        limit_length(long, field="name")
    assert 400 <= err.value.status_code < 500
    assert limit_length(long, truncate=True) == "B" * MAX_NAME_LENGTH
    assert limit_length("short") == "short"
    with pytest.raises(TextTooLongError):
        check_text("abc", max_length=2)


# ---------------------------------------------------------------------- properties

any_text = st.text(alphabet=st.characters(codec=None), max_size=60)
mixed = st.text(alphabet=st.sampled_from(
    list("abcopxyeABCOPXYE") + list("аеорсхуАВЕКМНОРСТХ") + list("αοΑΒΕΟ") + INVISIBLE
    + [" ", "-", "\u0301", "\udc80", "é", "ё"]), max_size=40)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(any_text, mixed))
def test_normalize_text_is_idempotent_total_and_bounded(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert len(once) <= len(text) + text.count(" ")  # never grows (NFC only composes)
    assert strip_invisible(once) == once
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in once)
    once.encode("utf-8")  # always storable


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(any_text, mixed))
def test_name_cleaning_never_fails_and_is_idempotent(text: str) -> None:
    c = clean(text)
    assert clean(c) == c
    for kind in ("person", "org", "object"):
        form = analyze(text, kind)
        assert all(t.fold for t in form.tokens)


def test_the_stored_cf_table_is_the_unicode_database_s():
    """The invisible-character table kept for this Python's Unicode version is what a scan of
    every code point finds (a new Python with another Unicode version scans instead)."""
    import unicodedata

    from olivebranch import text_hygiene

    known = text_hygiene._CF_RANGES.get(unicodedata.unidata_version)
    assert known is None or known == text_hygiene.scan_cf_ranges()
    assert text_hygiene.cf_ranges() == text_hygiene.scan_cf_ranges()

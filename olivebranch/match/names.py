"""Name analysis: a raw name string becomes comparable tokens plus its legal form(s).

Persons lose titles ("President", "Dr") and keep initials and patronymics as tagged tokens.
Organisations lose their legal form (ООО, OOO, LLC, Limited Liability Company, Obshchestvo s
Ogranichennoi Otvetstvennostyu, АО, JSC, ПАО, PJSC, GmbH, SA, …), which is kept apart as a
*weak* feature: "Romashka LLC" and "ООО «Ромашка»" are the same name, and a different legal
form only lowers the score a little. Legal-form recognition uses rigour's table of ~470 forms
(it reads Cyrillic and romanised Russian forms alike) plus our small supplement in
``data/match/legal_forms.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations
from pathlib import Path

from rigour._core import ordinals_dict, person_name_prefixes_list
from rigour.names import extract_org_types, remove_org_types
from rigour.names.prefix import remove_person_prefixes

from olivebranch.match.derived import load_or_build
from olivebranch.match.dictionary import is_word
from olivebranch.match.legal import split_legal_forms
from olivebranch.match.places import country_names
from olivebranch.match.readings import (
    hangul_syllables,
    has_hangul,
    japanese_possible,
    maybe_japanese,
    other_readings,
    romaji,
    segment,
)
from olivebranch.match.symbols import symbols_for
from olivebranch.match.text import (
    clean,
    fold,
    is_cjk,
    is_lossy,
    sinitic_key,
    skeleton,
    split_tokens,
    transliterate,
    unmarked,
)
from olivebranch.paths import DATA_DIR

MATCH_DATA = DATA_DIR / "match"


def _wordlist(name: str) -> frozenset[str]:
    path = Path(MATCH_DATA / name)
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


TITLES = _wordlist("titles.txt")
ORG_STOPWORDS = _wordlist("stopwords.txt")
#: Words common to many organisation names; they count little either way.
ORG_GENERIC = _wordlist("org_generic.txt")
#: Regional qualifiers of group companies (Europe, Schweiz): generic unless both names have
#: a different one.
ORG_REGIONS = _wordlist("org_regions.txt")
#: Extra legal forms (lower-case ASCII phrase → generic form) rigour does not know.
LEGAL_EXTRA: dict[str, str] = {}
for _line in (MATCH_DATA / "legal_forms.txt").read_text(encoding="utf-8").splitlines():
    _line = _line.split("#", 1)[0].strip()
    if "=" in _line:
        _k, _v = _line.split("=", 1)
        LEGAL_EXTRA[_k.strip()] = _v.strip()

#: First words of rigour's person-name prefixes (Mr, Dr, General, His Excellency …).
PERSON_PREFIX_WORDS = frozenset(
    p.split()[0].lower().rstrip(".") for p in person_name_prefixes_list() if p.strip()
)
def _given_names() -> frozenset[str]:
    out: set[str] = set()
    for line in (MATCH_DATA / "common_given_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            out.update(fold(transliterate(w)) for w in split_tokens(clean(line)))
    return frozenset(out)


GIVEN_NAMES = _given_names()


def _variant_groups() -> dict[str, frozenset[int]]:
    """Folded word → the numbers of the ``name_variants.txt`` lines it is on."""
    out: dict[str, set[int]] = {}
    lines = (MATCH_DATA / "name_variants.txt").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        line = line.split("#", 1)[0]
        for w in split_tokens(clean(line)):
            out.setdefault(fold(transliterate(w)), set()).add(n)
    return {k: frozenset(v) for k, v in out.items()}


#: Nicknames, cross-language equivalents and Korean surname romanisations (Bill/William,
#: Juan/John, Park/Pak): folded word → variant groups.
NAME_VARIANTS = _variant_groups()


@lru_cache(maxsize=1)
def _translations() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """``generic_translations.tsv``: folded word → its concepts (industry, oil …), and the
    concepts that are generic (one of their words is in ``org_generic.txt``); kept on disk
    between processes (the words are read in every script)."""
    return load_or_build("generic-translations",
                         [MATCH_DATA / "generic_translations.tsv", MATCH_DATA / "org_generic.txt"],
                         _build_translations)


def _build_translations() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    out: dict[str, set[str]] = {}
    generic: set[str] = set()
    for line in (MATCH_DATA / "generic_translations.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        concept, _, words = line.partition("\t")
        for w in words.split():
            for part in split_tokens(clean(w)):
                asc = transliterate(part)
                if asc in ORG_GENERIC:
                    generic.add(concept)
                if asc:
                    out.setdefault(fold(asc), set()).add(concept)
    return {k: frozenset(v) for k, v in out.items()}, frozenset(generic)


def concepts_of(fold_word: str) -> frozenset[str]:
    """The generic concepts a folded organisation word translates (Sanayi → industry)."""
    return _translations()[0].get(fold_word, frozenset())


def _abbreviations() -> list[tuple[str, str]]:
    out = []
    for line in (MATCH_DATA / "org_abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        if "=" in line:
            k, v = line.split("=", 1)
            out.append((f" {k.strip()} ", f" {v.strip()} "))
    return sorted(out, key=lambda kv: -len(kv[0]))


#: Abbreviated words of organisation names and their full forms (Corp → Corporation).
ORG_ABBREVIATIONS = _abbreviations()
_ABBREVIATION_WORDS = frozenset(k.split()[0] for k, _ in ORG_ABBREVIATIONS)
PATRONYMIC_ENDINGS = ("vig", "vna", "igna", "vic", "vich")
PATRONYMIC_WORDS = frozenset({"ogli", "oglu", "ugli", "kizi", "gizi", "uli"})


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One word of a name with its comparison keys."""

    text: str  # cleaned, original script
    ascii: str
    fold: str
    alts: tuple[str, ...]  # other plausible folds: "ch" read as х, diacritics dropped (č→c),
    # other readings of CJK words (Korean RR/MR and family-name spellings, Japanese kanji)
    hangul: tuple[str, ...]  # Korean syllables of a Hangul or Hanja word (readings.py)
    family: bool  # a Korean word read as a family name
    cjk: bool  # written in Chinese, Japanese or Korean characters (read, not spelt)
    given: bool  # a common given name (Maria, Marfa …): two different ones never match
    variants: frozenset[int]  # nickname/equivalence groups (Bibi ~ Benjamin, Park ~ Pak)
    sinitic: str  # coarse Pinyin/Wade-Giles key when the token reads as Chinese syllables
    skel: str
    lossy: bool
    initial: bool
    patronymic: bool
    numeric: bool
    generic: bool  # a generic organisation word (company, group, trading …)
    region: bool  # a regional qualifier of a group company (Europe, Schweiz)
    word: bool  # a common dictionary word in an organisation or vessel name (Mining, Rail)
    org: bool  # from an organisation or vessel name, not a person's
    concepts: frozenset[str]  # generic concepts the word translates (Sanayi, Neft: industry, oil)
    weight: float
    symbols: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class NameForm:
    """A name ready for comparison."""

    original: str
    kind: str  # "person", "org" or "object"
    tokens: tuple[Token, ...]
    legal_forms: frozenset[str]  # generic classes (llc, jsc …)
    legal_ids: frozenset[str]  # legal-form ids with jurisdictions (see legal.py)
    legal_words: frozenset[str]  # folded words of the legal form as written (jsc, ooo, fze)
    compact: str  # fold forms of all tokens (legal form included) joined, in original order
    digits: str  # the numbers of the name, sorted (Arctic LNG 2 → "2", Orion Metals II → "2")
    joined: tuple[str, ...]  # the name written together, in the orders worth trying
    skel_join: str  # consonant skeletons of the tokens, joined
    lossy: bool  # any token from a script without written vowels or word spaces
    core: int  # tokens that are not patronymics
    sinitic: tuple[str, ...]  # Chinese-syllable keys of the tokens (empty unless all read so)
    hangul: tuple[str, ...]  # Korean syllables of the name (empty unless every word has them)


_LEET_INSIDE = re.compile(r"[^\W\d_]+(?:[01345789]+[^\W\d_]+)+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g",
                       "8": "b", "6": "g", "2": "z"})


def _alternatives(text: str, asc: str, fo: str, kind: str) -> tuple[str, ...]:
    if not text.isascii() and is_cjk(text):
        return ()  # a Pinyin or Hepburn reading spells its syllables exactly (ch is not sh)
    out = []
    if "ch" in fo:
        out.append(fo.replace("ch", "g"))  # German-style ch for х (Michail)
    if "ch" in asc and "sch" not in asc and "tch" not in asc:
        out.append(fold(asc.replace("ch", "sh")))  # French/Portuguese ch for ш (Bachar)
    if "oo" in asc or "ee" in asc:
        # English spellings of long u and i (Nooristani, Ameen, Ghafoor)
        out.append(fold(asc.replace("oo", "u").replace("ee", "i")))
    if not text.isascii():
        # Latin letters with their marks dropped (Vučić written Vucic)
        plain = unmarked(text).lower()
        if plain.isascii():
            plain = "".join(c for c in plain if c.isalnum())
            if plain and plain != asc:
                out.append(fold(plain))
    return tuple(dict.fromkeys(a for a in out if a != fo))


@lru_cache(maxsize=300_000)
def make_token(text: str, kind: str, family: bool = False, japanese: bool = False) -> Token:
    """One name word with its comparison keys; ``family``: a CJK word standing where the
    family name stands (first), which has readings of its own (박 Park, 单 Shan);
    ``japanese``: a word of a name that may be Japanese (readings.maybe_japanese)."""
    if kind == "person" and not text.isdigit() and any(c.isdigit() for c in text):
        text = text.translate(_LEET)  # I9or Sech1n: digits standing in for letters
    elif kind != "person" and _LEET_INSIDE.fullmatch(text) and sum(map(str.isalpha, text)) >= 4:
        # GAZPR0M, R0SNEFT: digits inside a word's letters stand in for letters (numbers of
        # organisation names stand apart or at a word's end: Arctic LNG 2, A1, X5, 3M)
        text = text.translate(_LEET)
    asc = transliterate(text)
    lossy = is_lossy(text)
    fo = fold(asc) if asc else ""
    numeric = any(c.isdigit() for c in fo)
    cjk = lossy and is_cjk(text)
    initial = kind == "person" and len(asc) == 1 and asc.isalpha() and not cjk
    patronymic = kind == "person" and (
        (len(fo) >= 7 and fo.endswith(PATRONYMIC_ENDINGS)) or fo in PATRONYMIC_WORDS
    )
    region = kind != "person" and asc in ORG_REGIONS
    concepts = concepts_of(fo) if kind != "person" and not numeric else frozenset()
    generic = kind != "person" and (
        asc in ORG_GENERIC or region or not concepts.isdisjoint(_translations()[1]))
    weight = 1.0 if initial else float(min(max(len(fo), 2), 10))
    if kind == "person" and asc in ARABIC_ARTICLES:
        weight = 1.0  # the article is often dropped or run into the name (al-Nuristani)
    if generic:
        weight *= 0.3
    syms = symbols_for(fo) if kind == "person" and not initial and not numeric else frozenset()
    alts = _alternatives(text, asc, fo, kind)
    hangul: tuple[str, ...] = ()
    family = family and cjk and kind == "person"
    if lossy:
        more = tuple(fold(r) for r in other_readings(text, kind, family, japanese and cjk))
        if more:
            alts = tuple(dict.fromkeys(a for a in alts + more if a != fo))
    if cjk and (kind == "person" or has_hangul(text)):
        hangul = hangul_syllables(text)
    return Token(
        text=text,
        ascii=asc,
        fold=fo,
        alts=alts,
        hangul=hangul,
        family=family and bool(hangul),
        cjk=cjk,
        given=fo in GIVEN_NAMES,
        variants=NAME_VARIANTS.get(fo, frozenset()) if kind == "person" else frozenset(),
        sinitic=sinitic_key(asc) if kind == "person" else "",
        skel=skeleton(asc, lossy) if asc else "",
        lossy=lossy,
        initial=initial,
        patronymic=patronymic,
        numeric=numeric,
        generic=generic,
        region=region,
        word=kind != "person" and not numeric and is_word(asc),
        org=kind != "person",
        concepts=concepts,
        weight=weight,
        symbols=syms,
    )


def _legal_forms(text: str) -> tuple[str, set[str], set[str]]:
    """Remove legal forms from cleaned text; return the rest, the generic forms found (llc,
    jsc …) and their ids (``data/match/legal_forms_world.tsv`` rows, ``rigour:<generic>``
    for forms only rigour knows)."""
    found: set[str] = set()
    ids: set[str] = set()
    words = split_tokens(text)
    rest_words, forms, _ = split_legal_forms(words)
    if forms:
        for rows in forms:
            for row in rows:
                found.add(row.generic)
                ids.add(row.id)
        text = " ".join(rest_words)
    more = {generic for _, generic in extract_org_types(text, generic=True)}
    if more:
        rest = remove_org_types(text, replacement=" ")
        if split_tokens(rest):
            text = rest
            found |= more
            ids |= {"rigour:" + g for g in more}
    padded = f" {text} "
    for phrase, generic in LEGAL_EXTRA.items():
        if f" {phrase} " in padded:
            found.add(generic)
            ids.add("rigour:" + generic)
            padded = padded.replace(f" {phrase} ", " ")
    return padded.strip(), found, ids


@lru_cache(maxsize=300_000)
def analyze(name: str, kind: str) -> NameForm:
    """Analyse one name as a ``person``, ``org`` (company, organisation, legal entity) or
    ``object`` (vessel, aircraft)."""
    cleaned = clean(name)
    text = segment(cleaned, kind)  # CJK runs cut into words (readings.py)
    all_words = split_tokens(text)
    legal: set[str] = set()
    legal_ids: set[str] = set()
    core_words: list[str] = all_words
    if kind == "person":
        words = all_words
        if words and (words[0] in PERSON_PREFIX_WORDS or words[0] in TITLES):
            words = split_tokens(remove_person_prefixes(text))
        words = [w for w in words if w not in TITLES] or all_words
        words = _person_words(words)
    else:
        # Roman numerals are series markers (Solutions II), not legal forms ("ii")
        if not _ROMAN_WORDS.isdisjoint(all_words):
            text = _ROMAN.sub(lambda m: ORDINALS[m.group(0)], text)
        rest, legal, legal_ids = _legal_forms(text)
        # romanised forms after transliteration (OBSHCHESTVO S OGRANICHENNOI …)
        if not rest.isascii():
            translit = " ".join(transliterate(w) for w in split_tokens(rest))
            rest2, legal2, ids2 = _legal_forms(translit)
            if legal2:
                rest, legal, legal_ids = rest2, legal | legal2, legal_ids | ids2
        words = split_tokens(rest)
        if kind != "person":
            if len(words) >= 2 and words[-1] in _LAST_ROMAN and len(words[-2]) > 1:
                # a lone I, V or X closing a name is its series number (Bain Capital Fund X)
                words = words[:-1] + [_LAST_ROMAN[words[-1]]]
            words = _numbers(_expand(_acronyms(words)))
            words = [_arabic_article_off(w) for w in words]
        core_words = words
        if kind == "org":
            words = [w for w in words if transliterate(w) not in ORG_STOPWORDS] or words
        if not words:
            words = all_words
    tokens = []
    seen: dict[str, str] = {}
    ja = not cleaned.isascii() and maybe_japanese(cleaned, kind, legal_ids)
    for w in words:
        # (only CJK words have family-name and Japanese readings: other words share one
        # cached token)
        if not w.isascii() and is_cjk(w):
            t = make_token(w, kind, not tokens and kind == "person", ja)
        else:
            t = make_token(w, kind)  # (one cache key with the calls below)
        # an organisation saying a word twice says it once, and so does a name written in
        # two scripts (Jin Tiesan (金铁三)); a person's repeated name part is a name part of
        # its own (MOHAMED MOHAMED CADDOW: own and father's name)
        if t.fold and (t.fold not in seen or (kind == "person" and seen[t.fold] == t.text)):
            seen.setdefault(t.fold, t.text)
            tokens.append(t)
    compact = _join([make_token(w, kind).fold for w in all_words])
    return NameForm(
        original=name,
        kind=kind,
        tokens=tuple(tokens),
        legal_forms=frozenset(legal),
        legal_ids=frozenset(legal_ids),
        legal_words=frozenset(fold(transliterate(w)) for w in set(all_words) - set(words)
                              if legal and len(w) <= 5),
        compact=compact,
        digits=" ".join(sorted(t.fold for t in tokens if t.numeric)),
        joined=_joined_forms(kind, compact, tokens,
                             _join([make_token(w, kind).fold for w in core_words]) if legal else "")
        + (_japanese_joined(tokens) if ja else ()),
        skel_join="".join(t.skel for t in tokens),
        core=sum(1 for t in tokens if not t.patronymic),
        lossy=any(t.lossy for t in tokens),
        sinitic=tuple(t.sinitic for t in tokens) if all(t.sinitic for t in tokens) else (),
        hangul=tuple(s for t in tokens for s in t.hangul) if all(t.hangul for t in tokens) else (),
    )


#: The Arabic article written onto a word (الخليج al-Khaleej, للتجارة lil-tijara, وال, بال):
#: organisation names are compared without it, as "al" is left out of Latin ones.
_AR_ARTICLE = re.compile(r"^(?:وال|بال|فال|كال|لل|ال)(?=[\u0621-\u064a]{3})")


def _arabic_article_off(word: str) -> str:
    return _AR_ARTICLE.sub("", word) if word[:1] in "البوفك" else word


def _ordinals() -> dict[str, str]:
    out: dict[str, str] = {}
    for number, forms in ordinals_dict().items():
        for form in forms:
            words = split_tokens(clean(form))
            if len(words) == 1 and not words[0].isdigit():
                out.setdefault(words[0], str(number))
            elif len(words) == 2 and all(w.isalpha() for w in words):
                out.setdefault(" ".join(words), str(number))
    # the languages rigour's table lacks (number_words.tsv)
    for line in (MATCH_DATA / "number_words.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            number, forms = line.split("\t")
            for form in forms.split():
                words = split_tokens(clean(form))
                if len(words) == 1 and words[0].isalpha():
                    out.setdefault(words[0], number)
    return out


ORDINALS = _ordinals()
# Roman numerals as used in fund and vessel names (Fund VIII, Solutions II); "i", "v", "x"
# alone are left as letters
for _n, _r in enumerate(["", "", "ii", "iii", "iv", "", "vi", "vii", "viii", "ix", "", "xi",
                         "xii", "xiii", "xiv", "xv"]):
    if _r:
        ORDINALS.setdefault(_r, str(_n))


# ("xi" is left alone: it is also a Chinese word, as in Xi'an)
_ROMAN_WORDS = frozenset(k for k in ORDINALS if set(k) <= set("ivx") and len(k) > 1 and k != "xi")
_ROMAN = re.compile(r"\b(?:" + "|".join(sorted(_ROMAN_WORDS, key=len, reverse=True)) + r")\b")


def _numbers(words: list[str]) -> list[str]:
    """Number words and ordinals as digits (First → 1, 1st → 1, Forty-Four/Forty 4 → 44)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if i + 1 < len(words):
            pair = f"{w} {words[i + 1]}"
            if pair in ORDINALS:
                out.append(ORDINALS[pair])
                i += 2
                continue
            nxt = ORDINALS.get(words[i + 1], words[i + 1])
            tens = ORDINALS.get(w)
            if tens and tens.endswith("0") and len(tens) == 2 and nxt.isdigit() and len(nxt) == 1:
                out.append(tens[0] + nxt)
                i += 2
                continue
        out.append(ORDINALS.get(w, w))
        i += 1
    return out


_LAST_ROMAN = {"i": "1", "v": "5", "x": "10"}
ARABIC_ARTICLES = frozenset({"al", "el", "ul"})
_NOT_INITIALS = frozenset({"ng", "jr", "sr", "st"})


def _person_words(words: list[str]) -> list[str]:
    """Person-name words as they are compared: "Abd al-Aziz" as "Abdul Aziz" (one word in
    most romanisations), a two-consonant word as the initials it stands for (JC Juncker),
    and four or more single letters in a row as the word they spell (V l a d i m i r)."""
    words = _spelt_out(words)
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "abd" and i + 1 < len(words) and words[i + 1] in ARABIC_ARTICLES:
            out.append("abdul")
            i += 2
            continue
        if (len(w) == 2 and w.isascii() and w.isalpha() and not set(w) & set("aeiouy")
                and w not in _NOT_INITIALS):
            out.extend(w)
        else:
            out.append(w)
        i += 1
    return out


def _spelt_out(words: list[str]) -> list[str]:
    """Runs of four or more single letters joined (a name spelt out letter by letter to slip
    past a screen); three or fewer stay initials (J. R. R. Tolkien)."""
    if sum(1 for w in words if len(w) == 1) < 4:
        return words
    return _letter_runs(words, 4)


def _letter_runs(words: list[str], least: int) -> list[str]:
    """Runs of ``least`` or more single letters joined into one word; shorter runs kept."""
    out: list[str] = []
    run: list[str] = []
    for w in [*words, ""]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        out.extend(["".join(run)] if len(run) >= least else run)
        run = []
        if w:
            out.append(w)
    return out


def _expand(words: list[str]) -> list[str]:
    """Abbreviated organisation words written out (Corp → Corporation, U.S. → United States)."""
    if _ABBREVIATION_WORDS.isdisjoint(words):
        return words
    padded = " " + " ".join(words) + " "
    changed = False
    for short, full in ORG_ABBREVIATIONS:
        while short in padded:
            padded = padded.replace(short, full)
            changed = True
    return padded.split() if changed else words


def _acronyms(words: list[str]) -> list[str]:
    """Runs of single letters are one acronym (A.B.C. Company → abc company)."""
    return _letter_runs(words, 2)


def _joined_forms(
    kind: str, compact: str, tokens: tuple[Token, ...], core: str = ""
) -> tuple[str, ...]:
    """A name written without spaces: as given, and (for people) in every word order, with
    and without the patronymic ("KOTEKIN, Roman" meets "RomanKotekin"). ``core`` is an
    organisation's name without its recognised legal form, written together, stands first
    then (``compact``, with the legal form, is tried too unless both names have one: see
    ``score.joined_sim``)."""
    out = [core or compact]
    toks = [t.fold for t in tokens]
    if kind == "person" and 1 < len(toks) <= 3:
        out.extend(_join(p) for p in permutations(toks))
        core = [t.fold for t in tokens if not t.patronymic]
        if len(core) != len(toks) and len(core) > 1:
            out.extend(_join(p) for p in permutations(core))
    elif toks:
        out.append(_join(toks))
    return tuple(dict.fromkeys(out))


def _join(parts: Sequence[str]) -> str:
    """Words written together; a letter doubled where two words meet counts once, as inside
    a word (Andrang Heta / Ndrangheta)."""
    out = ""
    for p in parts:
        if out and p and out[-1] == p[0] and not p[0].isdigit():
            out += p[1:]
        else:
            out += p
    return out


def _japanese_joined(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """A name in kanji read as Japanese as a whole, written together (三菱重工業 →
    mitsubishijukogyo): the Chinese word cuts need not be the Japanese ones."""
    if not tokens or not all(t.cjk for t in tokens):
        return ()
    text = "".join(t.text for t in tokens)
    if has_hangul(text) or not japanese_possible(text):
        return ()
    r = romaji(text)
    return (fold(r),) if r else ()


def is_country_word(ascii_word: str) -> bool:
    """Whether a name word names a country (Nigeria, Deutschland, Turkiye); regional words
    (Europe, Asia) are not countries. See ``places.py``."""
    return ascii_word in country_names()


def kind_of(schema: str) -> str:
    """The name kind for an FtM schema name."""
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane", "Vehicle"):
        return "object"
    return "org"

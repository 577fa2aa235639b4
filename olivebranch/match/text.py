"""Text normalisation for name matching: clean-up, transliteration and romanisation folding.

Names reach us in Cyrillic, in half a dozen romanisation systems (BGN/PCGN ``Dmitriyev``,
ICAO ``Dmitriev``, German ``Dmitrijew``, French ``Dmitriev``/``Poutine``) and in other scripts.
Three keys per token make them meet:

* ``ascii``: the token transliterated to lower-case ASCII (rigour's ICU4X transliteration for
  Cyrillic, Greek, Armenian, Georgian and Hangul; ``normality`` for everything else);
* ``fold``: ``ascii`` with romanisation variants folded together (``w``→``v``, ``sch``→``sh``,
  ``j``/``y``/``ij``→``i``, ``x``→``ks``, doubled letters…), so BGN, ICAO, GOST, German and
  French spellings of one Russian name usually give the same string;
* ``skeleton``: the consonant skeleton of ``fold`` with voiced/voiceless pairs merged, used for
  scripts that do not write vowels (Arabic, Hebrew) and as a phonetic blocking key.

Transliteration is slow (~100 µs a token), so every function here is memoised per token.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import normality
from rigour.text.scripts import text_scripts
from rigour.text.translit import maybe_ascii

from olivebranch.text_hygiene import normalize_text

#: Scripts whose Latin transliteration loses vowels or is otherwise only approximate:
#: tokens from these are compared by consonant skeleton too.
LOSSY_SCRIPTS = frozenset(
    {
        "Arabic", "Hebrew", "Syriac", "Thaana", "Devanagari", "Bengali", "Kannada", "Tamil",
        "Telugu", "Malayalam", "Gujarati", "Gurmukhi", "Myanmar", "Khmer", "Thai", "Lao",
        "Han", "Hiragana", "Katakana", "Hangul", "Ethiopic", "Tibetan", "Sinhala",
    }
)

# word characters plus the combining marks of scripts that write vowels as marks (Devanagari
# virama, Arabic harakat …), which ``\w`` alone does not cover
_SPLIT = re.compile(
    "[^\\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3099\u309a]+"
)
_QUOTES = str.maketrans({c: " " for c in "«»„“”‘’‚‹›\"'`´·・•|/\\()[]{}<>"})

# Romanisation folding, applied in order to lower-case ASCII. Longest patterns first.
_FOLD_RULES: tuple[tuple[str, str], ...] = (
    ("schtsch", "shch"),  # German щ
    ("shtch", "shch"),  # French щ
    ("chtch", "shch"),
    ("sczc", "shch"),
    ("szcz", "shch"),  # Polish щ
    ("tsch", "ch"),  # German ч
    ("tsj", "ch"),  # Dutch ч (Wladimirowitsj)
    ("tch", "ch"),  # French ч
    ("sch", "sh"),  # German ш
    ("sz", "sh"),  # Polish ш
    ("sj", "sh"),  # Dutch ш
    ("cz", "ch"),  # Polish ч
    ("dzh", "J"),  # дж
    ("dj", "J"),
    ("zh", "Z"),  # ж
    ("kh", "h"),  # х (BGN) vs h (ICAO Ukrainian) vs ch (German, below)
    ("ph", "f"),
    ("ck", "k"),
    ("ou", "u"),  # French у
    ("w", "v"),  # German в
    ("ts", "T"),  # ц
    ("tz", "T"),
    ("q", "k"),
)
_VOWELS = frozenset("aeiou")


# Latin letters with diacritics whose plain-ASCII stripping would lose a sound (č→c).
_READ = re.compile("[\u05d0-\u05ea\u0e01-\u0e5b\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")

_LATIN_PREMAP = str.maketrans(
    {
        "č": "ch", "ć": "ch", "š": "sh", "ś": "sh", "ž": "zh", "ź": "zh", "ż": "zh", "ç": "ch",
        "ş": "sh", "ș": "sh", "ț": "ts", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss",
        "đ": "dj", "ð": "d", "þ": "th",
    }
)


# Cyrillic (Russian, Ukrainian, Belarusian, Serbian/Macedonian, Kazakh letters) to Latin, close
# to BGN/PCGN as rigour writes it (Шевченко → shevchenko, Юрий → yuriy). A table is ~100× faster
# than ICU transliteration, and the folding step makes the remaining system differences moot.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j",
        "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
        "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
        "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u",
    }
)


@lru_cache(maxsize=200_000)
def unmarked(text: str) -> str:
    """Text with its combining marks dropped (Vučić → Vucic, společnost → spolecnost);
    letters that are not a base letter plus a mark (ł, ø) stay as they are."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def transliterate(token: str) -> str:
    """One token in any script to lower-case ASCII letters and digits."""
    if token.isascii():
        return token.lower()
    token = token.translate(_LATIN_PREMAP)
    if token.isascii():
        return token.lower()
    cyr = token.lower().translate(_CYRILLIC)
    if cyr.isascii():
        return "".join(c for c in cyr if c.isalnum())
    if _READ.search(token):
        # Chinese, Japanese, Korean and Hebrew are read, not spelt (see readings.py)
        from olivebranch.match.readings import reading

        out = reading(token)
        if out:
            return out
    out = maybe_ascii(token)
    if not out.isascii():
        out = normality.ascii_text(out) or ""
    out = out.lower()
    return "".join(c for c in out if c.isalnum())


@lru_cache(maxsize=200_000)
def is_lossy(token: str) -> bool:
    """Whether the token is written in a script whose transliteration is approximate."""
    if token.isascii():
        return False
    return bool(text_scripts(token) & LOSSY_SCRIPTS)


@lru_cache(maxsize=200_000)
def fold(ascii_token: str) -> str:
    """Fold romanisation variants of one ASCII token into one spelling (see module doc)."""
    t = ascii_token
    for pat, rep in _FOLD_RULES:
        if pat in t:
            t = t.replace(pat, rep)
    # Dutch "oe" is у before a consonant (Poetin)
    if "oe" in t:
        t = re.sub(r"oe(?=[^aeiouy])", "u", t)
    # German "ch" is х (Chodorkowski, Michail, -witsch); Russian-style "ch" is ч. Before a
    # consonant or at the end of a word it is х.
    t = re.sub(r"ch(?=[^aeiouy]|$)", "h", t)
    t = t.replace("ch", "C").replace("x", "ks").replace("c", "k").replace("kh", "h")
    t = t.replace("y", "i").replace("j", "i")
    # г is h in Ukrainian/Belarusian romanisation (Hennadiy, Ihor, Oleh) and g in Russian;
    # х (kh, German ch) meets them there too.
    t = re.sub(r"(?<![sz])h", "g", t)
    t = t.replace("Z", "zh").replace("J", "j").replace("T", "ts").replace("C", "ch")
    # е after a vowel or at the start is written ye/ie/je or e (Dmitriyev/Dmitriev, Yelena/Elena);
    # doubled letters collapse (Kirill/Kiril, iy/ii/ij)
    return _dedupe(_dedupe(t).replace("ie", "e"))


def _dedupe(t: str) -> str:
    out: list[str] = []
    for ch in t:
        if not out or out[-1] != ch or ch.isdigit():
            out.append(ch)
    return "".join(out)
    return t


_SKELETON_MAP = str.maketrans({"p": "b", "v": "f", "w": "f", "z": "s", "q": "k", "c": "k", "g": "k"})


@lru_cache(maxsize=200_000)
def skeleton(ascii_token: str, lossy: bool = False) -> str:
    """Consonant skeleton: fold, drop vowels, merge b/p, f/v/w, s/z, k/c/q/g; collapse repeats.
    For abjad transliterations (``lossy``) inner ``w``/``y`` are vowel letters and are dropped."""
    # a lone h (Arabic ح/ه, Hebrew ה) is not a consonant worth keeping; digraphs (sh, zh, ch,
    # kh) are
    ascii_token = re.sub(r"(?<![szck])h", "", ascii_token)
    if lossy:
        ascii_token = ascii_token[:1] + ascii_token[1:].replace("w", "").replace("y", "")
    t = fold(ascii_token).replace("zh", "j").replace("sh", "s").replace("ch", "k")
    t = t.translate(_SKELETON_MAP)
    out = []
    for ch in t:
        if ch in _VOWELS or ch in "hyw":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


def clean(text: str) -> str:
    """Unicode clean-up: invisible characters out and mixed-script homoglyphs folded
    (:func:`olivebranch.text_hygiene.normalize_text`), NFKC, drop stress marks on Cyrillic
    (Влади́мир), casefold, quotes and brackets to spaces, collapse whitespace.

    The steps feed each other (NFKC turns MICRO SIGN into Greek mu, casefold changes letters the
    homoglyph fold then sees, a fold can leave a stress mark on a Cyrillic letter), so non-ASCII
    text is cleaned again until it stops changing: cleaning a cleaned name changes nothing."""
    out = _clean_once(text)
    if out.isascii():
        return out
    for _ in range(4):
        again = _clean_once(out)
        if again == out:
            break
        out = again
    return out


def _clean_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", normalize_text(text))
    if "\u0301" in text or "\u0300" in text:
        text = _STRESS.sub(r"\1", unicodedata.normalize("NFD", text))
        text = unicodedata.normalize("NFC", text)
    if _INNER_MARK.search(text):
        text = _INNER_MARK.sub("", _POSSESSIVE.sub("", text))
    text = text.translate(_QUOTES).casefold()
    return " ".join(text.split())


# An apostrophe inside a word is a transliteration mark (ʿayn or hamza: Qa'ida, Mu'ammar;
# McCune-Reischauer aspiration: Ky'ong; O'Brien), and Hebrew writes abbreviations with a
# geresh or gershayim inside (בע"מ): the word stays one word.
_POSSESSIVE = re.compile(r"(?<=[a-zA-Z])['’]s\b")  # Deutsche Bank's AG: the bank's own name
_INNER_MARK = re.compile(r"(?<=[^\W\d_])['’`´ʻʼ‘\"״׳](?=[^\W\d_])")


_STRESS = re.compile("([\u0400-\u04ff])[\u0300\u0301]")


def split_tokens(text: str) -> list[str]:
    """Split cleaned text into word tokens (letters and digits of any script)."""
    return [t for t in _SPLIT.split(text) if t and t != "_"]


# Chinese syllables in Pinyin and in Wade-Giles (apostrophes dropped), for folding the two
# systems together: Mao Tse-tung / Mao Zedong, Hsi Chin-ping / Xi Jinping. The key merges what
# the systems write differently: unaspirated stops (WG p t k = Pinyin b d g), the affricates
# (WG ch = Pinyin zh/ch/j/q, WG ts/tz = Pinyin z/c) and the sibilants (WG hs = Pinyin x, s, sh).
_SINITIC_INITIALS = {
    "zh": "j", "ch": "j", "j": "j", "q": "j", "ts": "z", "tz": "z", "z": "z", "c": "z",
    "hs": "s", "x": "s", "sh": "s", "s": "s", "ss": "s", "sz": "s",
    "b": "b", "p": "b", "d": "d", "t": "d", "g": "g", "k": "g",
    "m": "m", "f": "f", "n": "n", "l": "l", "h": "h", "r": "r", "y": "y", "w": "w", "": "",
}
_SINITIC_FINALS = {
    "a": "a", "ai": "ai", "an": "an", "ang": "ang", "ao": "ao", "e": "e", "eh": "e", "ei": "ei",
    "en": "en", "eng": "eng", "er": "er", "erh": "er", "o": "o", "ong": "ong", "ung": "ong",
    "ou": "ou", "i": "i", "ih": "i", "ia": "ia", "ian": "ian", "ien": "ian", "iang": "iang",
    "iao": "iao", "ie": "ie", "ieh": "ie", "in": "in", "ing": "ing", "iong": "iong",
    "iung": "iong", "iu": "iu", "u": "u", "ua": "ua", "uai": "uai", "uan": "uan",
    "uang": "uang", "ui": "ui", "uei": "ui", "un": "un", "uo": "uo", "ue": "ue", "ueh": "ue",
}
_SINITIC_INI_ORDER = sorted(_SINITIC_INITIALS, key=len, reverse=True)
_SINITIC_FIN_ORDER = sorted(_SINITIC_FINALS, key=len, reverse=True)


_INI = "(" + "|".join(_SINITIC_INI_ORDER[:-1]) + "|)"
_FIN = "(" + "|".join(_SINITIC_FIN_ORDER) + ")"
#: One to three syllables, each an optional initial and a final
_SINITIC_RE = re.compile(f"{_INI}{_FIN}(?:{_INI}{_FIN})?(?:{_INI}{_FIN})?")


@lru_cache(maxsize=200_000)
def sinitic_key(ascii_token: str) -> str:
    """Coarse key of a token that reads as one to three Chinese syllables in Pinyin or
    Wade-Giles ("" when it does not): ``tsetung`` and ``zedong`` both give ``zedong``."""
    m = _SINITIC_RE.fullmatch(ascii_token) if len(ascii_token) <= 14 else None
    if m is None:
        return ""
    parts = m.groups()
    return "".join(
        _SINITIC_INITIALS[parts[i]] + _SINITIC_FINALS[parts[i + 1]]
        for i in range(0, 6, 2) if parts[i + 1] is not None
    )


_CJK = frozenset({"Han", "Hangul", "Hiragana", "Katakana"})


@lru_cache(maxsize=200_000)
def is_cjk(token: str) -> bool:
    """Whether the token is written only in Chinese, Japanese or Korean characters, where
    every character is a syllable of meaning: another character is another name, not a typo."""
    if token.isascii():
        return False
    scripts = text_scripts(token)
    return bool(scripts) and scripts <= _CJK


@lru_cache(maxsize=1)
def _hant_hans():  # noqa: ANN202 - ICU's traditional-to-simplified Chinese transliterator
    import icu

    return icu.Transliterator.createInstance("Hant-Hans")


@lru_cache(maxsize=50_000)
def simplified(text: str) -> str:
    """Chinese characters in their simplified forms (習近平 → 习近平), by ICU."""
    return _hant_hans().transliterate(text)

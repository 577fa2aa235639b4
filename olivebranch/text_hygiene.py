"""Text hygiene for every input (CLI, API, files) before it is stored, compared or shown.

Three things make text that looks right behave wrongly:

* **lone surrogates** (``"\\udc80"``, from ``surrogateescape`` decoding or JSON ``\\udc80``
  escapes) cannot be encoded as UTF-8: anything that writes them fails later, far from the
  input. :func:`check_text` refuses them with :class:`UnencodableTextError`, which carries an
  HTTP status (422) for the API's error handler.
* **invisible characters**: format characters (Unicode category ``Cf``: zero-width joiner and
  non-joiner U+200D/U+200C, zero-width space U+200B, word joiner U+2060, invisible separator
  U+2063, Mongolian vowel separator U+180E, soft hyphen, bidi controls …) and variation
  selectors (U+FE00–FE0F, U+E0100–E01EF) split or hide words without being seen:
  ``Ros\\u200dneft`` must still be Rosneft. :func:`strip_invisible` removes them.
* **mixed-script homoglyphs**: ``Rоsneft`` with a Cyrillic ``о`` is Rosneft to a reader.
  :func:`fold_homoglyphs` rewrites a word that mixes Latin with Cyrillic or Greek letters
  into its majority script using the Unicode confusables data (UTS #39) as ICU ships it
  (PyICU ``SpoofChecker``; ICU is maintained by the Unicode consortium and updated with each
  Unicode release). Words in one script are never touched: Cyrillic ``Рома`` stays Cyrillic.

:func:`normalize_text` does all three (plus NFC) and is what matching uses; :func:`limit_length`
caps a field for parsers and the API.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Default cap for one name field (characters); the longest real listed names are ~300.
MAX_NAME_LENGTH = 1000

# Variation selectors are category Mn, not Cf, so they are listed on their own.
_VARIATION = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextHygieneError(ValueError):
    """Input text that cannot be accepted. ``status_code`` is the HTTP status to answer with."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class UnencodableTextError(TextHygieneError):
    """The text holds a lone surrogate code point: it is not valid Unicode and cannot be stored."""


class TextTooLongError(TextHygieneError):
    """The text is longer than the field allows."""

    status_code = 413


#: Category Cf as ranges of code points, per Unicode version of ``unicodedata`` (scanning all
#: 1.1 million code points costs ~0.5 s at every start of a CLI command; a test checks the table
#: against the scan). Another Python's Unicode version falls back to the scan.
_CF_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "14.0.0": (
        (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
        (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
        (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
    ),
}


def scan_cf_ranges() -> tuple[tuple[int, int], ...]:
    """Every run of category-Cf code points in this Python's Unicode database."""
    ranges: list[tuple[int, int]] = []
    start = prev = -2
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) != "Cf":
            continue
        if cp == prev + 1:
            prev = cp
        else:
            if start >= 0:
                ranges.append((start, prev))
            start = prev = cp
    if start >= 0:
        ranges.append((start, prev))
    return tuple(ranges)


def cf_ranges() -> tuple[tuple[int, int], ...]:
    known = _CF_RANGES.get(unicodedata.unidata_version)
    return known if known is not None else scan_cf_ranges()


def _build_invisible() -> re.Pattern[str]:
    ranges = [_range(a, b) for a, b in cf_ranges()]
    # U+180E (Mongolian vowel separator) was Cf before Unicode 6.3 and is still used to hide
    # breaks; U+115F/U+1160/U+3164/U+FFA0 are Hangul fillers that render as nothing.
    extra = "\u180e\u115f\u1160\u3164\uffa0\u034f"
    return re.compile("[" + "".join(ranges) + _VARIATION + extra + "]")


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


_INVISIBLE = _build_invisible()


def has_lone_surrogate(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def check_text(text: str, *, field: str | None = None, max_length: int | None = None) -> str:
    """Return ``text`` unchanged if it can be accepted; raise :class:`UnencodableTextError` for
    lone surrogates and :class:`TextTooLongError` above ``max_length`` characters."""
    if _SURROGATE.search(text):
        pos = _SURROGATE.search(text).start()  # type: ignore[union-attr]
        raise UnencodableTextError(
            f"invalid character U+{ord(text[pos]):04X} (a lone surrogate) at position {pos}",
            field=field)
    if max_length is not None and len(text) > max_length:
        raise TextTooLongError(f"{len(text)} characters, at most {max_length} allowed",
                               field=field)
    return text


def limit_length(text: str, max_length: int = MAX_NAME_LENGTH, *, field: str | None = None,
                 truncate: bool = False) -> str:
    """Cap a field: raise :class:`TextTooLongError` above ``max_length`` characters, or cut it
    there when ``truncate`` (for parsers that keep a record but not its runaway field)."""
    if len(text) <= max_length:
        return text
    if truncate:
        return text[:max_length]
    raise TextTooLongError(f"{len(text)} characters, at most {max_length} allowed", field=field)


def strip_invisible(text: str) -> str:
    """Remove format characters (category Cf) and variation selectors."""
    return _INVISIBLE.sub("", text)


def drop_surrogates(text: str) -> str:
    """Lone surrogates removed (for matching, where refusing is the caller's job)."""
    return _SURROGATE.sub("", text)


# ------------------------------------------------------------------------- homoglyphs

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# a word with its combining marks (which ``\w`` alone does not cover)
_WORD = re.compile("(?:\\w|[\u0300-\u036f\u0483-\u0489\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    head = name.split(" ", 1)[0]
    return head if head in _SCRIPTS else None


def _skeleton_fn():  # noqa: ANN202 - ICU's UTS #39 skeleton of a string
    import icu

    checker = icu.SpoofChecker()
    return lambda s: checker.getSkeleton(0, s)


@lru_cache(maxsize=1)
def confusable_tables() -> dict[str, dict[str, str]]:
    """Per target script, the letters of the other scripts that look like one of its letters
    (``{"LATIN": {"о": "o", …}, "CYRILLIC": {"o": "о", …}, "GREEK": {…}}``), lower and upper
    case, derived from the UTS #39 confusables skeletons."""
    skel = _skeleton_fn()
    letters: dict[str, list[str]] = {s: [] for s in _SCRIPTS}
    blocks = {"LATIN": [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F)],
              "CYRILLIC": [(0x400, 0x52F)], "GREEK": [(0x370, 0x3FF)]}
    for script, spans in blocks.items():
        for a, b in spans:
            for cp in range(a, b + 1):
                ch = chr(cp)
                if ch.isalpha() and _script(ch) == script:
                    letters[script].append(ch)
    by_skel: dict[str, dict[str, str]] = {s: {} for s in _SCRIPTS}
    for script, chars in letters.items():
        for ch in chars:
            k = skel(ch)
            # the first (lowest code point) letter of a script with this skeleton stands for it
            by_skel[script].setdefault(k, ch)
    out: dict[str, dict[str, str]] = {s: {} for s in _SCRIPTS}
    for target in _SCRIPTS:
        for source in _SCRIPTS:
            if source == target:
                continue
            for ch in letters[source]:
                k = skel(ch)
                if k in by_skel[target]:
                    out[target][ch] = by_skel[target][k]
    return out


def _fold_word(word: str) -> str:
    counts: dict[str, int] = {}
    for ch in word:
        s = _script(ch)
        if s:
            counts[s] = counts.get(s, 0) + 1
    if len(counts) < 2:
        return word
    tables = confusable_tables()
    # the majority script wins; on a tie, the script every other letter can be written in
    for target in sorted(counts, key=lambda s: -counts[s]):
        table = tables[target]
        if all(_script(ch) in (target, None) or ch in table for ch in word):
            return "".join(ch if _script(ch) in (target, None) else table[ch] for ch in word)
    return word


def fold_homoglyphs(text: str) -> str:
    """Words mixing Latin, Cyrillic and Greek letters rewritten in their majority script
    where every foreign letter has a look-alike there (``Rоsneft`` → ``Rosneft``,
    ``Газпрoм`` → ``Газпром``). Single-script words are left as they are."""
    if text.isascii():
        return text
    return _WORD.sub(lambda m: _fold_word(m.group(0)), text)


def normalize_text(text: str) -> str:
    """The matching form of any input text: lone surrogates dropped, NFC, invisible
    characters removed, mixed-script homoglyphs folded. Idempotent; never raises on a str."""
    if text.isascii():
        return text
    text = drop_surrogates(text)
    text = unicodedata.normalize("NFC", strip_invisible(text))
    # folding can leave a composable pair (a Latin letter before a combining mark), and the
    # composed letter can join two words: repeat until nothing changes
    for _ in range(3):
        folded = unicodedata.normalize("NFC", fold_homoglyphs(text))
        if folded == text:
            break
        text = folded
    return text

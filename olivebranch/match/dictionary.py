"""Common words of the major Latin-script languages, to tell a typo from another word.

"Mining" and "Dining", "Mail" and "Rail" are one letter apart, but each is a word of its own:
in an organisation or vessel name such a change names another company, not a typo. The
table ``data/match/dictionary_words.txt`` holds the most frequent words (transliterated to
lower-case ASCII, 4+ letters) of English, German, French, Spanish, Italian, Portuguese, Dutch,
Turkish, Polish, Indonesian and Czech, taken from the ``wordfreq`` package's frequency lists
(Robyn Speer et al., data CC BY-SA 4.0: Wikipedia, subtitles, news, books, web text).

Rebuild (needs ``pip install wordfreq``; not a runtime dependency)::

    python -m olivebranch.match.dictionary
"""

from __future__ import annotations

from functools import lru_cache

from olivebranch.paths import DATA_DIR

TABLE = DATA_DIR / "match" / "dictionary_words.txt"
LANGS = {"en": 30000, "de": 12000, "fr": 12000, "es": 12000, "it": 12000, "pt": 12000,
         "nl": 8000, "tr": 8000, "pl": 8000, "id": 8000, "cs": 6000}


@lru_cache(maxsize=1)
def words() -> frozenset[str]:
    if not TABLE.exists():
        return frozenset()
    return frozenset(line for line in TABLE.read_text(encoding="utf-8").splitlines()
                     if line and not line.startswith("#"))


def is_word(ascii_token: str) -> bool:
    """Whether a transliterated token is a common word of a major Latin-script language."""
    return ascii_token in words()


def _main() -> None:
    from wordfreq import top_n_list

    from olivebranch.match.text import transliterate

    out: set[str] = set()
    for lang, n in LANGS.items():
        for w in top_n_list(lang, n):
            if not w.isalpha():
                continue
            a = transliterate(w)
            if len(a) >= 4 and a.isalpha() and a.isascii():
                out.add(a)
    with TABLE.open("w", encoding="utf-8") as f:
        f.write("# common words (see olivebranch/match/dictionary.py); wordfreq data, "
                "CC BY-SA 4.0\n")
        for w in sorted(out):
            f.write(w + "\n")
    print(f"{len(out)} words written to {TABLE}")


if __name__ == "__main__":
    _main()

"""Country names in many languages, for telling a national subsidiary's name apart.

``data/match/country_names.txt`` holds the names of current countries (their English
names and the other-language names rigour calls strong, 5+ letters, no common words) from
rigour's territory data, as lower-case ASCII (one a line, words
separated by one space). rigour builds its own lookup in ~5 s, too slow for a CLI call.

Rebuild after upgrading rigour::

    python -m olivebranch.match.places
"""

from __future__ import annotations

from functools import lru_cache

from olivebranch.paths import DATA_DIR

TABLE = DATA_DIR / "match" / "country_names.txt"


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    if not TABLE.exists():
        return frozenset()
    return frozenset(line for line in TABLE.read_text(encoding="utf-8").splitlines()
                     if line and not line.startswith("#"))


def _norm(text: str) -> str:
    from olivebranch.match.text import clean, split_tokens, transliterate

    return " ".join(transliterate(w) for w in split_tokens(clean(text)))


def is_country(text: str) -> bool:
    """Whether the text (one or more words) is the name of a current country."""
    return _norm(text) in country_names()


def _main() -> None:
    from rigour.territories.lookup import _load_territory_names

    from olivebranch.match.dictionary import is_word

    out: set[str] = set()
    for territory, strongs, _weaks, _places in _load_territory_names():
        if not territory.is_country or territory.is_historical:
            continue
        out.update(_norm(n) for n in (territory.name, territory.full_name) if n)
        for name in strongs:
            n = _norm(name)
            # native and other-language names; short or dictionary-word ones are too ambiguous
            if len(n) >= 5 and n.replace(" ", "").isalpha() and (len(n) >= 6 or not is_word(n)):
                out.add(n)
    with TABLE.open("w", encoding="utf-8") as f:
        f.write("# country names from rigour's territory data (see olivebranch/match/places.py)\n")
        for n in sorted(out):
            f.write(n + "\n")
    print(f"{len(out)} country names written to {TABLE}")


if __name__ == "__main__":
    _main()

"""Given- and family-name identities (Wikidata ids) for name tokens, from a bundled table.

rigour's name tagger knows that Юлия, Yulia, Julia and Iouliia are one given name, and that
Maria and Marfa are two. Its dictionary takes ~8 s of CPU to load, too slow for a CLI call, so
the identities of every word in the bundled lists' person names (plus common given names) are
extracted once into ``data/match/name_symbols.tsv`` (``fold<TAB>Q1 Q2 …``), keyed by the
romanisation-folded form so that every script and spelling finds them.

Rebuild after changing the bundled lists or the folding rules::

    python -m olivebranch.match.symbols [--db URL]
"""

from __future__ import annotations

import argparse
from functools import lru_cache
from pathlib import Path

from olivebranch.paths import DATA_DIR

TABLE = DATA_DIR / "match" / "name_symbols.tsv"


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    if not TABLE.exists():
        return out
    interned: dict[str, str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, ids = line.partition("\t")
        out[key] = frozenset(interned.setdefault(i, i) for i in ids.split())
    return out


def symbols_for(fold: str) -> frozenset[str]:
    """The name identities of a folded token (empty when unknown)."""
    return _table().get(fold, frozenset())


def build(words: set[str], path: Path = TABLE) -> int:
    """Tag ``words`` with rigour and write the table; returns the number of rows."""
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    from olivebranch.match.text import fold, transliterate

    table: dict[str, set[str]] = {}
    for w in sorted(words):
        f = fold(transliterate(w))
        if len(f) < 2 or any(c.isdigit() for c in f):
            continue
        for name in analyze_names(NameTypeTag.PER, [w], phonetics=False, numerics=False,
                                  consolidate=False, rewrite=False):
            for span in name.spans:
                if span.symbol.category == SymbolCategory.NAME:
                    table.setdefault(f, set()).add(span.symbol.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write("# fold<TAB>Wikidata name ids (rigour name symbols); see olivebranch/match/symbols.py\n")
        for f in sorted(table):
            out.write(f"{f}\t{' '.join(sorted(table[f]))}\n")
    _table.cache_clear()
    return len(table)


def _main() -> None:
    from olivebranch.match.text import clean, split_tokens
    from olivebranch.store import Store

    ap = argparse.ArgumentParser(description="Rebuild data/match/name_symbols.tsv")
    ap.add_argument("--db", default=None, help="store with the bundled lists imported")
    args = ap.parse_args()
    store = Store(args.db)
    words: set[str] = set()
    for _vid, data in store.iter_entity_dicts(schemata=["Person"]):
        props = data.get("properties") or {}
        for prop in ("name", "alias", "weakAlias", "previousName", "firstName", "lastName",
                     "middleName", "fatherName"):
            for value in props.get(prop, []):
                words.update(split_tokens(clean(value)))
    extra = DATA_DIR / "match" / "common_given_names.txt"
    for line in extra.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(split_tokens(clean(line)))
    print(f"{build(words)} folded name words with identities, from {len(words)} words")


if __name__ == "__main__":
    _main()

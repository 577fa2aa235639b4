"""Candidate pairs for scored links: which groups of records are worth comparing by name.

Comparing every pair of ~35,000 groups is out of the question, and the screening index answers
one query in milliseconds, too slow to ask 35,000 times. Instead each name is cut into words
(accents folded, non-Latin names transliterated only when a group has no Latin-script name),
and each group is posted under keys: each pair of words of one name, and each rare word (which
selects only one-word names such as "Rosneft"); a person's pair keys also come qualified by birth year, so that common names ("Mohammed
Ali") still meet their namesakes of the same year when the plain key is too common to use.
Groups sharing a key are candidates; keys held by too many groups select nothing and are
dropped. The scorer then judges each candidate pair (:mod:`olivebranch.parties.evidence`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from olivebranch.parties.evidence import Side, common_schema
from olivebranch.parties.names import name_skeletons

#: A word held by at most this many groups is rare enough to select candidates on its own.
RARE_WORD = 25
#: Keys held by more groups than this select nothing (and would cost quadratic time).
MAX_POSTING = 30
#: Words per name used for pair keys (the rarest ones).
PAIR_WORDS = 5
def _names_for_blocking(side: Side) -> list[tuple[str, ...]]:
    return [ws for _name, ws in name_skeletons(side)]


def _years(side: Side) -> set[str]:
    return {d[:4] for d in side.birth_dates if d[:4].isdigit()}


def candidate_pairs(sides: Sequence[Side], dirty: set[int] | None = None) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of sides worth scoring: compatible schemata, no
    publisher in common, and a shared pair of words of one name (or, for a one-word name such
    as "Rosneft", that word among the rare words of the other side's names). With ``dirty``,
    only pairs with at least one side in it (an incremental run)."""
    tokenised = [_names_for_blocking(s) for s in sides]
    df: Counter[str] = Counter()
    for names in tokenised:
        df.update({w for ws in names for w in ws})
    postings: dict[str, list[int]] = defaultdict(list)
    singles: dict[str, list[int]] = defaultdict(list)
    for i, (side, names) in enumerate(zip(sides, tokenised, strict=True)):
        keys: set[str] = set()
        words_of: set[str] = set()
        single: set[str] = set()
        years = _years(side) if side.schema == "Person" else set()
        for ws in names:
            useful = list(dict.fromkeys(ws))
            for w in useful:
                if df[w] <= RARE_WORD and (len(w) >= 3 or w.isdigit()):
                    words_of.add(w)
            rarest = sorted(useful, key=lambda w: (df[w], w))[:PAIR_WORDS]
            if len(rarest) == 1:
                single.add(rarest[0])
            for a, b in combinations(sorted(rarest), 2):
                keys.add(f"p:{a}|{b}")
                for y in years:
                    keys.add(f"y:{a}|{b}|{y}")
        for k in keys:
            postings[k].append(i)
        for w in words_of | single:
            postings["w:" + w].append(i)
        for w in single:
            singles[w].append(i)
    pairs: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if i == j:
            return
        if i > j:
            i, j = j, i
        if (i, j) in pairs:
            return
        a, b = sides[i], sides[j]
        if a.families & b.families or common_schema(a.schema, b.schema) is None:
            return
        pairs.add((i, j))

    for key, members in postings.items():
        if len(members) < 2 or len(members) > MAX_POSTING:
            continue
        if dirty is not None and not dirty.intersection(members):
            continue
        if key.startswith("w:"):
            # a rare word alone selects only for one-word names
            for i in singles.get(key[2:], ()):
                for j in members:
                    if dirty is None or i in dirty or j in dirty:
                        add(i, j)
            continue
        for i, j in combinations(members, 2):
            if dirty is None or i in dirty or j in dirty:
                add(i, j)
    return pairs


def pairs_touching(pairs: Iterable[tuple[int, int]], dirty: set[int]) -> set[tuple[int, int]]:
    return {p for p in pairs if p[0] in dirty or p[1] in dirty}

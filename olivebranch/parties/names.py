"""Names cut into words for blocking and for choosing which names the scorer compares.

Words are lower-case ASCII (accents folded; other scripts transliterated). Each word is also
reduced to its consonant *skeleton*, on which the transliterations of one name agree
(Dmitry/Dmitriy/Dmitrij -> ``dmtr``, Agayev/Agaev -> ``gv``, Ghiath/Ghaith -> ``gt``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Protocol


class HasNames(Protocol):
    names: tuple[str, ...]


#: Words that never select candidates on their own: legal forms and generic organisation words.
GENERIC = frozenset(
    """llc ltd limited co company corp corporation inc jsc ojsc pjsc cjsc ooo oao zao pao ao
    ip tov pp llp plc sa s a ag gmbh bv nv srl spa sas sarl fze fzco fzc fz dmcc jv
    joint stock open closed public private liability the of and for de la el al du des le
    bank group trading trade international holding holdings industrial industries enterprise
    enterprises services service shipping management investment investments general global
    state federal unitary scientific research production association plant factory center
    centre institute foundation organization organisation society union partnership
    firm business commercial""".split()
)


@lru_cache(maxsize=200_000)
def words(name: str) -> tuple[str, ...]:
    """Lower-case ASCII words of a name (accents folded; other scripts transliterated)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if not text.isascii():
        from normality import ascii_text

        text = ascii_text(text) or ""
    out = []
    cur = []
    for ch in text.lower():
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return tuple(w for w in out if len(w) >= 2 or w.isdigit())


_SILENT = frozenset("aeiouyhj")
#: Spellings of one sound across transliteration systems (German, French, Swedish, English).
_SOUNDS = (("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("tj", "ch"), ("sj", "sh"),
           ("x", "ks"), ("ph", "f"), ("q", "k"), ("c", "k"), ("w", "v"), ("z", "s"))


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """A word's consonants with repeats collapsed and spelling variants of one sound folded:
    the transliterations of one name agree (Dmitry/Dmitriy/Dmitrij -> dmtr,
    Alexandrovich/Aleksandrovich -> lksndrvk, Agayev/Agaev -> gv, Ghiath/Ghaith -> gt)."""
    if word.isdigit():
        return word
    for a, b in _SOUNDS:
        if a in word:
            word = word.replace(a, b)
    out: list[str] = []
    for ch in word:
        if ch in _SILENT:
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out) or word


def name_skeletons(side: HasNames) -> list[tuple[str, tuple[str, ...]]]:
    """(name, skeletons of its non-generic words) for the side's Latin-script names (all its
    names when it has none in Latin script), at most 20."""
    cached = getattr(side, "_skeletons", None)
    if cached is not None:
        return cached
    latin = [n for n in side.names if n.isascii() or _mostly_latin(n)]
    chosen = latin or list(side.names)
    out = []
    for n in chosen[:20]:
        ws = tuple(skeleton(w) for w in words(n) if w not in GENERIC)
        if ws:
            out.append((n, ws))
    try:
        side._skeletons = out  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return out


def closest_names(a: HasNames, b: HasNames, k: int = 3) -> tuple[float, list[str], list[str]]:
    """The share of words two sides' closest names have in common (consonant skeletons, so
    transliterations agree), and each side's ``k`` names closest to the other side: the scorer
    then compares only those (every pair of 20 aliases each would cost 400 comparisons)."""
    na, nb = name_skeletons(a), name_skeletons(b)
    if not na or not nb:
        return 0.0, list(a.names[:k]), list(b.names[:k])
    return closest_among(na, nb, k)


def closest_among(na: list[tuple[str, tuple[str, ...]]], nb: list[tuple[str, tuple[str, ...]]],
                  k: int = 3) -> tuple[float, list[str], list[str]]:
    """:func:`closest_names` over given (name, skeletons) lists."""
    if not na or not nb:
        return 0.0, [n for n, _ in na[:k]], [n for n, _ in nb[:k]]
    sa = [frozenset(ws) for _n, ws in na]
    sb = [frozenset(ws) for _n, ws in nb]
    best_a = [0.0] * len(sa)
    best_b = [0.0] * len(sb)
    for i, x in enumerate(sa):
        for j, y in enumerate(sb):
            shared = len(x & y)
            if not shared:
                continue
            r = shared / max(len(x), len(y))
            if r > best_a[i]:
                best_a[i] = r
            if r > best_b[j]:
                best_b[j] = r
    top_a = sorted(range(len(sa)), key=lambda i: (-best_a[i], i))[:k]
    top_b = sorted(range(len(sb)), key=lambda j: (-best_b[j], j))[:k]
    return (max(best_a), [na[i][0] for i in top_a], [nb[j][0] for j in top_b])


def _mostly_latin(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin >= 0.8 * len(letters)



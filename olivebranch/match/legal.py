"""Legal forms with their jurisdictions, from ``data/match/legal_forms_world.tsv``.

"Sp. z o.o." and "Spółka z ograniczoną odpowiedzialnością", "PT" and "Perseroan Terbatas",
"Pvt. Ltd." and "Private Limited" are one legal form written two ways; they are recognised
at either end of an organisation name (repeatedly, so "Sp. z o.o. Sp. k." gives two) and set
aside as a weak feature. Each form knows its jurisdictions, so two forms that cannot both be
true of one company (a German GmbH and a Malaysian Sdn. Bhd.) are a conflict, while forms
used as English translations everywhere (LLC, Ltd, JSC) never are. rigour's table still
catches what this one lacks (see ``names._legal_forms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from olivebranch.match.derived import load_or_build
from olivebranch.paths import DATA_DIR

TABLE = DATA_DIR / "match" / "legal_forms_world.tsv"
#: Longest form, in comparison units.
_MAX_UNITS = 9


@dataclass(frozen=True, slots=True)
class LegalForm:
    id: str
    generic: str
    countries: frozenset[str]  # empty: used everywhere (an English translation)
    label: str  # the first form written in the table, for explanations


def units(words: list[str]) -> list[tuple[str, int, int]]:
    """Comparison units of transliterated words: runs of single letters join into one
    (``s r o`` → ``sro``, ``z o o`` → ``zoo``); each unit keeps its word span."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words):
        if len(words[i]) == 1:
            j = i
            while j < len(words) and len(words[j]) == 1:
                j += 1
            out.append(("".join(words[i:j]), i, j))
            i = j
        else:
            out.append((words[i], i, i + 1))
            i += 1
    return out


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], tuple[LegalForm, ...]]:
    """The table keyed by each form's comparison units, kept on disk between processes:
    building it reads Chinese, Japanese and Thai forms with their dictionaries (~1-2 s),
    which a short CLI command should not pay at its first query."""
    return load_or_build("legal-forms", [TABLE], _build_table)


def _build_table() -> dict[tuple[str, ...], tuple[LegalForm, ...]]:
    from olivebranch.match.readings import segment
    from olivebranch.match.text import clean, split_tokens, transliterate

    out: dict[tuple[str, ...], list[LegalForm]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fid, generic, countries, forms = line.split("\t")
        cs = frozenset() if countries.strip() == "*" else frozenset(countries.split())
        variants = [f.strip() for f in forms.split("|") if f.strip()]
        lf = LegalForm(fid, generic, cs, variants[0])
        # each form also as it is typed without its marks (SWIFT and most payment text
        # carry none: "spolecnost s rucenim omezenym", "Sirketi", "spolka")
        variants += [p for p in (_unmarked(v) for v in variants) if p not in variants]
        for form in variants:
            cleaned = clean(form)
            words = [transliterate(w) for w in split_tokens(segment(cleaned, "org"))]
            keys = [tuple(u for u, _, _ in units([w for w in words if w]))]
            if not cleaned.isascii() and " " not in cleaned:
                # a form in a script without spaces may stand as one word (株式会社)
                keys.append((transliterate(cleaned),))
            for key in keys:
                if key and key[0] and lf not in out.setdefault(key, []):
                    out[key].append(lf)
    return {k: tuple(v) for k, v in out.items()}


_UNMARKED = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O",
                           "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE"})


def _unmarked(form: str) -> str:
    """A Latin form with its diacritics dropped (společnost → spolecnost, spółka → spolka);
    other scripts unchanged."""
    from olivebranch.match.text import unmarked

    plain = unmarked(form.translate(_UNMARKED))
    return plain if plain.isascii() else form


def split_legal_forms(words: list[str]) -> tuple[list[str], list[tuple[LegalForm, ...]], list[str]]:
    """Remove legal forms from either end of a name's words (already cleaned). Returns the
    remaining words, the forms found (each a tuple of the table rows its spelling fits:
    "A.S." is Turkish, Czech or Norwegian) and the removed words."""
    table = _table()
    translit = _translit(tuple(words))
    us = units(list(translit))
    found: list[tuple[LegalForm, ...]] = []
    lo, hi = 0, len(us)
    removed: list[str] = []
    changed = True
    while changed and hi - lo >= 2:
        changed = False
        # from the end
        for n in range(min(_MAX_UNITS, hi - lo - 1), 0, -1):
            key = tuple(u for u, _, _ in us[hi - n:hi])
            if key in table:
                found.append(table[key])
                removed.extend(words[us[hi - n][1]:us[hi - 1][2]])
                hi -= n
                changed = True
                break
        if hi - lo < 2:
            break
        # from the start
        for n in range(min(_MAX_UNITS, hi - lo - 1), 0, -1):
            key = tuple(u for u, _, _ in us[lo:lo + n])
            if key in table:
                found.append(table[key])
                removed.extend(words[us[lo][1]:us[lo + n - 1][2]])
                lo += n
                changed = True
                break
    if not found:
        return words, [], []
    rest = words[us[lo][1]:us[hi - 1][2]] if hi > lo else []
    return rest, found, removed


@lru_cache(maxsize=100_000)
def _translit(words: tuple[str, ...]) -> tuple[str, ...]:
    from olivebranch.match.text import transliterate

    return tuple(transliterate(w) for w in words)


def form_countries(forms: frozenset[str]) -> frozenset[str] | None:
    """The jurisdictions a set of legal-form ids allows (None: unknown or anywhere)."""
    rows = _rows()
    out: set[str] = set()
    for f in forms:
        row = rows.get(f)
        if row is None or not row.countries:
            return None
        out |= row.countries
    return frozenset(out) if out else None


@lru_cache(maxsize=1)
def _rows() -> dict[str, LegalForm]:
    return {lf.id: lf for forms in _table().values() for lf in forms}


def label(form_id: str) -> str:
    row = _rows().get(form_id)
    return row.label if row else form_id.split(":", 1)[-1]


def national_forms(forms: frozenset[str]) -> bool:
    """Whether every one of a name's legal forms is a national form of our table (tied to its
    jurisdictions; not rigour-only, not an English translation used everywhere)."""
    return bool(forms) and form_countries(forms) is not None


def jurisdictions_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two names' legal forms cannot belong to one company: each side's forms are
    tied to jurisdictions and no jurisdiction is common (GmbH against Sdn. Bhd.)."""
    ca, cb = form_countries(a), form_countries(b)
    return ca is not None and cb is not None and not (ca & cb)

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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rigour._core import person_name_prefixes_list
from rigour.names import extract_org_types, remove_org_types
from rigour.names.prefix import remove_person_prefixes

from olivebranch.match.symbols import symbols_for
from olivebranch.match.text import clean, fold, is_lossy, skeleton, split_tokens, transliterate
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
PATRONYMIC_ENDINGS = ("vig", "vna", "igna", "vic", "vich")
PATRONYMIC_WORDS = frozenset({"ogli", "oglu", "ugli", "kizi", "gizi", "uli"})


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One word of a name with its comparison keys."""

    text: str  # cleaned, original script
    ascii: str
    fold: str
    alt: str  # fold with "ch" read as х (German-style), else == fold
    skel: str
    lossy: bool
    initial: bool
    patronymic: bool
    numeric: bool
    generic: bool  # a generic organisation word (company, group, trading …)
    weight: float
    symbols: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class NameForm:
    """A name ready for comparison."""

    original: str
    kind: str  # "person", "org" or "object"
    tokens: tuple[Token, ...]
    legal_forms: frozenset[str]
    compact: str  # fold forms of all tokens (legal form included) joined, in original order


@lru_cache(maxsize=300_000)
def make_token(text: str, kind: str) -> Token:
    asc = transliterate(text)
    lossy = is_lossy(text)
    fo = fold(asc) if asc else ""
    numeric = any(c.isdigit() for c in fo)
    initial = kind == "person" and len(asc) == 1 and asc.isalpha()
    patronymic = kind == "person" and (
        (len(fo) >= 7 and fo.endswith(PATRONYMIC_ENDINGS)) or fo in PATRONYMIC_WORDS
    )
    generic = kind != "person" and asc in ORG_GENERIC
    weight = 1.0 if initial else float(min(max(len(fo), 2), 10))
    if generic:
        weight *= 0.3
    syms = symbols_for(fo) if kind == "person" and not initial and not numeric else frozenset()
    return Token(
        text=text,
        ascii=asc,
        fold=fo,
        alt=fo.replace("ch", "g") if "ch" in fo else fo,
        skel=skeleton(asc, lossy) if asc else "",
        lossy=lossy,
        initial=initial,
        patronymic=patronymic,
        numeric=numeric,
        generic=generic,
        weight=weight,
        symbols=syms,
    )


def _legal_forms(text: str) -> tuple[str, set[str]]:
    """Remove legal forms from cleaned text; return the rest and the generic forms found."""
    found = {generic for _, generic in extract_org_types(text, generic=True)}
    if found:
        text = remove_org_types(text, replacement=" ")
    padded = f" {text} "
    for phrase, generic in LEGAL_EXTRA.items():
        if f" {phrase} " in padded:
            found.add(generic)
            padded = padded.replace(f" {phrase} ", " ")
    return padded.strip(), found


@lru_cache(maxsize=300_000)
def analyze(name: str, kind: str) -> NameForm:
    """Analyse one name as a ``person``, ``org`` (company, organisation, legal entity) or
    ``object`` (vessel, aircraft)."""
    text = clean(name)
    all_words = split_tokens(text)
    legal: set[str] = set()
    if kind == "person":
        words = all_words
        if words and (words[0] in PERSON_PREFIX_WORDS or words[0] in TITLES):
            words = split_tokens(remove_person_prefixes(text))
        words = [w for w in words if w not in TITLES] or all_words
    else:
        rest, legal = _legal_forms(text)
        # romanised forms after transliteration (OBSHCHESTVO S OGRANICHENNOI …)
        if not rest.isascii():
            translit = " ".join(transliterate(w) for w in split_tokens(rest))
            rest2, legal2 = _legal_forms(translit)
            if legal2:
                rest, legal = rest2, legal | legal2
        words = split_tokens(rest)
        if kind == "org":
            words = [w for w in words if transliterate(w) not in ORG_STOPWORDS] or words
        if not words:
            words = all_words
    tokens = tuple(t for t in (make_token(w, kind) for w in words) if t.fold)
    compact = "".join(make_token(w, kind).fold for w in all_words)
    return NameForm(
        original=name,
        kind=kind,
        tokens=tokens,
        legal_forms=frozenset(legal),
        compact=compact,
    )


def kind_of(schema: str) -> str:
    """The name kind for an FtM schema name."""
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane", "Vehicle"):
        return "object"
    return "org"

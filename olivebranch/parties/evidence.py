"""What two records (or two groups of already linked records) have in common and where they
disagree: the evidence every link rule reads and every explanation prints.

Names are scored with the screening scorer (:func:`olivebranch.match.compare`) in both
directions, and the lower score is kept: screening asks "is this listed name the query?", where
a listed name's extra words weigh little; resolution asks "are these one party?", so words
either side lacks count. Birth dates, nationalities, countries, gender, programme topics,
identifiers and publisher references are compared here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from olivebranch.match import Query, compare
from olivebranch.parties.identifiers import SCHEMES
from olivebranch.parties.names import closest_among, closest_names, name_skeletons
from olivebranch.parties.records import Record

#: Names per side handed to the scorer: the ones closest to the other side's (the scorer tries
#: every pair, and records with twenty translated aliases would cost hundreds of comparisons).
NAMES_COMPARED = 3
MAX_NAMES = 12
#: Reference schemes of which a party has at most one value.
EXCLUSIVE_REFS = frozenset({"un", "ofsi"})
#: Identifier schemes of which a party has at most one value.
EXCLUSIVE_IDS = frozenset(s.name for s in SCHEMES.values() if s.exclusive) | {"inn", "ogrn"}


@lru_cache(maxsize=256)
def common_schema(a: str, b: str) -> str | None:
    """The schema two records merge into, or ``None`` when they cannot be one party (a person
    is never a company or a vessel)."""
    from followthemoney import model

    try:
        return model.common_schema(a, b).name
    except Exception:  # noqa: BLE001 - followthemoney raises InvalidData
        return None


@dataclass
class Side:
    """One record, or a group of records already known to be one party, as evidence."""

    ids: tuple[str, ...]
    schema: str
    names: tuple[str, ...]
    #: Each record's main name (the others are aliases, previous names, translations).
    primaries: tuple[str, ...] = ()
    birth_dates: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    nationalities: frozenset[str] = frozenset()
    gender: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    keys: frozenset[tuple[str, str]] = frozenset()
    refs: frozenset[tuple[str, str]] = frozenset()
    related: frozenset[str] = frozenset()
    listed: bool = False


def side_of(records: Iterable[Record]) -> Side:
    recs = sorted(records, key=lambda r: r.id)
    schema = recs[0].schema
    for r in recs[1:]:
        schema = common_schema(schema, r.schema) or schema
    # every record's first name first, then the aliases, so that each list is represented;
    # Latin-script names before others within each group
    primary = list(dict.fromkeys(r.names[0] for r in recs if r.names))
    others = [n for n in dict.fromkeys(n for r in recs for n in r.names[1:]) if n not in primary]
    names = sorted(primary, key=lambda n: not n.isascii()) + sorted(
        others, key=lambda n: not n.isascii()
    )
    return Side(
        ids=tuple(r.id for r in recs),
        schema=schema,
        names=tuple(names),
        primaries=tuple(primary),
        birth_dates=frozenset(d for r in recs for d in r.birth_dates),
        countries=frozenset(c for r in recs for c in r.countries),
        nationalities=frozenset(c for r in recs for c in r.nationalities),
        gender=frozenset(g for r in recs for g in r.gender),
        topics=frozenset(t for r in recs for t in r.topics),
        families=frozenset(f for r in recs for f in r.families),
        keys=frozenset(k for r in recs for k in r.ids),
        refs=frozenset(k for r in recs for k in r.refs),
        related=frozenset(x for r in recs for x in r.related),
        listed=any(r.listed for r in recs),
    )


def merge_sides(a: Side, b: Side) -> Side:
    """The side of two groups joined (same as :func:`side_of` over all their records)."""
    primary = list(dict.fromkeys((*a.primaries, *b.primaries)))
    pset = set(primary)
    others = [n for n in dict.fromkeys((*a.names, *b.names)) if n not in pset]
    schema = common_schema(a.schema, b.schema) or a.schema
    return Side(
        ids=tuple(sorted((*a.ids, *b.ids))),
        schema=schema,
        names=tuple(sorted(primary, key=lambda n: not n.isascii())
                    + sorted(others, key=lambda n: not n.isascii())),
        primaries=tuple(primary),
        birth_dates=a.birth_dates | b.birth_dates,
        countries=a.countries | b.countries,
        nationalities=a.nationalities | b.nationalities,
        gender=a.gender | b.gender,
        topics=a.topics | b.topics,
        families=a.families | b.families,
        keys=a.keys | b.keys,
        refs=a.refs | b.refs,
        related=a.related | b.related,
        listed=a.listed or b.listed,
    )


# --------------------------------------------------------------------------- birth dates
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _precise(d: str) -> str:
    """``1967-01-01`` is how several lists write "born 1967": read it as a year."""
    return d[:4] if d.endswith("-01-01") else d


def _typo(x: str, y: str) -> bool:
    """Two full dates one slip apart: one digit differs, or day and month are swapped."""
    if len(x) != 10 or len(y) != 10:
        return False
    if sum(1 for a, b in zip(x, y, strict=True) if a != b) == 1:
        return True
    return x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]


def dob_relation(a: Iterable[str], b: Iterable[str]) -> tuple[str, str]:
    """How two sets of birth dates relate: ``day`` (one full date in common), ``month``,
    ``year`` (compatible to the year), ``typo`` (two full dates one digit or a day/month swap
    apart: neither proof nor conflict), ``conflict`` (no compatible pair), ``unknown`` (a side
    has none); with a short text."""
    xs = sorted({_precise(d) for d in a if _DATE.match(d)})
    ys = sorted({_precise(d) for d in b if _DATE.match(d)})
    if not xs or not ys:
        return "unknown", "birth date unknown on one side"
    best = ""
    pair = ("", "")
    for x in xs:
        for y in ys:
            n = min(len(x), len(y))
            if x[:n] == y[:n] and n > len(best):
                best, pair = x[:n], (x, y)
    if not best:
        for x in xs:
            for y in ys:
                if _typo(x, y):
                    return "typo", f"birth dates {x} and {y} differ by one digit or a swap"
        gap = min(abs(int(x[:4]) - int(y[:4])) for x in xs for y in ys)
        return "conflict", (f"birth dates {', '.join(xs)} and {', '.join(ys)} differ"
                            f" ({gap} year{'s' if gap != 1 else ''} apart at least)")
    level = {10: "day", 7: "month", 4: "year"}[len(best)]
    return level, f"birth date {pair[0]} ~ {pair[1]}"


# ------------------------------------------------------------------------------ evidence
@dataclass
class Evidence:
    """Everything the rules read about one pair of sides."""

    schema: str | None
    name: float = 0.0
    name_text: str = ""
    legal_form: int = 0  # +1 same legal form, -1 different, 0 unknown
    dob: str = "unknown"
    dob_text: str = ""
    country: str = "unknown"  # shared / disjoint / unknown
    nationality: str = "unknown"
    gender: str = "unknown"
    topics: str = "unknown"
    same_family: bool = False
    shared_keys: tuple[tuple[str, str], ...] = ()
    conflicting_keys: tuple[str, ...] = ()
    shared_refs: tuple[tuple[str, str], ...] = ()
    conflicting_refs: tuple[str, ...] = ()
    related: bool = False
    #: Name similarity holding one side to its main names (computed for close names only).
    primary: float = 0.0
    #: Similarity of the two sides' main names (computed when identifiers disagree).
    mains: float = 0.0
    #: Words in the shorter side's longest name (a name of three words or more is specific).
    words: int = 0

    def id_conflict_excused(self) -> bool:
        """Two lists disagreeing on one number (two INNs) while agreeing on another (one OGRN)
        under the same main name: a typo in one list. Under different main names it is the
        usual copying error — a parent's number on its subsidiary's record — and stays a
        conflict."""
        return bool(self.shared_keys) and self.mains >= PRIMARY_EXCUSES

    def conflicts(self) -> list[str]:
        """Hard reasons why the two sides cannot be one party."""
        out = []
        if self.schema is None:
            out.append("schema")
        if self.dob == "conflict":
            out.append("birth date")
        if self.gender == "disjoint":
            out.append("gender")
        if self.conflicting_keys and not self.id_conflict_excused():
            out.append("identifier " + "/".join(self.conflicting_keys))
        if self.conflicting_refs:
            out.append("list reference " + "/".join(self.conflicting_refs))
        if self.related:
            out.append("related")
        return out


def _relation(a: frozenset[str], b: frozenset[str]) -> str:
    if not a or not b:
        return "unknown"
    return "shared" if a & b else "disjoint"


def _conflicting(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]],
                 exclusive: frozenset[str]) -> tuple[str, ...]:
    out = []
    for scheme in sorted(exclusive):
        xa = {v for s, v in a if s == scheme}
        xb = {v for s, v in b if s == scheme}
        if scheme == "inn":  # a company's INN (10 digits) says nothing about a person's (12)
            xa, xb = _by_len(xa, xb)
        if xa and xb and not xa & xb:
            out.append(scheme)
    return tuple(out)


def _by_len(xa: set[str], xb: set[str]) -> tuple[set[str], set[str]]:
    lens = {len(v) for v in xa} & {len(v) for v in xb}
    return {v for v in xa if len(v) in lens}, {v for v in xb if len(v) in lens}


def name_score(a: Side, b: Side, *, floor: float = 0.0,
               min_share: float = 0.0) -> tuple[float, str, int]:
    """Symmetric name similarity of the two sides' closest names (the lower of both
    directions), the scorer's words for it, and the legal-form agreement (+1/0/-1). The second
    direction is skipped when the first is below ``floor``; the scorer is not asked at all when
    the closest names share less than ``min_share`` of their words."""
    share, names_a, names_b = closest_names(a, b, k=NAMES_COMPARED)
    if share < min_share:
        return 0.0, f"names share {share:.0%} of their words", 0
    return _symmetric(a.schema, names_a, b.schema, names_b, floor)


def primary_score(a: Side, b: Side) -> float:
    """Name similarity when at least one side is held to its records' main names: two groups
    that share only an alias ("Al-Qaida" for two different branches) score low."""
    na, nb = name_skeletons(a), name_skeletons(b)
    best = 0.0
    for pa, pb in (([x for x in na if x[0] in a.primaries], nb),
                   (na, [x for x in nb if x[0] in b.primaries])):
        if not pa or not pb:
            continue
        _share, names_a, names_b = closest_among(pa, pb, k=NAMES_COMPARED)
        best = max(best, _symmetric(a.schema, names_a, b.schema, names_b, 0.0)[0])
        if best >= 1.0:
            break
    return best


def mains_score(a: Side, b: Side) -> float:
    """Similarity of the two sides' main names only (no aliases on either side)."""
    na = [x for x in name_skeletons(a) if x[0] in a.primaries]
    nb = [x for x in name_skeletons(b) if x[0] in b.primaries]
    if not na or not nb:
        return 0.0
    _share, names_a, names_b = closest_among(na, nb, k=NAMES_COMPARED)
    return _symmetric(a.schema, names_a, b.schema, names_b, 0.0)[0]


def _symmetric(sa: str, names_a: list[str], sb: str, names_b: list[str],
               floor: float) -> tuple[float, str, int]:
    if not names_a or not names_b:
        return 0.0, "no names to compare", 0
    qa, qb = Query(name=names_a, schema=sa), Query(name=names_b, schema=sb)
    _s1, f1 = compare(qa, qb)
    n1, text, form = _name_feature(f1)
    if n1 < floor or n1 <= 0.0:
        return n1, text, form
    _s2, f2 = compare(qb, qa)
    n2, text2, form2 = _name_feature(f2)
    if n2 < n1:
        return n2, text2, form2 or form
    return n1, text, form or form2


def _name_feature(features: list) -> tuple[float, str, int]:
    name, text, form = 0.0, "", 0
    for f in features:
        if f.name == "name":
            name, text = f.value, f.text
        elif f.name == "legal_form":
            form = 1 if f.value > 0 else -1
    return name, text, form


#: From this name similarity on, the similarity of the main names is computed too.
PRIMARY_FROM = 0.93
#: Main-name similarity that lets a shared identifier outweigh a conflicting one.
PRIMARY_EXCUSES = 0.9


def evaluate(a: Side, b: Side, *, names: bool = True, primary: bool = True,
             floor: float = 0.0, min_share: float = 0.0) -> Evidence:
    """The evidence on ``a`` and ``b``; ``names=False`` skips the (costly) name scoring,
    ``primary=False`` the main-name check (only the scored rules without birth dates need it);
    ``floor`` and ``min_share`` let it stop early on names that are clearly different."""
    ev = Evidence(schema=common_schema(a.schema, b.schema))
    if names and ev.schema is not None:
        ev.name, ev.name_text, ev.legal_form = name_score(a, b, floor=floor, min_share=min_share)
        if primary and ev.name >= PRIMARY_FROM and (
            ev.schema != "Person" or not (a.birth_dates and b.birth_dates)
        ):
            ev.primary = primary_score(a, b)
    if ev.schema == "Person" or (a.schema == "Person" or b.schema == "Person"):
        ev.dob, ev.dob_text = dob_relation(a.birth_dates, b.birth_dates)
        ev.gender = _relation(a.gender, b.gender)
        ev.nationality = _relation(a.nationalities, b.nationalities)
    ev.country = _relation(a.countries, b.countries)
    ev.topics = _relation(a.topics, b.topics)
    ev.same_family = bool(a.families & b.families)
    ev.shared_keys = tuple(sorted(a.keys & b.keys))
    ev.conflicting_keys = _conflicting(a.keys, b.keys, EXCLUSIVE_IDS)
    ev.shared_refs = tuple(sorted(a.refs & b.refs))
    ev.conflicting_refs = _conflicting(a.refs, b.refs, EXCLUSIVE_REFS)
    ev.related = bool(set(a.ids) & b.related or set(b.ids) & a.related)
    ev.words = min(_max_words(a), _max_words(b))
    if ev.conflicting_keys and ev.shared_keys and ev.schema is not None:
        ev.mains = mains_score(a, b)
    return ev


def _max_words(side: Side) -> int:
    return max((len(n.split()) for n in side.names[:MAX_NAMES]), default=0)

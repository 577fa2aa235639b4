"""Upper bounds of the score, to leave out candidates that cannot reach the threshold.

Retrieval hands every query a few dozen candidates; most share a word or two with it and
score far below the threshold (on distinct customer rows 94 % score under 0.6). Scoring one in
full (``score.compare_names``: the alignment, unmatched parts, written-together readings)
costs far more than proving it cannot reach the threshold from the token similarities alone.
:func:`below` is that proof: it never says a candidate is below the cut when its score is
not, so a search that leaves such candidates out returns exactly what it returned before.

The bound of one name pair (:func:`name_bound`) follows ``compare_names`` step by step:

* the alignment score is ``num / den`` with ``num`` the matched pairs' similarity × weight
  and ``den`` their weight plus what the unmatched parts cost; each query part is matched at
  most once, so ``num`` is at most the sum of each query part's best similarity × pair
  weight, and since ``num ≤`` the matched weight, the score is at most
  ``num / (num + unmatched)``; the unmatched cost counts only parts with no similar part on
  the other side at all (they stay unmatched whatever the alignment), each at the least the
  rules can charge it;
* two words of one side written as one on the other (split pairs) are not bounded: where one
  may occur, the pair is scored in full;
* the whole-name readings (written together, Chinese syllables, Korean syllables) are
  computed as ``compare_names`` computes them: the score is at most the best of them and
  the alignment; every later factor (numbers, reversed lineage) only lowers it;
* beyond the name, the birth date and country features are exact, the legal form adds at
  most ``LEGAL_SAME`` and a subsidiary only subtracts; a shared identifier is never bounded.
  Weak and cross-script evidence (``_weigh_evidence``) only lowers a name score.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from olivebranch.match.names import NameForm
from olivebranch.match.score import (
    INITIAL_PAIR_WEIGHT,
    JOINED_MIN,
    LEGAL_SAME,
    QUERY_EXTRA_WEIGHT,
    QUERY_UNMATCHED_PATRONYMIC,
    RESULT_UNMATCHED,
    RESULT_UNMATCHED_PATRONYMIC,
    SUBSTITUTED_WEIGHT,
    UNMATCHED_INITIAL_WEIGHT,
    Profile,
    _date_feature,
    _near_legal,
    joined_sim,
    kind_of,
    korean_sim,
    sinitic_sim,
    token_sim,
)

#: Floating-point slack: a bound this close to the cut counts as reaching it.
MARGIN = 1e-9
#: Analysed names whose shape (:class:`_Shape`) a process keeps.
SHAPE_CACHE = 200_000


#: What the bounds need of one analysed name (:func:`_shape`): the lengths of its adjacent
#: words written together (no initials, 6+ letters), its longest word that is not an initial,
#: the lengths of the name written together (``NameForm.joined`` and ``compact``), and
#: whether a word has 8+ letters and is no patronymic (``score._may_be_joined``).
Shape = tuple[tuple[int, ...], int, tuple[int, ...], bool]


@lru_cache(maxsize=SHAPE_CACHE)
def _shape(f: NameForm) -> Shape:
    toks = f.tokens
    pairs = tuple(n for a, b in zip(toks, toks[1:], strict=False)
                  if not (a.initial or b.initial) and (n := len(a.fold) + len(b.fold)) >= 6)
    return (pairs, max((len(t.fold) for t in toks if not t.initial), default=0),
            tuple(sorted({len(x) for x in f.joined} | {len(f.compact)})),
            any(len(t.fold) >= 8 and not t.patronymic for t in toks))


def _alignment_bound(q: NameForm, r: NameForm) -> float:
    """Upper bound of ``compare_names``'s alignment score (no split pairs; see module doc)."""
    rt = r.tokens
    kind = r.kind
    person = kind == "person"
    sim = token_sim
    num = 0.0
    hit_r = 0  # bit j: listed word j is similar to a query word
    free_q = []
    hit_q = 0
    for a in q.tokens:
        sims = [sim(a, b) for b in rt]
        if not any(sims):
            free_q.append(a)
            continue
        best = 0.0
        for j, s in enumerate(sims):
            if s > 0.0:
                b = rt[j]
                hit_r |= 1 << j
                w = INITIAL_PAIR_WEIGHT if (a.initial or b.initial) else (a.weight + b.weight) / 2
                if s * w > best:
                    best = s * w
        num += best
        hit_q += 1
    if num <= 0.0:
        return 0.0
    free_r = [b for j, b in enumerate(rt) if not hit_r >> j & 1]
    # the query's extra parts count half only when every listed part is matched
    extra = QUERY_EXTRA_WEIGHT if (person and not free_r and hit_q >= 2) else 1.0
    near_legal = not person and bool(r.legal_words)
    unmatched = 0.0
    swapped = 0
    for t in free_q:
        if near_legal and _near_legal(t, r.legal_words):
            continue  # (dropped as legal-form noise)
        if t.initial:
            unmatched += UNMATCHED_INITIAL_WEIGHT
        elif t.patronymic:
            unmatched += t.weight * min(QUERY_UNMATCHED_PATRONYMIC, extra)
        elif t.numeric:
            unmatched += t.weight * 2
        else:
            unmatched += t.weight * extra
            swapped += person
    lam = RESULT_UNMATCHED.get(kind, 0.5)
    plain: list[float] = []
    for t in free_r:
        if t.patronymic:
            unmatched += t.weight * min(RESULT_UNMATCHED_PATRONYMIC, lam)
        elif t.numeric:
            unmatched += t.weight * 2
        else:
            unmatched += t.weight * lam
            if not t.initial:
                plain.append(t.weight)
    if swapped and plain:
        # listed parts in whose place the query has its own count in full, heaviest first
        plain.sort(reverse=True)
        unmatched += (SUBSTITUTED_WEIGHT - lam) * sum(plain[:swapped])
    return num / (num + unmatched)


_SPLIT_SLACK = 1 - JOINED_MIN  # (as compare_names writes it)


def _split_possible(q: NameForm, r: NameForm, sq: Shape, sr: Shape) -> bool:
    """Whether two adjacent words of one name may be one word of the other (the split pairs
    of ``compare_names``, whatever the alignment leaves unmatched)."""
    for xs, ys, pairs, longest in ((q, r, sq[0], sr[1]), (r, q, sr[0], sq[1])):
        if all(n - longest > n * _SPLIT_SLACK for n in pairs):
            continue  # (every word of the other name is too short for any two of these)
        toks = xs.tokens
        for i in range(len(toks) - 1):
            if toks[i].initial or toks[i + 1].initial:
                continue
            both = toks[i].fold + toks[i + 1].fold
            n = len(both)
            if n < 6:
                continue
            for y in ys.tokens:
                if y.initial or abs(n - len(y.fold)) > n * _SPLIT_SLACK:
                    continue
                if OSA.normalized_similarity(both, y.fold, score_cutoff=JOINED_MIN):
                    return True
    return False


def _lengths_meet(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two strings of some of these lengths can be ``JOINED_MIN`` similar (an edit
    distance is at least the difference in length)."""
    for x in a:
        for y in b:
            if abs(x - y) <= (1 - JOINED_MIN) * (x if x > y else y) + MARGIN:
                return True
    return False


def _readings_bound(q: NameForm, r: NameForm, sq: Shape, sr: Shape) -> float:
    """The best whole-name reading ``compare_names`` may take instead of the alignment."""
    best = 0.0
    if q.compact and r.compact:
        lossy = q.lossy or r.lossy
        if (r.kind != "person" or lossy or q.core != r.core or sq[3] or sr[3]) and (
                lossy or _lengths_meet(sq[2], sr[2])):
            best = joined_sim(q, r)
    if q.sinitic and r.sinitic:
        best = max(best, sinitic_sim(q.sinitic, r.sinitic))
    if q.hangul and not r.lossy or r.hangul and not q.lossy:
        best = max(best, korean_sim(q, r))
    return best


def name_bound(q: NameForm, r: NameForm, need: float = 0.0) -> float:
    """An upper bound of ``compare_names(q, r).score``; once the bound reaches ``need`` the
    rest is not computed (1.0 is returned)."""
    bound = _alignment_bound(q, r)
    if bound >= need:
        return 1.0
    sq, sr = _shape(q), _shape(r)
    if _split_possible(q, r, sq, sr):
        return 1.0
    return max(bound, _readings_bound(q, r, sq, sr))


def below(query: Profile, result: Profile, only: Sequence[tuple[NameForm, bool]],
          cut: float) -> bool:
    """Whether ``score_profiles(query, result, only=only)`` is certainly under ``cut`` (the
    schemas must be compatible). False means "maybe not": score it."""
    if query.identifiers & result.identifiers:
        return False
    other = LEGAL_SAME
    if query.birth_dates and result.birth_dates:
        f = _date_feature(query.birth_dates[0], result.birth_dates)
        if f is not None:
            other += f.value
    if query.countries and result.countries:
        other += 0.02 if query.countries & result.countries else -0.08
    need = cut - other - MARGIN
    if need <= 0.0:
        return False
    kind = kind_of(result.schema)
    for qf in query.forms(kind):
        for rf, _ in only:
            if name_bound(qf, rf, need) >= need:
                return False
    return True

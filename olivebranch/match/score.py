"""Scoring: how likely a listed entity is the one the query names, and why.

The score is the best name similarity between any query name and any listed name, moved by
the other evidence:

* date of birth: same day +0.05, same year +0.02; another year −0.15 (−0.20 when years are
  more than one apart), same year but another day −0.08;
* country/nationality: shared +0.02; disjoint −0.08;
* identifiers (INN, OGRN, IMO, LEI, passport, …): equality lifts the score to at least
  0.90 + 0.10 × name similarity;
* legal form (companies): same form +0.02, different forms −0.04 (weak on purpose);
* schema: a person never matches a company or a vessel; a query of unknown type
  (``LegalEntity``) is compared with everything.

Name similarity aligns tokens one-to-one (best pairs first). A token pair scores 1.0 when the
romanisation-folded forms agree, 0.95 when rigour's name symbols say both are the same given
name (Юлия/Yulia/Julia), 0.9 for an initial that fits, otherwise the normalised Levenshtein
similarity of the folded forms (0 below 0.7). Two different *known* given names (Maria/Marfa)
are not allowed to match by spelling. Tokens the query has but the listing lacks count fully
against the score; tokens the listing has but the query lacks count a quarter (a patronymic a
tenth, since queries often omit it), but half for organisations ("Gazprom" is not
"Gazprom Neft").

Beyond spelling: a nickname or other-language form of a given name (Bibi/Benjamin, Juan/John)
and a Korean surname romanisation (Park/Pak) score 0.9 (``data/match/name_variants.txt``);
Chinese names are also read as Pinyin/Wade-Giles syllables (Mao Tse-tung ~ Mao Zedong, ×0.95);
in Chinese, Japanese and Korean characters a changed character is another name (half the
share of changed characters is lost); "A bin B" against "B bin A" is son against father (×0.7).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from olivebranch.match.legal import jurisdictions_conflict, label, national_forms
from olivebranch.match.model import Feature
from olivebranch.match.names import NameForm, Token, analyze, is_country_word, kind_of
from olivebranch.match.readings import korean_pattern, other_readings
from olivebranch.match.text import is_cjk, simplified, skeleton

MIN_TOKEN_SIM = 0.7
FULL_CREDIT_SIM = 0.8
ALT_SIM = 0.97
INITIAL_SIM = 0.9
SYMBOL_SIM = 0.95
CJK_CHANGE_FACTOR = 0.5
#: Nickname or cross-language form of one given name (Bibi/Benjamin, Juan/John, Pak/Park).
VARIANT_SIM = 0.9
GENERIC_FACTOR = 0.3  # names.make_token: a generic organisation word's weight factor
#: Chinese names whose Pinyin/Wade-Giles keys agree: a little below a spelling match.
SINITIC_FACTOR = 0.95
SINITIC_MIN = 0.85
#: A generic organisation word and its translation (Taasiyot / Industries, Neft / Oil).
TRANSLATED_SIM = 0.9
#: Names that agree only on generic words, one of them translated (Wood Group / Forest Group,
#: Atom Bank / Nuclear Bank): no distinctive word backs the translation, so the score is held
#: below the threshold.
TRANSLATED_ONLY_CAP = 0.7
#: A Korean word or name spelt in Latin letters in one of the usual romanisations.
KOREAN_SIM = 0.95
#: Father and son names swapped around "bin" (SALMAN BIN MUHAMMAD / MUHAMMAD BIN SALMAN).
REVERSED_LINEAGE_FACTOR = 0.7
LINEAGE_WORDS = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})
INITIAL_PAIR_WEIGHT = 1.5
UNMATCHED_INITIAL_WEIGHT = 3.0
RESULT_UNMATCHED = {"person": 0.25, "org": 0.5, "object": 0.5}
RESULT_UNMATCHED_PATRONYMIC = 0.1
QUERY_UNMATCHED_PATRONYMIC = 0.3
QUERY_EXTRA_WEIGHT = 0.5
#: A listed name part in whose place the query has another one (see compare_names).
SUBSTITUTED_WEIGHT = 1.0
#: Singular against plural of a word of an organisation or vessel name (Falcon/Falcons).
PLURAL_SIM = 0.3
#: Both names carry numbers and they differ (Orion Metals I / II): the name score is cut.
NUMBER_CONFLICT_FACTOR = 0.6
#: Only one of two organisation or vessel names carries a number (Fund / Fund II).
ONE_NUMBER_FACTOR = 0.85
#: Legal forms: same +0.02, jurisdictions that exclude each other −0.25, different −0.04.
LEGAL_SAME = 0.02
LEGAL_JURISDICTION = 0.25
LEGAL_DIFFERENT = 0.04
#: Two national legal forms of one jurisdiction but of different kinds (AG / GmbH, SAS / SARL).
LEGAL_KIND = 0.12
#: A country named in one organisation name only (a national subsidiary).
SUBSIDIARY_PENALTY = 0.12
#: Weak aliases (nicknames, short forms the lists mark as weak) count for less.
WEAK_ALIAS_FACTOR = 0.9
#: A listed person name this short (letters, all words: Ali, Abu) is weak evidence, like a
#: weak alias.
SHORT_ALIAS_LETTERS = 4
#: Names meeting only through a lossy transliteration (Arabic, Hebrew, Hangul, Han, Thai …).
CROSS_SCRIPT_FACTOR = 0.95
#: Where weak evidence stops without support: below the default threshold (0.78).
WEAK_CAP = 0.74
#: A name part this similar supports another one (cross-script matches need two).
STRONG_PART_SIM = 0.9

MATCHABLE = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
_ORG = {"Organization", "Company", "LegalEntity", "PublicBody"}


@lru_cache(maxsize=200_000)
def token_sim(a: Token, b: Token) -> float:
    """Similarity of two name tokens in [0, 1]; 0 means "not the same word"."""
    sim = _token_sim(a, b)
    if sim and a.lossy and b.lossy:  # CJK scripts are among the lossy ones
        # 김정은/김종은, 习近平/习近朋: each character is a syllable of meaning, so one
        # character replaced is another name (a simplified/traditional variant 習近平 still
        # matches)
        factor = _cjk_factor(a.text, b.text)
        if factor < 1.0:
            sim *= factor
            return sim if sim >= MIN_TOKEN_SIM else 0.0
    return sim


def _cjk_factor(a: str, b: str) -> float:
    """Credit kept when two names in Chinese, Japanese or Korean characters differ (1.0 when
    they do not or are in other scripts): half the share of changed characters is lost.
    Traditional and simplified forms of one character (習/习) are the same character."""
    if a == b or not is_cjk(a) or not is_cjk(b):
        return 1.0
    a, b = simplified(a), simplified(b)
    if a == b:
        return 1.0
    return 1.0 - CJK_CHANGE_FACTOR * (1.0 - Indel.normalized_similarity(a, b))


def _cjk_latin_factor(qt: Sequence[Token], rt: Sequence[Token], sim: float, q: NameForm,
                      r: NameForm) -> float:
    """Credit kept when a name in Chinese or Japanese characters and a Latin one, read
    together, are ``sim`` alike (王建国 Wangjianguo / Wang Jianhua): each letter off is a
    syllable changed, and half the share of changed syllables is lost (1.0 otherwise)."""
    q_cjk, r_cjk = all(t.cjk for t in qt), all(t.cjk for t in rt)
    if sim >= 1.0 or q_cjk == r_cjk or any(t.lossy for t in (rt if q_cjk else qt)):
        return 1.0
    (cjk, form), latin = ((qt, q), r) if q_cjk else ((rt, r), q)
    readings = (*form.joined, form.compact)
    latins = (*latin.joined, latin.compact)
    exact = max(OSA.normalized_similarity(x, y) for x in readings for y in latins)
    if exact < sim:
        return 1.0  # the consonant skeletons (a looser reading) gave the similarity
    changed = min(OSA.distance(x, y) for x in readings for y in latins)
    return _syllables_kept(changed, sum(len(t.text) for t in cjk))


def _syllables_kept(changed: int, syllables: int) -> float:
    """Credit kept when ``changed`` letters of a reading of ``syllables`` characters differ:
    each letter off is a syllable changed, and half the share of changed syllables is lost."""
    syllables = max(syllables, 1)
    return 1.0 - CJK_CHANGE_FACTOR * min(changed, syllables) / syllables


def _token_sim(a: Token, b: Token) -> float:
    if a.fold == b.fold:
        return 1.0
    if (a.hangul and not b.lossy) or (b.hangul and not a.lossy):
        # a Korean word and a Latin one: does the Latin spell the syllables in any usual
        # romanisation (정 jeong/chong/jung/chung)?
        k, latin = (a, b) if a.hangul else (b, a)
        if latin.ascii and korean_pattern(k.hangul, k.family).fullmatch(latin.ascii):
            return KOREAN_SIM
    if (a.alts or b.alts) and (a.fold in b.alts or b.fold in a.alts or set(a.alts) & set(b.alts)):
        return ALT_SIM
    if a.concepts and b.concepts and not a.concepts.isdisjoint(b.concepts) and not _plural_pair(
            a.ascii, b.ascii):
        # Sanayi / Industry, Neft / Oil, Tekstil / Textiles: one generic word in two languages
        # (a weak match: the distinctive words still have to agree); Metal / Metals in one
        # language is a plural (compared as spelt: the fold would take tekstil / textiles
        # for one too)
        return TRANSLATED_SIM
    if a.initial or b.initial:
        if a.initial and b.initial:
            return 0.0
        return INITIAL_SIM if a.fold[:1] == b.fold[:1] or a.ascii[:1] == b.ascii[:1] else 0.0
    if a.numeric or b.numeric:
        return 0.0
    if a.org and b.org:
        # Golden Falcon / Golden Falcons: another vessel or company (generic words aside)
        if _plural_pair(a.fold, b.fold) and not (a.generic or b.generic):
            return PLURAL_SIM
        # Mining / Dining, Mail / Rail: one letter replaced gives another word, not a typo
        if a.word and b.word and not (a.generic and b.generic) and _other_word(a.ascii, b.ascii):
            return 0.0
    if a.variants and b.variants and a.variants & b.variants and not (a.symbols & b.symbols):
        return VARIANT_SIM
    distinct_names = False
    if a.symbols and b.symbols:
        if a.symbols & b.symbols:
            return SYMBOL_SIM
        # two different known names (Maria/Marfa) - unless one is an inflected or
        # transliterated form of the other (Aleksandros/Aleksander share a long stem)
        distinct_names = a.given and b.given and a.fold[:5] != b.fold[:5]
    if min(len(a.fold), len(b.fold)) <= 2 and not (a.lossy or b.lossy):
        return 0.0  # (a script without written vowels gives two letters for "Cohen": כהן)
    sim = OSA.normalized_similarity(a.fold, b.fold)
    if sim < 1.0 and a.cjk != b.cjk and not (a.lossy and b.lossy):
        # a Chinese or Japanese word's main reading against a Latin word: the reading is
        # exact syllables, so a letter off is another syllable (长城 Changcheng / Changsheng) -
        # as for two CJK words, half the share of changed syllables is lost (the other
        # readings below, Korean and Japanese, are looser and keep their credit)
        cjk, latin = (a, b) if a.cjk else (b, a)
        sim *= _syllables_kept(OSA.distance(cjk.fold, latin.fold), len(cjk.text))
    for x in a.alts:
        sim = max(sim, 0.97 * OSA.normalized_similarity(x, b.fold))
    for y in b.alts:
        sim = max(sim, 0.97 * OSA.normalized_similarity(a.fold, y))
    if (a.lossy or b.lossy) and not (a.cjk and not b.lossy or b.cjk and not a.lossy):
        # abjads write w/y for vowels (بوتين bwtyn) or for consonants (דוד dwd): try both,
        # and the other readings of the word (Hebrew ב כ פ hard or soft); Chinese, Japanese
        # and Korean readings are exact syllables, not consonants to fill with vowels
        pairs = [(a.skel, b.skel), (skeleton(a.ascii), skeleton(b.ascii))]
        lossy, other = (a, b) if a.lossy else (b, a)
        pairs.extend((skeleton(x, True), other.skel)
                     for x in other_readings(lossy.text, "org" if lossy.org else "person", False))
        for x, y in pairs:
            if len(x) >= 2 and len(y) >= 2:
                sim = max(sim, 0.9 * OSA.normalized_similarity(x, y))
    if distinct_names:
        sim *= 0.7
    if sim < MIN_TOKEN_SIM:
        return 0.0
    # below 0.8 a spelling difference is as likely another word (Lukashevich/Lukashenko)
    # as a typo: credit falls off twice as fast
    return sim if sim >= FULL_CREDIT_SIM else sim - (FULL_CREDIT_SIM - sim)


def _other_word(a: str, b: str) -> bool:
    """Two words of one length with one letter replaced (not s/z: organisation/organization).
    Two neighbouring letters swapped stay a typo, even where they spell a word (Timber/
    Timbre)."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and set(diff[0]) != {"s", "z"}


def distinct_words(a: Token, b: Token) -> bool:
    """Whether two tokens of organisation or vessel names are different words by the rules
    above (another dictionary word, singular/plural) or two different countries (Bank of
    Chad / Bank of China)."""
    if not (a.org and b.org):
        return False
    if a.fold != b.fold and is_country_word(a.ascii) and is_country_word(b.ascii):
        return True
    if not a.concepts.isdisjoint(b.concepts) and not _plural_pair(a.ascii, b.ascii):
        return False  # one generic word in two languages
    # (as token_sim: another word unless both are generic; a plural unless either is)
    return (a.word and b.word and not (a.generic and b.generic) and _other_word(a.ascii, b.ascii)
            ) or (not (a.generic or b.generic) and _plural_pair(a.fold, b.fold))


def _plural_pair(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    return len(a) >= 3 and b.startswith(a) and b[len(a):] in ("s", "es")


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    query: NameForm
    result: NameForm
    pairs: tuple[tuple[Token, Token, float], ...]
    query_only: tuple[Token, ...]
    result_only: tuple[Token, ...]
    compact: bool  # the score came from comparing the names written together
    note: str = ""  # a whole-name reading that set the score (Chinese romanisation, bin swap)
    caveat: str = ""  # why the name counts as weak evidence (cross-script, weak alias)
    split: int = 0  # pairs where two words of one side are one word of the other


def compare_names(q: NameForm, r: NameForm) -> NameMatch:
    """Align the tokens of two analysed names and score the alignment."""
    qt, rt = q.tokens, r.tokens
    scored = []
    for i, a in enumerate(qt):
        for j, b in enumerate(rt):
            s = token_sim(a, b)
            if s > 0.0:
                scored.append((s, -abs(i - j), i, j))
    scored.sort(reverse=True)
    used_q: dict[int, int] = {}
    used_r: set[int] = set()
    sims: dict[int, float] = {}
    for s, _, i, j in scored:
        if i in used_q or j in used_r:
            continue
        used_q[i] = j
        used_r.add(j)
        sims[i] = s
    # the same initial twice ("Путин В. В.") takes its names in order
    same: dict[str, list[int]] = {}
    for i in sorted(used_q):
        if qt[i].initial:
            same.setdefault(qt[i].fold, []).append(i)
    for group in same.values():
        if len(group) > 1:
            for i, j in zip(group, sorted(used_q[i] for i in group), strict=True):
                used_q[i] = j
    # initials keep their order: "B. R. Rotenberg" is Boris Romanovich, not Roman Borisovich
    initials = [(i, j) for i, j in sorted(used_q.items()) if qt[i].initial]
    num = den = 0.0
    for (_, j1), (i2, j2) in zip(initials, initials[1:], strict=False):
        if j2 < j1:
            sims[i2] = 0.0
            den += UNMATCHED_INITIAL_WEIGHT - INITIAL_PAIR_WEIGHT
    kind = r.kind
    pairs = []
    for i, j in used_q.items():
        a, b, s = qt[i], rt[j], sims[i]
        pairs.append((a, b, s))
        w = INITIAL_PAIR_WEIGHT if (a.initial or b.initial) else (a.weight + b.weight) / 2
        num += s * w
        den += w
    # two words on one side written as one on the other, inside a longer name (MOHAMMAD HASNI
    # ... / ... MOHAMMADHASNI): the joined words count as one matched word
    split_q: set[int] = set()
    split_r: set[int] = set()
    if len(used_q) < len(qt) - 1 or len(used_r) < len(rt) - 1:
        for xs, ys, used_x, used_y, done_x, done_y in (
                (qt, rt, used_q, used_r, split_q, split_r),
                (rt, qt, used_r, set(used_q), split_r, split_q)):
            for i in range(len(xs) - 1):
                if i in used_x or i + 1 in used_x or i in done_x or i + 1 in done_x:
                    continue
                both = xs[i].fold + xs[i + 1].fold
                if len(both) < 6 or xs[i].initial or xs[i + 1].initial:
                    continue
                for j, y in enumerate(ys):
                    if j in used_y or j in done_y or y.initial:
                        continue
                    if abs(len(both) - len(y.fold)) > len(both) * (1 - JOINED_MIN):
                        continue  # (lengths this far apart cannot reach JOINED_MIN)
                    sim = OSA.normalized_similarity(both, y.fold, score_cutoff=JOINED_MIN)
                    if sim:
                        done_x.update((i, i + 1))
                        done_y.add(j)
                        w = (xs[i].weight + xs[i + 1].weight + y.weight) / 2
                        num += sim * w
                        den += w
                        pairs.append((xs[i], y, sim) if xs is qt else (y, xs[i], sim))
                        break
    q_only = tuple([t for i, t in enumerate(qt) if i not in used_q and i not in split_q])
    if q_only and r.legal_words and kind != "person":
        # a misspelt legal form (JoC for JSC, FEZ for FZE) is legal-form noise, not name
        q_only = tuple(t for t in q_only if not _near_legal(t, r.legal_words))
    r_only = tuple([t for j, t in enumerate(rt) if j not in used_r and j not in split_r])
    r_patronymic_left = any(t.patronymic for t in r_only)
    q_patronymic_left = any(t.patronymic for t in q_only)
    # every listed word found and the query only adds middle names (GUL AHMAD WAZIRI HAKIMI
    # for GUL AHMAD HAKIMI): the extra words count half
    extra = QUERY_EXTRA_WEIGHT if (kind == "person" and not r_only and len(used_q) >= 2) else 1.0
    # two different regional qualifiers (Bowne France / Bowne Germany): two subsidiaries, so
    # the qualifiers count as full words
    regions = kind != "person" and any(t.region for t in q_only) and any(
        t.region for t in r_only)
    if regions:
        den += sum(t.weight * (1 / GENERIC_FACTOR - 1) for t in q_only if t.region)
        den += sum(t.weight * (1 / GENERIC_FACTOR - 1) * RESULT_UNMATCHED.get(kind, 0.5)
                   for t in r_only if t.region)
    for t in q_only:
        if t.initial:
            den += UNMATCHED_INITIAL_WEIGHT
        elif t.patronymic and not r_patronymic_left:
            den += t.weight * QUERY_UNMATCHED_PATRONYMIC
        elif t.numeric:
            den += t.weight * 2
        else:
            den += t.weight * extra
    lam = RESULT_UNMATCHED.get(kind, 0.5)
    # a person's name part the listing has and the query lacks is usually left out (a middle
    # name); but where the query has a name part of its own in its place, the two differ:
    # HANI ABD-AL-LATIF TILFAH AL-RAWI is not ... AL-TIKRITI. As many listed parts as the
    # query has of its own count in full (the heaviest first).
    swapped = 0
    if kind == "person":
        swapped = sum(1 for t in q_only if not (t.initial or t.patronymic or t.numeric))
    for t in sorted(r_only, key=lambda t: -t.weight) if swapped else r_only:
        if t.patronymic and not q_patronymic_left:
            den += t.weight * RESULT_UNMATCHED_PATRONYMIC
        elif t.numeric:
            den += t.weight * 2
        elif swapped and not t.initial:
            den += t.weight * SUBSTITUTED_WEIGHT
            swapped -= 1
        else:
            den += t.weight * lam
    score = num / den if den > 0 else 0.0
    compact = False
    if score < 0.999 and q.compact and r.compact and _may_be_joined(q, r, q_only, r_only):
        # (reading the names written together is tried first: it seldom raises the score,
        # and only when it does is it asked whether the alignment kept two words apart on
        # purpose, which costs more)
        c = joined_sim(q, r)
        if c >= JOINED_MIN and c > score and not (
                kind != "person" and _distinct_left(qt, rt, q_only, r_only, pairs)):
            score, compact = c, True
            score *= _cjk_factor("".join(t.text for t in qt), "".join(t.text for t in rt))
            score *= _cjk_latin_factor(qt, rt, c, q, r)
    note = ""
    if kind != "person" and score > TRANSLATED_ONLY_CAP and _translated_only(pairs):
        score, note = TRANSLATED_ONLY_CAP, "only generic words agree, one of them translated"
    if q.digits and r.digits and q.digits != r.digits and kind != "person":
        # Orion Metals I / II, Castlereagh Shipping Two / Four: numbers must agree
        score *= NUMBER_CONFLICT_FACTOR
        note = f"numbers differ ({q.digits} / {r.digits})"
    elif (q.digits or r.digits) and not (q.digits and r.digits) and kind != "person":
        # Bowne Global Solutions / Bowne Global Solutions II: a series number on one side
        # names another fund, vessel or company of the series (less sure than two numbers)
        score *= ONE_NUMBER_FACTOR
        note = f"number {q.digits or r.digits} on one side only"
    if score < 0.999 and q.sinitic and r.sinitic:
        c = sinitic_sim(q.sinitic, r.sinitic)
        c *= _cjk_factor("".join(t.text for t in qt), "".join(t.text for t in rt))
        if c > score:
            score, compact, note = c, False, "same Chinese syllables, Pinyin and Wade-Giles folded"
    if score < KOREAN_SIM and (q.hangul and not r.lossy or r.hangul and not q.lossy):
        c = korean_sim(q, r)
        if c > score:
            score, compact, note = c, False, "same Korean syllables (RR, McCune-Reischauer or usual spellings)"
    if kind == "person" and len(qt) > 2 and len(rt) > 2 and _lineage_reversed(qt, rt):
        score *= REVERSED_LINEAGE_FACTOR
        note = "father's and own name swapped around 'bin'"
    return NameMatch(score, q, r, tuple(pairs), q_only, r_only, compact, note,
                     split=len(split_q) // 2 + len(split_r) // 2)


#: Name pairs whose comparison a process keeps (~1 KB each), for :func:`score_profiles`.
COMPARE_CACHE = 100_000
#: :func:`compare_names`, remembered: comparing two analysed names is a pure function of
#: them, and the same pair comes back whenever a query repeats a name with other facts (a
#: payment file's beneficiary with another birth date, country or account; a company name
#: with another identifier) or two queries share a listed candidate and a name. Analysed
#: names are compared by identity (``analyze`` and the index hand out one object per name),
#: so a lookup costs a hash of two ids.
compare_names_cached = lru_cache(maxsize=COMPARE_CACHE)(compare_names)


def _translated_only(pairs: list[tuple[Token, Token, float]]) -> bool:
    """Whether a translated generic word is among two or more matched words and no
    distinctive word (one that translates no generic concept) agrees beside it. (A name left
    with one word - Ege Gaz, once rigour took "Ege" for a legal form - is judged as before.)"""
    if len(pairs) < 2:
        return False
    translated = False
    for a, b, s in pairs:
        if s == TRANSLATED_SIM and a.fold != b.fold and not a.concepts.isdisjoint(b.concepts):
            translated = True
        elif s >= FULL_CREDIT_SIM and not (a.concepts or a.generic or b.concepts or b.generic):
            return False
    return translated


def _distinct_left(qt, rt, q_only, r_only, pairs) -> bool:  # noqa: ANN001
    """Whether the alignment kept two words apart on purpose (Mining/Dining, Falcon/Falcons):
    then reading the names written together must not join them again."""
    for a in q_only + tuple(p[0] for p in pairs):
        for b in r_only + tuple(p[1] for p in pairs):
            if distinct_words(a, b):
                return True
    return False


def korean_sim(q: NameForm, r: NameForm) -> float:
    """A Korean name (Hangul, or Hanja read in Korean) against a Latin one written with any
    grouping of its syllables (Park Chung Hee, Chung-hee Park, Pak Chonghui): KOREAN_SIM when
    the Latin letters spell the syllables in a usual romanisation, family name first or
    last; else 0."""
    k, latin = (q, r) if q.hangul else (r, q)
    words = [t.ascii for t in latin.tokens if t.ascii]
    if not words or len(words) > 5:
        return 0.0
    pattern = korean_pattern(k.hangul, k.tokens[0].family)
    for order in (words, words[1:] + words[:1], words[-1:] + words[:-1]):
        if pattern.fullmatch("".join(order)):
            return KOREAN_SIM
    return 0.0


def sinitic_sim(q: tuple[str, ...], r: tuple[str, ...]) -> float:
    """Similarity of two names read as Chinese syllables (Mao Tse-tung ~ Mao Zedong), with the
    family name first or last; 0 below ``SINITIC_MIN``."""
    qj = "".join(q)
    best = 0.0
    for order in {r, r[1:] + r[:1], r[-1:] + r[:-1]}:
        best = max(best, OSA.normalized_similarity(qj, "".join(order)))
    return SINITIC_FACTOR * best if best >= SINITIC_MIN else 0.0


def _lineage(tokens: tuple[Token, ...]) -> list[tuple[Token, Token]]:
    return [(tokens[k - 1], tokens[k + 1]) for k in range(1, len(tokens) - 1)
            if tokens[k].fold in LINEAGE_WORDS]


def _lineage_reversed(qt: tuple[Token, ...], rt: tuple[Token, ...]) -> bool:
    """Whether "A bin B" in one name is "B bin A" in the other: son and father, two people."""
    for a, b in _lineage(qt):
        for c, d in _lineage(rt):
            if a.fold == b.fold:
                continue
            if (token_sim(a, d) >= 0.9 and token_sim(b, c) >= 0.9
                    and not (token_sim(a, c) >= 0.9 and token_sim(b, d) >= 0.9)):
                return True
    return False


JOINED_MIN = 0.9
_NUMBER_NOTES = ("numbers differ", "number ")


def _near_legal(t: Token, legal_words: frozenset[str]) -> bool:
    if len(t.fold) > 5 or t.numeric:
        return False
    return any(OSA.distance(t.fold, w) <= 1 or sorted(t.fold) == sorted(w) for w in legal_words)


def _may_be_joined(
    q: NameForm, r: NameForm, q_only: tuple[Token, ...], r_only: tuple[Token, ...]
) -> bool:
    """Whether comparing the names written together can help: for organisations always;
    for people only when a long word is left unmatched (RomanKotekin) or a script that does
    not separate or vowel its words is involved - never to let two short given names meet."""
    if r.kind != "person" or q.lossy or r.lossy or q.core != r.core:
        return True
    return any(len(t.fold) >= 8 and not t.patronymic for t in q_only + r_only)


def joined_sim(q: NameForm, r: NameForm) -> float:
    """Similarity of two names written together (joined or split words), and, when either
    side is in a script without written vowels, of their consonant skeletons."""
    lossy = q.lossy or r.lossy
    if q.core == r.core and r.kind == "person" and not lossy and len(q.tokens) == len(r.tokens):
        return 0.0  # same number of words: the token alignment already said it all
    if q.digits != r.digits:
        return 0.0  # Arctic LNG 2 is not Arctic LNG 1, however the words are spaced
    best = 0.0
    qj, rj_ = q.joined, r.joined
    if not q.legal_ids or q.legal_ids != r.legal_ids:
        # a legal form recognised on one side only, or read differently, may be part of the
        # other's words (SiemensAG, "Limited Liabilit Company"); when both sides had the same
        # form set aside, the names are compared without it: written together with a long
        # form ("Obshchestvo s ogranichennoi otvetstvennostyu Bai") a name is a few letters
        # of the string, and "Bai" would meet "Baikal"
        qj, rj_ = (*qj, q.compact), (*rj_, r.compact)
    for rj in rj_:
        for x in qj:
            best = max(best, OSA.normalized_similarity(x, rj, score_cutoff=JOINED_MIN))
    if lossy and len(q.skel_join) >= 3 and len(r.skel_join) >= 3:
        best = max(best, 0.9 * OSA.normalized_similarity(q.skel_join, r.skel_join))
    return best


def describe_name_match(m: NameMatch) -> str:
    """The name evidence in words, e.g. ``'Kirill Dmitriyev' ~ 'DMITRIEV, Kirill' (kirill =
    kirill, dmitriyev ~ dmitriev)``."""
    head = f"name {m.score:.2f}: '{m.query.original}' ~ '{m.result.original}'"
    if m.note and not m.note.startswith(_NUMBER_NOTES):
        return head + f" ({m.note})"
    if m.compact:
        return head + " (same letters when written together)"
    bits = []
    for a, b, s in m.pairs:
        if a.text == b.text:
            bits.append(f"{a.text} = {b.text}")
        elif (a.initial or b.initial) and s == 0.0:
            bits.append(f"initial {a.text if a.initial else b.text} out of order")
        elif a.initial or b.initial:
            bits.append(f"initial {a.text if a.initial else b.text} fits {b.text if a.initial else a.text}")
        elif s >= 0.999:
            bits.append(f"{a.text} = {b.text} (same after transliteration)")
        elif s == TRANSLATED_SIM and a.concepts & b.concepts:
            bits.append(f"{a.text} ~ {b.text} (translated: {'/'.join(sorted(a.concepts & b.concepts))})")
        elif s == KOREAN_SIM and (a.hangul or b.hangul):
            bits.append(f"{a.text} ~ {b.text} (Korean romanisation)")
        elif s == SYMBOL_SIM:
            bits.append(f"{a.text} ~ {b.text} (same given name)")
        elif s == VARIANT_SIM and a.variants & b.variants:
            bits.append(f"{a.text} ~ {b.text} (nickname or other form of one name)")
        else:
            bits.append(f"{a.text} ~ {b.text} ({s:.2f})")
    if m.note.startswith(_NUMBER_NOTES):
        bits.append(m.note)
    for t in m.query_only:
        bits.append(f"'{t.text}' not in listed name")
    for t in m.result_only:
        what = "patronymic" if t.patronymic else "listed"
        bits.append(f"{what} '{t.text}' not in query")
    if m.query.legal_forms or m.result.legal_forms:
        bits.append("legal form set aside")
    return head + (" (" + "; ".join(bits) + ")" if bits else "")


# ---------------------------------------------------------------------------- profiles


@dataclass(frozen=True, slots=True)
class Profile:
    """What the scorer knows about one side: names, dates, countries, identifiers."""

    schema: str
    names: tuple[str, ...]
    weak_names: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    #: what was taken out of the query's text before matching (field labels, c/o …)
    notes: tuple[str, ...] = ()

    def forms(self, kind: str) -> list[NameForm]:
        return [analyze(n, kind) for n in self.names]


_IDENT_CLEAN = re.compile(r"[^0-9A-Z]")


def normalize_identifier(value: str) -> str:
    """Identifiers compare on upper-case letters and digits only (``IMO 9876543`` →
    ``9876543`` is handled by also indexing the digits)."""
    return _IDENT_CLEAN.sub("", value.upper())


def identifier_keys(value: str) -> set[str]:
    """The comparable forms of one identifier: all letters/digits, and the digits alone for
    prefixed forms like ``IMO 9876543`` (only when 6+ digits remain)."""
    norm = normalize_identifier(value)
    keys = {norm} if len(norm) >= 4 else set()
    digits = re.sub(r"\D", "", norm)
    if len(digits) >= 6 and digits != norm and norm[: len(norm) - len(digits)].isalpha():
        keys.add(digits)
    return keys


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def parse_date(value: str | None) -> str | None:
    """ISO prefix (``1958``, ``1958-12``, ``1958-12-19``) from common written forms:
    ISO, ``19 Dec 1958``, ``Dec 19, 1958``, ``19.12.1958``, ``19/12/1958``. None if unreadable."""
    if not value:
        return None
    found = _read_date(value)
    return found if found is None or _real_day(found) else None


def _real_day(iso: str) -> bool:
    """A full date must be a day of the calendar (``31/02/1960`` is unreadable, not a
    birth date to compare)."""
    if len(iso) != 10:
        return True
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _read_date(value: str) -> str | None:
    v = value.strip().lower().replace(",", " ")
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
        return v
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", v)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if mo > 12 and d <= 12:
            d, mo = mo, d
        return f"{y}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else y
    parts = v.split()
    day = month = year = None
    for p in parts:
        if p.isdigit() and len(p) == 4:
            year = p
        elif p.isdigit() and len(p) <= 2:
            day = int(p)
        elif p[:3] in _MONTHS:
            month = _MONTHS[p[:3]]
    if year is None:
        return None
    if month is None:
        return year
    if day is None:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


def _date_feature(query: str, listed: tuple[str, ...]) -> Feature | None:
    if not listed:
        return None
    best: Feature | None = None
    for cand in listed:
        n = min(len(query), len(cand))
        if query[:n] == cand[:n]:
            if n >= 10:
                return Feature("birth_date", 0.05, 0.05, f"date of birth {query} matches the listing")
            f = Feature("birth_date", 0.05, 0.02, f"date of birth {query} fits listed {cand}")
            best = f
        elif best is None or best.value < 0:
            # day/month swapped (05/08 vs 08/05) reads as a typo, not a conflict
            if len(query) == len(cand) == 10 and query[:4] == cand[:4] and (
                query[5:7] == cand[8:10] and query[8:10] == cand[5:7]
            ):
                best = Feature("birth_date", 0.05, 0.0, f"date of birth {query} matches listed "
                               f"{cand} with day and month swapped")
                continue
            try:
                gap = abs(int(query[:4]) - int(cand[:4]))
            except ValueError:
                continue
            penalty = -0.08 if gap == 0 else (-0.15 if gap == 1 else -0.20)
            text = (f"date of birth {query} conflicts with listed {cand}")
            if best is None or penalty > best.value:
                best = Feature("birth_date", 0.2, penalty, text)
    return best


def schema_compatible(query_schema: str, result_schema: str) -> bool:
    """Whether a query of one schema may match a listed entity of another."""
    if query_schema in ("LegalEntity", "Thing", "") or result_schema == "LegalEntity":
        return True
    if query_schema == result_schema:
        return True
    return query_schema in _ORG and result_schema in _ORG


def score_profiles(
    query: Profile,
    result: Profile,
    *,
    explain: bool = True,
    only: Sequence[tuple[NameForm, bool]] | None = None,
) -> tuple[float, list[Feature], NameMatch | None]:
    """Score a listed entity against a query. Returns (score, features, best name match).
    ``only`` restricts the listed names compared to the given (name, is_weak) pairs (the
    index passes the names that share keys with the query)."""
    features: list[Feature] = []
    if not schema_compatible(query.schema, result.schema):
        if explain:
            features.append(Feature("schema", 1.0, -1.0,
                                    f"a {query.schema} cannot be a listed {result.schema}"))
        return 0.0, features, None
    kind = kind_of(result.schema)
    if only is None:
        only = [(analyze(n, kind), False) for n in result.names]
        only += [(analyze(n, kind), True) for n in result.weak_names]
    best: NameMatch | None = None
    # evidence beyond the name: lets a weak or cross-script name reach the threshold
    backed = bool(query.identifiers & result.identifiers) or bool(
        query.countries & result.countries)
    if not backed and query.birth_dates and result.birth_dates:
        f = _date_feature(query.birth_dates[0], result.birth_dates)
        backed = f is not None and f.value > 0
    for qf in query.forms(kind):
        for rf, weak in only:
            m = compare_names_cached(qf, rf)
            if m.score > 0.0:
                m = _weigh_evidence(m, weak, backed)
            if best is None or m.score > best.score:
                best = m
    name_score = best.score if best is not None else 0.0
    score = name_score
    if explain and best is not None:
        features.append(Feature("name", 1.0, name_score, describe_name_match(best)))
        if best.caveat:
            features.append(Feature("name_evidence", 0.0, 0.0, best.caveat))
    if explain and query.notes:
        features.append(Feature("query_text", 0.0, 0.0,
                                "query text cleaned: " + "; ".join(query.notes)))
    if query.birth_dates and result.birth_dates:
        f = _date_feature(query.birth_dates[0], result.birth_dates)
        if f is not None:
            score += f.value
            features.append(f)
    if query.countries and result.countries:
        if query.countries & result.countries:
            shared = ", ".join(sorted(query.countries & result.countries))
            score += 0.02
            features.append(Feature("country", 0.02, 0.02, f"country {shared} matches"))
        else:
            score -= 0.08
            features.append(Feature(
                "country", 0.08, -0.08,
                f"country {', '.join(sorted(query.countries))} differs from listed "
                f"{', '.join(sorted(result.countries))}"))
    if best is not None:
        f = legal_form_feature(best.query, best.result)
        if f is not None:
            score += f.value
            features.append(f)
    if best is not None and best.result.kind != "person":
        f = subsidiary_feature(best)
        if f is not None:
            score += f.value
            features.append(f)
    shared_ids = query.identifiers & result.identifiers
    if shared_ids:
        floor = 0.90 + 0.10 * name_score
        gain = max(0.0, floor - score)
        score = max(score, floor)
        features.append(Feature("identifier", 0.9, gain,
                                f"identifier {', '.join(sorted(shared_ids))} is on the listing "
                                "(strong evidence)"))
    elif query.identifiers and result.identifiers and explain:
        features.append(Feature("identifier", 0.0, 0.0,
                                "the query's identifier is not among the listed ones"))
    if result.schema != query.schema and query.schema not in ("LegalEntity", "") and explain:
        features.append(Feature("schema", 0.0, 0.0,
                                f"{query.schema} query compared with a listed {result.schema}"))
    score = min(1.0, max(0.0, score))
    return score, features, best


def cross_script(m: NameMatch) -> bool:
    """Whether the names meet only through the transliteration of a script that writes
    names approximately (abjads without vowels, Hangul, Han, Thai …) from another script."""
    return m.query.lossy != m.result.lossy


def _strong_parts(m: NameMatch) -> int:
    """Name parts that agree well enough to support each other (no initials, 3+ letters;
    a Chinese, Japanese or Korean word read exactly counts however short: Xi, Li; two words
    written as one count as two)."""
    return m.split + sum(1 for a, b, s in m.pairs
                         if s >= STRONG_PART_SIM and not (a.initial or b.initial)
                         and (len((a if b.lossy else b).ascii) >= 3
                              or (s >= 0.999 and is_cjk(a.text if a.lossy else b.text))))


def _weigh_evidence(m: NameMatch, weak: bool, backed: bool) -> NameMatch:
    """A name match through a lossy transliteration, or on an alias the list marks weak or
    that is very short, is weak evidence: it is weighed lower and, without a second name
    part that agrees (cross-script) or other evidence (birth date, country, identifier),
    held below the threshold."""
    score, caveat = m.score, ""
    # (a short organisation name is usually its acronym, a name in its own right: SUEK, VMK)
    # (a query of initials only - N.N. - says no more than a very short name)
    short = m.result.kind == "person" and (
        (not m.result.lossy and sum(len(t.ascii) for t in m.result.tokens) <= SHORT_ALIAS_LETTERS)
        or all(t.initial for t in m.query.tokens))
    if weak or short:
        score *= WEAK_ALIAS_FACTOR
        caveat = ("the listed name is a weak alias" if weak else
                  "the name is very short")
        if not backed:
            score = min(score, WEAK_CAP)
            caveat += ": weak evidence without a birth date, country or identifier"
    if cross_script(m):
        score *= CROSS_SCRIPT_FACTOR
        parts = _strong_parts(m)
        if m.compact or (m.note and not m.note.startswith(_NUMBER_NOTES)):
            # read as a whole: the Latin side's words stand for the parts (or, written
            # together, the words of a Chinese, Japanese or Korean name read exactly:
            # ZhongyuanNengyuan ~ 中远 能源)
            latin, native = (m.query, m.result) if not m.query.lossy else (m.result, m.query)
            parts = len(latin.tokens) if score >= 0.85 else 0
            if m.score >= 0.95 and all(t.cjk for t in native.tokens):
                parts = max(parts, len(native.tokens))
        if parts < 2 and not backed:
            score = min(score, WEAK_CAP)
            caveat = (caveat + "; " if caveat else "") + (
                "matched only through a transliteration without written vowels or "
                "exact readings, with no second name part or other evidence to support it")
    if score == m.score:
        return m
    return replace(m, score=score, caveat=caveat)


#: Generic classes of commercial companies (against a non-profit form: another kind).
_COMMERCIAL = frozenset({"llc", "jsc", "lp", "gp", "sole"})


def legal_form_feature(q: NameForm, r: NameForm) -> Feature | None:
    """Legal forms compared: the same form +0.02 (the same class, LLC/ООО, too); forms of
    jurisdictions that exclude each other (GmbH / Sdn. Bhd.) −0.12; otherwise different
    forms −0.04 (weak on purpose: lists and customers write forms loosely)."""
    if not (q.legal_forms and r.legal_forms):
        return None
    qs, rs = "/".join(sorted(q.legal_forms)), "/".join(sorted(r.legal_forms))
    if q.legal_ids & r.legal_ids:
        return Feature("legal_form", LEGAL_SAME, LEGAL_SAME, f"legal form {qs} matches")
    if jurisdictions_conflict(q.legal_ids, r.legal_ids):
        ql = "/".join(sorted(label(i) for i in q.legal_ids))
        rl = "/".join(sorted(label(i) for i in r.legal_ids))
        return Feature("legal_form", LEGAL_JURISDICTION, -LEGAL_JURISDICTION,
                       f"legal form {ql} is of another jurisdiction than listed {rl}")
    if q.legal_forms & r.legal_forms:
        return Feature("legal_form", LEGAL_SAME, LEGAL_SAME, f"legal form {qs} matches")
    if (("npo" in q.legal_forms) != ("npo" in r.legal_forms)
            and (q.legal_forms | r.legal_forms) - {"npo"} <= _COMMERCIAL):
        # a non-profit organisation (ANO, NP, NPO) and a company of one name are two persons
        return Feature("legal_form", LEGAL_KIND, -LEGAL_KIND,
                       f"legal form {qs} is another kind of organisation than listed {rs}")
    if national_forms(q.legal_ids) and national_forms(r.legal_ids):
        # both forms are a country's own (not an English translation used anywhere) and of
        # one jurisdiction, but of different kinds: a company has one form at a time, and an
        # AG and a GmbH of one name are usually two companies of one group
        return Feature("legal_form", LEGAL_KIND, -LEGAL_KIND,
                       f"legal form {qs} is another kind of company than listed {rs}")
    return Feature("legal_form", LEGAL_DIFFERENT, -LEGAL_DIFFERENT,
                   f"legal form {qs} differs from listed {rs}")


def subsidiary_feature(m: NameMatch) -> Feature | None:
    """A country named in one organisation name only (Okafor Castings *Nigeria* Ltd against
    Okafor Castings Inc.): the name of a national subsidiary, another legal person."""
    # (the regional qualifiers of data/match/org_regions.txt - Schweiz, Deutschland - are
    # group naming and keep their own, smaller weight: see compare_names)
    extra = [t for t in m.query_only + m.result_only if is_country_word(t.ascii) and not t.region]
    if not extra:
        return None
    words = ", ".join(t.text for t in extra)
    if any(t in m.query_only for t in extra) and any(t in m.result_only for t in extra):
        # a different country on each side: two national companies of one group
        return Feature("subsidiary", 2 * SUBSIDIARY_PENALTY, -2 * SUBSIDIARY_PENALTY,
                       f"different countries in the names ({words}): two national companies")
    return Feature("subsidiary", SUBSIDIARY_PENALTY, -SUBSIDIARY_PENALTY,
                   f"country-qualified name ({words}) on one side only: a national subsidiary "
                   "is another company")


def explain(features: list[Feature]) -> str:
    """One line an analyst can read: the features in order, with signed contributions."""
    out = []
    for f in features:
        if f.name == "name":
            out.append(f.text)
        elif f.value:
            out.append(f"{f.text} ({f.value:+.2f})")
        else:
            out.append(f.text)
    return "; ".join(out)

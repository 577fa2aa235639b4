"""The score bounds that let a search leave out candidates must never leave out one that
reaches the cut: checked name pair by name pair on the labelled pairs, and candidate by
candidate on screening queries against the bundled lists."""

from __future__ import annotations

import csv

import pytest

from olivebranch.match.batch import iter_rows, key_query, row_key
from olivebranch.match.bound import below, name_bound
from olivebranch.match.index import MatchIndex
from olivebranch.match.names import analyze, kind_of
from olivebranch.match.profile import query_profile
from olivebranch.match.score import compare_names, schema_compatible, score_profiles
from olivebranch.paths import DATA_DIR
from olivebranch.store import Store

EVAL = DATA_DIR / "match" / "eval"
CUTS = (0.3, 0.5, 0.7, 0.78, 0.9, 0.95)


def _pairs() -> list[tuple[str, str, str]]:
    out = []
    for file, a, b in (("name_pairs.csv", "name1", "name2"),
                       ("match_pairs_dev.csv", "query", "candidate")):
        with (EVAL / file).open(encoding="utf-8") as f:
            out.extend((row["schema"], row[a], row[b]) for row in csv.DictReader(f))
    return out


def test_name_bound_is_never_below_the_score() -> None:
    """For every labelled pair (people, companies, vessels, every script and trap of the dev
    sets), in both directions: a bound under ``need`` means the score is under it too."""
    checked = cut_short = 0
    for schema, x, y in _pairs():
        kinds = ("person", "org") if schema == "LegalEntity" else (kind_of(schema),)
        for kind in kinds:
            for a, b in ((x, y), (y, x)):
                q, r = analyze(a, kind), analyze(b, kind)
                score = compare_names(q, r).score
                for need in CUTS:
                    if name_bound(q, r, need) < need:
                        assert score < need, (a, b, kind, need, score)
                        cut_short += 1
                    checked += 1
    # the bound does leave pairs out (else it would only cost time)
    assert checked > 10_000 and cut_short > checked // 4


@pytest.fixture(scope="module")
def index(bundled_store: Store) -> MatchIndex:
    return MatchIndex.from_store(bundled_store)


def test_below_never_drops_a_candidate_that_reaches_the_cut(index: MatchIndex) -> None:
    """Every candidate of every screening dev query (listed names and their variants, names
    on no list, birth dates, identifiers): whenever ``below`` says a candidate is under the
    cut, its full score is."""
    checked = dropped = 0
    for item in iter_rows(EVAL / "screening_dev.csv"):
        key = row_key(item)[2]
        if key is None:
            continue
        profile = query_profile(key_query(key))
        for i, only in index.candidates(profile).items():
            e = index.entries[i]
            if not schema_compatible(profile.schema, e.schema):
                continue
            score = score_profiles(profile, e.profile, explain=False, only=only)[0]
            for cut in CUTS:
                if below(profile, e.profile, only, cut):
                    assert score < cut, (profile.names, e.caption, cut, score)
                    dropped += 1
                checked += 1
    assert checked > 10_000 and dropped > checked // 2

"""Cross-script precision: 5,000 common Western names against the whole bundled universe.

    python bench/match_translit.py [--db URL] [--n 5000] [--show]

A hit "through transliteration alone" is a result at or above the default threshold whose
best-matching listed name is in a script written approximately in Latin letters (Arabic,
Hebrew, Han, Hangul, Thai …) while the query is Latin: the query never met a Latin name of
the entity. Target: at most 0.1% of queries (issue 17). All hits are reported too, for scale
(common Western names do share real listed names: John Smith is not always innocent).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data" / "match" / "eval"))

from _common import bench_store, table  # noqa: E402
from western_names import western_names  # noqa: E402

from olivebranch.match import DEFAULT_THRESHOLD, MatchIndex, Query  # noqa: E402
from olivebranch.match.profile import query_profile  # noqa: E402
from olivebranch.match.score import cross_script, score_profiles  # noqa: E402


def translit_hits(index: MatchIndex, names: list[str], schema: str = "Person") -> tuple[list, int]:
    """(hits through transliteration alone, queries with any hit)."""
    bad = []
    any_hit = 0
    for name in names:
        q = Query(name=name, schema=schema)
        res = index.search(q, limit=5)
        if res:
            any_hit += 1
        profile = query_profile(q)
        for r in res:
            e = index.entry(r.entity_id)
            _, _, best = score_profiles(profile, e.profile, explain=False)
            if best is not None and cross_script(best):
                bad.append((name, r.entity_id, round(r.score, 3), best.result.original))
    return bad, any_hit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    index = MatchIndex.from_store(bench_store(args.db))
    names = western_names(args.n)
    rows = []
    for schema in ("Person", "LegalEntity"):
        t = time.perf_counter()
        bad, any_hit = translit_hits(index, names, schema)
        queries = len({b[0] for b in bad})
        rows.append([schema, len(names), queries, queries / len(names), any_hit,
                     any_hit / len(names), round(time.perf_counter() - t, 1)])
        if args.show:
            for b in bad:
                print("  ", schema, b)
    print(f"{len(index)} listed entities; threshold {DEFAULT_THRESHOLD}")
    print(table(["query schema", "queries", "translit-only hits", "rate", "any hit", "rate",
                 "s"], rows))
    print("target: translit-only hit rate ≤ 0.001")


if __name__ == "__main__":
    main()

"""Screening quality: recall and false positives per category, beside nomenklatura's matchers.

    python bench/match_quality.py [--db URL] [--threshold 0.78] [--peer-candidates 20] [--no-peer]

Data (see bench/_common.py for where it is found):
* ``screening_dev.csv``: 460 variants of listed Russia-related SDN entries in categories, and
  400 names on no list. Recall = the target ``ofac-<ent_num>`` is among the top 5 results at
  or above the threshold; false-positive rate = share of non-match queries with any result at
  or above the threshold.
* ``putin_names.txt``: 80 spellings of one person; recall = a Putin listing in the top 5.
* ``cross_script_pairs.csv``: 22 pairs scored directly (pass = score ≥ threshold).

By parties (issue 12): the same queries screened with ``search_parties`` (one result per party,
the records of a person or company on several lists resolved together, ``olivebranch.parties``):
a hit when the target's party is among the first five *parties*; printed beside the record-based
figures (``search``: up to five name-grouped parties' records; and strictly the first five
records).

The peer is what yente runs: nomenklatura ``logic-v1`` and ``logic-v2`` (threshold 0.70),
given candidates from a rapidfuzz WRatio scan over the ASCII forms of every listed name
(top ``--peer-candidates`` entities), over the same bundled universe in the same process.
Targets: overall recall ≥ 0.95 at a false-positive rate ≤ 0.01, and ≥ the peer per category.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_store, eval_dir, table  # noqa: E402

from olivebranch.match import DEFAULT_THRESHOLD, MatchIndex, Query, compare  # noqa: E402
from olivebranch.match.score import parse_date  # noqa: E402

PEER_THRESHOLD = 0.70


def load_queries(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_putin(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_pairs(path: Path) -> list[tuple[str, str, float]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = next(csv.reader([line]))
        if len(parts) >= 3:
            out.append((parts[0], parts[1], float(parts[2])))
    return out


def to_query(row: dict[str, str]) -> Query:
    return Query(
        name=row["name"],
        schema=row.get("schema") or "LegalEntity",
        birth_date=row.get("birth_date") or None,
        identifiers=[row["identifier"]] if row.get("identifier") else [],
    )


# ------------------------------------------------------------------------------ peer


class Peer:
    """nomenklatura matchers with rapidfuzz candidate generation over the same universe."""

    def __init__(self, index: MatchIndex, candidates: int) -> None:
        from followthemoney import model
        from nomenklatura.matching import LogicV1, LogicV2, ScoringConfig
        from rigour.text.translit import ascii_text

        self.model = model
        self.algorithms = {"logic-v1": LogicV1, "logic-v2": LogicV2}
        self.config = ScoringConfig.defaults()
        self.ascii = ascii_text
        self.k = candidates
        self.entries = index.entries
        self.choices: list[str] = []
        self.owner: list[int] = []
        for i, e in enumerate(index.entries):
            for n in e.profile.names:
                self.choices.append(ascii_text(n).lower())
                self.owner.append(i)
        self._proxies: dict[int, object] = {}
        self._n = 0

    def proxy(self, i: int) -> object:
        p = self._proxies.get(i)
        if p is None:
            p = self.model.get_proxy(self.entries[i].data, cleaned=False)
            self._proxies[i] = p
        return p

    def search(self, q: Query) -> dict[str, list[tuple[float, str]]]:
        from rapidfuzz import fuzz, process

        names = q.names
        cand: dict[int, float] = {}
        for name in names:
            text = self.ascii(name).lower()
            for _, score, pos in process.extract(text, self.choices, scorer=fuzz.WRatio,
                                                 limit=self.k * 3):
                i = self.owner[pos]
                cand[i] = max(cand.get(i, 0.0), score)
        top = sorted(cand, key=lambda i: -cand[i])[: self.k]
        qp = self.model.make_entity(q.schema if q.schema else "LegalEntity")
        # a fresh id per query: logic-v2 memoises name analysis per entity id
        self._n += 1
        qp.id = f"query-{self._n}"
        for n in names:
            qp.add("name", n)
        bd = parse_date(q.birth_date) if q.birth_date else None
        if bd and qp.schema.get("birthDate"):
            qp.add("birthDate", bd)
        for ident in q.identifiers:
            digits = "".join(c for c in ident if c.isdigit())
            prop = "innCode" if len(digits) in (10, 12) and digits == ident else "registrationNumber"
            if qp.schema.get(prop):
                qp.add(prop, ident)
        out: dict[str, list[tuple[float, str]]] = {}
        for alg_name, alg in self.algorithms.items():
            scored = []
            for i in top:
                cp = self.proxy(i)
                try:
                    if not qp.schema.can_match(cp.schema):  # type: ignore[attr-defined]
                        continue
                    res = alg.compare(qp, cp, self.config)  # type: ignore[arg-type]
                except Exception:  # noqa: BLE001 - the peer must not stop the bench
                    continue
                scored.append((res.score, self.entries[i].id))
            scored.sort(key=lambda x: -x[0])
            out[alg_name] = scored[:5]
        return out


# ------------------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--peer-candidates", type=int, default=20)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--show-misses", action="store_true", help="print missed/false rows")
    args = ap.parse_args()
    thr = args.threshold
    edir = eval_dir()
    store = bench_store(args.db)
    from olivebranch.parties import after_import
    from olivebranch.parties.lookup import parties_mark

    if not parties_mark(store):
        t = time.perf_counter()
        print("resolving the records into parties …", flush=True)
        after_import(store)
        print(f"  done in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    index = MatchIndex.from_store(store)
    print(f"index: {len(index)} listed entities, built in {time.perf_counter() - t:.1f} s")
    rows = load_queries(edir / "screening_dev.csv")
    putin = load_putin(edir / "putin_names.txt")
    pairs = load_pairs(edir / "cross_script_pairs.csv")

    # ours -----------------------------------------------------------------
    t = time.perf_counter()
    ours: list[list[tuple[float, str]]] = []
    for row in rows:
        res = index.search(to_query(row), limit=5, threshold=0.0)
        ours.append([(r.score, r.entity_id) for r in res])
    ours_putin = []
    for name in putin:
        res = index.search(Query(name=name, schema="Person"), limit=5, threshold=0.0)
        ours_putin.append([(r.score, r.entity_id) for r in res])
    t_ours = time.perf_counter() - t
    # by parties: one result per party, its records together (a hit = the target's party
    # among the first five parties); each party stands for all its record ids
    t = time.perf_counter()
    by_party: list[list[tuple[float, str]]] = []
    for row in rows:
        res = index.search_parties(to_query(row), limit=5, threshold=0.0)
        by_party.append([(r.score, rid) for r in res for rid in r.record_ids])
    party_putin = []
    for name in putin:
        res = index.search_parties(Query(name=name, schema="Person"), limit=5, threshold=0.0)
        party_putin.append([(r.score, rid) for r in res for rid in r.record_ids])
    t_parties = time.perf_counter() - t
    putin_ids = {e.id for e in index.entries if e.schema == "Person"
                 and any("putin" in n.lower() and "vladimir" in n.lower()
                         for n in e.profile.names)}

    peer_res: dict[str, list[list[tuple[float, str]]]] = {"logic-v1": [], "logic-v2": []}
    peer_putin: dict[str, list[list[tuple[float, str]]]] = {"logic-v1": [], "logic-v2": []}
    t_peer = 0.0
    if not args.no_peer:
        peer = Peer(index, args.peer_candidates)
        t = time.perf_counter()
        for row in rows:
            r = peer.search(to_query(row))
            for k in peer_res:
                peer_res[k].append(r[k])
        for name in putin:
            r = peer.search(Query(name=name, schema="Person"))
            for k in peer_putin:
                peer_putin[k].append(r[k])
        t_peer = time.perf_counter() - t

    def evaluate(results: list[list[tuple[float, str]]], cut: float) -> dict[str, list[int]]:
        stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row, res in zip(rows, results, strict=True):
            cat = row["category"]
            above = [eid for s, eid in res if s >= cut]
            if row["expect"] == "match":
                hit = f"ofac-{row['target_id']}" in above
            else:
                hit = bool(above)
            stats[cat][0] += int(hit)
            stats[cat][1] += 1
        return stats

    def putin_recall(results: list[list[tuple[float, str]]], cut: float) -> float:
        ok = sum(1 for res in results if any(s >= cut and eid in putin_ids for s, eid in res))
        return ok / max(len(results), 1)

    ours_stats = evaluate(ours, thr)
    first5 = evaluate([res[:5] for res in ours], thr)
    party_stats = evaluate(by_party, thr)
    peers = {k: evaluate(v, PEER_THRESHOLD) for k, v in peer_res.items() if v}
    cats = sorted(ours_stats, key=lambda c: (rows_expect(rows, c) != "match", c))
    header = ["category", "n", "kind", f"ours@{thr:.2f}", "first 5 records", "first 5 parties"
              ] + [f"{k}@0.70" for k in peers]
    out_rows = []
    for c in cats:
        hit, n = ours_stats[c]
        kind = "recall" if rows_expect(rows, c) == "match" else "FP rate"
        line: list[object] = [c, n, kind, hit / n, first5[c][0] / n, party_stats[c][0] / n]
        for k in peers:
            ph, pn = peers[k][c]
            line.append(ph / pn)
        out_rows.append(line)

    def overall(stats: dict[str, list[int]], want: str) -> float:
        h = sum(stats[c][0] for c in stats if rows_expect(rows, c) == want)
        n = sum(stats[c][1] for c in stats if rows_expect(rows, c) == want)
        return h / max(n, 1)

    out_rows.append(["OVERALL matches", sum(ours_stats[c][1] for c in ours_stats
                     if rows_expect(rows, c) == "match"), "recall", overall(ours_stats, "match"),
                     overall(first5, "match"), overall(party_stats, "match")]
                    + [overall(peers[k], "match") for k in peers])
    out_rows.append(["OVERALL non-matches", sum(ours_stats[c][1] for c in ours_stats
                     if rows_expect(rows, c) != "match"), "FP rate", overall(ours_stats, "none"),
                     overall(first5, "none"), overall(party_stats, "none")]
                    + [overall(peers[k], "none") for k in peers])
    out_rows.append(["putin_names", len(putin), "recall", putin_recall(ours_putin, thr),
                     putin_recall([r[:5] for r in ours_putin], thr),
                     putin_recall(party_putin, thr)]
                    + [putin_recall(peer_putin[k], PEER_THRESHOLD) for k in peers])
    print()
    print("screening_dev.csv + putin_names.txt (top 5 at threshold)")
    print(table(header, out_rows))
    print(f"\ntime: ours {t_ours:.1f} s for {len(rows) + len(putin)} queries (by records), "
          f"{t_parties:.1f} s (by parties)"
          + (f"; peer (rapidfuzz top-{args.peer_candidates} + logic-v1 + logic-v2) {t_peer:.1f} s"
             if peers else ""))

    # threshold sweep for ours
    sweep = []
    for cut in (0.70, 0.72, 0.75, 0.78, 0.80, 0.82, 0.85, 0.90):
        st = evaluate(ours, cut)
        sweep.append([cut, overall(st, "match"), overall(st, "none"), putin_recall(ours_putin, cut)])
    print("\nthreshold sweep (ours)")
    print(table(["threshold", "recall", "FP rate", "putin recall"], sweep))

    # cross-script pairs
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    cfg = ScoringConfig.defaults()
    prow = []
    for n, (a, b, min_score) in enumerate(pairs):
        s, _ = compare(Query(name=a, schema="Person"), Query(name=b, schema="Person"))
        qa = model.make_entity("Person")
        qa.id = f"pair-a-{n}"  # fresh ids: logic-v2 memoises name analysis per entity id
        qa.add("name", a)
        qb = model.make_entity("Person")
        qb.id = f"pair-b-{n}"
        qb.add("name", b)
        p = LogicV2.compare(qa, qb, cfg).score
        prow.append([a, b, min_score, s, "yes" if s >= thr else "no", p,
                     "yes" if p >= PEER_THRESHOLD else "no"])
    print("\ncross_script_pairs.csv (Watchman's minimum expected score shown for reference)")
    print(table(["query", "expected", "min", "ours", f"≥{thr:.2f}", "logic-v2", "≥0.70"], prow))
    passed = sum(1 for r in prow if r[4] == "yes")
    ppassed = sum(1 for r in prow if r[6] == "yes")
    print(f"pass: ours {passed}/{len(prow)}, logic-v2 {ppassed}/{len(prow)}")

    if args.show_misses:
        print("\nmisses / false positives (ours)")
        for row, res in zip(rows, ours, strict=True):
            above = [(round(s, 3), eid) for s, eid in res if s >= thr]
            target = f"ofac-{row['target_id']}"
            if row["expect"] == "match" and target not in [e for _, e in above]:
                got = [(round(s, 3), e) for s, e in res if e == target]
                print(f"  MISS {row['category']:14} {row['name']!r} -> {target} {got} top={res[:2]}")
            elif row["expect"] != "match" and above:
                print(f"  FP   {row['category']:14} {row['name']!r} -> {above[:2]}")


def rows_expect(rows: list[dict[str, str]], cat: str) -> str:
    for r in rows:
        if r["category"] == cat:
            return r["expect"]
    return "none"


if __name__ == "__main__":
    main()

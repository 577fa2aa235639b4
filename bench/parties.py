"""Benchmark: parties on the bundled lists — quality on labelled pairs, counts, speed.

Prints, for a full resolution of every bundled list:

* precision and recall of automatic positive links on the labelled cross-list pairs in
  ``data/parties/pairs.csv`` (targets: precision >= 0.995, recall >= 0.90), overall and per
  way each label was decided, beside two references run in the same process: the names-only
  resolver (deterministic rules left out: the independent check for pairs labelled by
  references and identifiers) and an exact-name baseline (same words, no conflicting birth
  date: what screening grouped before parties);
* the number of parties, records per party, links per rule;
* full resolution time (target <= 60 s on the 2-core machine; wall and CPU) and the time of an
  incremental run after a single-source import (a new EU version with records removed, changed
  and added) and after a reviewer's judgement.

The store is never changed: the bench works on a copy of the bench store's SQLite file.

    python bench/parties.py [--db URL]             # measure
    python bench/parties.py build-pairs [--db URL] # rebuild data/parties/pairs.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_store, table  # noqa: E402

from olivebranch.parties import Parties, PartyResolver  # noqa: E402
from olivebranch.parties.blocking import candidate_pairs  # noqa: E402
from olivebranch.parties.evidence import dob_relation, name_score, side_of  # noqa: E402
from olivebranch.parties.names import words  # noqa: E402
from olivebranch.parties.records import Record, load_records  # noqa: E402
from olivebranch.parties.resolve import resolve  # noqa: E402
from olivebranch.paths import DATA_DIR  # noqa: E402
from olivebranch.store import Store  # noqa: E402

TARGET_PRECISION, TARGET_RECALL, TARGET_SECONDS = 0.995, 0.90, 60.0

# ---------------------------------------------------------------- the labelled pairs (build)
OUT = DATA_DIR / "parties" / "pairs.csv"
MANUAL = DATA_DIR / "parties" / "manual.csv"
FIELDS = ["left_id", "right_id", "label", "basis", "left_name", "right_name", "left_source",
          "right_source", "note"]
#: Pairs per basis at most (the strata are kept balanced).
PER_BASIS = {"xref:un": 140, "xref:uk": 40, "xref:ofsi": 110, "id:inn": 70, "id:ogrn": 30,
             "id:imo": 25, "id:lei": 10, "id:bic": 15, "doc:passport+dob": 60,
             "ref-conflict:un": 130, "ref-conflict:ofsi": 40, "id-conflict": 110,
             "dob-conflict": 170}
CLOSE = 0.80


def _family(r: Record) -> str:
    return sorted(r.families)[0]


def _row(a: Record, b: Record, label: str, basis: str, note: str = "") -> dict[str, str]:
    if a.id > b.id:
        a, b = b, a
    return {"left_id": a.id, "right_id": b.id, "label": label, "basis": basis,
            "left_name": a.caption, "right_name": b.caption, "left_source": ",".join(a.sources),
            "right_source": ",".join(b.sources), "note": note}


def _name(a: Record, b: Record) -> float:
    return name_score(side_of([a]), side_of([b]))[0]


def positives(records: dict[str, Record]) -> dict[str, list[dict[str, str]]]:
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in records.values():
        for k in r.refs | r.ids:
            by_key[k].append(r.id)
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for (scheme, value), ids in sorted(by_key.items()):
        if len(ids) < 2 or len(ids) > 12:
            continue
        for x, y in combinations(sorted(ids), 2):
            a, b = records[x], records[y]
            if _family(a) == _family(b) or (x, y) in seen:
                continue
            if scheme in ("un", "uk", "ofsi"):
                basis = f"xref:{scheme}"
            elif scheme in ("inn", "ogrn", "imo", "lei", "bic"):
                basis = f"id:{scheme}"
            elif scheme in ("passport", "natid"):
                if dob_relation(a.birth_dates, b.birth_dates)[0] != "day":
                    continue
                basis = "doc:passport+dob"
            else:
                continue
            seen.add((x, y))
            out[basis].append(_row(a, b, "positive", basis, f"{scheme} {value}"))
    return out


def negatives(records: dict[str, Record], rng: random.Random) -> dict[str, list[dict[str, str]]]:
    recs = [r for r in records.values() if r.listed and r.names]
    sides = [side_of([r]) for r in recs]
    pairs = sorted(candidate_pairs(sides))
    rng.shuffle(pairs)
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for i, j in pairs:
        a, b = recs[i], recs[j]
        if a.refs & b.refs or a.ids & b.ids:
            continue
        basis = note = ""
        for scheme in ("un", "ofsi"):
            xa = {v for s, v in a.refs if s == scheme}
            xb = {v for s, v in b.refs if s == scheme}
            if xa and xb and not xa & xb:
                basis, note = f"ref-conflict:{scheme}", f"{sorted(xa)} vs {sorted(xb)}"
                break
        if not basis:
            for scheme in ("inn", "ogrn", "imo", "lei"):
                xa = {v for s, v in a.ids if s == scheme}
                xb = {v for s, v in b.ids if s == scheme}
                if scheme == "inn":
                    lens = {len(v) for v in xa} & {len(v) for v in xb}
                    xa = {v for v in xa if len(v) in lens}
                    xb = {v for v in xb if len(v) in lens}
                if xa and xb and not xa & xb:
                    basis, note = "id-conflict", f"{scheme} {sorted(xa)} vs {sorted(xb)}"
                    break
        if not basis and a.is_person and b.is_person:
            da = {d for d in a.birth_dates if len(d) == 10 and not d.endswith("-01-01")}
            db = {d for d in b.birth_dates if len(d) == 10 and not d.endswith("-01-01")}
            # the same day and month in another year reads as a typo, not another person
            if da and db and min(abs(int(x[:4]) - int(y[:4])) for x in da for y in db) >= 2 \
                    and not {d[5:] for d in da} & {d[5:] for d in db} \
                    and dob_relation(a.birth_dates, b.birth_dates)[0] == "conflict":
                basis, note = "dob-conflict", f"{sorted(da)} vs {sorted(db)}"
        if not basis or len(out[basis]) >= PER_BASIS[basis] * 3:
            continue
        score = _name(a, b)
        if score < CLOSE:
            continue
        out[basis].append(_row(a, b, "negative", basis, f"{note}; names {score:.2f}"))
        if all(len(out[k]) >= PER_BASIS[k] * 3 for k in
               ("ref-conflict:un", "ref-conflict:ofsi", "id-conflict", "dob-conflict")):
            break
    return out


def manual_rows() -> list[dict[str, str]]:
    if not MANUAL.exists():
        return []
    with MANUAL.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(line for line in fh if not line.startswith("#"))]




def build_pairs(store: Store, seed: int = 12) -> None:
    """Write ``data/parties/pairs.csv`` (see docs/parties.md for how labels are decided)."""
    rng = random.Random(seed)
    records = load_records(store)
    rows: list[dict[str, str]] = []
    chosen: set[tuple[str, str]] = set()
    hand = manual_rows()
    for row in hand:  # hand-read pairs (and excluded ones) are never labelled automatically
        chosen.add(tuple(sorted((row["left_id"], row["right_id"]))))
    for group in (positives(records), negatives(records, rng)):
        for basis, items in sorted(group.items()):
            rng.shuffle(items)
            kept = 0
            for row in items:
                key = (row["left_id"], row["right_id"])
                if key in chosen:
                    continue
                if row["label"] == "positive" and _name(records[key[0]], records[key[1]]) < 0.8:
                    continue  # evidence disagrees: read by hand (manual.csv) instead
                chosen.add(key)
                rows.append(row)
                kept += 1
                if kept >= PER_BASIS.get(basis, 50):
                    break
    for row in hand:
        a, b = records.get(row["left_id"]), records.get(row["right_id"])
        if a is not None and b is not None and row["label"] in ("positive", "negative"):
            rows.append(_row(a, b, row["label"], "manual", row.get("note", "")))
    rows.sort(key=lambda r: (r["label"], r["basis"], r["left_id"], r["right_id"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Labelled cross-list record pairs; how each label was decided: docs/parties.md\n")
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    counts = Counter((r["label"], r["basis"]) for r in rows)
    print(table(["label", "basis", "pairs"], [[lb, b, n] for (lb, b), n in sorted(counts.items())]))
    print(f"{sum(1 for r in rows if r['label'] == 'positive')} positives, "
          f"{sum(1 for r in rows if r['label'] == 'negative')} negatives -> {OUT}")


# ------------------------------------------------------------------------------ measuring
def load_pairs() -> list[dict[str, str]]:
    with OUT.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def score(pairs: list[dict[str, str]], same: object) -> dict[str, dict[str, float]]:
    """Precision/recall of ``same(a, b)`` on the pairs, overall and per basis."""
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    for p in pairs:
        linked = bool(same(p["left_id"], p["right_id"]))  # type: ignore[operator]
        outcome = {("positive", True): "tp", ("positive", False): "fn",
                   ("negative", True): "fp", ("negative", False): "tn"}[(p["label"], linked)]
        for key in ("all", f"{p['label']}:{p['basis']}"):
            stats[key][outcome] += 1
    out = {}
    for key, c in stats.items():
        tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
        out[key] = {"pairs": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                    "precision": tp / (tp + fp) if tp + fp else float("nan"),
                    "recall": tp / (tp + fn) if tp + fn else float("nan")}
    return out


def exact_name_groups(records: dict[str, Record]) -> dict[str, int]:
    """The baseline: records of one kind with the same set of (2+) name words and no
    conflicting birth dates are one party (what screening grouped before parties)."""
    parent = {r: r for r in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for r in sorted(records.values(), key=lambda r: r.id):
        kind = "p" if r.is_person else "o"
        for n in r.names:
            ws = words(n)
            if len(set(ws)) < 2:
                continue
            key = kind + "|" + " ".join(sorted(set(ws)))
            other = first.setdefault(key, r.id)
            if other == r.id:
                continue
            a, b = find(r.id), find(other)
            if a != b and dob_relation(records[r.id].birth_dates,
                                       records[other].birth_dates)[0] != "conflict":
                parent[a] = b
    roots: dict[str, int] = {}
    return {r: roots.setdefault(find(r), len(roots)) for r in records}


def _same_from_groups(groups: list[list[str]]):  # noqa: ANN202
    where = {rid: i for i, g in enumerate(groups) for rid in g}
    return lambda a, b: a in where and where.get(a) == where.get(b)


def modified_eu_version(store: Store, rng: random.Random) -> tuple[list, dict[str, int]]:
    """A plausible next EU list: 1% of records delisted, 1% with a new alias, 25 new records
    (people copied from OFAC under new EU ids)."""
    from followthemoney import model

    eu = next(v for v in store.active_versions() if v.source == "eu_fsf")
    proxies = [model.get_proxy(d, cleaned=True) for _vid, d in
               store.iter_entity_dicts(version_ids=[eu.id])]
    parties = [p for p in proxies if p.schema.name in ("Person", "Company", "Organization")]
    removed = {str(p.id) for p in rng.sample(parties, len(parties) // 100)}
    changed = {str(p.id) for p in rng.sample(parties, len(parties) // 100)} - removed
    out = []
    for p in proxies:
        targets = set(p.get("entity", quiet=True)) | {str(p.id)}
        if targets & removed:
            continue
        if str(p.id) in changed:
            p.add("alias", f"{p.caption} (also known as)")
        out.append(p)
    ofac = next(v for v in store.active_versions() if v.source == "us_ofac_sdn")
    new = 0
    for _vid, d in store.iter_entity_dicts(version_ids=[ofac.id], schemata=["Person"]):
        if rng.random() > 0.01 or new >= 25:
            continue
        p = model.get_proxy({**d, "id": f"eu-fsf-bench-{new}"}, cleaned=True)
        s = model.make_entity("Sanction")
        s.id = f"eu-fsf-bench-{new}-sanction"
        s.add("entity", p.id)
        s.add("authority", "European Union (Council of the EU)")
        s.add("program", "UKR")
        out += [p, s]
        new += 1
    return out, {"removed": len(removed), "changed": len(changed), "added": new}


def measure(store_url: str | None) -> None:
    source = bench_store(store_url)
    if not source.url.startswith("sqlite:///"):
        raise SystemExit("the bench copies a SQLite store; give --db sqlite:///…")
    tmp = Path(tempfile.mkdtemp(prefix="ob-parties-bench-"))
    try:
        path = tmp / "bench.sqlite"
        src = Path(source.url[len("sqlite:///"):])
        source.engine.dispose()
        shutil.copy(src, path)
        for ext in ("-wal", "-shm"):
            if Path(str(src) + ext).exists():
                shutil.copy(str(src) + ext, str(path) + ext)
        store = Store(f"sqlite:///{path}")
        _measure(store)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(store: Store) -> None:
    resolver = PartyResolver(store)
    print("full resolution of the bundled lists …", flush=True)
    full = resolver.run(full=True)
    parties = Parties.load(store, refresh=False)
    sizes = Counter(len(parties.records(p)) for p in parties.parties())
    pairs = load_pairs()
    n_pos = sum(1 for p in pairs if p["label"] == "positive")
    print(f"\nlabelled pairs: {n_pos} positives, {len(pairs) - n_pos} negatives "
          f"({OUT.relative_to(DATA_DIR.parent)})")
    records = load_records(store)
    t = time.perf_counter()
    names_only = resolve(records, keys=False)
    names_seconds = time.perf_counter() - t
    base = exact_name_groups(records)
    results = {
        "parties (all rules)": score(pairs, parties.same_party),
        "names only (no keys)": score(pairs, _same_from_groups(names_only.groups)),
        "exact-name baseline": score(pairs, lambda a, b: a in base and base[a] == base.get(b)),
    }
    print(table(["resolver", "pairs", "precision", "recall", "false merges", "missed"],
                [[name, r["all"]["pairs"], r["all"]["precision"], r["all"]["recall"],
                  r["all"]["fp"], r["all"]["fn"]] for name, r in results.items()]))
    main = results["parties (all rules)"]
    keys = sorted(k for k in main if k != "all")
    print("\nper way the label was decided (precision for negatives = share kept apart):")
    rows = []
    for k in keys:
        r, n = main[k], results["names only (no keys)"][k]
        kept = (r["tp"] / r["pairs"]) if k.startswith("positive") else (r["tn"] / r["pairs"])
        nkept = (n["tp"] / n["pairs"]) if k.startswith("positive") else (n["tn"] / n["pairs"])
        rows.append([k, r["pairs"], kept, nkept])
    print(table(["label:basis", "pairs", "right (all rules)", "right (names only)"], rows))
    wrong = [p for p in pairs if (p["label"] == "positive") != parties.same_party(
        p["left_id"], p["right_id"])]
    if wrong:
        print("\nwrong on the labelled pairs (all rules):")
        for p in wrong[:25]:
            print(f"  {p['label']:8} {p['basis']:18} {p['left_id']} {p['left_name'][:35]!r} / "
                  f"{p['right_id']} {p['right_name'][:35]!r}")
    print("\nparties on the bundled lists:")
    multi = sum(n for s, n in sizes.items() if s > 1)
    print(f"  {full.records} records -> {len(parties)} parties ({multi} on several lists; "
          f"{full.records / max(len(parties), 1):.2f} records per party)")
    print(table(["records per party", "parties"],
                [[s if s < 7 else "7+", n] for s, n in sorted(sizes.items()) if s < 7]
                + [["7+", sum(n for s, n in sizes.items() if s >= 7)]]))
    print("\nlinks per rule:")
    print(table(["rule", "links"], [[k, v] for k, v in sorted(full.counts.items(),
                                                               key=lambda x: -x[1])]))
    print(f"  {full.suggestions} pairs in the review queue, {full.blocked} pairs sharing a "
          "key left apart (names or evidence disagree)")

    rng = random.Random(3)
    items, change = modified_eu_version(store, rng)
    store.add_version("eu_fsf", items, regime="eu", note="bench: modified EU version")
    incr = resolver.run()
    a, b = "ofac-16692", "eu-fsf-136043"
    resolver.decide(a, b, "negative", user="bench", relink=False)
    t = time.perf_counter()
    judged = resolver.run()
    judged_seconds = time.perf_counter() - t
    print("\ntimes (2-core machine shared with other jobs: wall clock and this process's CPU):")
    print(table(["run", "wall s", "CPU s", "pairs scored", "records changed", "target"], [
        ["full resolution", full.seconds, full.cpu_seconds, full.compared, full.records,
         f"<= {TARGET_SECONDS:.0f} s"],
        [f"incremental after an EU import (-{change['removed']} ~{change['changed']} "
         f"+{change['added']})", incr.seconds, incr.cpu_seconds, incr.compared, incr.changed,
         "seconds"],
        ["incremental after one judgement", judged.seconds, judged.cpu_seconds,
         judged.compared, judged.changed, "seconds"],
        ["names-only resolution (in memory)", names_seconds, float("nan"),
         names_only.compared, full.records, "-"],
    ]))
    print("  full run stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in full.stages.items()))
    p, r = main["all"]["precision"], main["all"]["recall"]
    print(f"\nsummary: precision {p:.4f} (target {TARGET_PRECISION}), recall {r:.4f} (target "
          f"{TARGET_RECALL}), full resolution {full.seconds:.1f} s wall / "
          f"{full.cpu_seconds:.1f} s CPU (target {TARGET_SECONDS:.0f} s), incremental after an "
          f"import {incr.seconds:.1f} s, after a judgement {judged_seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description="Parties: quality on labelled pairs, speed.")
    parser.add_argument("command", nargs="?", default="measure",
                        choices=("measure", "build-pairs"))
    parser.add_argument("--db", default=None, help="Store URL (default: var/bench-match.sqlite)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if args.command == "build-pairs":
        build_pairs(bench_store(args.db), args.seed)
    else:
        measure(args.db)


if __name__ == "__main__":
    main()

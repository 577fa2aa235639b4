"""Bulk screening throughput: one process vs a local Dask cluster.

    python bench/bulk_screen.py [--rows 20000] [--workers 2] [--db URL] [--partition 1000]

Generates ``--rows`` synthetic counterparties (seeded): about a quarter are listed names taken
from the bundled lists (some with a birth date or country), the rest invented people and
companies, and 1 % bad rows. Screens them with ``olivebranch screen --input``'s single-process
loop, then with ``olivebranch.bulk`` on a ``LocalCluster`` of ``--workers`` single-threaded
processes, checks both outputs are identical and prints rows/s. Both sides first load the pickled
index and screen ``--warmup`` other rows (the matcher's per-name caches start empty after
unpickling); that "ready" time, cluster start included, is shown apart from the timed run.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_store, table  # noqa: E402

from olivebranch.bulk import close, connect, run_bulk  # noqa: E402
from olivebranch.cli.screen import run_batch  # noqa: E402
from olivebranch.match.cache import load_index  # noqa: E402

FIRST = ["Ivan", "Olga", "Dmitry", "Anna", "Sergei", "Maria", "John", "Li", "Ahmed", "Fatima",
         "Hans", "Elena", "Pavel", "Yulia", "Carlos", "Mei", "Oleksandr", "Natalia", "Peter",
         "Svetlana", "Андрей", "Татьяна", "Михаил"]
LAST = ["Smirnov", "Kowalski", "Müller", "Petrenko", "Garcia", "Chen", "Haddad", "Novak",
        "Larsen", "Ivanova", "Fischer", "Bondarenko", "Okafor", "Tanaka", "Rossi", "Кузнецов",
        "Соколова", "Lindqvist", "Moreau", "Dubois"]
WORDS = ["Arctic", "Nordic", "Baltic", "Green", "Volga", "Delta", "Lithium", "Energy", "Power",
         "Grid", "Mining", "Rare Earth", "Logistics", "Shipping", "Trading", "Capital", "Ural",
         "Danube", "Carpathian", "Polar", "Северный", "Энерго"]
FORMS = ["LLC", "Ltd", "GmbH", "AG", "SA", "PLC", "OOO", "TOV", "JSC", "ООО"]


def synthetic_rows(n: int, listed: list[tuple[str, str]], seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        rid = f"r{i}"
        roll = rnd.random()
        if roll < 0.01:
            rows.append([rid, "Spaceship" if rnd.random() < 0.5 else "Person", "", "", "", ""])
        elif roll < 0.26:
            name, schema = rnd.choice(listed)
            schema = schema if schema in ("Person", "Company", "Vessel") else ""
            country = rnd.choice(["", "", "ru", "ua", "by"])
            rows.append([rid, schema, name, "", "", country])
        elif roll < 0.63:
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            birth = f"{rnd.randint(1940, 2000)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            rows.append([rid, "Person", name, birth if rnd.random() < 0.5 else "", "",
                         rnd.choice(["", "de", "ru", "us", "cn"])])
        else:
            name = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {rnd.choice(FORMS)}"
            ident = str(rnd.randint(10**9, 10**10 - 1)) if rnd.random() < 0.2 else ""
            rows.append([rid, "Company", name, "", ident, rnd.choice(["", "ru", "kz", "no"])])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "schema", "name", "birth_date", "identifier", "country"])
        w.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partition", type=int, default=1_000)
    ap.add_argument("--warmup", type=int, default=2_000, help="rows screened before timing")
    ap.add_argument("--db", default=None)
    args = ap.parse_args()

    store = bench_store(args.db)
    t = time.perf_counter()
    index = load_index(store)  # builds the pickled cache the workers will read
    print(f"index: {len(index)} entries, built or loaded in {time.perf_counter() - t:.1f} s",
          flush=True)
    listed = [(e.caption, e.schema) for e in index]
    tmp = Path(tempfile.mkdtemp(prefix="bulk-bench-"))
    src, warm = tmp / "in.csv", tmp / "warmup.csv"
    write_csv(src, synthetic_rows(args.rows, listed))
    write_csv(warm, synthetic_rows(args.warmup, listed, seed=8))
    del index, listed
    gc.collect()

    # both sides start from the pickled index, as the CLI does, and warm up on other rows
    t = time.perf_counter()
    index = load_index(store)
    run_batch(index, warm, tmp / "w.jsonl", limit=5, threshold=None)
    single_ready = time.perf_counter() - t
    t = time.perf_counter()
    single_counts = run_batch(index, src, tmp / "single.jsonl", limit=5, threshold=None)
    single_s = time.perf_counter() - t
    print(f"single process: ready in {single_ready:.1f} s, screening {single_s:.1f} s",
          flush=True)
    del index
    gc.collect()

    t = time.perf_counter()
    client = connect(workers=args.workers)
    try:
        # small partitions so that every worker loads its index during the warm-up
        run_bulk(client, str(store.url), warm, tmp / "w2.jsonl",
                 partition_rows=max(1, args.warmup // (4 * args.workers)))
        cluster_ready = time.perf_counter() - t
        t = time.perf_counter()
        counts = run_bulk(client, str(store.url), src, tmp / "bulk.jsonl",
                          partition_rows=args.partition)
        cluster_s = time.perf_counter() - t
        print(f"cluster: ready in {cluster_ready:.1f} s, screening {cluster_s:.1f} s",
              flush=True)
    finally:
        close(client)

    same = (tmp / "bulk.jsonl").read_bytes() == (tmp / "single.jsonl").read_bytes()
    assert single_counts == counts, (single_counts, counts)
    n = single_counts["rows"]
    print()
    print(f"{n} rows ({single_counts['with_hits']} with results, {single_counts['errors']} "
          f"errors); outputs identical: {same}")
    print(table(["run", "ready s", "screening s", "rows/s", "speed-up", "rows/s incl. ready"], [
        ["single process", single_ready, single_s, f"{n / single_s:.0f}", "1.00",
         f"{n / (single_ready + single_s):.0f}"],
        [f"LocalCluster {args.workers} workers", cluster_ready, cluster_s,
         f"{n / cluster_s:.0f}", f"{single_s / cluster_s:.2f}",
         f"{n / (cluster_ready + cluster_s):.0f}"],
    ]))
    print("(ready = index load + cluster start + a warm-up batch of "
          f"{args.warmup} other rows)")
    if not same:
        raise SystemExit("bulk output differs from the single-process output")


if __name__ == "__main__":
    main()

"""Bulk screening throughput: one process vs a local Dask cluster, a million rows, and resuming.

    python bench/bulk_screen.py [--rows 100000] [--big 1000000] [--workers 2] [--db URL]
                                [--partition 1000] [--no-big] [--no-resume]

Generates synthetic counterparties (seeded): about a quarter are listed names taken from the
bundled lists (some with a birth date or country), the rest invented people and companies, and
1 % bad rows. Then:

1. ``--rows`` rows in one process (``olivebranch screen --input``'s loop) and on a
   ``LocalCluster`` of ``--workers`` single-threaded processes; checks both outputs are
   identical and prints rows/s. Both sides first open the on-disk index and screen
   ``--warmup`` other rows; that "ready" time (cluster start included) is shown apart.
2. ``--big`` rows on a new cluster, from cluster start to the last line written.
3. Resuming: ``olivebranch screen --dask`` on the ``--rows`` input is killed (SIGKILL to its
   process group: driver, scheduler and workers) once about 40 % is done, started again with
   the same output, and the result compared byte for byte with the uninterrupted run.

CPU seconds (driver + workers) are printed beside wall seconds: the 2-core machine is shared,
so wall-clock rates depend on what else runs. Worker memory is each worker's peak RSS.
Targets: ``--big`` 1,000,000 rows in ≤ 10 minutes (≥ 1,700 rows/s) on 2 workers, ≤ 1 GB per
worker. Figures before this work: 416 rows/s in one process, 629 rows/s on 2 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_store, table  # noqa: E402

from olivebranch.bulk import checkpoint_path, close, connect, run_bulk  # noqa: E402
from olivebranch.cli.screen import run_batch  # noqa: E402
from olivebranch.match.cache import load_index  # noqa: E402

BEFORE = {"single": 416, "cluster": 629}

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


def synthetic_rows(n: int, listed: list[tuple[str, str]], seed: int = 7) -> Iterator[list[str]]:
    rnd = random.Random(seed)
    for i in range(n):
        rid = f"r{i}"
        roll = rnd.random()
        if roll < 0.01:
            yield [rid, "Spaceship" if rnd.random() < 0.5 else "Person", "", "", "", ""]
        elif roll < 0.26:
            name, schema = rnd.choice(listed)
            schema = schema if schema in ("Person", "Company", "Vessel") else ""
            country = rnd.choice(["", "", "ru", "ua", "by"])
            yield [rid, schema, name, "", "", country]
        elif roll < 0.63:
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            birth = f"{rnd.randint(1940, 2000)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            yield [rid, "Person", name, birth if rnd.random() < 0.5 else "", "",
                   rnd.choice(["", "de", "ru", "us", "cn"])]
        else:
            name = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {rnd.choice(FORMS)}"
            ident = str(rnd.randint(10**9, 10**10 - 1)) if rnd.random() < 0.2 else ""
            yield [rid, "Company", name, "", ident, rnd.choice(["", "ru", "kz", "no"])]


def write_csv(path: Path, rows: Iterable[list[str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "schema", "name", "birth_date", "identifier", "country"])
        w.writerows(rows)


def _worker_usage(dask_worker: Any = None) -> tuple[float, float]:
    """(CPU seconds so far, peak RSS MB) of this worker process. The peak is the kernel's
    VmHWM (ru_maxrss would carry the parent's peak across fork and exec)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return r.ru_utime + r.ru_stime, hwm / 1024


def _cluster_cpu(client: Any) -> float:
    return sum(cpu for cpu, _ in client.run(_worker_usage).values())


def _peak_rss(client: Any) -> list[float]:
    return sorted(rss for _, rss in client.run(_worker_usage).values())


class Timer:
    def __enter__(self) -> Timer:
        self.t, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t
        self.cpu = time.process_time() - self.c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partition", type=int, default=1_000)
    ap.add_argument("--warmup", type=int, default=2_000, help="rows screened before timing")
    ap.add_argument("--db", default=None)
    ap.add_argument("--no-big", action="store_true", help="skip the --big run")
    ap.add_argument("--no-resume", action="store_true", help="skip the kill-and-resume test")
    args = ap.parse_args()

    store = bench_store(args.db)
    os.environ["OLIVEBRANCH_DB"] = str(store.url)  # workers and the CLI child use this store
    t = time.perf_counter()
    index = load_index(store)  # builds the on-disk index the workers will map
    print(f"index: {len(index)} entries, built or opened in {time.perf_counter() - t:.1f} s",
          flush=True)
    listed = [(e.caption, e.schema) for e in index]
    tmp = Path(tempfile.mkdtemp(prefix="bulk-bench-"))
    src, warm = tmp / "in.csv", tmp / "warmup.csv"
    write_csv(src, synthetic_rows(args.rows, listed))
    write_csv(warm, synthetic_rows(args.warmup, listed, seed=8))
    rows_out: list[list[object]] = []

    # 1a. one process, from the on-disk index as the CLI opens it
    with Timer() as ready:
        index = load_index(store)
        run_batch(index, warm, tmp / "w.jsonl", limit=5, threshold=None,
                  partition_rows=args.partition)
    single_stats: dict[str, int] = {}
    with Timer() as single:
        single_counts = run_batch(index, src, tmp / "single.jsonl", limit=5, threshold=None,
                                  partition_rows=args.partition, stats=single_stats)
    n = single_counts["rows"]
    print(f"single process: ready in {ready.wall:.1f} s, {n} rows in {single.wall:.1f} s "
          f"({single.cpu:.1f} CPU s)", flush=True)
    rows_out.append(["single process", f"{n:,}", ready.wall, single.wall, single.cpu,
                     f"{n / single.wall:.0f}", f"{n / single.cpu:.0f}",
                     f"{(n - single_stats['repeats']) / single.wall:.0f}", BEFORE["single"], "–"])
    del index

    # 1b. the same rows on a local cluster
    with Timer() as ready:
        client = connect(workers=args.workers)
        # small partitions so that every worker opens its index during the warm-up
        run_bulk(client, str(store.url), warm, tmp / "w2.jsonl",
                 partition_rows=max(1, args.warmup // (4 * args.workers)))
    try:
        cpu0 = _cluster_cpu(client)
        cluster_stats: dict[str, int] = {}
        with Timer() as cluster:
            counts = run_bulk(client, str(store.url), src, tmp / "bulk.jsonl",
                              partition_rows=args.partition, stats=cluster_stats)
        workers_cpu = _cluster_cpu(client) - cpu0
        rss = _peak_rss(client)
    finally:
        close(client)
    cpu = cluster.cpu + workers_cpu
    print(f"cluster: ready in {ready.wall:.1f} s, {n} rows in {cluster.wall:.1f} s "
          f"({cpu:.1f} CPU s: driver {cluster.cpu:.1f}, workers {workers_cpu:.1f})", flush=True)
    same = (tmp / "bulk.jsonl").read_bytes() == (tmp / "single.jsonl").read_bytes()
    assert single_counts == counts, (single_counts, counts)
    rows_out.append([f"LocalCluster {args.workers} workers", f"{n:,}", ready.wall, cluster.wall,
                     cpu, f"{n / cluster.wall:.0f}", f"{n / cpu:.0f}",
                     f"{(n - cluster_stats['repeats']) / cluster.wall:.0f}", BEFORE["cluster"],
                     " / ".join(f"{r:.0f}" for r in rss)])

    # 2. a million rows, from cluster start to the last line
    big_line = None
    if not args.no_big:
        big_src = tmp / "big.csv"
        with Timer() as gen:
            write_csv(big_src, synthetic_rows(args.big, listed, seed=9))
        print(f"generated {args.big:,} rows in {gen.wall:.1f} s", flush=True)
        with Timer() as big:
            client = connect(workers=args.workers)
            big_stats: dict[str, int] = {}
            try:
                big_counts = run_bulk(client, str(store.url), big_src, tmp / "big.jsonl",
                                      partition_rows=args.partition, stats=big_stats)
                big_workers = _cluster_cpu(client)
                big_rss = _peak_rss(client)
            finally:
                close(client)
        big_cpu = big.cpu + big_workers
        nb = big_counts["rows"]
        rows_out.append([f"LocalCluster {args.workers} workers", f"{nb:,}", "(incl.)", big.wall,
                         big_cpu, f"{nb / big.wall:.0f}", f"{nb / big_cpu:.0f}",
                         f"{(nb - big_stats['repeats']) / big.wall:.0f}", "–",
                         " / ".join(f"{r:.0f}" for r in big_rss)])
        big_line = (f"{nb:,} rows in {big.wall / 60:.1f} min wall ({nb / big.wall:.0f} rows/s, "
                    f"cluster start and index open included; {big_cpu:.0f} CPU s), "
                    f"{big_counts['with_hits']:,} with results, {big_counts['errors']:,} errors, "
                    f"{big_stats['repeats']:,} rows repeated an earlier row's query")
        big_src.unlink()
        print(big_line, flush=True)

    # 3. kill a Dask run mid-way, start it again, compare
    resume_line = None
    if not args.no_resume:
        out = tmp / "resumed.jsonl"
        progress = checkpoint_path(out)
        cmd = [sys.executable, "-c", "from olivebranch.cli import main; main()", "screen",
               "--input", str(src), "--output", str(out), "--dask", "--workers",
               str(args.workers), "--partition-rows", str(args.partition)]
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        done = 0
        t0 = time.perf_counter()
        while proc.poll() is None and done < 0.4 * n:
            time.sleep(0.2)
            try:
                done = json.loads(progress.read_text(encoding="utf-8"))["rows"]
            except (OSError, ValueError, KeyError):
                pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        first_s = time.perf_counter() - t0
        size_killed = out.stat().st_size if out.exists() else 0
        killed = proc.returncode == -signal.SIGKILL
        saved = json.loads(progress.read_text(encoding="utf-8")) if progress.exists() else {}
        with Timer() as again:
            res = subprocess.run(cmd, capture_output=True, text=True)
        identical = out.read_bytes() == (tmp / "bulk.jsonl").read_bytes()
        resumed_msg = next((ln.strip() for ln in res.stderr.splitlines() if "resuming" in ln),
                           "(no resume message)")
        resume_line = (f"killed={'yes' if killed else 'NO'} after {first_s:.0f} s with "
                       f"{saved.get('rows', 0):,} of {n:,} rows finished "
                       f"({saved.get('partitions', 0)} partitions; the output held "
                       f"{size_killed:,} bytes); restart took {again.wall:.0f} s "
                       f"and said: {resumed_msg!r}; exit {res.returncode}; output identical to "
                       f"the uninterrupted run: {identical}")
        print(resume_line, flush=True)

    print()
    print(f"{n:,} rows ({single_counts['with_hits']} with results, {single_counts['errors']} "
          f"errors; {single_stats['repeats']:,} repeated an earlier row's query and were "
          f"answered from the memo); single-process and cluster outputs identical: {same}")
    print(table(["run", "rows", "ready s", "wall s", "CPU s", "rows/s", "rows/CPU-s",
                 "distinct rows/s", "rows/s before", "worker peak RSS MB"], rows_out))
    print("(distinct rows/s: rows that were not repeats, per wall second - the rate a file "
          "without repeated parties would see)")
    print(f"(ready = index open + cluster start + a warm-up batch of {args.warmup} other rows; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if big_line:
        print(f"million-row run: {big_line}")
    if resume_line:
        print(f"resume test: {resume_line}")
    if not same:
        raise SystemExit("bulk output differs from the single-process output")


if __name__ == "__main__":
    main()

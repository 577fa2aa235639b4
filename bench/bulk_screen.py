"""Bulk screening throughput: one process vs a local Dask cluster, a million rows, and resuming.

    python bench/bulk_screen.py [--rows 100000] [--big 1000000] [--workers 2] [--db URL]
                                [--partition 1000] [--no-big] [--no-resume]
                                [--mode distinct|repeats]

Generates synthetic counterparties (seeded): about a quarter are listed names taken from the
bundled lists (some with a birth date or country), the rest invented people and companies, and
1 % bad rows. ``--mode distinct`` (the default) makes (nearly) every row a new query, as in a
customer file that holds each customer once: names drawn with Zipf-like frequencies from
large vocabularies (see :func:`distinct_rows`), listed names with twists, and a row whose
query an earlier row has is drawn again. ``--mode repeats`` is the first generator: its small
vocabulary repeats about 60 % of a million rows' queries, which the bulk driver answers from
its memo; it flatters the rate. The repeat count is printed with every run. Then:

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
On ``--mode distinct`` (20,000 rows, 0 repeats, load ~1.6 on 2 cores): 663 rows/s in one
process and 1,149 on 2 workers before the score bound (``match/bound.py``), 836 and 1,447
after (CPU 30.2 -> 23.9 s and 34.0 -> 27.0 s).
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
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_store, table  # noqa: E402

from olivebranch.bulk import checkpoint_path, close, connect, run_bulk  # noqa: E402
from olivebranch.cli.screen import run_batch  # noqa: E402
from olivebranch.match.batch import row_key  # noqa: E402
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
    """``--mode repeats``: the first generator. Its small vocabulary repeats queries: about
    60 % of the rows of a million are an earlier row's query (answered from the memo)."""
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


#: Legal forms of the invented companies of ``--mode distinct`` (Latin and Cyrillic).
MORE_FORMS = FORMS + ["Inc.", "Corp.", "Co., Ltd.", "S.A.", "S.r.l.", "B.V.", "Sp. z o.o.",
                      "Pty Ltd", "Limited", "A.S.", "S.A. de C.V.", "Pvt. Ltd.", "SARL", "KG",
                      "ТОВ", "АО", "ПАО", "LLP", "OY", "AB"]
COUNTRIES = ["", "", "", "de", "ru", "us", "cn", "gb", "fr", "ua", "kz", "tr", "in", "br", "ae"]


class _Zipf:
    """Seeded draws from a word list with Zipf-like frequencies (the n-th word about 1/n as
    frequent as the first): a few words are common, most are rare, as in real name data."""

    def __init__(self, words: list[str], offset: int = 5) -> None:
        self.words = words
        self.cum = list(accumulate(1.0 / (r + offset) for r in range(len(words))))

    def __call__(self, rnd: random.Random) -> str:
        return rnd.choices(self.words, cum_weights=self.cum)[0]


def _vocabularies(seed: int) -> tuple[_Zipf, _Zipf, _Zipf]:
    """(given names, family names, company words): the hand-written common names first, then
    the ~7,500 name words of the bundled lists' persons (``data/match/name_symbols.tsv``,
    Wikidata name identities) and the ~97,000 common words of 11 languages
    (``dictionary_words.txt``, wordfreq), each in a seeded order."""
    from olivebranch.paths import DATA_DIR

    sys.path.insert(0, str(DATA_DIR / "match" / "eval"))
    from western_names import FAMILY, GIVEN  # type: ignore[import-not-found]

    rnd = random.Random(seed)

    def words(file: str) -> list[str]:
        text = (DATA_DIR / "match" / file).read_text(encoding="utf-8")
        out = sorted({line.split("\t", 1)[0].strip().capitalize() for line in text.splitlines()
                      if line.strip() and not line.startswith("#")})
        rnd.shuffle(out)
        return out

    def ordered(*lists: list[str]) -> list[str]:
        return list(dict.fromkeys(w for lst in lists for w in lst if len(w) > 1))

    names = words("name_symbols.tsv")
    return (_Zipf(ordered(GIVEN, FIRST, names)), _Zipf(ordered(FAMILY, LAST, names)),
            _Zipf(ordered(WORDS, words("dictionary_words.txt"))))


def _typo(word: str, rnd: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.random()
    if kind < 0.4:
        return word[:i] + word[i + 1:]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    letter = rnd.choice("aeioulnrst")
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1:]


def _twist(name: str, schema: str, rnd: random.Random) -> str:
    """A listed name as a customer file might write it: as listed, another case, one typo,
    a word left out, words reordered or a middle initial added."""
    words = name.split()
    roll = rnd.random()
    if roll < 0.2 or not words:
        return name
    if roll < 0.35:
        return name.upper() if rnd.random() < 0.5 else name.title()
    if roll < 0.65:
        i = max(range(len(words)), key=lambda j: (len(words[j]), rnd.random()))
        words[i] = _typo(words[i], rnd)
    elif roll < 0.75 and len(words) > 2:
        del words[rnd.randrange(len(words))]
    elif (roll < 0.9 or schema != "Person") and len(words) > 1:
        words = words[1:] + words[:1] if schema == "Person" else words[::-1]
    elif schema == "Person":
        words.insert(1 if len(words) > 1 else 0, f"{rnd.choice('ABCDEFGHIJKLMNOPRSTV')}.")
    return " ".join(words)


def distinct_rows(n: int, listed: list[tuple[str, str]], seed: int = 7,
                  stats: dict[str, int] | None = None) -> Iterator[list[str]]:
    """``--mode distinct`` (the default): rows that are (nearly) all distinct queries, as a
    customer file holds each customer once. The same mix as ``--mode repeats`` - 1 % bad
    rows, about a quarter listed names (with twists: case, a typo, a word left out or
    reordered, an initial), the rest invented people (half with a birth date) and companies
    (a fifth with an identifier) - from large vocabularies with Zipf-like frequencies (see
    :func:`_vocabularies`). A drawn row whose query (``batch.row_key``: names, schema, birth
    date, countries, identifiers) an earlier row already has is drawn again (at most 20
    times; ``stats`` counts ``redrawn`` rows and ``repeats`` left in)."""
    given, family, company = _vocabularies(seed)
    rnd = random.Random(seed)
    seen: set[int] = set()
    redrawn = repeats = 0

    def person() -> list[str]:
        parts = [given(rnd), family(rnd)]
        roll = rnd.random()
        if roll < 0.1:
            parts.insert(1, given(rnd))
        elif roll < 0.2:
            parts.insert(1, f"{rnd.choice('ABCDEFGHIJKLMNOPRSTVW')}.")
        birth = f"{rnd.randint(1940, 2004)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        return ["Person", " ".join(parts), birth if rnd.random() < 0.5 else "", "",
                rnd.choice(COUNTRIES)]

    def organisation() -> list[str]:
        k = rnd.choices((1, 2, 3), (3, 5, 2))[0]
        name = " ".join([company(rnd) for _ in range(k)] + [rnd.choice(MORE_FORMS)])
        ident = str(rnd.randint(10**9, 10**10 - 1)) if rnd.random() < 0.2 else ""
        return ["Company", name, "", ident, rnd.choice(COUNTRIES)]

    def listed_row() -> list[str]:
        name, schema = rnd.choice(listed)
        schema = schema if schema in ("Person", "Company", "Vessel") else ""
        birth = ""
        if schema == "Person" and rnd.random() < 0.2:
            birth = f"{rnd.randint(1940, 2000)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        return [schema, _twist(name, schema, rnd), birth, "",
                rnd.choice(["", "", "ru", "ua", "by", "ir", "kp"])]

    for i in range(n):
        rid = f"r{i}"
        roll = rnd.random()
        if roll < 0.01:
            yield [rid, "Spaceship" if rnd.random() < 0.5 else "Person", "", "", "", ""]
            continue
        make = listed_row if roll < 0.26 else person if roll < 0.63 else organisation
        for attempt in range(21):
            row = [rid, *make()]
            _, _, key, _ = row_key((i + 2, dict(zip(HEADER, row, strict=True)), None))
            h = hash(key)
            if h not in seen:
                break
            if attempt == 20:
                repeats += 1
            else:
                redrawn += 1
        seen.add(h)
        yield row
    if stats is not None:
        stats.update(redrawn=redrawn, repeats=repeats)


HEADER = ["id", "schema", "name", "birth_date", "identifier", "country"]


def write_csv(path: Path, rows: Iterable[list[str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
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
    ap.add_argument("--mode", choices=("distinct", "repeats"), default="distinct",
                    help="distinct: (nearly) every row a new query (default); repeats: the "
                    "first generator, whose small vocabulary repeats ~60%% of a million rows")
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
    gen_stats: dict[str, dict[str, int]] = {}

    def rows(n: int, seed: int, what: str) -> Iterator[list[str]]:
        if args.mode == "repeats":
            return synthetic_rows(n, listed, seed=seed)
        return distinct_rows(n, listed, seed=seed, stats=gen_stats.setdefault(what, {}))

    write_csv(src, rows(args.rows, 7, "rows"))
    write_csv(warm, rows(args.warmup, 8, "warmup"))
    print(f"rows: --mode {args.mode}; generator {gen_stats.get('rows', '(no redraws)')}",
          flush=True)
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
            write_csv(big_src, rows(args.big, 9, "big"))
        print(f"generated {args.big:,} rows (--mode {args.mode}) in {gen.wall:.1f} s; "
              f"generator {gen_stats.get('big', '(no redraws)')}", flush=True)
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
        big_line = (f"{nb:,} rows (--mode {args.mode}) in {big.wall / 60:.1f} min wall ({nb / big.wall:.0f} rows/s, "
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
    print(f"{n:,} rows (--mode {args.mode}; {single_counts['with_hits']} with results, {single_counts['errors']} "
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

"""Benchmark: peak memory of importing a huge one-line file, per list format (issue 11).

A 200 MB file without a single line break used to take an import to 1.5 GB. Each case writes
such a file (shaped like the format's first bytes, then one endless field), imports it in a
fresh process, and prints that process's peak resident memory, what the import answered, and
the ratio to a baseline process that only starts Python and imports olivebranch. Target: every
case refused with a clear error at under 300 MB peak.

    python bench/import_memory.py [--mb 200] [--sources us_ofac_sdn,ftm,...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: (source, file name, first bytes): what a damaged or hostile file of that format starts with.
CASES = [
    ("us_ofac_sdn", "sdn.csv", b'36,"'),
    ("us_ofac_cons", "cons_prim.csv", b'9639,"'),
    ("gb_ofsi", "conlist.csv", b"Last Updated,01/01/2026\r\nName 6,Name 1,Group ID,"),
    ("ownership_csv", "owners.csv", b"owner,owner_id,asset,asset_id,percent,as_of,source\r\nA,"),
    ("ftm", "entities.ftm.json", b'{"id": "x", "schema": "Person", "properties": {"name": ["'),
    ("eu_fsf", "eu.ftm.json", b'{"id": "eu-fsf-1", "schema": "Person", "properties": {"name": ["'),
    ("un_sc", "un.xml", b'<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>'),
    ("ca_sema", "sema.xml", b"<data-set><record><Name>"),
    ("us_ofac_sdn_supplement", "supplement.yaml", b"actions:\n  - name: '"),
]

RUNNER = """
import sys, time
from pathlib import Path
from olivebranch.store import Store
from olivebranch.lists.importer import import_path
from olivebranch.errors import OliveBranchError
store = Store(sys.argv[3])
t = time.perf_counter()
try:
    r = import_path(store, Path(sys.argv[1]), sys.argv[2])
    print("IMPORTED", r.version.entity_count if r.version else 0)
except OliveBranchError as exc:
    print("REFUSED", str(exc).replace(sys.argv[1], "<file>")[:110])
"""


def run(code: str, *args: str) -> tuple[int, str, float]:
    """Run ``code`` in a fresh interpreter; (peak RSS in MB, its output, seconds)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    return usage.ru_maxrss // 1024, out.strip().splitlines()[-1] if out.strip() else "", \
        time.perf_counter() - started


def write_case(path: Path, start: bytes, mb: int) -> None:
    block = b"A" * (1 << 20)
    with open(path, "wb") as fh:
        fh.write(start)
        for _ in range(mb):
            fh.write(block)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--sources", default="", help="comma-separated subset of sources")
    args = ap.parse_args()
    wanted = {s for s in args.sources.split(",") if s}
    base_rss, _out, _s = run("import olivebranch.lists.importer, olivebranch.store")
    print(f"baseline (python + olivebranch imported): {base_rss} MB peak")
    print(f"{'source':<24} {'peak MB':>8} {'x base':>7} {'s':>6}  answer")
    worst = 0
    with tempfile.TemporaryDirectory(prefix="olivebranch-bench-") as tmp:
        for source, name, start in CASES:
            if wanted and source not in wanted:
                continue
            path = Path(tmp) / name
            write_case(path, start, args.mb)
            db = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
            rss, out, seconds = run(RUNNER, str(path), source, db)
            worst = max(worst, rss)
            print(f"{source:<24} {rss:>8} {rss / base_rss:>7.1f} {seconds:>6.1f}  {out}")
            path.unlink()
    print(f"worst peak: {worst} MB for a {args.mb} MB one-line file (target < 300 MB)")


if __name__ == "__main__":
    main()

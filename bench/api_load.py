"""Load on ``POST /match`` over loopback: requests/s and p50/p99 latency per concurrency level.

Starts ``olivebranch serve`` in a child process on a free port (the store at ``OLIVEBRANCH_DB``
or ``var/olivebranch.sqlite``; bundled lists are imported if it is empty), waits for
``/readyz``, then drives single-query ``/match`` requests from asyncio clients (httpx) for a
bounded time at each concurrency level. Queries cycle through listed names (Latin and
Cyrillic, persons, companies, vessels) and names that are on no list. Any non-200 counts as an
error. Target (issue 7): ≥ 300 req/s on 2 cores, p99 ≤ 50 ms at 16 concurrent clients.

    python bench/api_load.py [--duration 10] [--levels 1,4,16] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from olivebranch.api.server import free_port  # noqa: E402

QUERIES: list[tuple[str, dict[str, list[str]]]] = [
    ("Person", {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]}),
    ("Person", {"name": ["Путин Владимир Владимирович"]}),
    ("Company", {"name": ["Rosneft"]}),
    ("Company", {"name": ["ПАО «Совкомфлот»"]}),
    ("Company", {"name": ["Arctic LNG 2"]}),
    ("Person", {"name": ["Igor Sechin"], "nationality": ["ru"]}),
    ("Person", {"name": ["Dmitrijew Kirill"]}),
    ("Company", {"name": ["OOO Romashka"]}),
    ("Organization", {"name": ["Gazprom Neft"]}),
    ("Person", {"name": ["Alisher Usmanov"]}),
    ("Vessel", {"name": ["NS Champion"]}),
    ("Company", {"name": ["Novatek"], "jurisdiction": ["ru"]}),
    ("Person", {"name": ["John Smith"]}),
    ("Company", {"name": ["Brilliant Amazing Limited"], "jurisdiction": ["hk"]}),
    ("Person", {"name": ["Oleg Deripaska"]}),
    ("Company", {"name": ["Sberbank of Russia"]}),
    ("Person", {"name": ["Roman Abramovich"], "birthDate": ["1966-10-24"]}),
    ("Company", {"name": ["Vnesheconombank"]}),
    ("Person", {"name": ["Maria Garcia Lopez"]}),
    ("Company", {"name": ["Lukoil"]}),
]


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, OLIVEBRANCH_WARM_UP="0")
    cmd = [sys.executable, "-c", "from olivebranch.cli import main; main()", "serve",
           "--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, cwd=HERE.parent, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode} during start-up")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"server not ready after {timeout:.0f}s")


async def level(url: str, concurrency: int, duration: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            schema, props = QUERIES[i % len(QUERIES)]
            i += 1
            t0 = time.perf_counter()
            try:
                resp = await client.post("/match/default",
                                         json={"queries": {"q": {"schema": schema,
                                                                 "properties": props}}})
                ok = resp.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t0)
            if not ok:
                errors += 1

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client, k * 7) for k in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "concurrency": concurrency,
        "requests": n,
        "errors": errors,
        "rps": n / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if n else float("nan"),
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else float("nan"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    ap.add_argument("--levels", default="1,4,16", help="comma-separated concurrency levels")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--url", default=None, help="use a running server instead of starting one")
    ap.add_argument("--start-timeout", type=float, default=600.0)
    args = ap.parse_args()
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(port, args.workers)
        took = wait_ready(url, proc, args.start_timeout)
        print(f"server ready in {took:.1f}s (pid {proc.pid}, {args.workers} worker(s))")
    try:
        asyncio.run(level(url, 4, 2.0))  # warm caches and connections
        print(f"{'clients':>8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        results = []
        for c in (int(x) for x in args.levels.split(",")):
            r = asyncio.run(level(url, c, args.duration))
            results.append(r)
            print(f"{c:>8} {r['requests']:>9} {r['errors']:>7} {r['rps']:>8.0f} "
                  f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}", flush=True)
        best = max(results, key=lambda r: r["rps"])
        top = next((r for r in results if r["concurrency"] == 16), results[-1])
        print(f"target ≥300 req/s: {'met' if best['rps'] >= 300 else 'NOT met'} "
              f"(best {best['rps']:.0f}); p99 ≤50 ms at {top['concurrency']} clients: "
              f"{'met' if top['p99_ms'] <= 50 else 'NOT met'} ({top['p99_ms']:.1f} ms); "
              f"errors: {sum(r['errors'] for r in results)}")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

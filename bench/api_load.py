"""Load on ``POST /match`` over loopback: requests/s and p50/p99 latency per concurrency level.

Starts ``olivebranch serve`` in a child process on a free port (the store at ``OLIVEBRANCH_DB``
or ``var/olivebranch.sqlite``; bundled lists are imported if it is empty), waits for
``/readyz``, then drives single-query ``/match`` requests from asyncio clients for a
bounded time at each concurrency level (a lean keep-alive HTTP/1.1 client, so the client
takes little of the CPU it shares with the server). Queries cycle through listed names (Latin and
Cyrillic, persons, companies, vessels) and names that are on no list. Any non-200 counts as an
error. Target (issue 7): ≥ 300 req/s on 2 cores, p99 ≤ 50 ms at 16 concurrent clients.

    python bench/api_load.py [--duration 10] [--levels 1,4,16] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

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


class Connection:
    """A minimal keep-alive HTTP/1.1 client over asyncio streams.

    httpx spends about a millisecond of CPU per request; on a 2-core machine that CPU is taken
    from the server being measured. This client only writes the request and reads the status
    line, headers and ``Content-Length`` body, so nearly all CPU goes to the server.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def bodies() -> list[bytes]:
    return [json.dumps({"queries": {"q": {"schema": s, "properties": p}}}).encode()
            for s, p in QUERIES]


async def level(url: str, concurrency: int, duration: float) -> dict[str, float]:
    parsed = urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    payloads = bodies()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def worker(offset: int) -> None:
        nonlocal errors
        conn = Connection(host, port)
        i = offset
        try:
            while time.perf_counter() < deadline:
                body = payloads[i % len(payloads)]
                i += 1
                t0 = time.perf_counter()
                try:
                    status, payload = await conn.post("/match/default", body)
                    ok = status == 200 and payload.startswith(b'{"responses"')
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    ok = False
                    conn.close()
                    conn = Connection(host, port)
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(k * 7) for k in range(concurrency)))
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


def server_cpu_seconds(pgid: int | None) -> float | None:
    """CPU seconds (user + system) used so far by the server's process group (Linux /proc).

    On a shared machine wall-clock throughput depends on what else runs; CPU per request does
    not, so the bench prints both."""
    if pgid is None or not Path("/proc").is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: process group id
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def check_response(url: str) -> None:
    """One request through httpx, validated, so the lean client measures the real thing."""
    schema, props = QUERIES[0]
    resp = httpx.post(f"{url}/match/default",
                      json={"queries": {"q": {"schema": schema, "properties": props}}}, timeout=30)
    resp.raise_for_status()
    results = resp.json()["responses"]["q"]["results"]
    if not results or not results[0]["match"]:
        raise SystemExit("sanity check failed: Vladimir Putin not matched")


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
        check_response(url)
        asyncio.run(level(url, 4, 2.0))  # warm caches and connections
        pgid = proc.pid if proc is not None else None
        print(f"{'clients':>8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'server CPU ms/req':>18}")
        results = []
        for c in (int(x) for x in args.levels.split(",")):
            cpu0 = server_cpu_seconds(pgid)
            r = asyncio.run(level(url, c, args.duration))
            cpu1 = server_cpu_seconds(pgid)
            cpu = (1000 * (cpu1 - cpu0) / r["requests"]) if cpu0 is not None and cpu1 is not None and r["requests"] else float("nan")
            r["cpu_ms"] = cpu
            results.append(r)
            print(f"{c:>8} {r['requests']:>9} {r['errors']:>7} {r['rps']:>8.0f} "
                  f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {cpu:>18.2f}", flush=True)
        best = max(results, key=lambda r: r["rps"])
        top = next((r for r in results if r["concurrency"] == 16), results[-1])
        print(f"target ≥300 req/s: {'met' if best['rps'] >= 300 else 'NOT met'} "
              f"(best {best['rps']:.0f}); p99 ≤50 ms at {top['concurrency']} clients: "
              f"{'met' if top['p99_ms'] <= 50 else 'NOT met'} ({top['p99_ms']:.1f} ms); "
              f"errors: {sum(r['errors'] for r in results)}")
        cpu = statistics.median(r["cpu_ms"] for r in results)
        if cpu == cpu:  # not NaN
            print(f"server CPU per request {cpu:.2f} ms → about {1000 / cpu:.0f} req/s per "
                  f"fully available core ({os.cpu_count()} cores here; load average "
                  f"{os.getloadavg()[0]:.1f} during the run)")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

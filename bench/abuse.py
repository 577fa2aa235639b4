"""Attacks from issue 11 against a live ``olivebranch serve`` (a real process on loopback).

For each attack it prints the worst ``/healthz`` latency while the attack runs (target
<= 200 ms), the server's peak memory with its children (Chromium) (target <= 1.5 GB), and how
the attack's requests were answered (refused with 4xx, served, 5xx).

    1  scenario DoS: ad hoc scenarios of 2,000 names (refused) and of the largest allowed size
       sent 6 at once (queued or refused)
    2  bodies: 3 anonymous 200 MB POSTs to /api/admin/keys and to the import route, one
       chunked 200 MB POST without Content-Length
    8  database: keyed requests while another process holds SQLite's write lock for 8 s
    10 PDF: 6 parallel anonymous report.pdf requests

    python bench/abuse.py [--db var/olivebranch.sqlite] [--only 1,2,8,10]

The store is copied (SQLite backup) into a temporary home, so the bench writes nothing of yours.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _proportional(pid: int) -> int:
    """Proportional set size (shared pages split among their users), else resident size."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return 0


def tree_rss(pid: int, children: bool = True) -> int:
    """Memory of a process and (by default) all its descendants (Chromium), in bytes, as
    proportional set size so pages the processes share are counted once."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _proportional(p)
        if not children:
            break
        try:
            for t in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (t / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class Watch:
    """Polls /healthz every 50 ms and the server's memory, while an attack runs."""

    def __init__(self, url: str, pid: int) -> None:
        self.url, self.pid = url, pid
        self.worst = 0.0
        self.peak = 0
        self.server_peak = 0
        self.failures = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        self.peak = max(self.peak, tree_rss(self.pid))
        self.server_peak = max(self.server_peak, tree_rss(self.pid, children=False))

    def __enter__(self) -> Watch:
        self._sample()
        t0 = time.perf_counter()
        httpx.get(f"{self.url}/healthz", timeout=30)
        self.worst = time.perf_counter() - t0
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self._sample()

    def _run(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self._stop.is_set():
                t0 = time.perf_counter()
                try:
                    ok = http.get(f"{self.url}/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.worst = max(self.worst, time.perf_counter() - t0)
                self.failures += not ok
                self._sample()
                time.sleep(0.05)


def start_server(db: Path, home: Path, port: int) -> subprocess.Popen:
    dest = home / "olivebranch.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(dest)
    src.backup(dst)
    src.close()
    dst.close()
    env = {**os.environ, "OLIVEBRANCH_HOME": str(home), "OLIVEBRANCH_DB": f"sqlite:///{dest}",
           "OLIVEBRANCH_WARM_UP": "1"}
    exe = Path(sys.executable).with_name("olivebranch")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=home)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not become ready in 10 minutes")


def us_names(db: Path, n: int) -> list[str]:
    """Names of ``n`` distinct companies listed by the US (each names one entity)."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "select e.caption from entities e join designations d on d.entity_id = e.id and "
        "d.version_id = e.version_id join versions v on v.id = e.version_id where v.active = 1 "
        "and d.regime = 'us' and e.schema in ('Company', 'Organization') group by e.caption "
        "having count(distinct e.id) = 1 limit ?", (n,)).fetchall()
    conn.close()
    return [r[0] for r in rows]


def scenario(names: list[str]) -> dict:
    return {"name": "abuse", "title": "abuse", "description": "bench", "assumptions": ["bench"],
            "changes": [{"delist": {"regime": "us", "names": names}}]}


def raw_post(port: int, path: str, size: int, headers: str = "", chunked: bool = False) -> int:
    """POST ``size`` bytes; returns the status (the server may answer before the body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"{headers}{length}\r\n\r\n".encode())
        block = b"a" * (1 << 20)
        sent = 0
        s.settimeout(0.0)
        data = b""
        try:
            while sent < size:
                try:
                    data += s.recv(65536)
                    if b"\r\n\r\n" in data:
                        break
                except BlockingIOError:
                    pass
                piece = block if not chunked else b"%x\r\n" % len(block) + block + b"\r\n"
                s.settimeout(5)
                s.sendall(piece)
                s.settimeout(0.0)
                sent += len(block)
        except OSError:
            pass
        s.settimeout(30)
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def attack_scenarios(url: str, names: list[str], allowed: int) -> Counter:
    out: Counter = Counter()
    with httpx.Client(timeout=600) as http:
        out[http.post(f"{url}/api/scenarios/run", json=scenario(names[:2000] * 1)).status_code] += 1

        def one(i: int) -> int:
            chunk = names[i * 7 % len(names):][:allowed] or names[:allowed]
            return http.post(f"{url}/api/scenarios/run", json=scenario(chunk)).status_code

        with ThreadPoolExecutor(6) as pool:
            out.update(pool.map(one, range(6)))
        t0 = time.perf_counter()
        page = http.get(f"{url}/api/deals").status_code
        print(f"    deal list during/after the runs: {page} in {time.perf_counter() - t0:.2f} s")
    return out


def attack_bodies(port: int) -> Counter:
    out: Counter = Counter()
    size = 200 * 1024 * 1024
    jobs = [("/api/admin/keys", False)] * 3 + [("/api/admin/lists/us_ofac_sdn/import", False),
                                               ("/api/deals/validate", True)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        out.update(pool.map(lambda j: raw_post(port, j[0], size, chunked=j[1]), jobs))
    return out


def attack_db_lock(url: str, db: Path, key: str) -> Counter:
    out: Counter = Counter()
    other = sqlite3.connect(db, timeout=1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        end = time.monotonic() + 8
        with httpx.Client(timeout=60) as http:
            while time.monotonic() < end:
                for path in ("/api/lists", "/api/deals", "/catalog"):
                    out[http.get(f"{url}{path}", headers={"X-API-Key": key}).status_code] += 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    return out


def attack_pdf(url: str) -> Counter:
    with httpx.Client(timeout=600) as http:
        deal = http.get(f"{url}/api/deals", params={"verdicts": "false"}).json()[0]["id"]

        def one(_: int) -> int:
            return http.get(f"{url}/deals/{deal}/report.pdf").status_code

        with ThreadPoolExecutor(6) as pool:
            return Counter(pool.map(one, range(6)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=str(REPO / "var" / "olivebranch.sqlite"))
    ap.add_argument("--only", default="1,2,8,10")
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        raise SystemExit(f"no store at {db}: run `olivebranch lists load-bundled` first")
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="ob-abuse-") as tmp:
        home = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        proc = start_server(db, home, port)
        print(f"server ready in {time.perf_counter() - t0:.0f} s, idle memory "
              f"{tree_rss(proc.pid) / 1e9:.2f} GB")
        t0 = time.perf_counter()
        httpx.get(f"{url}/api/deals", timeout=1800)  # wait for the warm-up's status-quo run
        print(f"status-quo verdicts ready after {time.perf_counter() - t0:.0f} s more")
        copy = home / "olivebranch.sqlite"
        key = subprocess.run(
            [str(Path(sys.executable).with_name("olivebranch")), "keys", "create", "bench",
             "--role", "read"], env={**os.environ, "OLIVEBRANCH_HOME": str(home),
                                     "OLIVEBRANCH_DB": f"sqlite:///{copy}"},
            capture_output=True, text=True).stdout
        key = next((w for w in key.split() if w.startswith("ob_")), "")
        rows = []
        try:
            attacks = [
                ("1", "scenario DoS", lambda: attack_scenarios(url, us_names(db, 2000), 100)),
                ("2", "200 MB bodies", lambda: attack_bodies(port)),
                ("8", "DB write lock", lambda: attack_db_lock(url, copy, key)),
                ("10", "6 parallel PDFs", lambda: attack_pdf(url)),
            ]
            for item, name, run in attacks:
                if item not in only:
                    continue
                print(f"item {item}: {name} …", flush=True)
                t = time.perf_counter()
                with Watch(url, proc.pid) as w:
                    answers = run()
                secs = time.perf_counter() - t
                # a 503 with Retry-After is the queue's refusal, not a failure
                refused = sum(n for s, n in answers.items() if 400 <= s < 500 or s == 503)
                errors = sum(n for s, n in answers.items() if (s >= 500 and s != 503) or s == 0)
                rows.append((item, name, w.worst * 1000, w.server_peak / 1e9, w.peak / 1e9,
                             refused, errors, dict(sorted(answers.items())), secs, w.failures))
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print()
    print(f"{'item':<5}{'attack':<18}{'worst /healthz':>15}{'server peak':>13}{'+Chromium':>11}"
          f"{'refused':>9}{'5xx':>5}  answers (status: count), seconds")
    for item, name, worst, server, peak, refused, errors, answers, secs, fails in rows:
        flag = "" if worst <= 200 and server <= 1.5 else "  <-- over target"
        print(f"{item:<5}{name:<18}{worst:>12.0f} ms{server:>10.2f} GB{peak:>8.2f} GB"
              f"{refused:>9}{errors:>5}  {json.dumps(answers)}, {secs:.0f} s{flag}"
              + (f", /healthz failed {fails}x" if fails else ""))
    print("targets: worst /healthz <= 200 ms, peak server memory <= 1.5 GB (memory is "
          "proportional set size; refused = 4xx and 503 with Retry-After)")


if __name__ == "__main__":
    main()

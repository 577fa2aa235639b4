"""Issue 11 item 9: imports take a store-level lock. Four parallel imports used to end with two
raw "database is locked" tracebacks; now one imports and the others stop at once with "another
import is running", on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from olivebranch.errors import OliveBranchError
from olivebranch.paths import LISTS_DIR, REPO_DIR
from olivebranch.store import Store

OLIVEBRANCH = [str(Path(sys.executable).parent / "olivebranch")]


def _env(store: Store) -> dict[str, str]:
    return {**os.environ, "OLIVEBRANCH_DB": store.url, "COLUMNS": "200"}


def test_lock_refuses_a_second_holder_and_names_the_first(store: Store) -> None:
    other = Store(store.url)  # another connection pool, as another process would have
    with store.import_lock("us_ofac_sdn from sdn.csv"):
        with pytest.raises(OliveBranchError, match="another import is running") as err:
            with other.import_lock("un_sc from UN.xml"):
                pass
        assert "us_ofac_sdn from sdn.csv" in str(err.value)
        assert f"process {os.getpid()} on {socket.gethostname()}" in str(err.value)
        assert type(err.value).__name__ == "ImportLockedError"
    with other.import_lock("un_sc from UN.xml"):  # released: free again
        pass


def test_lock_is_released_when_the_import_fails(store: Store, tmp_path: Path) -> None:
    from olivebranch.errors import ParseError
    from olivebranch.lists.importer import import_path

    bad = tmp_path / "sdn.csv"
    bad.write_bytes(b'36,"CUT')
    with pytest.raises(ParseError):
        import_path(store, bad, "us_ofac_sdn")
    with store.import_lock("next"):
        pass


def test_lock_left_by_a_dead_process_is_taken_over(store: Store) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from olivebranch.store import import_locks

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.engine.begin() as conn:
        conn.execute(insert(import_locks).values(
            name="import", holder="crashed import", host=socket.gethostname(), pid=dead.pid,
            acquired_at=datetime.now(UTC)))
    with store.import_lock("after a crash"):
        pass


def test_cli_import_while_another_runs(store: Store, tmp_path: Path) -> None:
    with store.import_lock("a long import"):
        proc = subprocess.run(
            [*OLIVEBRANCH, "lists", "import", str(LISTS_DIR / "us_ofac_cons"), "-s", "us_ofac_cons"],
            env=_env(store), capture_output=True, text=True, timeout=300,
        )
    assert proc.returncode != 0
    assert "another import is running (a long import" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert store.versions() == []


def test_four_parallel_imports(store: Store) -> None:
    """Four `lists import` processes at once on one SQLite file, the full SDN set (its write
    takes longer than SQLite's 5 s busy timeout, which is what broke before)."""
    procs = [
        subprocess.Popen(
            [*OLIVEBRANCH, "lists", "import", str(LISTS_DIR / "us_ofac_sdn"), "-s",
             "us_ofac_sdn", "--force"],
            env=_env(store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    ok = [r for r in results if r[0] == 0]
    refused = [r for r in results if r[0] != 0]
    for rc, out, err in results:
        assert "Traceback" not in out + err, err[-2000:]
        assert "database is locked" not in out + err
        if rc != 0:
            assert "another import is running" in err, err[-2000:]
    assert ok, [r[2][-500:] for r in refused]
    versions = store.versions("us_ofac_sdn")
    assert len(versions) == len(ok)
    assert sum(v.active for v in versions) == 1
    assert all(v.counts["schema"]["Sanction"] == 14965 for v in versions)


# ---------------------------------------------------------------------------- PostgreSQL
def test_postgres_advisory_lock(pg_url: str) -> None:
    postgres = pg_url
    a, b = Store(postgres), Store(postgres)
    with a.import_lock("first"):
        with pytest.raises(OliveBranchError, match=r"another import is running \(first"):
            with b.import_lock("second"):
                pass
    with b.import_lock("second"):
        pass
    # a process that dies holding the lock frees it with its session
    code = (f"import time; from olivebranch.store import Store; s = Store({postgres!r});\n"
            "with s.import_lock('doomed'):\n    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              cwd=REPO_DIR)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(OliveBranchError, match="doomed"):
        with a.import_lock("blocked"):
            pass
    holder.kill()
    holder.wait()
    deadline = time.time() + 20
    while True:
        try:
            with a.import_lock("after the crash"):
                break
        except OliveBranchError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def test_wait_for_the_running_import(store: Store) -> None:
    import threading

    other = Store(store.url)
    release = threading.Event()

    def hold() -> None:
        with store.import_lock("short import"):
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.3)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    with other.import_lock("patient import", wait=30):
        waited = time.monotonic() - started
    thread.join()
    assert 0.5 < waited < 10
    with pytest.raises(OliveBranchError):
        with store.import_lock("a"), other.import_lock("b", wait=0.5):
            pass

"""Bulk screening on a real local Dask cluster gives the single-process batch output, and a
killed run continues where it stopped."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from olivebranch.store import Store

ROWS = (
    "id,schema,name,birth_date,identifier,country\n"
    "a1,Company,Arctic LNG 2,,,ru\n"
    "a2,Person,Игорь Сечин,07 Sep 1960,,\n"
    "a3,Person,,,,\n"
    "a4,Spaceship,Enterprise,,,\n"
    "a5,Person,Kirill Dmitriev,not a date,,\n"
    "a6,,Nobody Known Atall,,,\n"
    "a7,Company,Arktik Gaz Dva,,8904075357,\n"
    "a8,Person,Vladimir Putin,1952-10-07,,ru\n"
    ",Company,Rosneft,,,\n"
    "a10,Company,Romashka Flower Shop Ltd,,,\n"
    "a11,Company,\"Sovcomflot, PAO\",,,ru\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("obhome")


@pytest.fixture(scope="module")
def env(bundled_store: Store, home: Path) -> Iterator[dict[str, str]]:
    """Workers and child processes inherit the environment: same store, same on-disk index
    (built here once)."""
    from olivebranch.match.cache import cache_dir, load_index

    saved = {k: os.environ.get(k) for k in ("OLIVEBRANCH_DB", "OLIVEBRANCH_HOME")}
    os.environ["OLIVEBRANCH_DB"] = bundled_store.url
    os.environ["OLIVEBRANCH_HOME"] = str(home)
    load_index(bundled_store)  # writes the on-disk index the workers map
    assert [p for p in cache_dir().glob("index-*") if (p / "meta.json").exists()]
    yield dict(os.environ)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.mark.timeout(180)
def test_local_cluster_matches_single_process(bundled_store: Store, env: dict[str, str],
                                              tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from olivebranch.bulk import close, connect, run_bulk
    from olivebranch.cli import app
    from olivebranch.cli.screen import run_batch
    from olivebranch.match.batch import iter_rows, screen_row
    from olivebranch.match.cache import load_index

    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    single = tmp_path / "single.jsonl"
    index = load_index(bundled_store)
    single_counts = run_batch(index, src, single, limit=5, threshold=None)
    expected = single.read_text(encoding="utf-8")
    # the pre-encoded lines are exactly json.dumps of the records
    assert expected == "".join(
        json.dumps(screen_row(index, item, limit=5, threshold=None), ensure_ascii=False) + "\n"
        for item in iter_rows(src))
    del index
    lines = [json.loads(line) for line in expected.splitlines()]
    assert single_counts == {"rows": 11, "errors": 3, "with_hits": 6}
    assert [r["id"] for r in lines if r["results"]] == ["a1", "a2", "a7", "a8", "row-10", "a11"]
    # issue 12: one result per party; OFAC's Arctic LNG 2 record is one of the party's records
    assert any("ofac-46030" in r["records"] for r in lines[0]["results"])
    assert not (tmp_path / "single.jsonl.progress").exists()  # a finished run leaves none

    client = connect(workers=2)
    try:
        info = client.scheduler_info(n_workers=-1)["workers"]
        assert len(info) == 2
        assert all(addr.startswith("tcp://127.0.0.1:") for addr in info)
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        bulk = tmp_path / "bulk.jsonl"
        seen: list[int] = []
        # partitions of 2 rows: six tasks over two workers, results still in input order
        counts = run_bulk(client, bundled_store.url, src, bulk, partition_rows=2,
                          progress=seen.append)
        assert bulk.read_text(encoding="utf-8") == expected
        assert counts == single_counts
        assert sum(seen) == 11 and len(seen) == 6
        # both workers did work and each loaded its own index once
        loaded = client.run(lambda dask_worker: sum(
            p._index is not None for n, p in dask_worker.plugins.items()
            if n.startswith("olivebranch-index-")))
        assert sorted(loaded.values()) == [1, 1]

        # the CLI's --scheduler path on the same cluster
        out = tmp_path / "cli.jsonl"
        res = CliRunner().invoke(app, ["screen", "--input", str(src), "--output", str(out),
                                       "--scheduler", client.scheduler.address])
        assert res.exit_code == 0, res.output
        assert out.read_text(encoding="utf-8") == expected
        assert "11 rows: 6 with results, 3 errors" in res.output
    finally:
        close(client)


def _input(path: Path, bundled_store: Store, n: int) -> None:
    """``n`` rows: listed names (some with a typo), invented people and companies, bad rows."""
    import csv

    from olivebranch.match.cache import load_index

    rnd = random.Random(5)
    listed = [(e.caption, e.schema) for e in load_index(bundled_store)]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "schema", "name", "birth_date", "identifier", "country"])
        for i in range(n):
            roll = rnd.random()
            if roll < 0.02:
                w.writerow([f"r{i}", "Spaceship", "Enterprise", "", "", ""])
            elif roll < 0.4:
                name, schema = rnd.choice(listed)
                cut = rnd.randrange(len(name))
                name = name if roll < 0.2 else name[:cut] + name[cut + 1:]
                w.writerow([f"r{i}", schema, name, "", "", rnd.choice(["", "ru"])])
            else:
                w.writerow([f"r{i}", rnd.choice(["Person", "Company", ""]),
                            f"{rnd.choice(['Anna', 'Nordic', 'Ivan', 'Volga'])} "
                            f"{rnd.choice(['Petrova', 'Energy Ltd', 'Smith', 'Grid'])} "
                            f"{rnd.randrange(1000)}", "", "", ""])


@pytest.mark.timeout(420)
def test_killed_run_resumes_from_last_finished_partition(
        bundled_store: Store, env: dict[str, str], tmp_path: Path) -> None:
    """A bulk run on Dask is killed (SIGKILL to the driver, scheduler and workers) mid-way;
    started again with the same output it continues from its last finished partition, and the
    output equals an uninterrupted run's."""
    from olivebranch.bulk import checkpoint_path, run_local
    from olivebranch.errors import OliveBranchError
    from olivebranch.match.cache import load_index

    src = tmp_path / "in.csv"
    _input(src, bundled_store, 2400)
    reference = tmp_path / "reference.jsonl"
    index = load_index(bundled_store)
    ref_counts = run_local(index, src, reference, partition_rows=100)
    expected = reference.read_bytes()

    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-c", "from olivebranch.cli import main; main()", "screen",
           "--input", str(src), "--output", str(out), "--dask", "--workers", "2",
           "--partition-rows", "100"]
    progress = checkpoint_path(out)
    proc = subprocess.Popen(cmd, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done_before = 0
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                done_before = json.loads(progress.read_text(encoding="utf-8"))["partitions"]
            except (OSError, ValueError, KeyError):
                done_before = 0
            if done_before >= 5:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # driver, scheduler and both workers
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode() if proc.stderr else ""
    saved = json.loads(progress.read_text(encoding="utf-8"))
    assert 5 <= saved["partitions"] < 24  # stopped mid-way, with work done
    assert out.stat().st_size >= saved["size"]
    assert expected.startswith(out.read_bytes()[: saved["size"]])

    # other settings cannot continue it
    with pytest.raises(OliveBranchError, match="--limit"):
        run_local(index, src, out, limit=3, partition_rows=100)

    seen: list[int] = []
    messages: list[str] = []
    counts = run_local(index, src, out, partition_rows=100, progress=seen.append,
                       log=messages.append)
    assert out.read_bytes() == expected
    assert counts == ref_counts
    assert seen[0] == saved["rows"] == 100 * saved["partitions"]  # the finished part counted
    assert len(seen) == 1 + 24 - saved["partitions"]  # ... and not screened again
    assert messages and f"{saved['rows']:,} rows" in messages[0]
    assert not progress.exists()

    # a finished output is simply overwritten by a new run; --restart ignores a checkpoint
    progress.write_text(json.dumps({"format": 0}), encoding="utf-8")
    with pytest.raises(OliveBranchError, match="other settings"):
        run_local(index, src, out, partition_rows=100)
    assert run_local(index, src, out, partition_rows=100, restart=True) == ref_counts
    assert out.read_bytes() == expected

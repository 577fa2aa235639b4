"""Bulk screening on a real local Dask cluster gives the single-process batch output."""

from __future__ import annotations

import json
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


@pytest.mark.timeout(180)
def test_local_cluster_matches_single_process(bundled_store: Store, home: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from olivebranch.bulk import close, connect, run_bulk
    from olivebranch.cli import app
    from olivebranch.cli.screen import run_batch
    from olivebranch.match.cache import cache_dir, load_index

    # workers inherit the environment: same store, same pickled-index cache
    monkeypatch.setenv("OLIVEBRANCH_DB", bundled_store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(home))
    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    single = tmp_path / "single.jsonl"
    index = load_index(bundled_store)  # also writes the pickle the workers load
    assert list(cache_dir().glob("index-*.pickle"))
    single_counts = run_batch(index, src, single, limit=5, threshold=None)
    del index
    expected = single.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in expected.splitlines()]
    assert single_counts == {"rows": 11, "errors": 3, "with_hits": 6}
    assert [r["id"] for r in lines if r["results"]] == ["a1", "a2", "a7", "a8", "row-10", "a11"]
    assert any(r["entity_id"] == "ofac-46030" for r in lines[0]["results"])

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

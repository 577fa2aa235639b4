"""Parties on a real PostgreSQL server (started for the test from the local installation)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from parties_fixtures import load

from olivebranch.parties import Parties, PartyResolver
from olivebranch.store import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    base = Path(tempfile.mkdtemp(prefix="ob-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres", "-A", "trust"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                                 f"-k {sock} -p {port} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(f"host={sock} port={port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE olivebranch")
        yield f"postgresql+psycopg://postgres@/olivebranch?host={sock}&port={port}"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_resolution_and_judgements_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    assert store.engine.dialect.name == "postgresql"
    load(store)
    resolver = PartyResolver(store)
    report = resolver.run()
    assert report.mode == "full" and report.counts["id:inn"] == 1
    p = Parties.load(store)
    assert p.same_party("ofac-1", "eu-fsf-1") and p.same_party("ofac-5", "gb-fcdo-P5")
    resolver.decide("ofac-5", "gb-fcdo-P5", "negative", user="pg", reason="checked")
    p2 = Parties.load(store)
    assert not p2.same_party("ofac-5", "gb-fcdo-P5")
    assert p2.party_of("ofac-1") == p.party_of("ofac-1")
    assert p2.run.mode == "incremental"
    merged = p2.merged_entity(p2.party_of("ofac-3") or "")
    assert merged is not None and len(p2.records(merged.id or "")) == 3
    store.engine.dispose()

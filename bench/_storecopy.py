"""A working copy of a store for a bench, on SQLite or on PostgreSQL.

Benches that write (a list update, audit records) work on a copy so that the store they read
(``var/olivebranch.sqlite`` with the bundled lists) stays as it was:

- ``--db PATH`` (a SQLite file): copied with SQLite's backup API into a temporary folder;
- ``--db postgresql+psycopg://…``: a new database on that server, filled from the SQLite
  store ``source`` with ``COPY`` (seconds; no re-import), dropped at the end;
- ``--db pg``: the same on a throwaway server started on loopback (``tests/pgserver.py``).
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from olivebranch.paths import REPO_DIR
from olivebranch.store import Store


@contextmanager
def working_copy(db: str, tmp: Path, source: str = "var/olivebranch.sqlite") -> Iterator[Store]:
    """A store copied from ``source`` (or from ``db`` itself when it is a SQLite file)."""
    if db == "pg":
        sys.path.insert(0, str(REPO_DIR / "tests"))
        import pgserver

        server = pgserver.start()
        try:
            with working_copy(server.url, tmp, source) as store:
                yield store
        finally:
            pgserver.stop(server)
        return
    if "://" not in db or db.startswith("sqlite"):
        path = db.split(":///", 1)[-1]
        src = sqlite3.connect(path)
        dst = sqlite3.connect(tmp / "ob.sqlite")
        src.backup(dst)
        src.close()
        dst.close()
        store = Store(f"sqlite:///{tmp / 'ob.sqlite'}")
        try:
            yield store
        finally:
            store.engine.dispose()
        return
    sys.path.insert(0, str(REPO_DIR / "tests"))
    import pgserver

    url = pgserver.create_database(db, "ob_bench")
    try:
        t = time.perf_counter()
        store = Store(url)
        rows = copy_sqlite_to_postgres(source, store)
        print(f"PostgreSQL working copy {url.rsplit('@', 1)[-1]}: {rows:,} rows copied from "
              f"{source} in {time.perf_counter() - t:.1f} s", flush=True)
        try:
            yield store
        finally:
            store.engine.dispose()
    finally:
        pgserver.drop_database(url)


def copy_sqlite_to_postgres(source: str, store: Store) -> int:
    """Every row of every table the SQLite store ``source`` and ``store`` share, with COPY;
    serial ids continue after the copied ones."""
    import psycopg
    from sqlalchemy import inspect

    from olivebranch.store import metadata

    src = sqlite3.connect(source)
    have = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    pg_url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    total = 0
    with psycopg.connect(pg_url) as conn:
        for table in metadata.sorted_tables:
            if table.name not in have or table.name == "alembic_version":
                continue
            src_cols = {r[1] for r in src.execute(f'PRAGMA table_info("{table.name}")')}
            cols = [c.name for c in table.columns if c.name in src_cols]
            bools = [i for i, c in enumerate(cols) if str(table.c[c].type) == "BOOLEAN"]
            names = ", ".join(f'"{c}"' for c in cols)
            with conn.cursor() as cur:
                cur.execute(f'DELETE FROM "{table.name}"')
                with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in src.execute(f'SELECT {names} FROM "{table.name}"'):
                        if bools:
                            row = list(row)
                            for i in bools:
                                row[i] = None if row[i] is None else bool(row[i])
                        copy.write_row(row)
                        total += 1
        conn.commit()
    with store.engine.begin() as sa:
        insp = inspect(sa)
        for name in insp.get_table_names():
            if any(c["name"] == "id" and str(c["type"]) in ("INTEGER", "BIGINT")
                   for c in insp.get_columns(name)):
                sa.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)')
    src.close()
    return total


def server_cpu(store: Store) -> float | None:
    """CPU seconds used so far by a PostgreSQL server on this machine (the postmaster and its
    live backends, from /proc), or None (SQLite, a remote server, no access): the client's
    CPU seconds leave out the queries the server runs."""
    import os

    if store.engine.dialect.name != "postgresql":
        return None
    try:
        with store.engine.connect() as conn:
            data_dir = conn.exec_driver_sql("SHOW data_directory").scalar()
        pid = int(Path(str(data_dir), "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
                total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return total
    except Exception:  # noqa: BLE001 - a figure we cannot take is left out, not fatal
        return None

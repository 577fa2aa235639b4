"""Shared fixtures: a fresh store per test, paths to bundled and shared data.

The suite runs against one back-end per session: ``--backend sqlite`` (default; a fresh SQLite
file per test) or ``--backend postgresql`` (also ``OLIVEBRANCH_TEST_BACKEND=postgresql``): a
real PostgreSQL server — ``OLIVEBRANCH_TEST_PG`` (a URL to any database of a server where we may
create databases), or a throwaway one started from the local installation —, a fresh database
per session (per xdist worker) and a fresh schema per test. On PostgreSQL only the tests that
use a store fixture run (the rest do not touch the database and already ran on SQLite); tests
marked ``sqlite_only`` (they copy or open the SQLite file itself) are skipped.

Parallel runs (pytest-xdist, ``make test`` uses ``-n auto --dist loadfile``): each process of a
session — every xdist worker — gets its own ``OLIVEBRANCH_HOME`` (a temporary directory: default
store, match and workspace caches, downloads) and its own PostgreSQL databases; ports are chosen
free; the workers share one PostgreSQL server (the controller starts it when none is
configured). The bundled lists are imported once per run, by the first worker that needs them
(the others wait on a file lock): SQLite workers read that file, PostgreSQL workers each get a
copy of that database (``CREATE DATABASE … TEMPLATE``, seconds). Tests are sent to workers a
module at a time (module fixtures are built once), and the modules that share the session's
``AppState`` (``test_api_support.shared_state``: its match index is the costly part) go to one
worker together.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pgserver
import pytest
from hypothesis import settings as hypothesis_settings

from olivebranch.paths import LISTS_DIR, REPO_DIR
from olivebranch.store import Store

FIXTURES = REPO_DIR / "tests" / "fixtures"
STORE_FIXTURES = {"store", "bundled_store", "backend_url", "pg_url"}
_HOME = pytest.StashKey[Path]()
_SERVER = pytest.StashKey[pgserver.Server]()

# Property tests: the same examples on every CI run (a red build is reproducible, never a
# coin toss); `HYPOTHESIS_PROFILE=explore` draws new random examples while developing.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("sqlite", "postgresql"),
                     default=os.environ.get("OLIVEBRANCH_TEST_BACKEND", "sqlite"),
                     help="the store back-end of the store fixtures (default: sqlite)")
    parser.addoption("--pg-tests", choices=("all", "fresh"),
                     default=os.environ.get("OLIVEBRANCH_TEST_PG_TESTS", "all"),
                     help="on PostgreSQL: every test that uses a store (all), or only those on "
                          "fresh stores, without the bundled-lists store and its import (fresh)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: reads or copies the SQLite file itself")
    # a home of this process's own (the Makefile's is the repository's var/, which the user's
    # `make run` store lives in and which two xdist workers must not both write); CLI commands
    # and child processes of the tests inherit it
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # an xdist worker starts with COLUMNS=80 in its environment where the controller had none;
    # the CLI's consoles made at import would then keep that width (and wrap the tables that
    # the CLI tests read, whatever COLUMNS they give): the workers get the controller's value
    if worker == "main":
        os.environ["OLIVEBRANCH_TEST_COLUMNS"] = os.environ.get("COLUMNS", "")
    elif "OLIVEBRANCH_TEST_COLUMNS" in os.environ:
        columns = os.environ["OLIVEBRANCH_TEST_COLUMNS"]
        if columns:
            os.environ["COLUMNS"] = columns
        else:
            os.environ.pop("COLUMNS", None)
    home = Path(tempfile.mkdtemp(prefix=f"olivebranch-test-home-{worker}-"))
    config.stash[_HOME] = home
    os.environ["OLIVEBRANCH_HOME"] = str(home)
    if (_is_xdist_controller(config) and config.getoption("--backend") == "postgresql"
            and not os.environ.get("OLIVEBRANCH_TEST_PG")):
        # one server for every worker (they share the bundled-lists database it holds)
        try:
            server = pgserver.start(0)
        except RuntimeError as exc:
            raise pytest.UsageError(f"--backend postgresql: {exc}") from exc
        config.stash[_SERVER] = server
        os.environ["OLIVEBRANCH_TEST_PG"] = server.url
    if _is_xdist_controller(config):
        config.option.loadscopereorder = False  # units go out in our order (_order_for_workers)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _is_xdist_controller(config):
        # the bundled-lists database the workers shared (tests/conftest.py _shared_bundled)
        root = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        marker = root / "bundled-postgresql.url"
        server = config.stash.get(_SERVER, None)
        if marker.exists() and server is None:
            pgserver.drop_database(marker.read_text())
        if server is not None:
            os.environ.pop("OLIVEBRANCH_TEST_PG", None)
            pgserver.stop(server)
    home = config.stash.get(_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


def _is_xdist_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and bool(config.getoption("numprocesses", 0))


def pytest_report_header(config: pytest.Config) -> str:
    return f"olivebranch store back-end: {config.getoption('--backend')}"


_SHARES_APPSTATE = re.compile(r"^from test_api_support import .*\bshared_state\b", re.M)


@functools.cache
def _worker_group(path: str) -> str:
    """The unit of work a test module belongs to: the modules that share the session's
    ``AppState`` (``test_api_support.shared_state``: its match index is costly) are one unit,
    every other module is its own."""
    try:
        text = (REPO_DIR / path).read_text(encoding="utf-8")
    except OSError:
        return path
    return "appstate" if _SHARES_APPSTATE.search(text) else path


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` sends a module's tests to one worker (its module fixtures are built
    once); here the ``AppState`` modules go to one worker together as well. (xdist's own
    ``loadgroup`` marks are lost on pytest 9, which no longer reads the node id xdist rewrites.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _worker_group(nodeid.split("::", 1)[0])

    return ModuleScheduling(config, log)  # type: ignore[arg-type]


def _order_for_workers(items: list[pytest.Item]) -> None:
    """The order in which units go to the workers (xdist keeps it: ``pytest_configure`` turns
    its reordering off): the ``AppState`` unit first (the longest), then the modules that do not
    need the bundled lists, then the rest — so that while one worker imports the bundled lists
    the other runs tests instead of waiting for it."""
    bundled = {_worker_group(item.nodeid.split("::", 1)[0]) for item in items
               if "bundled_store" in getattr(item, "fixturenames", ())}

    def rank(item: pytest.Item) -> int:
        group = _worker_group(item.nodeid.split("::", 1)[0])
        return 0 if group == "appstate" else 2 if group in bundled else 1

    items.sort(key=rank)  # stable: within a rank, collection order


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _order_for_workers(items)
    if config.getoption("--backend") != "postgresql":
        return
    fresh_only = config.getoption("--pg-tests") == "fresh"
    keep, drop = [], []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        uses_store = bool(STORE_FIXTURES & names)
        if fresh_only and "bundled_store" in names:
            uses_store = False
        (keep if uses_store and not item.get_closest_marker("sqlite_only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("--backend"))


@pytest.fixture(scope="session")
def pg_server(backend: str) -> Iterator[str]:
    """The URL of a PostgreSQL server where we may create databases: ``OLIVEBRANCH_TEST_PG``, or
    a throwaway server started (once per session, on first use) from the local installation."""
    base = os.environ.get("OLIVEBRANCH_TEST_PG")
    if base:
        yield base
        return
    try:
        server = pgserver.start(0)
    except RuntimeError as exc:
        if backend == "postgresql":
            pytest.fail(f"--backend postgresql: {exc}", pytrace=False)
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield server.url
    finally:
        pgserver.stop(server)


@pytest.fixture(scope="session")
def pg_database(backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """On ``--backend postgresql``: the URL of a database made for this session (dropped at its
    end); on SQLite: None."""
    if backend != "postgresql":
        yield None
        return
    url = pgserver.create_database(request.getfixturevalue("pg_server"), "ob_test")
    try:
        yield url
    finally:
        pgserver.drop_database(url)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, whatever the session's back-end (for tests that are
    about PostgreSQL itself: advisory locks, concurrent sessions)."""
    url = pgserver.create_database(pg_server, "ob_pg")
    try:
        yield url
    finally:
        pgserver.drop_database(url)


_schemas = itertools.count(1)


def _pg_schema_url(database_url: str, schema: str) -> str:
    """A URL whose connections work in their own schema (created here)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    sep = "&" if "?" in database_url else "?"
    return f"{database_url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def backend_url(tmp_path: Path, pg_database: str | None) -> str:
    """A URL of an empty store on the session's back-end."""
    if pg_database is None:
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return _pg_schema_url(pg_database, f"t{next(_schemas)}")


@pytest.fixture
def store(backend_url: str) -> Iterator[Store]:
    s = Store(backend_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def lists_dir() -> Path:
    return LISTS_DIR


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def _import_bundled(url: str) -> None:
    from olivebranch.lists.importer import import_bundled
    from olivebranch.parties import after_import

    s = Store(url)
    try:
        import_bundled(s)
        after_import(s)
    finally:
        s.engine.dispose()


def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Under xdist, the directory every worker of this run shares (the parent of their
    temporary directories); None in a single-process run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return tmp_path_factory.getbasetemp().parent


def _shared_bundled(root: Path, pg_database: str | None) -> str:
    """The bundled lists are imported once per run, by the first worker that needs them (the
    others wait for it on a file lock); the URL of this worker's bundled store: on SQLite the
    shared file itself (tests only read it), on PostgreSQL a copy of the shared database of its
    own (``copy_store`` of one worker ends the sessions on its source)."""
    import fcntl

    backend = "sqlite" if pg_database is None else "postgresql"
    marker = root / f"bundled-{backend}.url"
    with open(root / f"bundled-{backend}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            master = marker.read_text()
        else:
            if pg_database is None:
                master = f"sqlite:///{root / 'bundled.sqlite'}"
            else:
                master = pgserver.create_database(pg_database, "ob_bundled_run")
            _import_bundled(master)
            marker.write_text(master)
        if pg_database is None:
            return master
        from sqlalchemy.engine import make_url

        return pgserver.create_database(pg_database, "ob_bundled",
                                        template=make_url(master).database)


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory,
                  pg_database: str | None) -> Iterator[Store]:
    """A store with every bundled list imported once per test session (once per run under
    xdist), its records resolved into parties as ``lists load-bundled`` does (read-only for
    tests)."""
    root = _run_dir(tmp_path_factory)
    if root is not None:
        url = _shared_bundled(root, pg_database)
    else:
        if pg_database is None:
            url = f"sqlite:///{tmp_path_factory.mktemp('bundled') / 'bundled.sqlite'}"
        else:  # a database of its own, so that tests can copy it whole (copy_store)
            url = pgserver.create_database(pg_database, "ob_bundled")
        _import_bundled(url)
    s = Store(url)
    yield s
    s.engine.dispose()
    if pg_database is not None:
        pgserver.drop_database(url)

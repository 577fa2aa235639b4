"""Shared set-up for the API and browser tests (no tests here).

Building the match index over every bundled list is the slow part, so one ``AppState`` is built
per test session and shared by ``test_api.py`` and ``test_web_browser.py``. It works on a copy
of the session's bundled store, so the API keys, deals and scenarios the tests write never
touch the store other tests read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from olivebranch.api.settings import Settings
from olivebranch.api.state import AppState
from olivebranch.store import Store

_STATES: dict[str, AppState] = {}


def copy_store(store: Store, dest: Path) -> str:
    """Copy a SQLite store with SQLite's online backup (consistent, WAL included); a
    PostgreSQL store as a new database made from it (tests/pgserver.py)."""
    if store.engine.dialect.name == "postgresql":
        import pgserver

        store.engine.dispose()
        return pgserver.copy_database(store.url, "ob_api")
    src_path = store.url.removeprefix("sqlite:///")
    dest.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{dest}"


def shared_state(bundled_store: Store, root: Path) -> AppState:
    """One started AppState per bundled store (per session)."""
    key = bundled_store.url
    if key not in _STATES:
        url = copy_store(bundled_store, root / "api.sqlite")
        settings = Settings(
            db_url=url,
            deals_dir=root / "deals",
            scenarios_dir=root / "scenarios",
            import_bundled_if_empty=False,
            warm_up=False,
            index_cache=False,
        )
        _STATES[key] = AppState.start(settings)
    return _STATES[key]

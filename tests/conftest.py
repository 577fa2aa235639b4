"""Shared fixtures: a fresh SQLite store per test, paths to bundled and shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivebranch.paths import LISTS_DIR, REPO_DIR
from olivebranch.store import Store

FIXTURES = REPO_DIR / "tests" / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'test.sqlite'}")


@pytest.fixture
def lists_dir() -> Path:
    return LISTS_DIR


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with every bundled list imported once per test session (read-only for tests)."""
    from olivebranch.lists.importer import import_bundled

    path = tmp_path_factory.mktemp("bundled") / "bundled.sqlite"
    s = Store(f"sqlite:///{path}")
    import_bundled(s)
    return s

"""Shared fixtures: a fresh SQLite store per test, paths to bundled and shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from olivebranch.paths import LISTS_DIR, REPO_DIR
from olivebranch.store import Store

FIXTURES = REPO_DIR / "tests" / "fixtures"

# Property tests: the same examples on every CI run (a red build is reproducible, never a
# coin toss); `HYPOTHESIS_PROFILE=explore` draws new random examples while developing.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
    """A store with every bundled list imported once per test session, its records resolved
    into parties as ``lists load-bundled`` does (read-only for tests)."""
    from olivebranch.lists.importer import import_bundled
    from olivebranch.parties import after_import

    path = tmp_path_factory.mktemp("bundled") / "bundled.sqlite"
    s = Store(f"sqlite:///{path}")
    import_bundled(s)
    after_import(s)
    return s

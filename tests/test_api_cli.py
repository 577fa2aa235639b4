"""``olivebranch keys`` and ``olivebranch serve`` from the command line (no server started)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from olivebranch.api import auth
from olivebranch.cli import app
from olivebranch.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    path = tmp_path / "keys.sqlite"
    monkeypatch.setenv("OLIVEBRANCH_DB", str(path))
    return Store(f"sqlite:///{path}")


def test_keys_create_list_revoke(db: Store) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    created = runner.invoke(app, ["keys", "create", "treasury desk", "--role", "analyst"])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("ob_")
    principal = auth.verify_key(db, key)
    assert principal is not None and principal.role == "analyst"
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0 and "treasury desk" in listed.output
    assert key.rsplit("_", 1)[-1] not in listed.output  # the secret is never shown again
    assert runner.invoke(app, ["keys", "revoke", principal.key_id]).exit_code == 0
    assert auth.verify_key(db, key) is None


def test_keys_refuse_unknown_role_and_key(db: Store) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    bad = runner.invoke(app, ["keys", "create", "x", "--role", "root"])
    assert bad.exit_code != 0 and "unknown role" in str(bad.exception or bad.output)
    missing = runner.invoke(app, ["keys", "revoke", "abcdef"])
    assert missing.exit_code != 0


def test_serve_help() -> None:
    out = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["serve", "--help"])
    assert out.exit_code == 0
    for flag in ("--host", "--port", "--anonymous-match", "--no-anonymous-match", "--workers"):
        assert flag in out.output

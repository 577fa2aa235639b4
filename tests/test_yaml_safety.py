"""Issue 11 item 7: a 600-byte YAML alias bomb in a deal file made `assess` grow to 5.6 GB (the
error message was built from the full repr of the input). Deal, scenario and supplement files
are now loaded with limits on expanded size and depth, and error messages stay short."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from olivebranch.deals.loader import load_deal
from olivebranch.errors import ParseError
from olivebranch.paths import DATA_DIR
from olivebranch.scenarios.model import read_scenario_file

LEVELS = "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + LEVELS


def bomb_deal(tmp_path: Path) -> Path:
    """A real catalogue deal whose asset stage is 9^9 (387 million) values by aliases."""
    text = (DATA_DIR / "deals" / "arctic-lng-2-eu-equipment.yaml").read_text()
    text = text.replace("  stage: construction", "  stage: *i")
    path = tmp_path / "bomb.yaml"
    path.write_text(f"x-bomb:\n  {BOMB.replace(chr(10), chr(10) + '  ')}\n{text}")
    return path


def test_bomb_is_small() -> None:
    assert len(BOMB) < 600


def test_deal_alias_bomb_refused_fast(tmp_path: Path) -> None:
    path = bomb_deal(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ParseError, match="alias") as err:
        load_deal(path)
    assert time.perf_counter() - started < 2
    assert err.value.where and err.value.where.startswith("line ")
    assert len(str(err.value)) < 400


def test_assess_cli_on_alias_bomb_stays_small(tmp_path: Path) -> None:
    """The command users ran, in a process capped at 3 GB of address space: before the fix it
    died of MemoryError on the way to 5.6 GB; now it stops at once with a clear message."""
    path = bomb_deal(tmp_path)
    cap = 3 * 1024**3

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    cli = str(Path(sys.executable).parent / "olivebranch")
    env = {**os.environ, "OLIVEBRANCH_DB": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    proc = subprocess.run([cli, "assess", str(path)], capture_output=True, text=True,
                          timeout=300, preexec_fn=limit, env=env)
    assert proc.returncode == 2, proc.stderr[-1000:]
    assert "alias" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr) < 1000


@pytest.mark.parametrize(
    ("yaml_text", "match"),
    [
        ("name: x\ntitle: y\nchanges: &c [*c]\n", "recursive alias"),
        ("name: x\ntitle: " + "[" * 80 + "]" * 80 + "\n", "levels deep"),
        ("name: x\ntitle: y\nbomb:\n  " + BOMB.replace("\n", "\n  ") + "\n", "alias"),
    ],
)
def test_scenario_files_have_limits(tmp_path: Path, yaml_text: str, match: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ParseError, match=match):
        read_scenario_file(path)


def test_long_values_are_cut_in_messages(tmp_path: Path) -> None:
    text = (DATA_DIR / "deals" / "arctic-lng-2-eu-equipment.yaml").read_text()
    path = tmp_path / "long.yaml"
    path.write_text(text.replace("  stage: construction", "  stage: " + "x" * 100_000))
    with pytest.raises(ParseError) as err:
        load_deal(path)
    assert "is not allowed" in str(err.value) and len(str(err.value)) < 500
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\ntitle: y\nchanges:\n  - " + "k" * 50_000 + ": 1\n")
    with pytest.raises(ParseError) as err2:
        read_scenario_file(scenario)
    assert len(str(err2.value)) < 500


def test_supplement_alias_bomb(tmp_path: Path) -> None:
    from olivebranch.lists.supplement import parse

    path = tmp_path / "supplement.yaml"
    path.write_text("bomb:\n  " + BOMB.replace("\n", "\n  ") + "\nactions: []\n")
    with pytest.raises(ParseError, match="alias"):
        parse(path)


def test_anchors_and_merge_keys_still_work(tmp_path: Path) -> None:
    """Legitimate aliases (a shared list, a merge key) load as before."""
    from olivebranch.yamlsafe import load

    data = load("base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  z: *b\n")
    assert data["other"]["x"] == 1 and data["other"]["z"] == {"x": 1, "y": [1, 2]}

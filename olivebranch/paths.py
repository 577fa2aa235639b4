"""Where bundled data lives (inside the repository, so a fresh clone works offline)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("OLIVEBRANCH_DATA", REPO_DIR / "data"))
LISTS_DIR = DATA_DIR / "lists"


def workspace_cache() -> Path:
    """Where derived data is kept between runs (``$OLIVEBRANCH_HOME/workspace-cache``)."""
    return Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "workspace-cache"

"""Tables the matcher derives from its data files, kept on disk between processes.

Some tables are built by reading every entry of a data file through the name analysis
(Chinese, Japanese and Thai readings load their dictionaries, ~1 s each). A long-running
server pays that once; a short CLI command should not pay it at its first query. The file is
named by the digest of its inputs and of the matcher's code, so an edit to either rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from olivebranch.paths import DATA_DIR, workspace_cache

T = TypeVar("T")
_CODE = Path(__file__).parent
#: The matcher's word lists and tables: a reading or a spelling rule may come from any of them.
_DATA = DATA_DIR / "match"


def cache_path(name: str, inputs: Iterable[Path] = ()) -> Path:
    """The cached table's file: ``name`` plus the digest of ``inputs``, the matcher's data
    files and its code."""
    h = hashlib.sha1()
    files = {*inputs, *(p for p in _DATA.iterdir() if p.is_file()), *_CODE.glob("*.py")}
    for path in sorted(files):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return workspace_cache() / f"{name}-{h.hexdigest()[:16]}.pickle"


def load_or_build(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """The table from its cache file, else built and written (atomically; a read-only or
    missing home only means building it in every process)."""
    path = cache_path(name, inputs)
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return value

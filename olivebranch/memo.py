"""Results kept on disk between commands.

A verdict is a pure function of its inputs: the deal, the scenario (with its bases), the
evaluation day, the list versions in the store, the rule packs, the registry and the code that
computes it. A command that asks the same question again reads the answer back instead of
loading the screening index and evaluating again. The key is a digest of all those inputs, so
an import, an edited pack, a saved deal or a new version of olivebranch simply misses.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from olivebranch.paths import DATA_DIR, PACKAGE_DIR

log = logging.getLogger("olivebranch.memo")
#: bump when what is stored changes shape
FORMAT = 1


@cache
def code_digest() -> str:
    """Digest of the package's code and the registry file (any change misses every entry)."""
    h = hashlib.sha1(str(FORMAT).encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """Digest of files' names and contents (rule packs, registry files)."""
    h = hashlib.sha1()
    for path in sorted(set(paths)):
        if path.is_file():
            h.update(str(path).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def digest(*parts: object) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


class ResultCache:
    """Pickled results under a directory, by key; the ``keep`` newest are kept."""

    def __init__(self, root: Path, keep: int = 256) -> None:
        self.root = root
        self.keep = keep
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / f"result-{key[:32]}.pickle"

    def get(self, key: str) -> object | None:
        path = self._path(key)
        try:
            with path.open("rb") as f:
                value = pickle.load(f)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # noqa: BLE001 - a broken entry is recomputed, never fatal
            log.warning("ignoring unreadable result %s", path)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: object) -> None:
        path = self._path(key)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            with tmp.open("wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
            files = sorted(self.root.glob("result-*.pickle"), key=lambda p: p.stat().st_mtime,
                           reverse=True)
            for old in files[self.keep:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass


def registry_files(path: str) -> list[Path]:
    """The files a registry was read from (``a.yaml+b.yaml`` for an extended one)."""
    return [Path(p) for p in path.split("+") if p] or [DATA_DIR / "regimes.yaml"]

"""Loading the screening index for a store, with an on-disk cache keyed by list versions.

Building the index reads and analyses every listed name (seconds); the CLI and the API load
it often, so a pickled copy is kept under ``$OLIVEBRANCH_HOME`` (default ``var/``), named for
the store and the ids of the versions it was built from. A new list version changes the key,
so a stale index is never used; only the few newest files are kept.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from olivebranch.match.index import MatchIndex

#: Bump when the index layout or the scorer's analysis changes.
CACHE_FORMAT = 1
#: Cached indexes kept per store.
KEEP = 3


def cache_dir() -> Path:
    return Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "match-cache"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the matching code and its word lists: a pickled index holds objects of these
    classes, so any change to them must invalidate it (a stale pickle fails at query time)."""
    h = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    from olivebranch.paths import DATA_DIR

    for path in sorted((DATA_DIR / "match").glob("*")) if (DATA_DIR / "match").is_dir() else []:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _key(store: Any, version_ids: list[int], as_of: date | None = None) -> str:
    raw = (f"{CACHE_FORMAT}|{_code_digest()}|{store.url}|"
           f"{','.join(map(str, sorted(version_ids)))}|{as_of.isoformat() if as_of else ''}")
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def load_index(store: Any, as_of: date | None = None, *, use_cache: bool = True) -> MatchIndex:
    """The index over the store's listed entities (active versions, or as of a date)."""
    vids = [v.id for v in store.active_versions(as_of)]
    if not use_cache:
        return MatchIndex.from_store(store, as_of)
    directory = cache_dir()
    prefix = hashlib.sha1(str(store.url).encode()).hexdigest()[:8]
    path = directory / f"index-{prefix}-{_key(store, vids, as_of)}.pickle"
    if path.exists():
        try:
            gc.disable()
            try:
                with path.open("rb") as f:
                    index = pickle.load(f)
            finally:
                gc.enable()
            if isinstance(index, MatchIndex):
                return index
        except Exception:  # noqa: BLE001 - a broken cache file is rebuilt, never fatal
            pass
    index = MatchIndex.from_store(store, as_of)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        # keep the few newest (today's lists and a couple of --as-of views), drop the rest
        files = sorted(directory.glob(f"index-{prefix}-*.pickle"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    return index

"""Loading the screening index for a store, with an on-disk cache keyed by list versions.

Building the index reads and analyses every listed name (seconds); the CLI, the API and each
bulk-screening worker load it often, so the built index is kept under ``$OLIVEBRANCH_HOME``
(default ``var/``) as a directory of flat ``numpy`` arrays and byte blobs (see
:class:`olivebranch.match.index.Parts`), named for the store and the ids of the versions it
was built from. Opening it memory-maps those files: milliseconds, and processes that open the
same index share its pages. A new list version changes the key, so a stale index is never
used; only the few newest are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

from olivebranch.match.analysis import (
    Analyses,
    NameCache,
    cache_dir,
    code_digest,
    name_analyses,
)
from olivebranch.match.index import MatchIndex

#: Bump when the index layout or the scorer's analysis changes.
CACHE_FORMAT = 4
#: Cached indexes kept per store.
KEEP = 3




def name_cache() -> NameCache:
    """The on-disk cache of analysed listed names (``analysis.NameCache``): every index build
    of this home reads it and adds the names it had to analyse. Its public use::

        table = name_cache().analyses([(name, names.kind_of(schema)), ...])
        form = table.form((name, kind))   # the NameForm ``names.analyze`` gives

    (``MatchIndex.from_store`` does this for every listed name.)"""
    return NameCache(cache_dir())


#: (kept here under its old name: bulk screening keys its workers' caches on it)
_code_digest = code_digest


def _key(store: Any, version_ids: list[int], as_of: date | None = None) -> str:
    # the index groups records into the parties the store resolved them into
    groups = store.record_groups(version_ids) if hasattr(store, "record_groups") else None
    run = groups[0] if groups is not None else None
    # records are marshalled: the Python version is part of the format
    raw = (f"{CACHE_FORMAT}|{sys.version_info[:2]}|{_code_digest()}|{store.url}|"
           f"{','.join(map(str, sorted(version_ids)))}|{as_of.isoformat() if as_of else ''}|"
           f"{run}")
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def index_path(store: Any, as_of: date | None = None) -> Path:
    """Where the cached index of the store's active versions (or as of a date) lives."""
    vids = [v.id for v in store.active_versions(as_of)]
    prefix = hashlib.sha1(str(store.url).encode()).hexdigest()[:8]
    return cache_dir() / f"index-{prefix}-{_key(store, vids, as_of)}"


def load_index(store: Any, as_of: date | None = None, *, use_cache: bool = True) -> MatchIndex:
    """The index over the store's listed entities (active versions, or as of a date)."""
    if not use_cache:
        return MatchIndex.from_store(store, as_of)
    path = index_path(store, as_of)
    if path.is_dir():
        try:
            return MatchIndex.open(path)
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
            shutil.rmtree(path, ignore_errors=True)
    index = MatchIndex.from_store(store, as_of)
    try:
        _save(index, path)
    except OSError:
        pass
    return index


def _save(index: MatchIndex, path: Path) -> None:
    """Write the index beside its final place and rename it there (concurrent builders each
    write their own copy; the first rename wins, the others are dropped)."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{path.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    index.save(tmp)
    try:
        tmp.rename(path)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    # keep the few newest (today's lists and a couple of --as-of views), drop the rest;
    # processes still using a dropped one keep their memory maps
    prefix = path.name.rsplit("-", 1)[0]
    cached = sorted((p for p in directory.glob(f"{prefix}-*") if p.is_dir()),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in cached[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    for old in directory.glob(f"{prefix}-*.pickle"):  # the format before memory maps
        old.unlink(missing_ok=True)


__all__ = ["Analyses", "NameCache", "cache_dir", "index_path", "load_index", "name_analyses",
           "name_cache"]

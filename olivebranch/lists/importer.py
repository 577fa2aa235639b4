"""Import a parsed file into the store as a new version, atomically.

The parser runs to completion in memory before anything is written; the store then writes
the version in one transaction. A broken, hostile or mislabelled file therefore raises a
``ParseError`` and leaves the active version of its source exactly as it was.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists import get_source, registry
from olivebranch.lists.base import SourceSpec
from olivebranch.paths import LISTS_DIR
from olivebranch.store import Store, Version


@dataclass
class ImportReport:
    source: str
    version: Version | None
    skipped: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)
    path: str = ""


def file_hash(path: Path) -> str:
    """SHA-256 over the file, or over every regular file of a directory in name order."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(str(f.relative_to(path)).encode())
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def import_path(
    store: Store,
    path: Path,
    source: str,
    *,
    published: date | None = None,
    force: bool = False,
    note: str | None = None,
) -> ImportReport:
    """Parse ``path`` as ``source`` and store it as the new active version.

    Skips (and says so) when the same file is already the active version, unless ``force``.
    """
    spec = get_source(source)
    path = Path(path)
    if not path.exists():
        raise ParseError(path, None, "file not found")
    started = time.perf_counter()
    digest = file_hash(path)
    existing = store.find_version_by_hash(source, digest)
    if existing is not None and existing.active and not force:
        return ImportReport(source, existing, True, time.perf_counter() - started, path=str(path))
    if not spec.sniff(path):
        guess = [s.name for s in registry().values() if s.name != source and _safe_sniff(s, path)]
        hint = f"; it looks like {', '.join(guess)}" if guess else ""
        raise WrongSourceError(path, None, f"this is not a {spec.title} file{hint}")
    result = spec.parse(path)
    if not result.entities:
        raise ParseError(path, None, f"no entities found in this {spec.title} file")
    version = store.add_version(
        source,
        result.entities,
        regime=spec.regime,
        published=published or result.published or _bundled_date(spec, path),
        filename=str(path),
        file_hash=digest,
        note=note or result.note,
    )
    return ImportReport(
        source, version, False, time.perf_counter() - started, result.warnings, str(path)
    )


def _safe_sniff(spec: SourceSpec, path: Path) -> bool:
    try:
        return bool(spec.sniff(path))
    except Exception:
        return False


def _bundled_date(spec: SourceSpec, path: Path) -> date | None:
    if spec.bundled and spec.bundled_published:
        try:
            bundle = (LISTS_DIR / spec.bundled).resolve()
            target = path.resolve()
            if target == bundle or (bundle.is_dir() and bundle in target.parents):
                return spec.bundled_published
        except OSError:
            return None
    return None


def bundled_sources() -> list[SourceSpec]:
    return [s for s in registry().values() if s.bundled]


def import_bundled(store: Store, *, force: bool = False) -> list[ImportReport]:
    """Import every bundled snapshot (skipping those already active)."""
    reports = []
    for spec in bundled_sources():
        assert spec.bundled is not None
        reports.append(import_path(store, LISTS_DIR / spec.bundled, spec.name, force=force))
    return reports

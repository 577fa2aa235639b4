"""Import a parsed file into the store as a new version, atomically and one import at a time.

The parser runs to completion in memory before anything is written; the store then writes
the version in one transaction. A broken, hostile or mislabelled file therefore raises a
``ParseError`` and leaves the active version of its source exactly as it was.

Before writing, the importer guards the active version against files that parse but are not
the whole list: a file the parser finds incomplete (OFAC's missing end byte, fewer entries than
the file states), or a new version whose designations (or, for sources without designations,
entities) fall by more than ``max_shrink`` against the active one, is refused with
``ImportRefusedError`` unless ``accept_shrink`` says the shrink is real. Imports take the
store's import lock, so a second one stops at once with "another import is running".
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from olivebranch.errors import ImportRefusedError, ParseError, WrongSourceError
from olivebranch.gcpolicy import no_cyclic_gc
from olivebranch.lists import get_source, registry
from olivebranch.lists.base import ParseResult, SourceSpec, check_values, count_designations
from olivebranch.lists.fileset import is_archive, unpack
from olivebranch.paths import LISTS_DIR
from olivebranch.store import Store, Version

#: Largest drop (a share of the active version's count) imported without ``accept_shrink``.
DEFAULT_MAX_SHRINK = 0.10


def default_max_shrink() -> float:
    """``OLIVEBRANCH_MAX_SHRINK`` (a share such as ``0.1``, or a percentage such as ``10%``),
    else ``DEFAULT_MAX_SHRINK``."""
    value = os.environ.get("OLIVEBRANCH_MAX_SHRINK", "").strip()
    if not value:
        return DEFAULT_MAX_SHRINK
    try:
        share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return DEFAULT_MAX_SHRINK
    return min(max(share, 0.0), 1.0)


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
    accept_shrink: bool = False,
    max_shrink: float | None = None,
    label: str | None = None,
    wait: float = 0.0,
) -> ImportReport:
    """Parse ``path`` (a file, a directory holding a source's file set, or a zip of it) as
    ``source`` and store it as the new active version.

    Skips (and says so) when the same file is already the active version, unless ``force``.
    ``label`` is what the version records as its file name (default: the path). While another
    import runs, this one waits up to ``wait`` seconds, then raises ``ImportLockedError``.
    """
    spec = get_source(source)
    path = Path(path)
    check_input(path)
    with store.import_lock(f"{source} from {label or path.name}", wait=wait):
        if is_archive(path):
            with tempfile.TemporaryDirectory(prefix="olivebranch-unpack-") as tmp:
                files = unpack(path, Path(tmp))
                inner = files[0] if len(files) == 1 else Path(tmp)
                report = _import(store, spec, inner, published, force, note, accept_shrink,
                                 max_shrink, label or str(path), shown=path)
        else:
            report = _import(store, spec, path, published, force, note, accept_shrink,
                             max_shrink, label or str(path), shown=path)
    if not report.skipped:  # the audit trail records every new version (olivebranch.audit)
        from olivebranch.audit.log import record_import

        record_import(store, report)
    return report


def _import(
    store: Store,
    spec: SourceSpec,
    path: Path,
    published: date | None,
    force: bool,
    note: str | None,
    accept_shrink: bool,
    max_shrink: float | None,
    label: str,
    shown: Path,
) -> ImportReport:
    started = time.perf_counter()
    digest = file_hash(path)
    existing = store.find_version_by_hash(spec.name, digest)
    if existing is not None and existing.active and not force:
        return ImportReport(spec.name, existing, True, time.perf_counter() - started,
                            path=str(shown))
    with no_cyclic_gc():
        return _parse_and_store(store, spec, path, digest, published, note, accept_shrink,
                                max_shrink, label, shown, started)


def _parse_and_store(store: Store, spec: SourceSpec, path: Path, digest: str,
                     published: date | None, note: str | None, accept_shrink: bool,
                     max_shrink: float | None, label: str, shown: Path,
                     started: float) -> ImportReport:
    result = parse_checked(spec, path)
    warnings = list(result.warnings)
    warnings += guard(store, spec, path, result, accept_shrink=accept_shrink,
                      max_shrink=default_max_shrink() if max_shrink is None else max_shrink)
    try:
        version = store.add_version(
            spec.name,
            result.entities,
            regime=spec.regime,
            published=published or result.published or _bundled_date(spec, path),
            filename=label,
            file_hash=digest,
            note=note or result.note,
        )
    except ValueError as exc:  # the store's own checks (an entity without id, an id twice)
        raise ParseError(path, None, f"cannot be stored: {exc}") from exc
    return ImportReport(
        spec.name, version, False, time.perf_counter() - started, warnings, str(shown)
    )


def check_input(path: Path) -> None:
    """Refuse what no source can be: a missing path, an empty file or directory."""
    if not path.exists():
        raise ParseError(path, None, "file not found")
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file()]
        if not files:
            raise ParseError(path, None, "directory holds no files")
        if all(p.stat().st_size == 0 for p in files):
            raise ParseError(path, None, "every file in this directory is empty")
        return
    size = path.stat().st_size
    if size == 0:
        raise ParseError(path, None, "file is empty")
    if size <= 4096:
        with open(path, "rb") as fh:
            if not fh.read().strip(b" \t\r\n\x1a"):
                raise ParseError(path, None, "file is empty (only blanks)")


def parse_checked(spec: SourceSpec, path: Path) -> ParseResult:
    """Sniff, parse and check the limits of ``path`` as ``spec``.

    A file the source's sniffer does not recognise is refused as another source's file when
    another source recognises it; otherwise the parser runs, so that a damaged file is
    reported for what is wrong with it (UTF-16, truncated, binary …) rather than as "not this
    source"."""
    if not spec.sniff(path):
        guess = [s.name for s in registry().values() if s.name != spec.name and _safe_sniff(s, path)]
        if guess:
            raise WrongSourceError(path, None, f"this is not a {spec.title} file; it looks like "
                                               f"{', '.join(guess)}")
        spec.parse(path)  # raises what is wrong with the file, if the parser can tell
        raise WrongSourceError(path, None, f"this is not a {spec.title} file")
    result = spec.parse(path)
    if not result.entities:
        raise ParseError(path, None, f"no entities found in this {spec.title} file")
    check_values(path, result.entities)
    return result


def guard(
    store: Store,
    spec: SourceSpec,
    path: Path,
    result: ParseResult,
    *,
    accept_shrink: bool,
    max_shrink: float,
) -> list[str]:
    """Refuse an incomplete or much smaller list unless ``accept_shrink``; with it, return
    the reasons as warnings so the report still shows them."""
    reasons = list(result.incomplete)
    active = next((v for v in store.active_versions() if v.source == spec.name), None)
    if active is not None:
        new_count, old_count, what = _sizes(result, active)
        if old_count and new_count < old_count * (1 - max_shrink):
            drop = 1 - new_count / old_count
            reasons.append(
                f"the new file has {new_count:,} {what} against {old_count:,} in active version "
                f"{active.id} ({drop:.1%} fewer; at most {max_shrink:.0%} is accepted)"
            )
    if not reasons:
        return []
    if accept_shrink:
        return [f"accepted although: {r}" for r in reasons]
    raise ImportRefusedError(
        path, None,
        "refused, the active version is kept: " + "; ".join(reasons) + ". If the list really "
        "is this small (or the file is complete), import it again with --accept-shrink "
        "(API: accept_shrink=true)",
    )


def _sizes(result: ParseResult, active: Version) -> tuple[int, int, str]:
    """(new, old, unit): designations when both versions have them, else all entities."""
    old_designations = int((active.counts or {}).get("schema", {}).get("Sanction", 0))
    new_designations = count_designations(result.entities)
    if old_designations and new_designations:
        return new_designations, old_designations, "designations"
    return len(result.entities), active.entity_count, "entities"


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

"""Fetch current list files from the official publishers or a mirror, and import them safely.

Each source's files are downloaded into ``<downloads>/<source>/<timestamp>/`` under the
publisher's own file names, with a per-request timeout, a whole-download deadline, a size
limit, a check that the body is as long as announced, and retries of what may be transient
(timeouts, dropped connections, 5xx) but not of what will not change (404). The importer then
takes the folder like any other file set, with its guards (end marker, shrink). Whatever goes
wrong, the active version of the source stays as it was and the result says why.

A mirror is a folder or an http(s) URL laid out as ``<mirror>/<source>/<file name>``: the
official file names (``sdn.csv``, ``add.csv`` … for OFAC) under a folder named after the source.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from olivebranch.errors import OliveBranchError
from olivebranch.lists import registry
from olivebranch.lists.base import MAX_FILE_BYTES, SourceSpec

#: Seconds a whole source's download may take, however slowly the bytes come.
DEFAULT_DEADLINE = 600.0


class DownloadError(OliveBranchError):
    """A file could not be fetched; ``retry`` says whether trying again may help."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass
class FetchResult:
    source: str
    path: Path | None
    error: str | None
    #: newest ``Last-Modified`` of the files (or the download day): the list's date for
    #: sources whose files carry none (OFAC's CSV set)
    published: date | None = None


@dataclass
class UpdateResult:
    """What ``lists update`` did for one source."""

    source: str
    status: str  # imported | unchanged | failed | skipped
    reason: str = ""
    stage: str = ""  # download | import (for failures)
    previous_version: int | None = None
    version: int | None = None
    published: str | None = None
    warnings: list[str] = field(default_factory=list)
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def file_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "download"


def _download(client: httpx.Client, url: str, dest: Path, max_bytes: int,
              deadline: float) -> date | None:
    """Fetch ``url`` into ``dest``; returns the ``Last-Modified`` day if the server gives one."""
    started = time.monotonic()
    try:
        with client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise DownloadError(f"{url}: HTTP {resp.status_code} {resp.reason_phrase}",
                                    retry=resp.status_code >= 500 or resp.status_code == 429)
            announced = resp.headers.get("content-length")
            if announced and announced.isdigit() and int(announced) > max_bytes:
                raise DownloadError(f"{url}: announces {int(announced):,} bytes, over the "
                                    f"{max_bytes:,}-byte limit")
            total = 0
            with open(dest, "wb") as fh:
                for chunk in resp.iter_raw():
                    total += len(chunk)
                    if total > max_bytes:
                        raise DownloadError(f"{url}: more than {max_bytes:,} bytes, over the limit")
                    if time.monotonic() - started > deadline:
                        raise DownloadError(f"{url}: download took longer than {deadline:.0f} s",
                                            retry=True)
                    fh.write(chunk)
            if announced and announced.isdigit() and total != int(announced) \
                    and not resp.headers.get("content-encoding"):
                raise DownloadError(f"{url}: truncated download ({total:,} of {int(announced):,} "
                                    "bytes)", retry=True)
            return _http_date(resp.headers.get("last-modified"))
    except httpx.TimeoutException as exc:
        raise DownloadError(f"{url}: timed out ({exc.__class__.__name__})", retry=True) from exc
    except httpx.RemoteProtocolError as exc:
        raise DownloadError(f"{url}: truncated download (connection closed early: {exc})",
                            retry=True) from exc
    except httpx.HTTPError as exc:
        raise DownloadError(f"{url}: {exc.__class__.__name__}: {exc}", retry=True) from exc


def _http_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


def mirror_urls(spec: SourceSpec, mirror: str) -> list[str]:
    """Where a mirror keeps the source's files: ``<mirror>/<source>/<official file name>``."""
    base = mirror.rstrip("/")
    return [f"{base}/{spec.name}/{file_name(u)}" for u in spec.urls]


def fetch_source(
    spec: SourceSpec,
    root: Path,
    *,
    mirror: str | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    max_bytes: int = MAX_FILE_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    backoff: float = 1.0,
) -> FetchResult:
    """Download (or copy, from a mirror folder) every file of ``spec`` into a new folder under
    ``root``; a failure removes the partial folder and names the file and the reason."""
    if not spec.urls:
        return FetchResult(spec.name, None, "no official download URL known for this source")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = root / spec.name / stamp
    target.mkdir(parents=True, exist_ok=True)
    days: list[date] = []
    try:
        if mirror and "://" not in mirror:
            days += _copy_from_folder(spec, Path(mirror), target, max_bytes)
        else:
            urls = mirror_urls(spec, mirror) if mirror else list(spec.urls)
            with httpx.Client(timeout=timeout, follow_redirects=True,
                              headers={"User-Agent": "olivebranch"}) as client:
                for url in urls:
                    for attempt in range(retries + 1):
                        try:
                            day = _download(client, url, target / file_name(url), max_bytes,
                                            deadline)
                            if day:
                                days.append(day)
                            break
                        except DownloadError as exc:
                            if not exc.retry or attempt == retries:
                                raise
                            time.sleep(min(backoff * 2**attempt, 10))
    except (DownloadError, OSError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        return FetchResult(spec.name, None, str(exc))
    path = target if len(spec.urls) > 1 else target / file_name(spec.urls[0])
    return FetchResult(spec.name, path, None, max(days) if days else datetime.now(UTC).date())


def _copy_from_folder(spec: SourceSpec, mirror: Path, target: Path, max_bytes: int) -> list[date]:
    days = []
    for url in spec.urls:
        src = mirror / spec.name / file_name(url)
        if not src.is_file():
            raise DownloadError(f"{src}: not in the mirror")
        if src.stat().st_size > max_bytes:
            raise DownloadError(f"{src}: {src.stat().st_size:,} bytes, over the {max_bytes:,}-byte "
                                "limit")
        shutil.copyfile(src, target / src.name)
        days.append(datetime.fromtimestamp(src.stat().st_mtime, UTC).date())
    return days


def fetchable_sources(names: list[str] | None = None) -> list[SourceSpec]:
    specs = [s for s in registry().values() if s.urls]
    if names:
        unknown = sorted(set(names) - {s.name for s in registry().values()})
        if unknown:
            raise OliveBranchError(f"unknown source(s): {', '.join(unknown)} "
                                   "(olivebranch lists sources)")
        specs = [s for s in specs if s.name in names]
    return specs


def update_sources(
    store: Any,
    names: list[str] | None = None,
    *,
    root: Path,
    mirror: str | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    max_bytes: int = MAX_FILE_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    backoff: float = 1.0,
    accept_shrink: bool = False,
    keep: int = 3,
    on_result: Callable[[UpdateResult], None] | None = None,
) -> list[UpdateResult]:
    """Fetch and import each source; one source's failure does not stop the others. The
    downloads of a source are pruned to the newest ``keep``."""
    from olivebranch.errors import ImportLockedError, ParseError
    from olivebranch.lists.importer import import_path

    out = []
    for spec in fetchable_sources(names):
        before = next((v for v in store.active_versions() if v.source == spec.name), None)
        res = fetch_source(spec, root, mirror=mirror, timeout=timeout, retries=retries,
                           max_bytes=max_bytes, deadline=deadline, backoff=backoff)
        origin = mirror or "official publisher"
        prev = before.id if before else None
        if res.error or res.path is None:
            r = UpdateResult(spec.name, "failed", f"download failed: {res.error}; active version "
                             f"{prev} kept", "download", prev, prev, origin=origin)
        else:
            try:
                # a source whose files carry no date (its bundle needs one given) takes the
                # files' Last-Modified day; the others keep the date their file states
                day = res.published if spec.bundled_published else None
                rep = import_path(store, res.path, spec.name, accept_shrink=accept_shrink,
                                  published=day, label=f"{origin}: {spec.name}")
                v = rep.version
                r = UpdateResult(spec.name, "unchanged" if rep.skipped else "imported",
                                 "same files as the active version" if rep.skipped else "",
                                 "", prev, v.id if v else None,
                                 str(v.published) if v and v.published else None,
                                 list(rep.warnings), origin)
            except (ParseError, ImportLockedError) as exc:
                r = UpdateResult(spec.name, "failed", f"downloaded files refused: {exc}; active "
                                 f"version {prev} kept", "import", prev, prev, origin=origin)
            _prune(root / spec.name, keep)
        out.append(r)
        if on_result:
            on_result(r)
    return out


def _prune(folder: Path, keep: int) -> None:
    olds = sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True)[keep:]
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)

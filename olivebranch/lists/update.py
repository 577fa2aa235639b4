"""Fetch current list files from the official publishers, or say clearly that we can't.

Downloads go to ``var/downloads/<source>/<timestamp>/`` with a timeout, retries and a size
limit; the importer then takes them like any other file. Without network the bundled snapshot
stays in use and the user is told so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from olivebranch.lists import registry
from olivebranch.lists.base import MAX_FILE_BYTES, SourceSpec


@dataclass
class FetchResult:
    source: str
    path: Path | None
    error: str | None


def _download(client: httpx.Client, url: str, dest: Path, max_bytes: int) -> None:
    with client.stream("GET", url) as resp:
        resp.raise_for_status()
        total = 0
        with open(dest, "wb") as fh:
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise ValueError(f"{url}: response exceeds {max_bytes} bytes")
                fh.write(chunk)


def fetch_source(
    spec: SourceSpec,
    root: Path,
    *,
    timeout: float = 30.0,
    retries: int = 2,
    max_bytes: int = MAX_FILE_BYTES,
) -> FetchResult:
    if not spec.urls:
        return FetchResult(spec.name, None, "no official download URL known for this source")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = root / spec.name / stamp
    target.mkdir(parents=True, exist_ok=True)
    last_error = None
    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "olivebranch"}) as client:
        for url in spec.urls:
            name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "download"
            for attempt in range(retries + 1):
                try:
                    _download(client, url, target / name, max_bytes)
                    last_error = None
                    break
                except (httpx.HTTPError, OSError, ValueError) as exc:
                    last_error = f"{url}: {exc.__class__.__name__}: {exc}"
                    time.sleep(min(2**attempt, 5))
            if last_error:
                return FetchResult(spec.name, None, last_error)
    path = target if len(spec.urls) > 1 else target / spec.urls[0].rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return FetchResult(spec.name, path, None)


def fetchable_sources(names: list[str] | None = None) -> list[SourceSpec]:
    specs = [s for s in registry().values() if s.urls]
    if names:
        specs = [s for s in specs if s.name in names]
    return specs

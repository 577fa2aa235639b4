"""How old each list in force is, against its publisher's usual update interval.

A verdict is only as current as the lists it read: the bundled OFAC SDN primary file is from
May 2024 and Canada's from 2020. Every interface that shows a verdict shows these warnings
next to it. The intervals are data (``intervals.yaml`` here, overridable per machine with
``OLIVEBRANCH_UPDATE_INTERVALS``), not code.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from olivebranch.store import Store

INTERVALS_FILE = Path(__file__).with_name("intervals.yaml")
ENV = "OLIVEBRANCH_UPDATE_INTERVALS"


@dataclass(frozen=True)
class Intervals:
    """Usual update interval (days) per source; ``None``: not expected on a schedule."""

    default: int | None
    sources: dict[str, int | None]

    def of(self, source: str) -> int | None:
        return self.sources[source] if source in self.sources else self.default


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'default' and 'sources'")
    return data


def _days(value: Any, where: str) -> int | None:
    if value is None or value == "null":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: update interval must be a number of days, got {value!r}") from None
    if days <= 0:
        raise ValueError(f"{where}: update interval must be positive, got {days}")
    return days


@lru_cache(maxsize=8)
def _load(override: str) -> Intervals:
    data = _read(INTERVALS_FILE)
    default = _days(data.get("default"), f"{INTERVALS_FILE}: default")
    sources = {k: _days(v, f"{INTERVALS_FILE}: {k}") for k, v in (data.get("sources") or {}).items()}
    if override:
        if "=" in override and not Path(override).is_file():
            for part in override.split(","):
                name, _, value = part.partition("=")
                if name.strip():
                    sources[name.strip()] = _days(value.strip(), f"{ENV}: {name.strip()}")
        else:
            extra = _read(Path(override))
            if "default" in extra:
                default = _days(extra["default"], f"{override}: default")
            for k, v in (extra.get("sources") or {}).items():
                sources[k] = _days(v, f"{override}: {k}")
    return Intervals(default, sources)


def intervals() -> Intervals:
    """The bundled intervals with the ``OLIVEBRANCH_UPDATE_INTERVALS`` override applied."""
    return _load(os.environ.get(ENV, "").strip())


@dataclass(frozen=True)
class SourceAge:
    """One source in force on a day: its version, publication date and age."""

    source: str
    version_id: int
    published: date | None
    age_days: int | None
    interval_days: int | None
    stale: bool
    warning: str | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


def source_ages(store: Store, day: date, *, as_of: date | None = None,
                table: Intervals | None = None) -> list[SourceAge]:
    """Each source in force (the active versions, or those of ``as_of``), its age on ``day``
    and a warning when older than its usual update interval or of unknown date."""
    table = table or intervals()
    out = []
    for v in sorted(store.active_versions(as_of), key=lambda v: v.source):
        every = table.of(v.source)
        age = (day - v.published).days if v.published else None
        warning = None
        if every is not None and age is None:
            warning = (f"{v.source}: publication date unknown (version {v.id}); it may be older "
                       f"than the usual {every}-day update interval")
        elif every is not None and age is not None and age > every:
            warning = (f"{v.source}: published {v.published} ({age} days before {day}), older than "
                       f"its publisher's usual {every}-day update interval; "
                       f"run `olivebranch lists update`")
        out.append(SourceAge(v.source, v.id, v.published, age, every, warning is not None, warning))
    return out


def warnings(store: Store, day: date, *, as_of: date | None = None) -> list[str]:
    """Just the warning lines (empty when every list in force is current)."""
    return [a.warning for a in source_ages(store, day, as_of=as_of) if a.warning]

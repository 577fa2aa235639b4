"""Data scenarios move that is not a rule or a listing: host-state lists (Russia's unfriendly
states), corporate groups, occupied areas, and the EU decisions a veto can lapse.

Each lives in a YAML file under ``data/host/`` so that it is data, not code; these readers are
cached and pure. The rule rewrites scenarios make from this data (a state off a list, an area
returned or recognised) are in ``olivebranch.scenarios.rewrite``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from olivebranch import yamlsafe
from olivebranch.paths import DATA_DIR

HOST_DIR = DATA_DIR / "host"


def _read(name: str) -> dict[str, Any]:
    return yamlsafe.load((HOST_DIR / name).read_text(encoding="utf-8")) or {}


# ----------------------------------------------------------------------------- host lists
@dataclass(frozen=True)
class HostList:
    id: str
    title: str
    host: str
    fact: str  # the deal fact the list stands behind (e.g. persons.unfriendly)
    members: frozenset[str]
    instrument: str = ""
    citation: str = ""


def expand_codes(codes: Iterable[str]) -> frozenset[str]:
    """ISO codes, with ``eu`` standing for the EU member states."""
    from olivebranch.regimes import registry

    out: set[str] = set()
    for c in codes:
        c = str(c).lower()
        out |= set(registry().get("eu").nexus.persons) if c == "eu" else {c}
    return frozenset(out)


@lru_cache(maxsize=1)
def host_lists() -> dict[str, HostList]:
    out = {}
    for lid, row in (_read("unfriendly_states.yaml").get("lists") or {}).items():
        out[lid] = HostList(lid, row["title"], row["host"], row["fact"],
                            expand_codes(row["members"]), row.get("instrument", ""),
                            row.get("citation", ""))
    return out


def unfriendly_states() -> frozenset[str]:
    """Russia's unfriendly states as data (read by ``olivebranch.facts``)."""
    return host_lists()["ru-unfriendly"].members


# ----------------------------------------------------------------------------- groups
@dataclass(frozen=True)
class Group:
    id: str
    parent: str
    match: str
    sectors: tuple[str, ...]


@lru_cache(maxsize=1)
def groups() -> dict[str, Group]:
    return {gid: Group(gid, row["parent"], row.get("match", ""), tuple(row.get("sectors", ())))
            for gid, row in (_read("corporate_groups.yaml").get("groups") or {}).items()}


# ----------------------------------------------------------------------------- territory
@dataclass(frozen=True)
class Area:
    id: str
    occupied: str  # the asset.occupied value the area has while occupied (crimea | ngca)
    since: date
    whole: bool


@lru_cache(maxsize=1)
def areas() -> dict[str, Area]:
    return {aid: Area(aid, row["occupied"], _day(row["since"]), bool(row.get("whole")))
            for aid, row in (_read("territory.yaml").get("areas") or {}).items()}


def occupied_on(day: date) -> list[str]:
    """Areas (wholly or partly) outside government control on ``day``, per the data."""
    return sorted(a.id for a in areas().values() if a.since <= day)


# ----------------------------------------------------------------------------- EU decisions
@dataclass(frozen=True)
class Decision:
    id: str
    title: str
    cycle_months: int
    expires: date
    lapse: tuple[Mapping[str, Any], ...]
    citation: str = ""
    renewed: str = ""

    def expiries(self, start: date, end: date) -> list[date]:
        """Expiry dates from the recorded one on, within [start, end] (assuming renewal)."""
        out, d = [], self.expires
        while d <= end:
            if d >= start:
                out.append(d)
            d = add_months(d, self.cycle_months)
        return out

    def next_expiry(self, on: date) -> date:
        """The first expiry on or after ``on`` (the term a veto at ``on`` ends)."""
        d = self.expires
        while d < on:
            d = add_months(d, self.cycle_months)
        return d


@lru_cache(maxsize=1)
def eu_decisions() -> dict[str, Decision]:
    out = {}
    for did, row in (_read("eu_decisions.yaml").get("decisions") or {}).items():
        out[str(did)] = Decision(str(did), row["title"], int(row["cycle_months"]),
                                 _day(row["expires"]), tuple(row.get("lapse") or ()),
                                 row.get("citation", ""), row.get("renewed", ""))
    return out


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    last = calendar.monthrange(y, m)[1]
    # keep month-end dates at month end (31 Jan -> 31 Jul)
    day = last if d.day == calendar.monthrange(d.year, d.month)[1] else min(d.day, last)
    return date(y, m, day)


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))

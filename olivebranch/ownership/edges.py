"""Ownership edges: who holds what share of whom, as of when, according to which source.

Edges come from FollowTheMoney entities stored in list versions (``Ownership``,
``Directorship``, OFAC ``UnknownLink`` "Linked To:" remarks), from the ownership CSV format,
and from deal files (added to a graph without being stored).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.ownership.rules import RoleClasses
from olivebranch.shares import parse_percent

if TYPE_CHECKING:
    from olivebranch.store import Store

#: What an edge means for the rules. ``link`` edges are shown and reported but never counted.
KINDS = ("ownership", "control", "link")
EDGE_SCHEMATA = ("Ownership", "Directorship", "UnknownLink")


@dataclass(frozen=True, slots=True)
class Edge:
    """``owner`` holds ``percent`` of ``asset`` (None = share unknown), with a role and dates."""

    owner: str
    asset: str
    percent: float | None = None
    kind: str = "ownership"
    role: str | None = None
    start: str | None = None  # ISO date (may be partial) the holding began / was reported
    end: str | None = None  # ISO date it ended
    source: str | None = None  # source name or citation
    edge_id: str | None = None  # id of the FtM entity it came from
    uncertain: bool = False  # the source marks the figure as unverified

    def active_on(self, day: str) -> bool:
        """Holding in place on ``day`` (ISO): started on or before it and not yet ended."""
        if self.start and self.start[:10] > day:
            return False
        if self.end and len(self.end) >= 10 and self.end[:10] <= day:
            return False
        if self.end and len(self.end) < 10 and self.end < day[: len(self.end)]:
            return False
        return True

    def label(self) -> str:
        if self.kind == "ownership":
            return f"{self.percent:g}%" if self.percent is not None else "?%"
        return self.role or self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "asset": self.asset,
            "percent": self.percent,
            "kind": self.kind,
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "edge_id": self.edge_id,
            "uncertain": self.uncertain,
        }


def _first(props: dict[str, list[Any]], name: str) -> str | None:
    values = props.get(name) or []
    return str(values[0]) if values else None


def _latest(props: dict[str, list[Any]], name: str) -> str | None:
    values = [str(v) for v in props.get(name) or [] if v]
    return max(values) if values else None


def edges_from_ftm(
    data: dict[str, Any], roles: RoleClasses, *, source: str | None = None
) -> Iterator[Edge]:
    """The edges one FtM entity dict states (none for non-edge schemata)."""
    schema = data.get("schema")
    props: dict[str, list[Any]] = data.get("properties") or {}
    role = _first(props, "role")
    start = _first(props, "startDate") or _first(props, "date")
    end = _latest(props, "endDate")
    uncertain = "uncertain" in [str(v).lower() for v in props.get("status") or []]
    cite = _first(props, "publisher") or _first(props, "sourceUrl")
    if cite and cite != source:
        source = f"{source}: {cite}" if source else cite
    if schema == "Ownership":
        owners, assets = props.get("owner") or [], props.get("asset") or []
        pct: float | None = None
        for raw in props.get("percentage") or []:
            try:
                pct = parse_percent(raw)
            except ValueError:
                pct = None
            if pct is not None:
                break
        kind = roles.classify(role, "ownership")
        pairs = ((o, a) for o in owners for a in assets)
    elif schema == "Directorship":
        pairs = ((o, a) for o in props.get("director") or [] for a in props.get("organization") or [])
        pct, kind = None, roles.classify(role, "link")
        if kind == "ownership":
            kind = "link"
        role = role or "director"
    elif schema == "UnknownLink":
        # OFAC "Linked To:": subject = the listed party, object = the party it is linked to
        # (usually its parent or sponsor). Drawn object -> subject, like owner -> asset.
        pairs = ((o, s) for s in props.get("subject") or [] for o in props.get("object") or [])
        pct, kind = None, roles.classify(role, "link")
        if kind == "ownership":
            kind = "link"
        role = role or "linked to"
    else:
        return
    for owner, asset in pairs:
        if owner == asset:
            continue
        common = dict(role=role, start=start, end=end, source=source, edge_id=data.get("id"),
                      uncertain=uncertain)
        if kind == "control" and pct is not None:
            # a controlling shareholder: the share counts as ownership, the role as control
            yield Edge(owner=str(owner), asset=str(asset), percent=pct, kind="ownership", **common)
        yield Edge(
            owner=str(owner),
            asset=str(asset),
            percent=pct if kind == "ownership" else None,
            kind=kind,
            **common,
        )


def edges_from_store(
    store: Store,
    *,
    as_of: date | None = None,
    roles: RoleClasses | None = None,
) -> list[Edge]:
    """All edges stated by the active list versions (or those in force on ``as_of``)."""
    from olivebranch.ownership.rules import load_params

    roles = roles or load_params(as_of).roles
    sources = {v.id: v.source for v in store.active_versions(as_of)}
    out: list[Edge] = []
    for vid, data in store.iter_entity_dicts(schemata=EDGE_SCHEMATA, as_of=as_of):
        out.extend(edges_from_ftm(data, roles, source=sources.get(vid)))
    return out


def active_edges(edges: Iterable[Edge], as_of: date | None = None) -> list[Edge]:
    """Edges in place on ``as_of`` (default today): ended holdings drop out."""
    day = (as_of or date.today()).isoformat()
    return [e for e in edges if e.active_on(day)]

"""Judgements in nomenklatura's resolver format, to and from the OpenSanctions tools.

nomenklatura stores each judgement as an edge between two ids, ordered so that the "larger" id
is the ``target`` (canonical ``NK-`` ids outrank record ids, Wikidata QIDs outrank both), and
dumps them as JSON lines ``[target, source, judgement, score, user, created_at]``
(``Resolver.dump``/``Resolver.load``). Positive merges are written as edges from each record to
the cluster's canonical ``NK-`` id. This module writes and reads exactly that, so a file
exported here loads into ``nomenklatura.Resolver.load`` (and ``nomenklatura apply``), and a file
dumped by nomenklatura imports here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from olivebranch.parties.ids import PREFIX

POSITIVE, NEGATIVE, UNSURE, NO_JUDGEMENT = "positive", "negative", "unsure", "no_judgement"
JUDGEMENTS = (POSITIVE, NEGATIVE, UNSURE, NO_JUDGEMENT)
#: ``user`` of automatic decisions in exports (``olivebranch/auto:<rule>``).
AUTO_USER = "olivebranch/auto"
_QID = re.compile(r"^Q\d+$")


def timestamp() -> str:
    """nomenklatura's timestamp format (ISO 8601, UTC, microseconds, 28 characters at most)."""
    return datetime.now(UTC).isoformat()[:28]


def _weight(ident: str) -> int:
    if _QID.match(ident):
        return 3
    return 2 if ident.startswith(PREFIX) else 1


def ordered(a: str, b: str) -> tuple[str, str]:
    """``(target, source)`` as nomenklatura orders a pair."""
    if a == b:
        raise ValueError(f"a judgement needs two different ids, got {a!r} twice")
    ka, kb = (_weight(a), a), (_weight(b), b)
    return (a, b) if ka > kb else (b, a)


@dataclass(frozen=True)
class Edge:
    """One judgement line."""

    target: str
    source: str
    judgement: str
    score: float | None = None
    user: str | None = None
    created_at: str | None = None

    def to_line(self) -> str:
        row = [self.target, self.source, self.judgement, self.score, self.user, self.created_at]
        return json.dumps(row, ensure_ascii=False) + "\n"

    @classmethod
    def make(cls, a: str, b: str, judgement: str, **kw: Any) -> Edge:
        target, source = ordered(a, b)
        return cls(target, source, judgement, **kw)


def parse_line(line: str, *, where: str = "") -> Edge:
    """One line of a nomenklatura dump (a JSON list) or of its dict form (a JSON object with
    ``target``, ``source``, ``judgement``, …)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
    if isinstance(data, dict):
        row = [data.get("target"), data.get("source"), data.get("judgement"),
               data.get("score"), data.get("user"), data.get("created_at")]
    elif isinstance(data, list) and len(data) >= 3:
        row = list(data[:6]) + [None] * (6 - min(len(data), 6))
    else:
        raise ValueError(f"{where}: expected a JSON list [target, source, judgement, …]")
    target, source, judgement = row[0], row[1], row[2]
    if not isinstance(target, str) or not isinstance(source, str) or not target or not source:
        raise ValueError(f"{where}: target and source must be non-empty strings")
    if judgement not in JUDGEMENTS:
        raise ValueError(f"{where}: unknown judgement {judgement!r}")
    score = row[3]
    if score is not None and not isinstance(score, int | float):
        raise ValueError(f"{where}: score must be a number")
    if target == source:
        raise ValueError(f"{where}: target and source are the same id")
    return Edge(target, source, judgement, float(score) if score is not None else None,
                row[4] if isinstance(row[4], str) else None,
                row[5] if isinstance(row[5], str) else None)


def read_lines(lines: Iterable[str], *, name: str = "judgements") -> Iterator[Edge]:
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield parse_line(line, where=f"{name} line {n}")


def pairs_from_edges(edges: Iterable[Edge]) -> Iterator[Edge]:
    """Record-to-record judgements from nomenklatura edges: positive edges to one canonical
    ``NK-`` id become positive pairs between its records (a star around the first record);
    edges between two records pass through."""
    clusters: dict[str, list[Edge]] = {}
    for e in edges:
        if e.judgement == POSITIVE and e.target.startswith(PREFIX) and not \
                e.source.startswith(PREFIX):
            clusters.setdefault(e.target, []).append(e)
        else:
            yield e
    for members in clusters.values():
        ids = sorted({e.source for e in members})
        first = ids[0]
        latest = {e.source: e for e in members}
        for other in ids[1:]:
            e = latest[other]
            yield Edge.make(first, other, POSITIVE, score=e.score, user=e.user,
                            created_at=e.created_at)

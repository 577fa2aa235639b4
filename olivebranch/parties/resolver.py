"""The write side: run a resolution over the store's lists, record reviewers' judgements.

:class:`PartyResolver` loads the records of the active list versions (or those of a past day),
resolves them with the reviewers' judgements (:func:`olivebranch.parties.resolve.resolve`), gives
the groups their carried-forward party ids (:mod:`olivebranch.parties.ids`) and stores the run.
A run is *incremental* when a previous run exists: decisions on pairs whose records did not
change are reused, so a single-source import or a reviewer's judgement costs seconds, not a full
resolution.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.parties.ids import assign
from olivebranch.parties.judgements import JUDGEMENTS, NO_JUDGEMENT
from olivebranch.parties.records import Record, load_records
from olivebranch.parties.resolve import Link, Prior, Resolution, resolve
from olivebranch.parties.store import Judgement, PartyStore, Run, now
from olivebranch.store import Store


@dataclass
class RunReport:
    """What one resolution did, for the CLI, the bench and the import hook."""

    run: Run
    mode: str
    records: int
    parties: int
    changed: int
    counts: dict[str, int]
    seconds: float
    cpu_seconds: float
    stages: dict[str, float] = field(default_factory=dict)
    compared: int = 0
    suggestions: int = 0
    blocked: int = 0
    minted: int = 0
    aliases: int = 0


class PartyResolver:
    """Resolution runs and judgements for one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.parties_store = PartyStore(store)

    # ------------------------------------------------------------------------ runs
    def run(
        self,
        *,
        full: bool = False,
        as_of: date | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> RunReport:
        """Resolve the active versions' records (or those of ``as_of``) and store the run.
        Incremental unless ``full`` or there is no earlier run."""
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        started_at = now()
        say = progress or (lambda _m: None)
        versions = self.store.active_versions(as_of)
        vids = [v.id for v in versions]
        say(f"loading records of {len(vids)} list versions")
        records = load_records(self.store, version_ids=vids)
        ps = self.parties_store
        prev = ps.latest_run()
        prior: Prior | None = None
        previous: dict[str, str] = {}
        changed: set[str] = set(records)
        if prev is not None:
            members = ps.members(prev.id)
            previous = {r: p for r, (p, _d, _b) in members.items()}
            changed = {rid for rid, rec in records.items()
                       if rid not in members or members[rid][1] != rec.digest}
            changed |= set(members) - set(records)
            if not full:
                prior = _prior(ps, prev.id, members, changed)
        mark = ps.judgement_mark()
        judgements = [j.as_judged() for j in ps.judgements()]
        res = resolve(records, judgements, prior=prior, progress=say)
        say("assigning party ids")
        assignment = assign(res.groups, previous, ps.known_party_ids())
        mode = "incremental" if prior is not None else "full"
        counts = dict(res.counts)
        seconds = time.perf_counter() - started_wall
        cpu = time.process_time() - started_cpu
        run = ps.save_run(
            version_ids=vids, mode=mode, started_at=started_at, seconds=seconds,
            cpu_seconds=cpu, resolution=res, party_of=assignment.party_of,
            digests={rid: r.digest for rid, r in records.items()}, aliases=assignment.aliases,
            counts={"rules": counts, "stages": res.seconds, "compared": res.compared,
                    "changed": len(changed), "suggestions": len(res.suggestions),
                    "blocked": len(res.blocked), "minted": assignment.minted,
                    "as_of": as_of.isoformat() if as_of else None, "judgement_mark": mark},
        )
        return RunReport(
            run=run, mode=mode, records=len(records), parties=len(res.groups),
            changed=len(changed), counts=counts, seconds=time.perf_counter() - started_wall,
            cpu_seconds=time.process_time() - started_cpu, stages=res.seconds,
            compared=res.compared, suggestions=len(res.suggestions), blocked=len(res.blocked),
            minted=assignment.minted, aliases=len(assignment.aliases),
        )

    def is_current(self, as_of: date | None = None) -> bool:
        """Whether a stored run covers exactly the versions now in force (or of ``as_of``) and
        every judgement recorded so far."""
        vids = [v.id for v in self.store.active_versions(as_of)]
        run = self.parties_store.latest_run(vids)
        return run is not None and \
            run.counts.get("judgement_mark") == self.parties_store.judgement_mark()

    # ----------------------------------------------------------------- judgements
    def decide(
        self,
        a: str,
        b: str,
        judgement: str,
        *,
        user: str,
        reason: str | None = None,
        relink: bool = True,
    ) -> Judgement:
        """Record a reviewer's judgement on records ``a`` and ``b`` (``positive``, ``negative``,
        ``unsure``, or ``no_judgement`` to withdraw one) and, unless ``relink=False``, apply it
        at once with an incremental run."""
        if judgement not in JUDGEMENTS:
            raise ValueError(f"unknown judgement {judgement!r}; use one of {', '.join(JUDGEMENTS)}")
        if a == b:
            raise ValueError("a judgement needs two different records")
        j = self.parties_store.decide(a, b, judgement, user=user, reason=reason)
        if relink:
            self.run()
        return j

    def undecide(self, a: str, b: str, *, user: str, relink: bool = True) -> None:
        self.decide(a, b, NO_JUDGEMENT, user=user, relink=relink)


def _prior(ps: PartyStore, run_id: int, members: dict[str, tuple[str, str | None, int | None]],
           changed: set[str]) -> Prior:
    blocks: dict[int, list[str]] = {}
    for rid, (_p, _d, b) in members.items():
        if b is not None:
            blocks.setdefault(b, []).append(rid)
    deterministic: list[Link] = []
    scored: list[Link] = []
    for link in ps.links(run_id):
        if link.left_group:
            scored.append(link)
        elif link.rule != "reviewer":
            deterministic.append(link)
    return Prior(deterministic=deterministic, scored=scored,
                 groups={tuple(sorted(g)) for g in blocks.values()}, changed=changed)


def resolution_of(records: dict[str, Record], judgements: list[Any]) -> Resolution:
    """A resolution of given records without storing anything (tests, bench)."""
    return resolve(records, judgements)

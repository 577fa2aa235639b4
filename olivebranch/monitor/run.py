"""``monitor run``: update the lists, find what changed, re-screen and re-assess only that, alert.

1. Update the sources (official publishers, or a folder/URL mirror); each failure is an alert
   and leaves the source's active version as it was.
2. For every source whose active version differs from the one the previous run saw, diff the
   two versions: designations added, removed and amended.
3. Re-screen every watchlist entry (deal parties and saved counterparty files) against an index
   of only the added and amended records; hits on removed records, and on amended records that
   no longer match, are cleared.
4. Re-assess the deals whose parties hit a changed record, whose last verdicts cited one (list
   entry, ownership path), or - when ownership links or the rule packs changed - every deal,
   under each watched scenario; compare with the verdicts of the previous run.
5. Write alerts (one per changed designation that touches a watch entry or a deal, with the
   record, the entries, and each deal's verdict before and after per regime and scenario; one
   per failed update; one per verdict change no designation explains) to the store, a JSON
   lines file and a webhook.

The state the next run compares against (versions seen, verdict baseline, rule digest) is kept
in ``monitor_state``; the first run records it and alerts on nothing but failures.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, insert, select, update

from olivebranch.lists.diff import VersionDiff, diff_versions
from olivebranch.memo import digest, files_digest, registry_files
from olivebranch.monitor import alerts as sinks
from olivebranch.monitor.alerts import Alert
from olivebranch.monitor.tables import monitor_runs, monitor_state, watch_hits
from olivebranch.monitor.watchlist import DEALS, WatchEntry, deal_entries, stored_entries
from olivebranch.rules.model import PACKS_DIR

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex
    from olivebranch.store import Store
    from olivebranch.workspace import Workspace

log = logging.getLogger("olivebranch.monitor")
#: Ownership-bearing schemata: a change among them moves owners, so every deal is re-assessed.
OWNERSHIP_SCHEMATA = ("Ownership", "UnknownLink")


@dataclass
class MonitorConfig:
    update: bool = True
    sources: list[str] | None = None
    mirror: str | None = None
    downloads: Path = Path("var/downloads")
    timeout: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int | None = None
    deadline: float | None = None
    accept_shrink: bool = False
    scenarios: list[str] | None = None  # default: every scenario of the catalogue
    watchlists: list[str] | None = None  # default: every saved watchlist (and the deals')
    threshold: float | None = None
    jsonl: Path | None = None
    webhook: str | None = None
    secret: str | None = None
    webhook_retries: int = 3


@dataclass
class MonitorReport:
    run_id: int
    status: str
    updates: list[dict[str, Any]]
    diffs: list[dict[str, Any]]
    alerts: list[Alert]
    screened: int = 0
    new_hits: int = 0
    cleared_hits: int = 0
    deals_reassessed: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    delivery: dict[str, Any] = field(default_factory=dict)
    baseline: bool = False

    def summary(self) -> dict[str, Any]:
        return {"run": self.run_id, "status": self.status, "baseline": self.baseline,
                "updates": self.updates, "diffs": self.diffs, "alerts": len(self.alerts),
                "screened": self.screened, "new_hits": self.new_hits,
                "cleared_hits": self.cleared_hits, "deals_reassessed": self.deals_reassessed,
                "timings": self.timings, "delivery": self.delivery}


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of its finished child processes (a
    parallel index build forks workers)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Steps:
    """Each step's wall seconds (``<name>_s``) and CPU seconds over it (``<name>_cpu_s``,
    :func:`cpu_seconds`): on a shared machine the two tell load from work."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._open: dict[str, tuple[float, float]] = {}

    def start(self, name: str) -> None:
        self._open[name] = (time.perf_counter(), cpu_seconds())

    def stop(self, name: str) -> None:
        wall, cpu = self._open.pop(name)
        self.timings[f"{name}_s"] = round(time.perf_counter() - wall, 3)
        self.timings[f"{name}_cpu_s"] = round(cpu_seconds() - cpu, 3)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.start(name)
        try:
            yield
        finally:
            self.stop(name)


# ---------------------------------------------------------------------------- state
def get_state(store: Store, key: str) -> Any:
    with store.engine.connect() as conn:
        row = conn.execute(select(monitor_state.c.value).where(monitor_state.c.key == key)).first()
    return row[0] if row else None


def put_state(store: Store, key: str, value: Any) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(update(monitor_state).where(monitor_state.c.key == key)
                            .values(value=value)).rowcount
        if not done:
            conn.execute(insert(monitor_state).values(key=key, value=value))


def rules_digest(ws: Workspace) -> str:
    packs = ws.packs if ws.packs is not None else PACKS_DIR
    dirs = [packs] if isinstance(packs, str | Path) else list(packs)
    return digest(files_digest(registry_files(ws.registry.path)),
                  files_digest(p for d in dirs for p in Path(d).glob("*.yaml")))


# ---------------------------------------------------------------------------- verdicts
def _scenarios(ws: Workspace, config: MonitorConfig) -> list[str]:
    return list(config.scenarios) if config.scenarios else list(ws.scenarios.entries())


def _refs(verdict: Any) -> set[str]:
    """Every list record a deal's verdict rests on: its parties' matched records and the
    entities named in its findings' evidence (list entries, ownership paths)."""
    out: set[str] = set()
    for party in verdict.parties.values():
        for st in party.values():
            if isinstance(st, dict) and st.get("node") and not str(st["node"]).startswith("deal:"):
                out.add(str(st["node"]))
    for rv in verdict.regimes.values():
        for f in rv.findings:
            for e in f.evidence:
                _walk(e, out)
    return out


#: evidence keys that name a list record (list entries, ownership path steps and designations)
_REF_KEYS = frozenset({"entity_id", "node", "owner", "owner_id", "asset", "asset_id", "source_entity"})


def _walk(value: Any, out: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _REF_KEYS and isinstance(v, str) and not v.startswith("deal:"):
                out.add(v)
            else:
                _walk(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, out)


def _verdicts(ws: Workspace, scenarios: list[str], deals: list[str] | None,
              errors: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """deal id -> {"scenarios": {scenario: {regime: verdict}}, "refs": [...], "digest": …}.
    A scenario that cannot be applied to the lists of the day is left out (``errors``)."""
    from olivebranch.errors import OliveBranchError

    catalogue = {d.id: d for d in ws.deals.items()}
    out: dict[str, dict[str, Any]] = {}
    for name in scenarios:
        try:
            run = ws.run(name, deals=deals) if deals is not None else ws.run(name)
        except (OliveBranchError, ValueError) as exc:
            log.warning("scenario %s left out: %s", name, exc)
            if errors is not None:
                errors[name] = str(exc)
            continue
        for deal_id, v in run.verdicts.items():
            item = out.setdefault(deal_id, {"scenarios": {}, "refs": set(),
                                            "title": run.titles.get(deal_id, deal_id)})
            item["scenarios"][name] = {r: run.verdict(deal_id, r) for r in run.regimes}
            item["refs"] |= _refs(v)
    for deal_id, item in out.items():
        item["refs"] = sorted(item["refs"])
        d = catalogue.get(deal_id)
        item["digest"] = digest(d.model_dump_json()) if d is not None else None
    return out


# ---------------------------------------------------------------------------- screening
def changed_records(store: Store, diffs: list[VersionDiff]
                    ) -> tuple[MatchIndex | None, list[dict[str, Any]]]:
    """An index of only the added and amended records of the changed sources (their new
    versions), and those records."""
    from olivebranch.match.index import MatchIndex

    dicts: list[dict[str, Any]] = []
    listed: list[Any] = []
    for d in diffs:
        ids = [i for i, _, _ in d.added] + [c.entity_id for c in d.changed]
        if not ids:
            continue
        for _vid, data in store.iter_entity_dicts(version_ids=[d.new_version], ids=ids):
            dicts.append({**data, "_source": d.source})
        listed += store.designations(version_ids=[d.new_version], entity_ids=ids)
    if not dicts:
        return None, []
    return (MatchIndex._from_dicts(iter(dicts), listed, tuple(d.new_version for d in diffs), None),
            dicts)


def screen_changes(index: MatchIndex | None, entries: Iterable[WatchEntry],
                   threshold: float | None = None,
                   progress: Callable[[int], None] | None = None
                   ) -> dict[tuple[str, str], dict[str, float]]:
    """(watchlist, entry id) -> {entity id: score} of the entries that hit a changed record."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    if index is None:
        return out
    for n, e in enumerate(entries, 1):
        hits = {r.entity_id: round(r.score, 4)
                for r in index.search(e.query(), limit=5, threshold=threshold) if r.match}
        for pin in e.pins:  # a pinned record always counts
            if index.position(pin) is not None:
                hits[pin] = 1.0
        if hits:
            out[(e.watchlist, e.entry_id)] = hits
        if progress and n % 10_000 == 0:
            progress(n)
    return out


def _open_hits(store: Store, entity_ids: set[str]) -> list[dict[str, Any]]:
    if not entity_ids:
        return []
    c = watch_hits.c
    out = []
    ids = sorted(entity_ids)
    with store.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            q = select(watch_hits).where(and_(c.entity_id.in_(ids[i:i + 500]),
                                              c.cleared_run.is_(None)))
            out += [dict(r._mapping) for r in conn.execute(q)]
    return out


# ---------------------------------------------------------------------------- the run
def run_monitor(ws: Workspace, config: MonitorConfig | None = None,
                say: Callable[[str], None] | None = None) -> MonitorReport:
    """One monitoring pass (see module doc). The answers it computes are recorded in the audit
    trail as the monitor's (``monitor:<user>``)."""
    from olivebranch.audit.log import ACTOR, actor
    from olivebranch.gcpolicy import no_cyclic_gc

    token = ACTOR.set(f"monitor:{actor().split(':', 1)[-1]}")
    try:
        # a batch job that reads (and decodes) hundreds of thousands of records that stay
        # alive until it ends: the cyclic collector would rescan them for nothing
        with no_cyclic_gc():
            return _run(ws, config, say)
    finally:
        ACTOR.reset(token)


def _run(ws: Workspace, config: MonitorConfig | None,
         say: Callable[[str], None] | None) -> MonitorReport:
    config = config or MonitorConfig()
    say = say or (lambda _m: None)
    store = ws.store
    timings: dict[str, float] = {}
    steps = _Steps(timings)
    steps.start("total")
    with store.engine.begin() as conn:
        run_id = conn.execute(insert(monitor_runs).values(
            started_at=datetime.now(UTC), status="running")).inserted_primary_key[0]

    seen: dict[str, int] | None = get_state(store, "versions")
    baseline_run = seen is None
    if seen is None:
        seen = {v.source: v.id for v in store.active_versions()}
    scenarios = _scenarios(ws, config)
    scenario_errors: dict[str, str] = {}
    ws.refresh()
    baseline: dict[str, dict[str, Any]] = get_state(store, "verdicts") or {}
    digests = {d.id: digest(d.model_dump_json()) for d in ws.deals.items()}
    missing = [i for i, dg in digests.items()
               if i not in baseline or baseline[i].get("digest") != dg
               or set(scenarios) - set(baseline[i].get("scenarios", {}))
               - set(get_state(store, "scenario_errors") or {})]
    if missing:  # verdicts before the update, for deals new or edited since the last run
        say(f"verdict baseline: {len(missing)} deal(s) x {len(scenarios)} scenario(s)")
        with steps("baseline"):
            baseline.update(_verdicts(ws, scenarios,
                                      None if len(missing) == len(digests) else missing,
                                      scenario_errors))
    baseline = {k: v for k, v in baseline.items() if k in digests}

    # 1. update
    alerts: list[Alert] = []
    updates: list[dict[str, Any]] = []
    if config.update:
        from olivebranch.lists.base import MAX_FILE_BYTES
        from olivebranch.lists.update import DEFAULT_DEADLINE, update_sources

        steps.start("update")
        for r in update_sources(
                store, config.sources, root=config.downloads, mirror=config.mirror,
                timeout=config.timeout, retries=config.retries, backoff=config.backoff,
                max_bytes=config.max_bytes or MAX_FILE_BYTES,
                deadline=config.deadline or DEFAULT_DEADLINE, accept_shrink=config.accept_shrink,
                on_result=lambda r: say(f"{r.source}: {r.status} {r.reason}".rstrip())):
            updates.append(r.to_dict())
            if r.status == "failed":
                alerts.append(Alert("update_failed", f"{r.source}: update failed ({r.stage}); "
                                    f"active version {r.previous_version} kept",
                                    {"update": r.to_dict()}, source=r.source))
        steps.stop("update")
    ws.refresh()

    # 2. diff
    steps.start("diff")
    active = {v.source: v.id for v in store.active_versions()}
    diffs: list[VersionDiff] = []
    whole: list[str] = []  # sources new to the store (or gone from it): every deal
    moved: set[str] = set()  # entities whose owners may have changed
    for source, vid in sorted(active.items()):
        old = seen.get(source)
        if old == vid:
            continue
        if old is None or store.get_version(old) is None:
            whole.append(source)
            continue
        diffs.append(diff_versions(store, old, vid))
        moved |= _ownership_moved(store, old, vid)
    whole += [s for s in seen if s not in active]  # a source deleted
    steps.stop("diff")
    removed = {i for d in diffs for i, _, _ in d.removed}
    amended = {c.entity_id for d in diffs for c in d.changed}
    added = {i for d in diffs for i, _, _ in d.added}

    # 3. re-screen the watchlists against what changed: deal parties directly, saved
    # watchlists through their own index (only the entries a changed record could match)
    steps.start("screen")
    deals = ws.deals.items()
    entries = deal_entries(deals)
    index, records = changed_records(store, diffs)
    hits = screen_changes(index, entries, config.threshold)
    saved: list[WatchEntry] = []
    if config.watchlists is None or config.watchlists:
        saved = list(stored_entries(store, config.watchlists))
    if saved and index is not None:
        from olivebranch.monitor import inverse

        with steps("watch_index"):
            windex = inverse.cached(saved, watch_cache(ws))
        keys = inverse.candidates(windex, records)
        todo_entries = [e for e in saved if inverse.entry_key(e) in keys]
        timings["candidates"] = len(todo_entries)
        hits.update(screen_changes(index, todo_entries, config.threshold))
    entries += saved
    steps.stop("screen")
    by_entry = {(e.watchlist, e.entry_id): e for e in entries}
    new_hits, cleared = _record_hits(store, run_id, hits, removed, amended)

    # 4. re-assess the touched deals
    rules = rules_digest(ws)
    rules_moved = (get_state(store, "rules") not in (None, rules))
    changed_ids = removed | amended | added | moved
    touched: dict[str, set[str]] = {}  # deal id -> entity ids that touch it
    for (wl, eid), found in hits.items():
        e = by_entry[(wl, eid)]
        if e.deal_id:
            touched.setdefault(e.deal_id, set()).update(found)
    for deal_id, item in baseline.items():
        refs = set(item.get("refs") or ()) & changed_ids
        if refs:
            touched.setdefault(deal_id, set()).update(refs)
    everything = bool(whole) or rules_moved
    todo = sorted(digests) if everything else sorted(touched)
    # (on a first run the baseline was computed above, before the update: compare with it)
    with steps("assess"):
        after = _verdicts(ws, scenarios, todo, scenario_errors) if todo else {}

    # 5. alerts
    rows = {d.id: d for d in deals}
    for d in diffs:
        for kind, items in (("added", d.added), ("removed", d.removed)):
            for eid, schema, caption in items:
                a = _designation_alert(store, d, kind, eid, schema, caption, None, hits, by_entry,
                                       run_id, touched, baseline, after, rows)
                if a:
                    alerts.append(a)
        for ch in d.changed:
            a = _designation_alert(store, d, "amended", ch.entity_id, ch.schema, ch.caption,
                                   ch.changes, hits, by_entry, run_id, touched, baseline, after,
                                   rows)
            if a:
                alerts.append(a)
    explained = {x["deal_id"] for a in alerts for x in a.payload.get("deals", [])}
    for deal_id, item in after.items():
        moves = _moves(baseline.get(deal_id), item)
        if moves and deal_id not in explained:
            why = ("rule packs changed" if rules_moved else
                   f"sources added or removed: {', '.join(whole)}" if whole
                   else "ownership links changed" if moved else "lists changed")
            alerts.append(Alert("verdict_changed", f"{deal_id}: verdict changed ({why})",
                                {"why": why, "deals": [{"deal_id": deal_id,
                                                        "title": item["title"],
                                                        "verdicts": moves}]}))

    # state for the next run
    for deal_id, item in after.items():
        baseline[deal_id] = item
    put_state(store, "verdicts", baseline)
    put_state(store, "versions", active)
    put_state(store, "rules", rules)
    put_state(store, "scenario_errors", scenario_errors)

    sinks.save(store, run_id, alerts)
    delivery: dict[str, Any] = {"scenario_errors": scenario_errors} if scenario_errors else {}
    if config.jsonl and alerts:
        delivery["jsonl"] = {"path": str(config.jsonl), "written": sinks.write_jsonl(config.jsonl, alerts)}
    if config.webhook and alerts:
        if not config.secret:
            delivery["webhook"] = {"ok": False, "error": "no shared secret: not sent"}
        else:
            dv = sinks.post_webhook(config.webhook, config.secret, run_id, alerts,
                                    retries=config.webhook_retries, backoff=config.backoff)
            delivery["webhook"] = dv.__dict__
    failed = any(u["status"] == "failed" for u in updates) or \
        (delivery.get("webhook") or {}).get("ok") is False
    steps.stop("total")
    report = MonitorReport(run_id, "partial" if failed else "ok", updates,
                           [x.summary() for x in diffs], alerts, len(entries), new_hits, cleared,
                           sorted(after), timings, delivery, baseline_run)
    with store.engine.begin() as conn:
        conn.execute(update(monitor_runs).where(monitor_runs.c.id == run_id).values(
            finished_at=datetime.now(UTC), status=report.status, summary=report.summary()))
    return report


def _edges(store: Store, version_ids: list[int]) -> dict[str, tuple[list[str], list[str]]]:
    """Ownership-like links of versions: digest -> (owners, assets)."""
    out = {}
    for _v, data in store.iter_entity_dicts(version_ids=version_ids,
                                            schemata=list(OWNERSHIP_SCHEMATA)):
        props = data.get("properties") or {}
        owners = props.get("owner") or props.get("subject") or []
        assets = props.get("asset") or props.get("object") or []
        out[digest(data.get("schema"), sorted(owners), sorted(assets), props)] = (owners, assets)
    return out


def _ownership_moved(store: Store, old: int, new: int) -> set[str]:
    """Entities whose ownership may have moved between two versions of a source: the ends of
    every link added or removed, and everything they own, directly or down a chain, in the
    lists now in force."""
    a, b = _edges(store, [old]), _edges(store, [new])
    seeds = {x for k in set(a) ^ set(b) for side in (a.get(k) or b[k]) for x in side}
    if not seeds:
        return set()
    owned: dict[str, set[str]] = {}
    for owners, assets in _edges(store, [v.id for v in store.active_versions()]).values():
        for o in owners:
            owned.setdefault(o, set()).update(assets)
    out, todo = set(seeds), list(seeds)
    while todo:
        for nxt in owned.get(todo.pop(), ()):
            if nxt not in out:
                out.add(nxt)
                todo.append(nxt)
    return out


def _record_hits(store: Store, run_id: int, hits: dict[tuple[str, str], dict[str, float]],
                 removed: set[str], amended: set[str]) -> tuple[int, int]:
    """Open new hits, clear those on removed records and on amended ones no longer matched."""
    c = watch_hits.c
    new, cleared = 0, 0
    with store.engine.begin() as conn:
        for row in _open_hits(store, removed | amended):
            key = (row["watchlist"], row["entry_id"])
            if row["entity_id"] in removed:
                why = "designation removed"
            elif row["entity_id"] not in hits.get(key, {}):
                why = "designation amended: no longer matches"
            else:
                continue
            conn.execute(update(watch_hits).where(c.id == row["id"]).values(
                cleared_run=run_id, cleared_why=why))
            cleared += 1
        rows = []
        for (wl, eid), found in hits.items():
            for entity_id, score in found.items():
                open_ = conn.execute(select(c.id).where(and_(
                    c.watchlist == wl, c.entry_id == eid, c.entity_id == entity_id,
                    c.cleared_run.is_(None)))).first()
                if open_ is None:
                    rows.append({"watchlist": wl, "entry_id": eid, "entity_id": entity_id,
                                 "score": score, "found_run": run_id})
        if rows:
            conn.execute(insert(watch_hits), rows)
        new = len(rows)
    return new, cleared


def cleared_hits(store: Store, run_id: int) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in
                conn.execute(select(watch_hits).where(watch_hits.c.cleared_run == run_id))]


def _moves(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Verdicts per scenario and regime that differ between the baseline and now."""
    out = []
    old = (before or {}).get("scenarios", {})
    for scenario, regs in after["scenarios"].items():
        for regime, verdict in regs.items():
            was = old.get(scenario, {}).get(regime)
            if was != verdict:
                out.append({"scenario": scenario, "regime": regime, "before": was,
                            "after": verdict})
    return out


def _record(store: Store, vid: int, entity_id: str) -> dict[str, Any]:
    e = store.get_entity(entity_id, version_ids=[vid])
    des = store.designations(entity_id, version_ids=[vid])
    return {"entity": e.to_dict() if e is not None else None,
            "designations": [{"program": x.program, "authority": x.authority,
                              "source_id": x.source_id, "listing_date": x.listing_date,
                              "regime": x.regime} for x in des]}


def _designation_alert(store: Store, d: VersionDiff, kind: str, eid: str, schema: str,
                       caption: str, changes: dict[str, Any] | None,
                       hits: dict[tuple[str, str], dict[str, float]],
                       by_entry: dict[tuple[str, str], WatchEntry], run_id: int,
                       touched: dict[str, set[str]], baseline: dict[str, Any],
                       after: dict[str, Any], deals: dict[str, Any]) -> Alert | None:
    entries = [{"watchlist": wl, "entry_id": en, "names": list(by_entry[(wl, en)].names),
                "score": found[eid], "event": "new or re-confirmed hit"}
               for (wl, en), found in hits.items() if eid in found]
    if kind in ("removed", "amended"):
        for row in _cleared_on(store, eid, run_id):
            entries.append({"watchlist": row["watchlist"], "entry_id": row["entry_id"],
                            "score": row["score"], "event": f"hit cleared: {row['cleared_why']}"})
    deal_rows = []
    for deal_id, ids in sorted(touched.items()):
        if eid not in ids:
            continue
        item = after.get(deal_id)
        before = baseline.get(deal_id) or {}
        verdicts = []
        for scenario, regs in (item or before).get("scenarios", {}).items():
            for regime, verdict in regs.items():
                was = before.get("scenarios", {}).get(scenario, {}).get(regime)
                now = verdict if item else was
                verdicts.append({"scenario": scenario, "regime": regime, "before": was,
                                 "after": now, "changed": was != now})
        title = (item or before).get("title") or (deals[deal_id].title if deal_id in deals else deal_id)
        deal_rows.append({"deal_id": deal_id, "title": title, "verdicts": verdicts,
                          "changed": [v for v in verdicts if v["changed"]]})
    if not entries and not deal_rows:
        return None
    vid = d.old_version if kind == "removed" else d.new_version
    payload = {"change": kind, "source": d.source, "old_version": d.old_version,
               "new_version": d.new_version, "entity_id": eid, "caption": caption,
               "schema": schema, "record": _record(store, vid, eid), "changes": changes,
               "watchlist": [e for e in entries if e["watchlist"] != DEALS],
               "deal_parties": [e for e in entries if e["watchlist"] == DEALS],
               "deals": deal_rows}
    moved = sum(len(r["changed"]) for r in deal_rows)
    title = (f"{d.source}: designation {kind}: {caption} ({eid}); touches "
             f"{len(deal_rows)} deal(s), {len(entries)} watch entr{'y' if len(entries) == 1 else 'ies'}"
             + (f"; {moved} verdict(s) changed" if moved else ""))
    return Alert(f"designation_{kind}", title, payload, d.source, eid)


def _cleared_on(store: Store, entity_id: str, run_id: int) -> list[dict[str, Any]]:
    c = watch_hits.c
    with store.engine.connect() as conn:
        q = select(watch_hits).where(and_(c.entity_id == entity_id, c.cleared_run == run_id))
        return [dict(r._mapping) for r in conn.execute(q)]


def watch_cache(ws: Workspace) -> Path:
    return ws._cache_root() / "watchlists"


def screen_watchlist(ws: Workspace, name: str, threshold: float | None = None,
                     progress: Callable[[int], None] | None = None) -> int:
    """Screen a saved watchlist against every list in force (when it is saved, or to start
    over) and record its hits, so that later runs know what a removal clears. Returns the
    number of hits."""
    entries = list(stored_entries(ws.store, [name]))
    hits = screen_changes(ws.index(), entries, threshold, progress)
    c = watch_hits.c
    with ws.store.engine.begin() as conn:
        conn.execute(update(watch_hits).where(and_(c.watchlist == name, c.cleared_run.is_(None)))
                     .values(cleared_run=0, cleared_why="re-screened in full"))
        rows = [{"watchlist": wl, "entry_id": eid, "entity_id": ent, "score": score,
                 "found_run": None} for (wl, eid), found in hits.items()
                for ent, score in found.items()]
        if rows:
            conn.execute(insert(watch_hits), rows)
    from olivebranch.monitor import inverse

    inverse.cached(list(stored_entries(ws.store)), watch_cache(ws))  # ready for the next run
    return len(rows)

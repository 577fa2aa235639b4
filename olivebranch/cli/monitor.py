"""``olivebranch monitor``: watch the lists for changes that touch deals and counterparties.

``monitor run`` is cron-friendly (one pass, exit status 0 when every source updated or was
unchanged, 1 when something failed, alerts printed as a table or JSON); ``monitor serve`` runs
the same pass every ``--every`` minutes until stopped.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import typer

monitor_app = typer.Typer(help="Watch the lists: update, re-screen, re-assess, alert.",
                          no_args_is_help=True)
watch_app = typer.Typer(help="Watchlists: counterparty files re-screened on every list change.",
                        no_args_is_help=True)


def _workspace():  # type: ignore[no-untyped-def]
    from olivebranch.workspace import Workspace

    return Workspace.open()


def _config(**kw: object):  # type: ignore[no-untyped-def]
    from olivebranch.monitor.run import MonitorConfig

    return MonitorConfig(**kw)  # type: ignore[arg-type]


def _print(report, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    if as_json:
        typer.echo(json.dumps({**report.summary(), "alerts": [a.to_dict() for a in report.alerts]},
                              indent=2, ensure_ascii=False, default=str))
        return
    console = Console()
    for u in report.updates:
        colour = {"imported": "green", "unchanged": "dim", "failed": "red"}.get(u["status"], "")
        console.print(f"[{colour}]{u['source']}: {u['status']}[/] {u['reason']}".rstrip())
    for d in report.diffs:
        console.print(f"{d['source']}: version {d['old_version']} → {d['new_version']}: "
                      f"{d['added']} added, {d['removed']} removed, {d['changed']} amended")
    if report.baseline:
        console.print("first run: baseline recorded (versions, verdicts); later runs alert on changes")
    console.print(f"run {report.run_id}: {report.screened:,} watch entries re-screened against "
                  f"what changed, {report.new_hits} new hit(s), {report.cleared_hits} cleared; "
                  f"{len(report.deals_reassessed)} deal(s) re-assessed; {len(report.alerts)} alert(s)")
    rows = [(a, d, v) for a in report.alerts for d in a.payload.get("deals", [])
            for v in d.get("verdicts", []) if v.get("changed", True)]
    if rows:
        t = Table("designation", "deal", "scenario", "regime", "before", "after",
                  title="verdicts that changed")
        t.columns[1].overflow = "fold"
        for a, d, v in rows:
            what = (f"{a.payload.get('change', '')} {a.payload.get('caption', '')}".strip()
                    or a.kind.replace("_", " "))
            t.add_row(what, d["deal_id"], v["scenario"], v["regime"], str(v["before"]),
                      str(v["after"]))
        console.print(t)
    for a in report.alerts:
        console.print(f"- {a.title}")
    for name, where in report.delivery.items():
        console.print(f"{name}: {where}")


@monitor_app.command("run")
def run_cmd(
    sources: list[str] | None = typer.Argument(None, help="Sources to update (default: all "
                                               "with a download URL)."),
    mirror: str | None = typer.Option(None, help="Folder or http(s) URL laid out as "
                                      "<mirror>/<source>/<official file name>."),
    no_update: bool = typer.Option(False, "--no-update", help="Do not download; compare what "
                                   "the store holds now with the previous run."),
    scenario: list[str] | None = typer.Option(None, "--scenario", help="Scenarios to compare "
                                              "(repeatable; default: all)."),
    watchlist: list[str] | None = typer.Option(None, "--watchlist", help="Saved watchlists to "
                                               "re-screen (repeatable; default: all)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Append alerts to this JSON lines file."),
    webhook: str | None = typer.Option(None, "--webhook", help="POST alerts to this URL "
                                       "(signed with OLIVEBRANCH_WEBHOOK_SECRET)."),
    timeout: float = typer.Option(30.0, help="Seconds per request."),
    retries: int = typer.Option(2, help="Retries of a failed download."),
    max_mb: int | None = typer.Option(None, "--max-mb", help="Largest file accepted (MB)."),
    accept_shrink: bool = typer.Option(False, "--accept-shrink"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One pass: update, diff, re-screen what changed, re-assess touched deals, alert."""
    from olivebranch.monitor.run import run_monitor

    cfg = _config(update=not no_update, sources=sources or None, mirror=mirror,
                  scenarios=scenario or None, watchlists=watchlist or None, jsonl=jsonl,
                  webhook=webhook, secret=os.environ.get("OLIVEBRANCH_WEBHOOK_SECRET"),
                  timeout=timeout, retries=retries,
                  max_bytes=max_mb * 1024 * 1024 if max_mb else None,
                  accept_shrink=accept_shrink,
                  downloads=Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "downloads")
    say = (lambda m: typer.echo(m, err=True)) if not as_json else None
    report = run_monitor(_workspace(), cfg, say=say)
    _print(report, as_json)
    if report.status != "ok":
        raise typer.Exit(1)


@monitor_app.command("serve")
def serve_cmd(
    every: float = typer.Option(360.0, help="Minutes between passes."),
    mirror: str | None = typer.Option(None),
    jsonl: Path | None = typer.Option(None, "--jsonl"),
    webhook: str | None = typer.Option(None, "--webhook"),
    passes: int = typer.Option(0, help="Stop after this many passes (0: run until stopped)."),
) -> None:
    """Run ``monitor run`` on a schedule (a cron line calling ``monitor run`` does the same)."""
    from olivebranch.monitor.run import run_monitor

    ws = _workspace()
    n = 0
    while True:
        n += 1
        cfg = _config(mirror=mirror, jsonl=jsonl, webhook=webhook,
                      secret=os.environ.get("OLIVEBRANCH_WEBHOOK_SECRET"),
                      downloads=Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "downloads")
        try:
            _print(run_monitor(ws, cfg, say=lambda m: typer.echo(m, err=True)), False)
        except Exception as exc:  # a pass that fails must not stop the watch
            typer.secho(f"pass {n} failed: {exc}", fg=typer.colors.RED, err=True)
        if passes and n >= passes:
            return
        time.sleep(every * 60)


@monitor_app.command("alerts")
def alerts_cmd(limit: int = typer.Option(50), run: int | None = typer.Option(None),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """The latest alerts in the store."""
    from olivebranch.monitor.alerts import recent
    from olivebranch.store import Store

    items = recent(Store(), limit, run)
    if as_json:
        typer.echo(json.dumps([a.to_dict() for a in items], indent=2, ensure_ascii=False,
                              default=str))
        return
    for a in items:
        typer.echo(f"{a.id}\trun {a.run_id}\t{a.created_at:%Y-%m-%d %H:%M}\t{a.title}")


@watch_app.command("add")
def watch_add(name: str, csv_file: Path, replace: bool = typer.Option(False, "--replace"),
              no_screen: bool = typer.Option(False, "--no-screen")) -> None:
    """Save a batch screening CSV (id, schema, name, birth_date, identifier, country) as a
    watchlist, and screen it once in full so later removals know what they clear."""
    from olivebranch.monitor.run import screen_watchlist
    from olivebranch.monitor.watchlist import save_csv

    ws = _workspace()
    n = save_csv(ws.store, name, csv_file, replace=replace)
    typer.echo(f"watchlist {name}: {n:,} entries saved")
    if not no_screen:
        hits = screen_watchlist(ws, name, progress=lambda k: typer.echo(f"screened {k:,}", err=True))
        typer.echo(f"watchlist {name}: {hits:,} hit(s) on the lists in force")


@watch_app.command("list")
def watch_list() -> None:
    """Saved watchlists."""
    from olivebranch.monitor.watchlist import names
    from olivebranch.store import Store

    for w in names(Store()):
        typer.echo(f"{w['name']}\t{w['rows']:,} entries\tfrom {w['origin']}\t{w['created_at']}")


@watch_app.command("remove")
def watch_remove(name: str) -> None:
    from olivebranch.monitor.watchlist import remove
    from olivebranch.store import Store

    remove(Store(), name)
    typer.echo(f"watchlist {name} removed")


def register(app: typer.Typer) -> None:
    monitor_app.add_typer(watch_app, name="watchlist")
    app.add_typer(monitor_app, name="monitor")

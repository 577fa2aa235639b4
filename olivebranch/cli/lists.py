"""``olivebranch lists …`` and ``olivebranch entity``: the versioned list store from the terminal."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.errors import OliveBranchError, ParseError
from olivebranch.store import Store

lists_app = typer.Typer(help="Import, inspect and compare versions of the official sanctions lists.", no_args_is_help=True)
console = Console()


def _store() -> Store:
    return Store()


def _date(value: str | None, option: str = "--as-of") -> date | None:
    from olivebranch.cli.common import day

    return day(value, option)


@lists_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="File (or directory, for OFAC's CSV set) to import."),
    source: str = typer.Option(..., "--source", "-s", help="Source name; see `lists sources`."),
    published: str | None = typer.Option(None, help="List date (YYYY-MM-DD) if the file has none."),
    force: bool = typer.Option(False, help="Import even if this exact file is already active."),
    accept_shrink: bool = typer.Option(
        False, "--accept-shrink",
        help="Import even if the file has far fewer designations than the active version, or "
        "looks cut off (no end marker): say so only when the list really shrank.",
    ),
    max_shrink: float | None = typer.Option(
        None, "--max-shrink", min=0.0, max=1.0,
        help="Largest drop against the active version imported without --accept-shrink, as a "
        "share (default 0.1, or OLIVEBRANCH_MAX_SHRINK).",
    ),
    wait: float = typer.Option(
        0.0, "--wait", min=0.0,
        help="If another import is running, wait up to this many seconds for it to finish.",
    ),
) -> None:
    """Import one list file, a directory holding a source's file set (OFAC's CSV quartet), or a
    zip of it, as a new active version (atomic: a failure keeps the old version)."""
    from olivebranch.lists.importer import import_path

    store = _store()
    with console.status(f"parsing {path} as {source} …"):
        try:
            report = import_path(store, path, source, published=_date(published, "--published"),
                                 force=force, accept_shrink=accept_shrink,
                                 max_shrink=max_shrink, wait=wait)
        except KeyError as exc:
            raise OliveBranchError(str(exc).strip("'\"")) from exc
    _print_report(report)
    if not report.skipped:
        resolve_parties(store)


@lists_app.command("load-bundled")
def load_bundled(
    force: bool = typer.Option(False, help="Re-import even if unchanged."),
    accept_shrink: bool = typer.Option(
        False, "--accept-shrink",
        help="Re-import a bundled snapshot even when it is much smaller than the active version.",
    ),
) -> None:
    """Import every bundled snapshot shipped in data/lists (skips those already active)."""
    from rich.progress import Progress

    from olivebranch.lists.importer import bundled_sources, import_path
    from olivebranch.paths import LISTS_DIR

    store = _store()
    started = time.perf_counter()
    specs = bundled_sources()
    failures = imported = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("importing bundled lists", total=len(specs))
        for spec in specs:
            progress.update(task, description=f"importing {spec.name}")
            try:
                report = import_path(store, LISTS_DIR / str(spec.bundled), spec.name, force=force,
                                     accept_shrink=accept_shrink)
            except ParseError as exc:
                failures += 1
                console.print(f"[red]failed[/red] {spec.name}: {exc}")
            else:
                _print_report(report)
                imported += not report.skipped
            progress.advance(task)
    console.print(f"bundled import finished in {time.perf_counter() - started:.1f} s")
    from olivebranch.parties.lookup import parties_mark

    if imported or not parties_mark(store):
        resolve_parties(store)
    if failures:
        raise typer.Exit(1)


def resolve_parties(store: Store) -> None:
    """Bring the parties up to date after an import (``olivebranch.parties.after_import``):
    incremental, so one source's new version costs seconds."""
    from olivebranch.parties import after_import

    with console.status("resolving records into parties …") as status:
        report = after_import(store, progress=lambda m: status.update(f"parties: {m}"))
    console.print(f"parties: {report.parties} parties from {report.records} records "
                  f"({report.mode} run {report.run.id}, {report.changed} records changed, "
                  f"{report.seconds:.1f} s)")


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    v = report.version
    if report.skipped:
        console.print(f"[dim]{report.source}: unchanged, version {v.id} stays active ({report.seconds:.1f} s)[/dim]")
        return
    console.print(
        f"[green]{report.source}[/green]: version {v.id}, {v.entity_count} entities, "
        f"published {v.published or 'unknown'}, imported in {report.seconds:.1f} s"
    )
    for w in report.warnings[:20]:
        console.print(f"  [yellow]warning[/yellow] {w}")
    if len(report.warnings) > 20:
        console.print(f"  … and {len(report.warnings) - 20} more warnings")


@lists_app.command("sources")
def sources_cmd() -> None:
    """Sources olivebranch can parse."""
    from olivebranch.lists import registry

    t = Table("source", "regime", "title", "bundled")
    for spec in registry().values():
        t.add_row(spec.name, spec.regime, spec.title, spec.bundled or "")
    console.print(t)


@lists_app.command("status")
def status_cmd(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    programs: int = typer.Option(8, help="How many programmes to show per source."),
) -> None:
    """Active version of each source with entity counts by schema and programme."""
    store = _store()
    active = store.active_versions()
    if as_json:
        out = [
            {
                "source": v.source,
                "version": v.id,
                "published": v.published.isoformat() if v.published else None,
                "imported_at": v.imported_at.isoformat(),
                "entities": v.entity_count,
                "schema": (v.counts or {}).get("schema", {}),
                "program": (v.counts or {}).get("program", {}),
                "file_hash": v.file_hash,
            }
            for v in active
        ]
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if not active:
        console.print("no lists imported yet: run `olivebranch lists load-bundled`")
        return
    t = Table("source", "version", "published", "entities by schema", "top programmes (designations)")
    for v in active:
        schema = (v.counts or {}).get("schema", {})
        listed = {k: n for k, n in schema.items() if k not in ("Sanction", "Address", "Identification", "Passport", "UnknownLink", "Ownership", "Directorship", "Family", "Associate", "Occupancy", "Membership", "Employment")}
        prog = sorted(((v.counts or {}).get("program", {})).items(), key=lambda kv: -kv[1])
        t.add_row(
            v.source,
            str(v.id),
            str(v.published or "?"),
            "\n".join(f"{k}: {n}" for k, n in sorted(listed.items())),
            "\n".join(f"{k}: {n}" for k, n in prog[:programs]),
        )
    console.print(t)


@lists_app.command("versions")
def versions_cmd(source: str | None = typer.Argument(None)) -> None:
    """Every imported version (active ones marked)."""
    t = Table("id", "source", "published", "imported", "entities", "active", "hash")
    for v in _store().versions(source):
        t.add_row(str(v.id), v.source, str(v.published or "?"), v.imported_at.strftime("%Y-%m-%d %H:%M"), str(v.entity_count), "*" if v.active else "", (v.file_hash or "")[:12])
    console.print(t)


@lists_app.command("activate")
def activate_cmd(version_id: int) -> None:
    """Make an older (or newer) version of a source the active one."""
    v = _store().activate(version_id)
    console.print(f"{v.source}: version {v.id} is now active")


@lists_app.command("diff")
def diff_cmd(
    source: str = typer.Argument(..., help="Source name."),
    old: int | None = typer.Option(None, help="Old version id (default: the one before the newest)."),
    new: int | None = typer.Option(None, help="New version id (default: the newest)."),
    as_json: bool = typer.Option(False, "--json"),
    limit: int = typer.Option(50, help="Rows to show per section."),
) -> None:
    """Designations added, removed and changed between two versions of a source."""
    from olivebranch.lists.diff import diff_versions

    store = _store()
    vs = store.versions(source)
    if new is None or old is None:
        if len(vs) < 2 and (old is None or new is None):
            raise OliveBranchError(f"{source}: need two versions to compare, found {len(vs)}")
        new = new if new is not None else vs[-1].id
        old = old if old is not None else [v.id for v in vs if v.id != new][-1]
    d = diff_versions(store, old, new)
    if as_json:
        typer.echo(json.dumps({**d.summary(), "added_entities": d.added, "removed_entities": d.removed, "changed_entities": [c.__dict__ for c in d.changed]}, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{source}[/bold]: version {old} → {new}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
    for title, rows, colour in (("added", d.added, "green"), ("removed", d.removed, "red")):
        if rows:
            t = Table("id", "schema", "name", title=title, title_style=colour)
            for i, s, c in rows[:limit]:
                t.add_row(i, s, c)
            console.print(t)
    if d.changed:
        t = Table("id", "name", "property", "added", "removed", title="changed")
        for c in d.changed[:limit]:
            for prop, ch in c.changes.items():
                t.add_row(c.entity_id, c.caption, prop, "; ".join(ch["added"])[:80], "; ".join(ch["removed"])[:80])
        console.print(t)


@lists_app.command("update")
def update_cmd(
    sources: list[str] | None = typer.Argument(None, help="Sources to update (default: all with a known URL)."),
    mirror: str | None = typer.Option(
        None, help="Folder or http(s) URL laid out as <mirror>/<source>/<official file name>."),
    timeout: float = typer.Option(30.0, help="Seconds per request."),
    retries: int = typer.Option(2, help="Retries of a download that may succeed later."),
    max_mb: int | None = typer.Option(None, "--max-mb", help="Largest file accepted (MB)."),
    accept_shrink: bool = typer.Option(
        False, "--accept-shrink",
        help="Import a download even if it is much smaller than the active version.",
    ),
) -> None:
    """Download current files from the official publishers (or a mirror) and import them;
    whatever fails leaves that source's active version as it was, and says why."""
    import os

    from olivebranch.lists.base import MAX_FILE_BYTES
    from olivebranch.lists.update import update_sources

    store = _store()
    root = Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "downloads"
    results = update_sources(
        store, sources or None, root=root, mirror=mirror, timeout=timeout, retries=retries,
        max_bytes=max_mb * 1024 * 1024 if max_mb else MAX_FILE_BYTES,
        accept_shrink=accept_shrink,
        on_result=lambda r: console.print(
            f"[{ {'imported': 'green', 'failed': 'red'}.get(r.status, 'dim') }]{r.source}[/]: "
            f"{r.status}" + (f" (version {r.version})" if r.status == "imported" else "")
            + (f": {r.reason}" if r.reason else "")))
    if not any(r.status == "imported" for r in results):
        console.print("no source was updated; the active versions stay in use")
    else:
        resolve_parties(store)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def entity_cmd(
    entity_id: str = typer.Argument(..., help="Entity id, or an OFAC entry number such as 46030."),
    as_json: bool = typer.Option(False, "--json"),
    as_of: str | None = typer.Option(None, "--as-of", help="Show the entity as listed on this date."),
) -> None:
    """Show one entity with all its facts, designations, addresses, identifiers and links."""
    from olivebranch.entities import describe_entity, resolve_entity_id

    store = _store()
    when = _date(as_of)
    eid = resolve_entity_id(store, entity_id, as_of=when)
    if eid is None:
        raise OliveBranchError(f"no entity {entity_id!r} in the active lists")
    info = describe_entity(store, eid, as_of=when)
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False, default=str))
        return
    console.print(f"[bold]{info['caption']}[/bold]  ({info['schema']}, id {info['id']})")
    t = Table("property", "values", show_header=False)
    for prop, values in info["properties"].items():
        t.add_row(prop, "\n".join(values))
    console.print(t)
    if info["designations"]:
        t = Table("source", "regime", "programme", "record no.", "listed", "counts as",
                  title="designations")
        for d in info["designations"]:
            t.add_row(d["source"], d["regime"], d["program"] or "", d["source_id"] or "",
                      d["listing_date"] or "", d["counts"])
        console.print(t)
    for title in ("addresses", "identifiers", "links"):
        rows = info.get(title) or []
        if rows:
            t = Table(*rows[0].keys(), title=title)
            for r in rows:
                t.add_row(*[str(x or "") for x in r.values()])
            console.print(t)
    _print_party(info["party"])


def _print_party(party: dict) -> None:  # type: ignore[type-arg]
    """The party section of ``entity``: status per regime from all records, every listing."""
    records = party["records"]
    console.print(f"\n[bold]Party {party['id']}[/bold]: {len(records)} record"
                  f"{'s' if len(records) != 1 else ''} "
                  + ", ".join(f"{r['id']} ({', '.join(r['sources']) or 'not listed'})"
                              for r in records))
    if not party["resolved"]:
        console.print("[dim]records not resolved into parties yet: run `olivebranch parties "
                      "xref`[/dim]")
    colour = {"designated": "red", "sectoral": "magenta"}
    t = Table("regime", "status", "through records", "programmes", title="status per regime")
    for regime, st in party["status"].items():
        c = colour.get(st["status"], "green")
        t.add_row(f"{regime.upper()} ({st['name']})", f"[{c}]{st['status']}[/{c}]",
                  "\n".join(st["records"]), "\n".join(st["programs"][:6]))
    console.print(t)
    if len(records) > 1 and party["designations"]:
        t = Table("record", "source", "regime", "programme", "record no.", "listed",
                  "counts as", title="listings of every record")
        for d in party["designations"]:
            t.add_row(d["entity_id"], d["source"], d["regime"], d["program"] or "",
                      d["source_id"] or "", d["listing_date"] or "", d["counts"])
        console.print(t)
    if len(records) > 1:
        console.print("[bold]names[/bold]: " + "; ".join(party["names"][:40]))


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
    app.command("entity")(entity_cmd)

"""``olivebranch calendar``: the known dates at which deals could move, and stale data."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.cli.common import choice, day, workspace

console = Console()


def calendar_cmd(
    start: str | None = typer.Option(None, "--from", help="First date (default: today)."),
    end: str | None = typer.Option(None, "--to", help="Last date (default: two years on)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """EU renewals, rule phase and end dates, licence expiries, each with the deals it could
    move; past dates with no recorded renewal flagged as stale."""
    from olivebranch.calendar import calendar

    choice(fmt, ("table", "json"), "--format")
    ws = workspace()
    ws.require_lists(None)
    events = calendar(ws, day(start, "--from"), day(end, "--to"))
    if fmt == "json":
        typer.echo(json.dumps([e.as_dict() for e in events], indent=2, ensure_ascii=False))
        return
    table = Table(title="Decision calendar")
    for col in ("date", "kind", "what", "regime", "deals it could move"):
        table.add_column(col)
    for e in events:
        style = "yellow" if e.stale else ""
        table.add_row(str(e.day), "STALE" if e.stale else e.kind, f"{e.what}: {e.title}",
                      e.regime, ", ".join(e.deals) or "-", style=style)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``calendar`` to the main app."""
    app.command("calendar")(calendar_cmd)

"""``olivebranch deals …``: the deal catalogue (bundled deals and those saved by users)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

from olivebranch.cli.common import workspace

deals_app = typer.Typer(help="The deal catalogue: bundled deals and the ones you saved.",
                        no_args_is_help=True)
console = Console()


@deals_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="JSON output.")) -> None:
    """Every deal of the catalogue, with where it comes from."""
    ws = workspace()
    entries = ws.deals.entries()
    if as_json:
        typer.echo(json.dumps([{"id": e.name, "title": e.item.title, "origin": e.origin,
                                "revision": e.revision} for e in entries.values()], indent=2))
        return
    t = Table("id", "title", "host", "origin")
    for e in entries.values():
        origin = e.origin if e.origin == "bundled" else f"saved (rev {e.revision})"
        t.add_row(e.name, e.item.title, e.item.asset.country, origin)
    console.print(t)
    for err in ws.deals.errors:
        console.print(f"[yellow]warning:[/yellow] {err}")


@deals_app.command("show")
def show_cmd(deal_id: str = typer.Argument(..., help="Deal id.")) -> None:
    """One deal as stored (YAML, the deal-file format)."""
    from olivebranch.catalogue import deal_data

    entry = workspace().deals.get(deal_id)
    typer.echo(yaml.safe_dump(deal_data(entry.item), sort_keys=False, allow_unicode=True,
                              width=100))


@deals_app.command("save")
def save_cmd(
    path: Path = typer.Argument(..., help="Deal file (.yaml) to save into the catalogue."),
    create: bool = typer.Option(False, "--create", help="Refuse to replace a deal in use."),
) -> None:
    """Save a deal into the catalogue (the store): the API and the web UI see it too. A deal
    with a bundled deal's id is your edited copy of it."""
    from olivebranch.validation import validate_file

    validate_file(path, "deal").raise_for_problems()  # every problem, with its place
    from olivebranch.cli.scenario import _who

    entry = workspace().deals.save(yaml.safe_load(path.read_text(encoding="utf-8")),
                                   create=create, who=_who())
    console.print(f"saved deal [bold]{entry.name}[/bold] (revision {entry.revision})")


@deals_app.command("delete")
def delete_cmd(deal_id: str = typer.Argument(..., help="A saved deal's id.")) -> None:
    """Delete a saved deal (its revisions stay in the history; a bundled deal it shadowed
    comes back)."""
    from olivebranch.cli.scenario import _who

    workspace().deals.delete(deal_id, who=_who())
    console.print(f"deleted deal {deal_id}")


@deals_app.command("history")
def history_cmd(deal_id: str = typer.Argument(..., help="A saved deal's id.")) -> None:
    """Every saved revision of a deal: when, by whom."""
    from olivebranch.cli.scenario import _history

    _history(workspace().deals.history(deal_id))


@deals_app.command("validate")
def validate_cmd(
    paths: list[Path] = typer.Argument(..., help="Deal files (.yaml, .yml or .json)."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    entities: bool = typer.Option(False, "--entities", help="Also check that the list entity "
                                  "ids in pin and cleared exist in the store."),
) -> None:
    """Check deal files without saving them: every problem of each file at once, with its
    place, and a suggestion where a value is close to a known one. Exit code 1 if any file
    has a problem."""
    from olivebranch.cli.common import print_reports
    from olivebranch.validation import entity_checker, validate_file

    options = {"entity_ids": entity_checker(workspace().store)} if entities else {}
    print_reports([validate_file(p, "deal", **options) for p in paths], as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(deals_app, name="deals")
    # ``olivebranch deal validate FILE`` reads as well: the same group, hidden from the help
    app.add_typer(deals_app, name="deal", hidden=True)

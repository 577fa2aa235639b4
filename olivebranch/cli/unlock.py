"""``olivebranch unlock DEAL``: what would it take to make a deal clear, regime by regime, and
who can make each move (cheapest path first)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.cli.common import choice, day, regimes, workspace

console = Console()


def unlock_cmd(
    deal: str = typer.Argument(..., help="Deal id (catalogue) or deal file."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,ru (default all)."),
    target: str = typer.Option("unblocked", "--target",
                               help="unblocked (clear or risk only), licensable (a "
                                    "licence or host approval at worst) or clear."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    max_moves: int = typer.Option(4, "--max-moves", help="Largest set of moves searched."),
) -> None:
    """The smallest sets of moves (lift a rule, delist a party, issue a licence, a veto at an EU
    expiry, a host-state list change) that would unblock DEAL, grouped by who can make them."""
    from olivebranch.unlock import TARGETS, unlock

    choice(fmt, ("table", "json"), "--format")
    choice(target, TARGETS, "--target")
    ws = workspace()
    when = day(as_of)
    ws.require_lists(when)
    answer = unlock(ws, deal, regimes(ws, regime), target, when, max_moves=max_moves)
    if fmt == "json":
        typer.echo(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False))
        return
    from olivebranch.unlock import ACTORS

    console.print(f"[bold]{answer.deal_id}[/bold] — {answer.title} (as of {answer.as_of}; "
                  f"target: {answer.target})")
    for r in answer.regimes:
        if not r.blocking:
            console.print(f"\n[bold]{r.regime.upper()}[/bold]: {r.verdict} — nothing to move")
            continue
        console.print(f"\n[bold]{r.regime.upper()}[/bold]: {r.verdict}; in the way: "
                      + ", ".join(sorted({b['rule'] for b in r.blocking})))
        table = Table(show_lines=True)
        for col in ("path", "cost", "moves (who)", "after"):
            table.add_column(col)
        for i, p in enumerate(r.paths, 1):
            moves = "\n".join(f"{m.what}  [dim]({ACTORS.get(m.actor, (0, m.actor))[1]})[/dim]"
                              for m in p.moves)
            table.add_row(str(i), str(p.cost), moves, p.verdict_after)
        console.print(table)
        if r.note:
            console.print(f"[yellow]{r.note}[/yellow]")
        for actor, moves in r.by_actor().items():
            console.print(f"  {ACTORS.get(actor, (0, actor))[1]}: "
                          + "; ".join(m["what"] for m in moves))


def register(app: typer.Typer) -> None:
    """Add ``unlock`` to the main app."""
    app.command("unlock")(unlock_cmd)

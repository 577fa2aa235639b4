"""The ``olivebranch`` command line. Each command group lives in its own module."""

from __future__ import annotations

import sys

import typer

from olivebranch.errors import OliveBranchError

app = typer.Typer(
    name="olivebranch",
    help="Can this cross-border energy or critical-minerals deal go ahead, and why?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register() -> None:
    from olivebranch.cli import (
        assess,
        deals,
        export,
        lists,
        owners,
        parties,
        scenario,
        screen,
        serve,
    )

    for module in (lists, screen, owners, assess, deals, scenario, serve, parties, export):
        module.register(app)


_register()


def main() -> None:
    try:
        app()
    except OliveBranchError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)

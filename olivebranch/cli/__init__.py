"""The ``olivebranch`` command line. Each command group lives in its own module.

``main`` (the console script) imports only the module of the command being run: start-up
is most of a quick command's wall time, and ``screen`` need not import the web stack or the
scenario engine. ``olivebranch.cli.app`` is the whole application (help, tests).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

import typer

from olivebranch.errors import OliveBranchError

HELP = "Can this cross-border energy or critical-minerals deal go ahead, and why?"
#: The command modules, in the order the help lists their commands.
MODULES = ("lists", "screen", "owners", "assess", "deals", "scenario", "unlock", "calendar",
           "serve", "parties", "export", "monitor", "audit")
#: Top-level command or group name -> the module that registers it.
COMMANDS = {"lists": "lists", "entity": "lists", "screen": "screen", "compare": "screen",
            "owners": "owners", "assess": "assess", "deals": "deals", "deal": "deals",
            "scenario": "scenario", "unlock": "unlock", "calendar": "calendar", "serve": "serve",
            "keys": "serve", "parties": "parties", "export": "export", "review": "screen",
            "monitor": "monitor", "audit": "audit"}


def build_app(modules: Sequence[str] = MODULES, *, group: bool = False) -> typer.Typer:
    """A Typer app with the commands of ``modules``; ``group`` keeps it a command group even
    when the modules register a single command."""
    cli = typer.Typer(name="olivebranch", help=HELP, no_args_is_help=True,
                      pretty_exceptions_enable=False, add_completion=False)
    if group:
        cli.callback()(lambda: None)
    for name in modules:
        import_module(f"olivebranch.cli.{name}").register(cli)
    return cli


def __getattr__(name: str) -> Any:
    if name == "app":
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(f"module 'olivebranch.cli' has no attribute {name!r}")


def main() -> None:
    command = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    cli = build_app([command], group=True) if command else __getattr__("app")
    try:
        cli()
    except OliveBranchError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)

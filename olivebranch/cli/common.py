"""What every command shares: the workspace over the configured store, and reading options."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from olivebranch.dates import parse_date
from olivebranch.errors import InvalidInput

if TYPE_CHECKING:
    from olivebranch.workspace import Workspace


def workspace() -> Workspace:
    """The workspace over the configured store (``OLIVEBRANCH_DB`` / ``OLIVEBRANCH_HOME``);
    imported on use, so commands that do not need it start fast. Answers are kept on disk
    between commands unless ``OLIVEBRANCH_ANSWERS=0``."""
    import os

    from olivebranch.workspace import Workspace

    keep = os.environ.get("OLIVEBRANCH_ANSWERS", "1").strip().lower() not in ("0", "no", "false")
    return Workspace.open(short_lived=True, result_cache=keep)


def day(value: str | None, option: str = "--as-of") -> date | None:
    """A date option (``YYYY-MM-DD``); errors name the option."""
    return parse_date(value, option)


def split(values: Sequence[str] | str | None) -> list[str]:
    """Comma-separated and repeated option values, flattened."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def regimes(ws: Workspace, values: Sequence[str] | str | None, option: str = "--regime"
            ) -> tuple[str, ...] | None:
    """Regimes named by an option, checked against the registry (None: all assessed)."""
    chosen = [r.lower() for r in split(values)]
    if not chosen:
        return None
    bad = [r for r in chosen if r not in ws.registry.assessed]
    if bad:
        raise InvalidInput(f"{option}: unknown regime(s) {', '.join(bad)} "
                           f"(known: {', '.join(ws.registry.assessed)})")
    return tuple(chosen)


def choice(value: str, allowed: Sequence[str], option: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{option}: unknown value {value!r} ({', '.join(allowed)})")
    return value


def print_reports(reports: list, as_json: bool) -> None:
    """Validation reports for people (each problem on its line) or as JSON; exit 1 when any
    file has an error (warnings alone exit 0). Shared by ``deals validate`` and
    ``scenario validate``."""
    import json

    import typer
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        for r in reports:
            colour = "green" if r.valid and not r.problems else "yellow" if r.valid else "red"
            head, *lines = r.text().split("\n")
            console.print(f"[{colour}]{escape(head)}[/{colour}]", highlight=False)
            for line in lines:
                console.print(line, highlight=False, markup=False, soft_wrap=True)
    if any(not r.valid for r in reports):
        raise typer.Exit(1)

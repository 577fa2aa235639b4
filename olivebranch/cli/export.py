"""``olivebranch export --format ftm [--parties]``: the store as FollowTheMoney JSON lines.

Records (default) or merged parties (``--parties``, with ``referents`` and ``datasets`` like
yente's merged entities); the output loads into yente (as a custom dataset) and nomenklatura
(``load_entity_file_store``). See :mod:`olivebranch.parties.ftm`.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from olivebranch.errors import InvalidInput
from olivebranch.store import Store

console = Console(stderr=True)


def export_cmd(
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="ftm (FollowTheMoney JSON lines, the default), or a table: "
        "csv, xlsx or jsonl (one row per entity, a column per property). Default: by the "
        "extension of --out (.csv, .xlsx), else ftm."),
    parties: bool = typer.Option(False, "--parties", help="One entity per party instead of per record."),
    out: Path | None = typer.Option(None, "--out", "-o", "--output",
                                    help="File to write (default or -: standard output)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Lists in force on this day (YYYY-MM-DD); records only."),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order mark (Excel)."),
) -> None:
    """Write the lists in force as FollowTheMoney JSON lines, or as a table (CSV, XLSX)."""
    from olivebranch.exports import choose_format
    from olivebranch.parties.ftm import iter_ftm

    if out is not None and str(out) == "-":
        out = None
    if fmt is None and out is not None and out.suffix.lower() in (".csv", ".xlsx"):
        fmt = out.suffix.lower()[1:]
    fmt = (fmt or "ftm").lower()
    if fmt not in ("ftm", "csv", "xlsx", "jsonl", "ndjson"):
        raise InvalidInput(f"unknown export format {fmt!r}; supported: ftm (FollowTheMoney "
                           "JSON lines), csv, xlsx, jsonl (tables)")
    if fmt != "ftm":
        fmt = choose_format(None, fmt)
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError as exc:
            raise typer.BadParameter(f"not an ISO date (YYYY-MM-DD): {as_of}") from exc
    store = Store()
    resolved = None
    if parties:
        from olivebranch.parties import Parties

        with console.status("resolving parties …") as status:
            resolved = Parties.load(store, as_of=day, progress=lambda m: status.update(m))
    if fmt != "ftm":
        from olivebranch.exports import entities_table, write

        table = entities_table(iter_ftm(store, parties=resolved, as_of=day))
        write(table, "-" if out is None else out, fmt, bom=bom)
        if out is not None:
            console.print(f"{len(table.rows)} entities written to {out}")
        return
    fh = sys.stdout if out is None else out.open("w", encoding="utf-8")
    n = 0
    try:
        for data in iter_ftm(store, parties=resolved, as_of=day):
            fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    finally:
        if out is not None:
            fh.close()
    if out is not None:
        console.print(f"{n} entities written to {out}")


def register(app: typer.Typer) -> None:
    """Add ``export`` to the main app."""
    app.command("export")(export_cmd)

"""``olivebranch assess``: the deals x regimes verdict matrix, and one deal's findings explained."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import typer

from olivebranch.errors import OliveBranchError

COLOURS = {
    "clear": "green", "risk": "yellow", "restricted": "cyan",
    "host_approval_required": "magenta", "licence_required": "bright_red", "prohibited": "red",
}
SHORT = {
    "clear": "clear", "risk": "risk", "restricted": "restricted",
    "host_approval_required": "host approval", "licence_required": "licence", "prohibited": "PROHIBITED",
}


def _engine():
    from olivebranch.store import Store
    from olivebranch.verdicts import Engine

    return Engine(Store())


def _deals(files: list[Path], all_: bool):
    from olivebranch.deals import load_catalogue, load_deal

    if all_ or not files:
        return load_catalogue()
    return [load_deal(f) for f in files]


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OliveBranchError(f"--as-of: '{value}' is not a date (YYYY-MM-DD)") from None


def render_matrix(verdicts, regimes, fmt: str) -> str:
    rows = [[v.deal_id, *[v.regimes[r].verdict for r in regimes]] for v in verdicts]
    header = ["deal", *regimes]
    if fmt == "json":
        return json.dumps([v.to_dict() for v in verdicts], indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "md":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    raise OliveBranchError(f"--format: unknown format '{fmt}' (table, json, csv, md)")


def _table(verdicts, regimes, as_of, scenario) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"olivebranch verdicts — {scenario}, as of {as_of}")
    table.add_column("deal", style="bold")
    for r in regimes:
        table.add_column(r.upper(), justify="center")
    for v in verdicts:
        cells = []
        for r in regimes:
            eff = v.regimes[r].verdict
            cells.append(f"[{COLOURS[eff]}]{SHORT[eff]}[/]")
        table.add_row(v.deal_id, *cells)
    Console().print(table)


def explain_text(v) -> str:
    out = [f"{v.title} ({v.deal_id}) — {v.scenario}, as of {v.as_of}"]
    for u in v.uncertain:
        out.append(f"  uncertain: {u['field']}: {u['note']}")
    for regime, rv in v.regimes.items():
        out.append("")
        out.append(f"== {regime.upper()}: {rv.verdict}")
        if not rv.findings:
            out.append(f"   no rule fired; checked {len(rv.checked)} rules: {', '.join(rv.checked)}")
        for f in rv.findings:
            lic = f" (licence {f.licence})" if f.licence else ""
            out.append(f" - [{f.effect}{lic}] {f.rule_id}: {f.title}")
            out.append(f"     {f.text}")
            out.append(f"     instrument: {f.instrument}" + (f"; {f.article}" if f.article else ""))
            out.append(f"     citation: {f.citation}  confidence: {f.confidence}  "
                       f"lifted by: {f.lifted_by}")
            for e in f.evidence:
                if e["kind"] == "list_entry":
                    amb = " AMBIGUOUS" if e.get("ambiguous") else ""
                    out.append(
                        f"     list entry{amb}: {e.get('source')} {e.get('source_id')} "
                        f"{e.get('entity_id')} '{e.get('caption')}' score={e.get('score')} "
                        f"programme={e.get('program')}")
                elif e["kind"] == "ownership_path":
                    out.append(f"     ownership: {e.get('path')} ({e.get('rule')} {e.get('test')})")
                elif e["kind"] == "fact":
                    out.append(f"     fact: {e['fact']} = {e['value']} ({e['test']})")
                elif e["kind"] == "rule":
                    out.append(f"     licence: {e.get('licence')} {e.get('citation')}")
    return "\n".join(out)


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def assess(
        deals: list[Path] = typer.Argument(None, help="deal files (default: the bundled catalogue)"),
        all_: bool = typer.Option(False, "--all", help="assess every bundled deal"),
        regime: str = typer.Option("us,eu,uk,ru,ua", "--regime", help="comma-separated regimes"),
        as_of: str = typer.Option(None, "--as-of", help="evaluate as of this date (YYYY-MM-DD)"),
        fmt: str = typer.Option("table", "--format", help="table, json, csv or md"),
        explain: bool = typer.Option(False, "--explain", help="every finding with its evidence"),
    ) -> None:
        """Verdict per deal and regime: can the deal go ahead, and what stands in the way."""
        from olivebranch.verdicts import REGIMES

        regimes = [r.strip().lower() for r in regime.split(",") if r.strip()]
        bad = [r for r in regimes if r not in REGIMES]
        if bad:
            raise OliveBranchError(f"--regime: unknown regime(s) {', '.join(bad)} "
                                   f"(known: {', '.join(REGIMES)})")
        items = _deals(list(deals or []), all_)
        engine = _engine()
        ctx = engine.base_context(_parse_date(as_of))
        verdicts = engine.assess_all(items, ctx, regimes)
        if explain:
            if fmt == "json":
                typer.echo(json.dumps([v.to_dict() for v in verdicts], indent=2, default=str))
            else:
                typer.echo("\n\n".join(explain_text(v) for v in verdicts))
            return
        if fmt == "table":
            if sys.stdout.isatty():
                _table(verdicts, regimes, ctx.as_of, ctx.scenario)
            else:
                typer.echo(render_matrix(verdicts, regimes, "md"))
            return
        typer.echo(render_matrix(verdicts, regimes, fmt))

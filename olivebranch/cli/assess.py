"""``olivebranch assess``: the deals x regimes verdict matrix, and one deal's findings explained."""

from __future__ import annotations

import csv
import io
import json
import sys

import typer

from olivebranch.errors import OliveBranchError
from olivebranch.regimes import registry

FORMATS = ("table", "json", "csv", "md")
#: terminal colour, wide label and narrow label of each effect (``data/regimes.yaml``)
COLOURS = {e.id: e.colour for e in registry().effects}
SHORT = {e.id: e.short for e in registry().effects}
#: one-word labels for terminals too narrow for the full ones
COMPACT = {e.id: e.compact for e in registry().effects}


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


def _table(verdicts, regimes, as_of, scenario, console=None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    id_width = max([len(v.deal_id) for v in verdicts] + [4])
    full = id_width + 4 + len(regimes) * (max(len(x) for x in SHORT.values()) + 3)
    labels = SHORT if console.width >= full else COMPACT
    legend = ("licence = licence required; host approval = host-state approval required"
              if labels is SHORT else
              "NO = prohibited, lic = licence required, host = host-state approval, "
              "restr = restricted")
    table = Table(title=f"olivebranch verdicts — {scenario}, as of {as_of}",
                  caption=f"{legend}. Why: olivebranch assess DEAL --explain",
                  box=box.SIMPLE_HEAVY if labels is COMPACT else box.HEAVY_HEAD)
    table.add_column("deal", style="bold", no_wrap=True, min_width=min(id_width, 40))
    for r in regimes:
        table.add_column(r.upper(), justify="center", no_wrap=True)
    for v in verdicts:
        cells = []
        for r in regimes:
            eff = v.regimes[r].verdict
            cells.append(f"[{COLOURS[eff]}]{labels[eff]}[/]")
        table.add_row(v.deal_id, *cells)
    console.print(table)


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
            entries: dict[tuple, dict] = {}
            for e in f.evidence:
                if e["kind"] == "list_entry":
                    key = (e.get("source"), e.get("source_id"), e.get("entity_id"),
                           bool(e.get("ambiguous")))
                    item = entries.setdefault(key, {**e, "programs": []})
                    if e.get("program") and e["program"] not in item["programs"]:
                        item["programs"].append(e["program"])
            for e in entries.values():
                amb = " AMBIGUOUS" if e.get("ambiguous") else ""
                score = "pinned" if e.get("score") is None else f"score {e['score']:.2f}"
                out.append(
                    f"     list entry{amb}: {e.get('source')} {e.get('source_id') or ''} "
                    f"'{e.get('caption')}' ({e.get('entity_id')}, {score}"
                    + (f", {', '.join(e['programs'])}" if e["programs"] else "") + ")")
            for e in f.evidence:
                if e["kind"] == "ownership_path":
                    label = ("sectoral ownership" if e.get("sectoral") else
                             "possible ownership" if e.get("possibly") else "ownership")
                    out.append(f"     {label}: {e.get('path')} [{e.get('rule')} {e.get('test')}]")
                elif e["kind"] == "fact":
                    out.append(f"     fact: {e['fact']} = {e['value']} ({e['test']})")
                elif e["kind"] == "rule":
                    out.append(f"     licence: {e.get('licence')} {e.get('citation')}")
                elif e["kind"] == "note":
                    out.append(f"     note: {e['text']}")
    return "\n".join(out)


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def assess(
        deals: list[str] = typer.Argument(
            None, help="deal ids (bundled or saved: olivebranch deals list) or deal files "
            "(default: the whole catalogue)"),
        all_: bool = typer.Option(False, "--all", help="assess every deal of the catalogue"),
        regime: str = typer.Option(",".join(registry().assessed), "--regime",
                                   help="comma-separated regimes"),
        as_of: str = typer.Option(None, "--as-of", help="evaluate as of this date (YYYY-MM-DD)"),
        scenario: str = typer.Option("status-quo", "--scenario",
                                     help="scenario name (bundled or saved) or .yaml file"),
        fmt: str = typer.Option("table", "--format", help="table, json, csv or md on the "
                                "terminal; with --output: csv, xlsx or jsonl"),
        explain: bool = typer.Option(False, "--explain", help="every finding with its evidence"),
        output: str | None = typer.Option(
            None, "--output", "-o", help="Write the verdicts (with --explain: every finding) "
            "to a .csv, .xlsx or .jsonl file, or - for standard output."),
        bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order "
                                 "mark (Excel)."),
    ) -> None:
        """Verdict per deal and regime: can the deal go ahead, and what stands in the way."""
        from olivebranch.cli.common import choice, day, regimes, workspace

        ws = workspace()
        regs = regimes(ws, regime) or ws.registry.assessed
        if output is None and fmt in ("xlsx", "jsonl"):
            output = "-"  # a file format asked for without a file: standard output
        if output is None:
            choice(fmt, FORMATS, "--format")
        when = day(as_of)
        ws.require_lists(when)
        items = ws.deals.items() if all_ or not deals else [ws.deal(d) for d in deals]
        verdicts = ws.assess_many(items, scenario, when, regs)
        from olivebranch.monitor.freshness import warnings as list_age

        # on the terminal formats; JSON and CSV stay machine-readable (the API's assessment
        # carries the same warnings as ``list_age``)
        if fmt in ("table", "md") or explain and fmt != "json":
            for line in list_age(ws.store, verdicts[0].as_of if verdicts else ws.day(when),
                                 as_of=when):
                typer.secho(f"warning: {line}", fg=typer.colors.YELLOW, err=True)
        if output is not None:
            from olivebranch import exports

            table = (exports.all_findings_table(verdicts) if explain
                     else exports.verdicts_table(verdicts, regs))
            written = exports.write(table, output, fmt if fmt in exports.FORMATS else None,
                                    bom=bom)
            if output != "-":
                typer.echo(f"{len(table.rows)} rows written to {output} ({written})", err=True)
            return
        if explain:
            if fmt == "json":
                typer.echo(json.dumps([v.to_dict() for v in verdicts], indent=2, default=str))
            else:
                typer.echo("\n\n".join(explain_text(v) for v in verdicts))
            return
        if fmt == "table":
            if sys.stdout.isatty():
                _table(verdicts, regs, verdicts[0].as_of if verdicts else ws.day(when),
                       verdicts[0].scenario if verdicts else scenario)
            else:
                typer.echo(render_matrix(verdicts, regs, "md"))
            return
        typer.echo(render_matrix(verdicts, regs, fmt))

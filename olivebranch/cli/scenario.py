"""``olivebranch scenario …``: what a package of sanctions moves would unlock, deal by deal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.cli.common import choice, day, regimes, split, workspace
from olivebranch.regimes import registry
from olivebranch.scenarios.model import all_assumptions, resolve_changes

if TYPE_CHECKING:
    from olivebranch.scenarios.results import Matrix

scenario_app = typer.Typer(
    help="Sanctions-relief scenarios: what each regime's move would unlock.", no_args_is_help=True
)
console = Console()
FORMATS = ("table", "json", "csv", "md")
#: terminal style of each effect (``data/regimes.yaml``)
STYLE = {e.id: e.colour for e in registry().effects}


def _check_format(fmt: str) -> str:
    return choice(fmt, FORMATS, "--format")


def _output(output: str | None, fmt: str) -> str | None:
    """Where a table goes: a file format asked for without a file goes to standard output;
    without an output the format must be one printed here."""
    if output is None and fmt in ("xlsx", "jsonl"):
        return "-"
    if output is None:
        _check_format(fmt)
    return output


def _catalogue_matrix(scenarios: list[str] | None, deals: list[str] | None,
                      regime: list[str] | None, as_of: str | None) -> Matrix:
    """The verdicts of the chosen deals (default: all) under the chosen scenarios (default:
    the whole catalogue) on the day."""
    ws = workspace()
    when = day(as_of)
    ws.require_lists(when)
    names = list(scenarios) if scenarios else list(ws.scenarios.entries())
    return ws.matrix(names, when, deals=split(deals) or None, regimes=regimes(ws, regime))


def _verdict(v: str, fmt: str) -> str:
    if fmt == "table":
        style = STYLE.get(v)
        return f"[{style}]{v}[/{style}]" if style else v
    return v


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def _emit_table(title: str, headers: list[str], rows: list[list[str]], fmt: str) -> None:
    if fmt == "md":
        typer.echo(f"### {title}\n\n{_md_table(headers, rows)}\n")
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        w.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
    else:
        t = Table(title=title, title_justify="left", show_lines=False)
        for h in headers:
            t.add_column(h, overflow="fold")
        for r in rows:
            t.add_row(*r)
        console.print(t)


def _write(tables: Any, output: str, fmt: str, bom: bool) -> None:
    """``--output``: tables to a file (format by --format csv/xlsx/jsonl or the extension)."""
    from olivebranch.exports import write

    written = write(tables, output, fmt if fmt in ("csv", "xlsx", "jsonl") else None, bom=bom)
    if output != "-":
        typer.echo(f"written to {output} ({written})", err=True)


# ------------------------------------------------------------------------------ list / show
@scenario_app.command("list")
def list_cmd() -> None:
    """The scenarios of the catalogue: bundled ones and those saved by users."""
    ws = workspace()
    t = Table(title="Scenarios (bundled: data/scenarios; saved: in the store)",
              title_justify="left")
    t.add_column("name", style="bold", no_wrap=True)
    t.add_column("title")
    t.add_column("base")
    t.add_column("changes", justify="right")
    t.add_column("origin")
    for e in ws.scenarios.entries().values():
        origin = e.origin if e.origin == "bundled" else f"saved (rev {e.revision})"
        t.add_row(e.name, e.item.title, ", ".join(e.item.base), str(len(e.item.changes)), origin)
    console.print(t)
    for err in ws.scenarios.errors:
        console.print(f"[yellow]warning:[/yellow] {err}")


@scenario_app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="Scenario name (bundled or saved) or a .yaml file."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    resolve: bool = typer.Option(
        False, "--resolve", help="Also apply it to the rules and lists and show the effect."
    ),
) -> None:
    """A scenario's description, assumptions and changes (with --resolve: what they did)."""
    ws = workspace()
    s = ws.scenario(name)
    lookup = ws.scenarios.lookup
    console.print(f"[bold]{s.name}[/bold]: {s.title}")
    console.print(s.description.strip())
    if s.base:
        console.print(f"[dim]base: {', '.join(s.base)}[/dim]")
    console.print("\n[bold]Assumptions[/bold]")
    for a in all_assumptions(s, lookup=lookup):
        console.print(f"  • {a}")
    console.print("\n[bold]Changes[/bold] (applied in order)")
    for owner, i, change in resolve_changes(s, lookup=lookup):
        body = change.model_dump(mode="json", exclude_defaults=True)
        console.print(f"  {owner}[{i}] {json.dumps(body, ensure_ascii=False)}")
    if resolve:
        state = ws.context(s, day(as_of))
        console.print(f"\n[bold]Effect on {state.ctx.as_of}[/bold]")
        for line in state.log:
            console.print(f"  - {line}")
        lifted = sorted(state.lifted)
        console.print(f"  rules lifted ({len(lifted)}): {', '.join(lifted) or '-'}")
        for regime, ids in sorted(state.ctx.delisted.items()):
            console.print(f"  delisted under {regime}: {len(ids)} entities")
        for regime, ids in sorted(state.ctx.added.items()):
            console.print(f"  designated under {regime}: {', '.join(ids)}")


@scenario_app.command("save")
def save_cmd(
    path: Path = typer.Argument(..., help="Scenario file (.yaml) to save into the catalogue."),
    create: bool = typer.Option(False, "--create", help="Refuse to replace a saved scenario."),
) -> None:
    """Save a scenario into the catalogue (the store): the API and the web UI see it too."""
    import yaml

    from olivebranch.scenarios.model import read_scenario_file
    from olivebranch.validation import validate_file

    ws = workspace()
    validate_file(path, "scenario", scenarios=list(ws.scenarios.entries())).raise_for_problems()
    read_scenario_file(path)  # file errors name the file
    entry = ws.scenarios.save(yaml.safe_load(path.read_text(encoding="utf-8")), create=create,
                              who=_who())
    console.print(f"saved scenario [bold]{entry.name}[/bold] (revision {entry.revision})")


@scenario_app.command("delete")
def delete_cmd(name: str = typer.Argument(..., help="A saved scenario's name.")) -> None:
    """Delete a saved scenario (its revisions stay in the history)."""
    workspace().scenarios.delete(name, who=_who())
    console.print(f"deleted scenario {name}")


@scenario_app.command("history")
def history_cmd(name: str = typer.Argument(..., help="A saved scenario's name.")) -> None:
    """Every saved revision of a scenario: when, by whom."""
    _history(workspace().scenarios.history(name))


def _who() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "cli"


def _history(revisions: list[Any]) -> None:
    t = Table("revision", "saved at", "saved by", "action")
    for r in revisions:
        t.add_row(str(r.revision), f"{r.saved_at:%Y-%m-%d %H:%M:%S}", r.saved_by or "",
                  "deleted" if r.deleted else "saved")
    console.print(t)


# ------------------------------------------------------------------------------ run / compare
def _run_output(base: Any, run: Any, fmt: str) -> None:
    from olivebranch.scenarios.engine import diff

    diffs = diff(base, run) if base is not None else []
    by_deal = {d.deal_id: d for d in diffs}
    if fmt == "json":
        out = {
            "scenario": run.name,
            "title": run.scenario.title,
            "as_of": run.ctx.as_of.isoformat(),
            "assumptions": list(run.ctx.assumptions),
            "compared_with": base.name if base is not None else None,
            "deals": [
                {
                    "deal": deal_id,
                    "title": run.titles[deal_id],
                    "verdicts": {r: run.verdict(deal_id, r) for r in run.regimes},
                    "moved": [str(m) for m in by_deal[deal_id].moves] if deal_id in by_deal else [],
                    "still_blocked_by": [b.as_dict() for b in run.blockers(deal_id)],
                }
                for deal_id in run.verdicts
            ],
        }
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    headers = ["deal", *run.regimes]
    if base is not None:
        headers.append(f"moved vs {base.name}")
    headers.append("still blocked by (rule · lifted by)")
    rows = []
    for deal_id in run.verdicts:
        row = [deal_id] + [_verdict(run.verdict(deal_id, r), fmt) for r in run.regimes]
        if base is not None:
            row.append("; ".join(str(m) for m in by_deal[deal_id].moves) if deal_id in by_deal
                       else "")
        row.append("; ".join(f"{b.regime}:{b.rule_id} · {b.lifted_by}"
                             for b in run.blockers(deal_id)))
        rows.append(row)
    title = f"{run.name} — {run.scenario.title} (as of {run.ctx.as_of})"
    _emit_table(title, headers, rows, fmt)
    if fmt in ("table", "md") and base is not None:
        moved = sum(1 for d in diffs if d.moves)
        typer.echo(f"{moved} of {len(diffs)} deals change verdict under at least one regime "
                   f"compared with {base.name}.")


@scenario_app.command("run")
def run_cmd(
    name: str = typer.Argument(..., help="Scenario name (bundled or saved) or a .yaml file."),
    deals: list[str] = typer.Option(None, "--deals", help="Deal ids or files (comma-separated)."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,eu (default all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, csv or md."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    baseline: str = typer.Option("status-quo", help="Scenario to diff against ('' for none)."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the table to a .csv, .xlsx or .jsonl file, or - for "
        "standard output (--format csv/xlsx/jsonl overrides the extension)."),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order mark (Excel)."),
) -> None:
    """Every deal's verdict per regime under a scenario, what moved and what still blocks."""
    output = _output(output, fmt)
    ws = workspace()
    s = ws.scenario(name)  # file errors before the (slower) engine is built
    base_s = ws.scenario(baseline) if baseline and baseline != s.name else None
    when = day(as_of)
    ws.require_lists(when)
    regs = regimes(ws, regime)
    chosen = split(deals) or None
    run = ws.run(s, when, deals=chosen, regimes=regs)
    base = ws.run(base_s, when, deals=chosen, regimes=regs) if base_s is not None else None
    if output is not None:
        from types import SimpleNamespace

        from olivebranch.exports import comparison_table, heatmap_table

        table = (comparison_table(base, run) if base is not None else
                 heatmap_table(SimpleNamespace(runs=[run], regimes=run.regimes)))
        _write(table, output, fmt, bom)
        return
    _run_output(base, run, fmt)


@scenario_app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., help="Scenario A (the baseline)."),
    b: str = typer.Argument(..., help="Scenario B."),
    deals: list[str] = typer.Option(None, "--deals", help="Deal ids or files (comma-separated)."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,eu (default all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, csv or md."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    all_deals: bool = typer.Option(False, "--all", help="Also list deals that do not move."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the table to a .csv, .xlsx or .jsonl file, or - for "
        "standard output (--format csv/xlsx/jsonl overrides the extension)."),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order mark (Excel)."),
) -> None:
    """What moves from scenario A to scenario B, deal by deal."""
    from olivebranch.scenarios.engine import diff

    output = _output(output, fmt)
    ws = workspace()
    when = day(as_of)
    ws.require_lists(when)
    regs = regimes(ws, regime)
    chosen = split(deals) or None
    run_a = ws.run(a, when, deals=chosen, regimes=regs)
    run_b = ws.run(b, when, deals=chosen, regimes=regs)
    if output is not None:
        from olivebranch.exports import comparison_table

        _write(comparison_table(run_a, run_b, only_moved=not all_deals), output, fmt, bom)
        return
    diffs = [d for d in diff(run_a, run_b) if d.moves or d.stopped or d.started or all_deals]
    if fmt == "json":
        typer.echo(json.dumps({"a": run_a.name, "b": run_b.name,
                               "deals": [d.as_dict() for d in diffs]}, indent=2,
                              ensure_ascii=False))
        return
    rows = [
        [d.deal_id, "; ".join(str(m) for m in d.moves) or "-",
         "; ".join(f"{r}:{', '.join(ids)}" for r, ids in d.stopped.items()) or "-",
         "; ".join(f"{x.regime}:{x.rule_id} · {x.lifted_by}" for x in d.remaining)]
        for d in diffs
    ]
    _emit_table(f"{run_a.name} → {run_b.name}",
                ["deal", "moved", "rules stopped firing", "still blocked by"], rows, fmt)


# ------------------------------------------------------------------------------ timeline
@scenario_app.command("timeline")
def timeline_cmd(
    name: str = typer.Argument(..., help="Scenario name (bundled or saved) or a .yaml file."),
    months: int = typer.Option(24, "--months", help="Months to evaluate (first of each month)."),
    start: str | None = typer.Option(None, "--from", help="First day (default: today)."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,eu (default all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Verdicts month by month: when each change, EU veto, phase or expiry moves each deal."""
    from olivebranch.scenarios.timeline import timeline

    choice(fmt, ("table", "json"), "--format")
    ws = workspace()
    ws.require_lists(None)
    tl = timeline(ws, name, day(start, "--from"), months, regimes=regimes(ws, regime))
    if fmt == "json":
        typer.echo(json.dumps(tl.as_dict(), indent=2, ensure_ascii=False))
        return
    rows = [[m["deal"], m["regime"],
             " → ".join(f"{s['verdict']} ({s['from']})" for s in m["steps"])]
            for m in tl.changes()]
    _emit_table(f"{tl.scenario}: verdicts that move between {tl.days[0]} and {tl.days[-1]}",
                ["deal", "regime", "verdict (from)"], rows, "table")


# ------------------------------------------------------------------------------ summary
def render_summary(summary: Any, fmt: str = "table") -> None:
    regimes = summary.regimes
    if fmt == "json":
        typer.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
        return
    headers = ["scenario", *regimes, "all"]
    rows = []
    for s in summary.scenarios:
        cells = []
        for r in regimes:
            new = summary.cleared_vs_base.get(s, {}).get(r, 0)
            cells.append(f"{summary.clear(s, r)} · {summary.unblocked(s, r)}"
                         + (f" +{new}" if new else ""))
        rows.append([s, *cells, str(summary.all_clear[s])])
    _emit_table(f"{summary.deals} deals: clear · not blocked (clear or risk only) per regime; "
                "+n newly clear vs status-quo; all = not blocked under any regime",
                headers, rows, fmt)
    n_relief = summary.relief_scenarios or max(1, len(summary.scenarios) - 1)
    obs = [
        [o.rule_id, o.lifted_by, str(o.deals), f"{len(o.scenarios)}/{n_relief}"]
        for o in summary.obstacles
    ]
    _emit_table("Top remaining obstacles under the relief scenarios (deals blocked; scenarios)",
                ["rule", "lifted by", "deals", "scenarios"], obs, fmt)


@scenario_app.command("summary")
def summary_cmd(
    scenarios: list[str] = typer.Argument(None, help="Scenarios (default: all bundled)."),
    deals: list[str] = typer.Option(None, "--deals", help="Deal ids or files (comma-separated)."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,eu (default all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, csv or md."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    chart: Path | None = typer.Option(None, "--chart", help="Also write a chart (.svg or .png)."),
    top: int = typer.Option(10, help="How many obstacles to list."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the table to a .csv, .xlsx or .jsonl file, or - for "
        "standard output (--format csv/xlsx/jsonl overrides the extension)."),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order mark (Excel)."),
) -> None:
    """One screen for the whole catalogue: deals clear per regime under each scenario and the
    rules that most often remain as blockers."""
    from olivebranch.scenarios.engine import summarise

    output = _output(output, fmt)
    matrix = _catalogue_matrix(scenarios, deals, regime, as_of)
    summary = summarise(matrix, top=top)
    if output is not None:
        from olivebranch.exports import summary_tables

        _write(summary_tables(summary), output, fmt, bom)
    else:
        render_summary(summary, fmt)
    if chart is not None:
        from olivebranch.scenarios.chart import write_chart

        write_chart(summary, chart)
        if fmt == "table":
            console.print(f"chart written to {chart}")


@scenario_app.command("matrix")
def matrix_cmd(
    scenarios: list[str] = typer.Argument(None, help="Scenarios (default: the whole catalogue)."),
    deals: list[str] = typer.Option(None, "--deals", help="Deal ids or files (comma-separated)."),
    regime: list[str] = typer.Option(None, "--regime", help="Regimes, e.g. us,eu (default all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, csv or md."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date (YYYY-MM-DD)."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the table to a .csv, .xlsx or .jsonl file, or - for "
        "standard output (--format csv/xlsx/jsonl overrides the extension)."),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte-order mark (Excel)."),
) -> None:
    """The verdict of every deal under every regime and scenario (one row per scenario and
    deal; JSON: scenario -> deal -> regime -> verdict)."""
    from olivebranch.present import verdict_matrix

    output = _output(output, fmt)
    m = _catalogue_matrix(scenarios, deals, regime, as_of)
    if output is not None:
        from olivebranch.exports import heatmap_table

        _write(heatmap_table(m), output, fmt, bom)
        return
    if fmt == "json":
        typer.echo(json.dumps({
            "as_of": m.runs[0].ctx.as_of.isoformat() if m.runs else None,
            "regimes": list(m.regimes),
            "scenarios": {run.name: verdict_matrix(run) for run in m.runs},
        }, indent=2, ensure_ascii=False))
        return
    rows = [[run.name, deal_id, *[_verdict(run.verdict(deal_id, r), fmt) for r in m.regimes]]
            for run in m.runs for deal_id in run.verdicts]
    _emit_table(f"verdicts as of {m.runs[0].ctx.as_of if m.runs else day(as_of)}",
                ["scenario", "deal", *m.regimes], rows, fmt)


@scenario_app.command("validate")
def validate_cmd(
    paths: list[Path] = typer.Argument(..., help="Scenario files (.yaml, .yml or .json)."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """Check scenario files without saving or running them: every problem at once (fields,
    dates, rule ids, rule parameters, licences, base scenarios of the catalogue), with a
    suggestion where a name is close to a known one. Exit code 1 if any file has a problem."""
    from olivebranch.cli.common import print_reports
    from olivebranch.validation import validate_file

    names = list(workspace().scenarios.entries())
    print_reports([validate_file(p, "scenario", scenarios=names) for p in paths], as_json)


@scenario_app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of scenario files."""
    from olivebranch.scenarios.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


def register(app: typer.Typer) -> None:
    """Add ``scenario`` to the main app."""
    app.add_typer(scenario_app, name="scenario")

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

FORMATS = ("table", "json", "csv", "md")
COLOURS = {
    "clear": "green", "risk": "yellow", "restricted": "cyan",
    "host_approval_required": "magenta", "licence_required": "bright_red", "prohibited": "red",
}
SHORT = {
    "clear": "clear", "risk": "risk", "restricted": "restricted",
    "host_approval_required": "host approval", "licence_required": "licence", "prohibited": "PROHIBITED",
}


def _engine(as_of: date | None = None):
    """An Engine over the configured store, with the screening index from its on-disk cache."""
    from olivebranch.match.cache import load_index
    from olivebranch.store import Store
    from olivebranch.verdicts import Engine

    store = Store()
    if not store.active_versions(as_of):
        when = f" on {as_of}" if as_of else ""
        raise OliveBranchError(
            f"the store ({store.url}) has no list versions in force{when}: verdicts would "
            "ignore every list. Load them first: olivebranch lists load-bundled")
    return Engine(store, match_index=load_index(store, as_of))


def _deals(files: list[Path], all_: bool):
    from olivebranch.deals import load_catalogue, load_deal

    if all_ or not files:
        return load_catalogue()
    out = []
    catalogue = None
    for f in files:
        if not f.exists() and f.suffix == "" and len(f.parts) == 1:
            # a bundled deal's id (``olivebranch assess tomtor-us-rare-earths --explain``)
            catalogue = catalogue or {d.id: d for d in load_catalogue()}
            if str(f) in catalogue:
                out.append(catalogue[str(f)])
                continue
            raise OliveBranchError(
                f"{f}: no such file, and no bundled deal has this id "
                f"(ids: olivebranch assess --all --format csv)")
        out.append(load_deal(f))
    return out


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


#: one-word labels for terminals too narrow for the full ones
COMPACT = {
    "clear": "clear", "risk": "risk", "restricted": "restr", "host_approval_required": "host",
    "licence_required": "lic", "prohibited": "NO",
}


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
        deals: list[Path] = typer.Argument(
            None, help="deal files or bundled deal ids (default: the bundled catalogue)"),
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
        if fmt not in FORMATS:
            raise OliveBranchError(f"--format: unknown format '{fmt}' ({', '.join(FORMATS)})")
        items = _deals(list(deals or []), all_)
        day = _parse_date(as_of)
        engine = _engine(day)
        ctx = engine.base_context(day)
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

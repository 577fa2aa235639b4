"""``olivebranch owners ENTITY`` and ``olivebranch owners import FILE``.

``owners ENTITY`` (same as ``owners show ENTITY``) prints the ownership tree up and down from an
entity with each node's status per regime, the paths that carry each status and the rule
behind it; ``--json`` for scripts, ``--svg/--png`` for a picture. ``owners import`` stores an
ownership CSV (docs/ownership-csv.md) as a new version, resolving bare names to list entities.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
import typer
from rich.console import Console
from rich.tree import Tree
from typer.core import TyperGroup

from olivebranch.errors import OliveBranchError
from olivebranch.store import Store

console = Console()
MAX_CHILDREN = 25  # per node in the printed tree


class _DefaultShow(TyperGroup):
    """Treat ``owners X`` as ``owners show X`` when X is not a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


owners_app = typer.Typer(
    cls=_DefaultShow,
    help="Ownership and control: who owns an entity, and is it blocked under each regime's rule?",
    no_args_is_help=True,
)


def _date(value: str | None) -> date | None:
    from olivebranch.cli.common import day

    return day(value, "--published")


def resolve_ref(store: Store, ref: str, graph_ids: set[str], *, as_of: date | None = None) -> str:
    """An entity id from an id, an OFAC entry number, or a name (exact, then matching)."""
    from olivebranch.entities import resolve_entity_id
    from olivebranch.lists.ownership_csv import stub_id
    from olivebranch.ownership.importers import NameResolver

    if ref in graph_ids:
        return ref
    found = resolve_entity_id(store, ref, as_of=as_of)
    if found:
        return found
    if stub_id(ref) in graph_ids:
        return stub_id(ref)
    res = NameResolver(store, as_of=as_of).resolve(ref, "")
    if res.entity_id:
        return res.entity_id
    hint = f" (several entities have that name: {', '.join(res.candidates[:5])})" if res.candidates else ""
    raise OliveBranchError(f"no entity {ref!r} in the store{hint}; use an id from `olivebranch screen`")


def _badge(st: Any) -> str:
    colour = {
        "designated": "red",
        "owned": "dark_orange",
        "controlled": "dark_orange",
        "possibly_owned": "yellow",
    }.get(st.basis or "", "magenta" if st.sectoral else "green")
    text = st.basis or "clear"
    share = st.sectoral_share if (st.basis or "").startswith("sectoral") else st.share
    if share is not None and st.basis not in ("designated", "sectoral_designated"):
        text += f" {share:g}%"
    return f"[{colour}]{st.regime.upper()}: {text}[/{colour}]"


def _node_line(analysis: Any, eid: str, edge_label: str | None = None) -> str:
    badges = " · ".join(_badge(res.status(eid)) for res in analysis.results.values())
    prefix = f"[bold]{edge_label}[/bold] " if edge_label else ""
    return f"{prefix}{analysis.name(eid)} [dim]{eid}[/dim]  {badges}"


def _tree(analysis: Any, eid: str, depth: int) -> Tree:
    g = analysis.graph
    root = Tree(_node_line(analysis, eid))
    v = g.node(eid)
    if v is None:
        root.add("[dim]no ownership edges known for this entity[/dim]")
        return root
    for direction, title in (("up", "owned by"), ("down", "holds")):
        branch = root.add(f"[bold]{title}[/bold]")
        seen = {v}

        def walk(node: int, tree: Tree, level: int, direction: str = direction, seen: set[int] = seen) -> None:
            edges = g.in_edges(node) if direction == "up" else g.out_edges(node)
            labels: dict[int, list[str]] = {}
            for e in edges:
                other = g.edge_src[e] if direction == "up" else g.edge_dst[e]
                edge = g.edge(e)
                labels.setdefault(other, []).append(edge.label() + (" (uncertain)" if edge.uncertain else ""))
            shown = 0
            for other, parts in labels.items():
                if shown >= MAX_CHILDREN:
                    tree.add(f"[dim]… {len(labels) - shown} more (see --json)[/dim]")
                    break
                shown += 1
                label = " · ".join(parts)
                if other in seen:
                    tree.add(f"{label} {analysis.name(g.ids[other])} [dim](cycle or already shown)[/dim]")
                    continue
                seen.add(other)
                child = tree.add(_node_line(analysis, g.ids[other], label))
                if level + 1 < depth:
                    walk(other, child, level + 1)

        walk(v, branch, 0)
        if not branch.children:
            branch.add("[dim]none known[/dim]")
    return root


@owners_app.command("show")
def show_cmd(
    entity: str = typer.Argument(..., help="Entity id, OFAC entry number, or exact name."),
    depth: int = typer.Option(2, "--depth", "-d", min=1, max=10, help="Levels up and down."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
    svg: Path | None = typer.Option(None, "--svg", help="Write an SVG picture to this file."),
    png: Path | None = typer.Option(None, "--png", help="Write a PNG picture to this file."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluate as of a date (YYYY-MM-DD)."),
    regime: list[str] = typer.Option([], "--regime", "-r", help="Only these regimes (us, eu, uk)."),
) -> None:
    """Ownership tree around ENTITY with each node's status per regime, and why."""
    from dataclasses import replace

    from olivebranch.cli.common import day as parse_day
    from olivebranch.cli.common import split, workspace
    from olivebranch.ownership.picture import write

    day = parse_day(as_of)
    ws = workspace()
    store = ws.store
    analysis = ws.ownership(day)
    wanted = [r.lower() for r in split(regime)]
    if wanted:
        unknown = [r for r in wanted if r not in analysis.results]
        if unknown:
            raise OliveBranchError(f"--regime: no ownership rule for {', '.join(unknown)} "
                                   f"(regimes with one: {', '.join(analysis.results)})")
        analysis = replace(analysis, params=analysis.params.for_regimes(wanted),
                           results={r: analysis.results[r] for r in wanted})
    eid = resolve_ref(store, entity, set(analysis.graph.ids), as_of=day)
    statuses = analysis.status(eid)
    for target in (svg, png):
        if target is not None:
            write(analysis, eid, target, depth=depth)
            if not as_json:
                console.print(f"picture written to {target}")
    if as_json:
        g = analysis.graph
        v = g.node(eid)
        nodes, edges = g.neighbourhood(v, depth) if v is not None else (set(), [])
        out = {
            "entity_id": eid,
            "name": analysis.name(eid),
            "as_of": day.isoformat() if day else None,
            "status": {r: st.to_dict() for r, st in statuses.items()},
            "rules": analysis.rules(),
            "nodes": [
                {
                    "entity_id": g.ids[u],
                    "name": analysis.name(g.ids[u]),
                    "status": {r: res.code(u) for r, res in analysis.results.items()},
                }
                for u in sorted(nodes)
            ],
            "edges": [g.edge(e).to_dict() for e in edges],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    console.print(_tree(analysis, eid, depth))
    for r, st in statuses.items():
        rule = analysis.params.regimes[r]
        console.print(f"\n{_badge(st)} — {rule.rule_id}: {rule.test}")
        for p in st.paths[:8]:
            console.print(f"  path: {p.text()}")
        for n in st.notes[:10]:
            console.print(f"  [dim]note:[/dim] {n}")
        console.print(f"  [dim]rule: {rule.instrument}; {rule.citation[0] if rule.citation else ''}[/dim]")


@owners_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="Ownership CSV (see docs/ownership-csv.md)."),
    no_resolve: bool = typer.Option(False, "--no-resolve", help="Keep name-only nodes as stubs."),
    published: str | None = typer.Option(None, help="Date the data was compiled (YYYY-MM-DD)."),
    source: str = typer.Option(
        "ownership_user", "--source",
        help="ownership_user (default; kept alongside the bundled chains) or ownership_csv "
        "(replaces the bundled chains).",
    ),
) -> None:
    """Store an ownership CSV as a new version (atomic; the previous import of the same
    source is deactivated, the bundled chains stay active)."""
    from olivebranch.ownership.importers import import_ownership_csv

    if source not in ("ownership_user", "ownership_csv"):
        raise typer.BadParameter("--source must be ownership_user or ownership_csv")
    report = import_ownership_csv(
        Store(), path, resolve=not no_resolve, published=_date(published), source=source
    )
    v = report.version
    console.print(f"[green]{v.source}[/green]: version {v.id}, {v.entity_count} entities from {path}")
    for res in report.resolutions:
        colour = "green" if res.entity_id else "yellow"
        console.print(f"  [{colour}]{res.describe()}[/{colour}]")
    for w in report.warnings:
        console.print(f"  [yellow]warning:[/yellow] {w}")


def register(app: typer.Typer) -> None:
    """Add ``owners`` to the main app."""
    app.add_typer(owners_app, name="owners")

"""A picture of the ownership graph around one entity: Graphviz ``dot`` -> SVG or PNG.

Nodes are coloured by their strongest status across the regimes shown (designated, blocked by
ownership or control, possibly owned, sectoral, clear); each node lists its status per regime;
edges carry the percentage (dashed: control, dotted: a link such as OFAC "Linked To").
``svg(...)`` returns SVG text for the web UI.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from olivebranch.errors import OliveBranchError
from olivebranch.ownership.analysis import OwnershipAnalysis
from olivebranch.ownership.graph import CONTROL, LINK

#: basis -> (rank, fill colour, legend)
COLOURS: dict[str | None, tuple[int, str, str]] = {
    "designated": (6, "#d62728", "designated (listed)"),
    "owned": (5, "#ff7f0e", "blocked: owned by listed persons"),
    "controlled": (5, "#ff9f4a", "blocked: controlled by listed persons"),
    "possibly_owned": (4, "#ffd54f", "possibly owned (unknown shares)"),
    "sectoral_designated": (3, "#9467bd", "sectoral list (SSI)"),
    "sectoral_owned": (2, "#c5b0d5", "sectoral via 50% rule"),
    "sectoral_possibly_owned": (1, "#e3d7ec", "possibly sectoral"),
    None: (0, "#e8f5e9", "clear"),
}
SHORT = {
    "designated": "listed",
    "owned": "owned",
    "controlled": "controlled",
    "possibly_owned": "possibly owned",
    "sectoral_designated": "SSI",
    "sectoral_owned": "SSI-owned",
    "sectoral_possibly_owned": "SSI?",
    None: "clear",
}


def _esc(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "‹").replace(">", "›")
    )


def _wrap(text: str, width: int = 28) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return "\\n".join(_esc(x) for x in lines[:3]) + ("…" if len(lines) > 3 else "")


def dot_source(
    analysis: OwnershipAnalysis,
    entity_id: str,
    *,
    depth: int = 2,
    regimes: list[str] | None = None,
    limit: int = 120,
) -> str:
    """Graphviz source for the neighbourhood of ``entity_id`` (``depth`` steps up and down)."""
    g = analysis.graph
    regimes = regimes or list(analysis.results)
    v = g.node(entity_id)
    nodes, edges = (g.neighbourhood(v, depth, limit=limit) if v is not None else ({-1}, []))
    lines = [
        "digraph ownership {",
        '  graph [rankdir=BT, fontname="Helvetica", fontsize=10, nodesep=0.3, ranksep=0.5];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=9, penwidth=1];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]
    used: set[str | None] = set()
    for u in sorted(nodes):
        eid = entity_id if u == -1 else g.ids[u]
        badges = []
        best: str | None = None
        for regime in regimes:
            res = analysis.results[regime]
            code = res.code(u) if u != -1 else res.status(eid).basis
            if code is None and u != -1 and res.sectoral_upper is not None and res.sectoral_upper.state[u]:
                code = "sectoral_possibly_owned"
            badges.append(f"{regime.upper()}: {SHORT.get(code, code)}")
            if COLOURS.get(code, COLOURS[None])[0] > COLOURS.get(best, COLOURS[None])[0]:
                best = code
        used.add(best)
        fill = COLOURS.get(best, COLOURS[None])[1]
        label = _wrap(analysis.name(eid)) + "\\n" + _esc(" · ".join(badges))
        extra = ', penwidth=3, color="#000000"' if eid == entity_id else ""
        lines.append(f'  n{u + 1} [label="{label}", fillcolor="{fill}", tooltip="{_esc(eid)}"{extra}];')
    for e in edges:
        kind = g.edge_kind[e]
        edge = g.edge(e)
        label = edge.label()
        style = "solid"
        if kind == CONTROL:
            style = "dashed"
        elif kind == LINK:
            style, label = "dotted", edge.role or "linked to"
        if edge.uncertain:
            label += " (uncertain)"
        lines.append(
            f'  n{g.edge_src[e] + 1} -> n{g.edge_dst[e] + 1} [label="{_esc(label)}", style={style}];'
        )
    lines.append("  subgraph cluster_legend {")
    lines.append('    label="legend"; fontsize=8; color="#bbbbbb";')
    for i, code in enumerate(c for c in COLOURS if c in used):
        _rank, fill, text = COLOURS[code]
        lines.append(f'    legend{i} [label="{_esc(text)}", fillcolor="{fill}", fontsize=8];')
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(source: str, fmt: str = "svg") -> bytes:
    """Run Graphviz ``dot``; ``fmt`` is ``svg`` or ``png``."""
    if fmt not in ("svg", "png"):
        raise OliveBranchError(f"picture format {fmt!r}: use svg or png")
    exe = shutil.which("dot")
    if exe is None:
        raise OliveBranchError("Graphviz 'dot' is not installed (apt-get install graphviz)")
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OliveBranchError("Graphviz took over 60 s; try a smaller --depth") from exc
    if proc.returncode != 0:
        raise OliveBranchError(f"Graphviz failed: {proc.stderr.decode(errors='replace')[:500]}")
    return proc.stdout


def svg(analysis: OwnershipAnalysis, entity_id: str, *, depth: int = 2, regimes: list[str] | None = None) -> str:
    """SVG text of the picture (for the web UI and reports)."""
    return render(dot_source(analysis, entity_id, depth=depth, regimes=regimes), "svg").decode("utf-8")


def write(
    analysis: OwnershipAnalysis, entity_id: str, path: Path, *, depth: int = 2, regimes: list[str] | None = None
) -> Path:
    """Write SVG or PNG (by file suffix) to ``path``."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "svg"
    path.write_bytes(render(dot_source(analysis, entity_id, depth=depth, regimes=regimes), fmt))
    return path

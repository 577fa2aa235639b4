"""Chart of deals by verdict per scenario: one panel per regime, a stacked bar per scenario."""

from __future__ import annotations

import io
from pathlib import Path

from olivebranch.context import EFFECTS
from olivebranch.errors import OliveBranchError
from olivebranch.regimes import registry
from olivebranch.scenarios.engine import Summary

COLOURS = {**{e.id: e.hex for e in registry().effects}, "n/a": "#bdbdbd"}
#: a hatch per verdict, by the effect's rank (0 = clear … 5 = prohibited), crossed for the
#: two worst, so the chart reads in black and white too (the pages' badges carry a symbol for
#: the same reason); "n/a" (the regime does not apply) stays plain grey. Lines only: dots and
#: circles make the SVG the pages inline ten times larger.
HATCH_BY_RANK = ("//", "--", "\\\\", "||", "++", "xx")
HATCHES = {e.id: HATCH_BY_RANK[e.rank] for e in registry().effects
           if 0 <= e.rank < len(HATCH_BY_RANK)}


def _hatch_colour(hex_: str) -> str:
    """White hatching on a dark bar, dark on a light one."""
    r, g, b = (int(hex_.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return "#ffffff" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "#1d2330"


def _figure(summary: Summary):  # -> matplotlib Figure
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    regimes = summary.regimes
    n = len(regimes)
    fig = Figure(figsize=(max(6.0, 2.6 * n), 4.2), layout="constrained")
    axes = fig.subplots(1, n, sharey=True, squeeze=False)[0]
    order = [*EFFECTS, "n/a"]
    x = list(range(len(summary.scenarios)))
    for ax, regime in zip(axes, regimes, strict=True):
        bottom = [0] * len(x)
        for verdict in order:
            values = [summary.counts[s][regime].get(verdict, 0) for s in summary.scenarios]
            if not any(values):
                continue
            ink = _hatch_colour(COLOURS[verdict])
            bars = ax.bar(x, values, bottom=bottom, color=COLOURS[verdict], label=verdict,
                          width=0.75, hatch=HATCHES.get(verdict), linewidth=0,
                          # matplotlib < 3.11 draws the hatch in the edge colour
                          **({"hatchcolor": ink} if hasattr(Patch, "set_hatchcolor")
                             else {"edgecolor": ink}))
            for i, bar in enumerate(bars.patches):  # named in the SVG (one per verdict)
                bar.set_gid(f"bar-{regime}-{verdict.replace('/', '')}-{i}")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(regime.upper())
        ax.set_xticks(x, summary.scenarios, rotation=60, ha="right", fontsize=7)
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_ylabel("deals")
    handles: dict[str, object] = {}
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    ordered = [v for v in order if v in handles]
    fig.legend([handles[v] for v in ordered], ordered, loc="outside right upper", fontsize=7)
    fig.suptitle(f"{summary.deals} deals by verdict per scenario", fontsize=10)
    return fig


def chart_svg(summary: Summary) -> str:
    """The chart as SVG text (for the web UI)."""
    buf = io.StringIO()
    _figure(summary).savefig(buf, format="svg")
    return buf.getvalue()


def write_chart(summary: Summary, path: str | Path) -> Path:
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise OliveBranchError(f"{path}: chart format must be .svg or .png")
    _figure(summary).savefig(path, format=fmt, dpi=150)
    return path

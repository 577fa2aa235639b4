"""The verdict chart (``scenario summary --chart`` and the scenario pages) reads in black and
white: every verdict's bars are filled with their own hatch pattern besides their colour, in the
SVG itself (what the pages inline and ``--chart x.svg`` writes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from olivebranch.context import EFFECTS
from olivebranch.scenarios.chart import chart_svg, write_chart
from olivebranch.scenarios.results import Summary

SVG = "{http://www.w3.org/2000/svg}"


def summary() -> Summary:
    """Two scenarios, two regimes, every verdict present somewhere (and "n/a")."""
    verdicts = [*EFFECTS, "n/a"]
    counts = {
        "status-quo": {"us": {v: i + 1 for i, v in enumerate(verdicts)},
                       "eu": {v: 2 for v in verdicts}},
        "relief": {"us": {"clear": 9, "risk": 3}, "eu": {"prohibited": 5, "n/a": 1}},
    }
    return Summary(deals=30, regimes=("us", "eu"), scenarios=["status-quo", "relief"],
                   titles={}, counts=counts, all_clear={"status-quo": 1, "relief": 2},
                   cleared_vs_base={}, obstacles=[])


def hatch_of_bars(svg: str) -> dict[str, set[str]]:
    """verdict -> the hatch pattern drawings (their path data) its bars are filled with."""
    root = ET.fromstring(svg)
    patterns = {}
    for pat in root.iter(f"{SVG}pattern"):
        drawing = " ".join(p.get("d", "") for p in pat.iter(f"{SVG}path"))
        patterns[pat.get("id")] = re.sub(r"\s+", " ", drawing).strip()
    out: dict[str, set[str]] = {}
    for g in root.iter(f"{SVG}g"):
        m = re.fullmatch(r"bar-(\w+)-([a-z_]+)-(\d+)", g.get("id") or "")
        if not m:
            continue
        verdict = {"na": "n/a"}.get(m.group(2), m.group(2))
        for p in g.iter(f"{SVG}path"):
            fill = re.search(r"fill:\s*url\(#([^)]+)\)", p.get("style", "")) or \
                re.search(r"url\(#([^)]+)\)", p.get("fill", ""))
            if fill:
                out.setdefault(verdict, set()).add(patterns[fill.group(1)])
    return out


def test_each_verdict_has_its_own_hatch_pattern_in_the_svg(tmp_path) -> None:
    svg = chart_svg(summary())
    hatches = hatch_of_bars(svg)
    assert set(hatches) == set(EFFECTS), sorted(hatches)  # every verdict; "n/a" stays plain
    for verdict, drawings in hatches.items():
        assert len(drawings) == 1, (verdict, drawings)  # one pattern per verdict everywhere
        assert next(iter(drawings)), verdict  # and it draws something
    drawings = [next(iter(d)) for d in hatches.values()]
    assert len(set(drawings)) == len(drawings), "two verdicts share a hatch pattern"
    # the file ``scenario summary --chart x.svg`` writes is the same drawing
    out = write_chart(summary(), tmp_path / "chart.svg")
    assert hatch_of_bars(out.read_text(encoding="utf-8")).keys() == hatches.keys()

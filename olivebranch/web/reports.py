"""The printable deal report (HTML, and PDF through headless Chromium) and the deal picture.

The report is one self-contained HTML page (styles and the SVG picture inline, no external
requests) so that it renders the same in a browser, when saved, and in the PDF. PDFs are
printed by Chromium through Playwright (``page.pdf``): a real layout engine, so what the
analyst sees on screen is what goes into the file.
"""

from __future__ import annotations

import html
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from olivebranch.errors import OliveBranchError
from olivebranch.present import PARTY_COLOURS, STATUS_RANK, party_status

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

class ReportError(OliveBranchError):
    """The report cannot be produced (e.g. no Chromium for the PDF)."""


def chromium_path() -> str | None:
    """The Chromium executable: ``OLIVEBRANCH_CHROMIUM`` or the Debian locations."""
    env = os.environ.get("OLIVEBRANCH_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def deal_dot(deal: Any, verdict: Any) -> str:
    """Graphviz source: parties coloured by their strongest status, stakes (after the deal)
    as edges with before → after, parties without a stake tied to the asset by their role."""
    lines = [
        "digraph deal {",
        '  graph [rankdir=BT, fontname="Helvetica", fontsize=10, nodesep=0.35, ranksep=0.55, bgcolor="transparent"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=9, color="#7a8494"];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
        f'  asset [shape=ellipse, fillcolor="#e6eef8", label={_q(deal.asset.name + chr(10) + deal.asset.country.upper())}];',
    ]
    in_stakes = {s.holder for s in deal.stakes} | {s.in_ for s in deal.stakes}
    used: set[str] = set()
    for p in deal.parties:
        st = party_status(verdict.parties.get(p.id, {}))
        used.add(st)
        fill, label = PARTY_COLOURS[st]
        text = f"{p.name}\n{p.role} · {p.jurisdiction.upper()}\n{label}"
        lines.append(f"  {_q(p.id)} [fillcolor={_q(fill)}, label={_q(text)}];")
        if p.id not in in_stakes:
            lines.append(f"  {_q(p.id)} -> asset [style=dashed, label={_q(p.role)}];")
    targets = {s.in_ for s in deal.stakes}
    for t in targets:
        if not any(s.holder == t for s in deal.stakes):
            lines.append(f"  {_q(t)} -> asset [style=dotted, arrowhead=none];")
    for s in deal.stakes:
        label = f"{s.after:g}%" if s.before == s.after else f"{s.before:g}% → {s.after:g}%"
        style = "dashed" if s.after == 0 else "solid"
        lines.append(f"  {_q(s.holder)} -> {_q(s.in_)} [label={_q(label)}, style={style}];")
    legend = " | ".join(PARTY_COLOURS[k][1] for k in STATUS_RANK if k in used)
    lines.append(f'  labelloc=b; label={_q("parties by strongest status: " + legend)};')
    lines.append("}")
    return "\n".join(lines)


def deal_picture_svg(deal: Any, verdict: Any) -> str:
    """The deal picture as inline SVG; a short note instead if Graphviz is missing."""
    from olivebranch.ownership.picture import render

    try:
        svg = render(deal_dot(deal, verdict), "svg").decode("utf-8")
    except OliveBranchError as exc:
        return f'<p class="muted">{html.escape(str(exc))}</p>'
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def generated_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def html_to_pdf(page_html: str, *, timeout_ms: int = 60_000) -> bytes:
    """Print HTML to an A4 PDF with headless Chromium (Playwright, Debian's chromium)."""
    exe = chromium_path()
    if exe is None:
        raise ReportError("no Chromium found for PDF output (apt-get install chromium, or set "
                          "OLIVEBRANCH_CHROMIUM); the HTML report works without it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(page_html, wait_until="load", timeout=timeout_ms)
            pdf = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
                    "olivebranch deal report · not legal advice · page "
                    '<span class="pageNumber"></span>/<span class="totalPages"></span></div>'
                ),
            )
        finally:
            browser.close()
    return pdf

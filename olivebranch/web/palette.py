"""One colour scale for verdicts: the registry's ``effects`` (``data/regimes.yaml``, the hex
the scenario chart and the XLSX exports use) turned into the pale backgrounds and dark text the
pages, badges and PDF reports use, each pair checked for WCAG AA contrast (4.5:1). Served as
``/theme/verdicts.css`` after ``style.css``, and inlined in the printable report."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from fastapi.responses import Response

from olivebranch.regimes import registry

router = APIRouter(include_in_schema=False)
#: what a verdict looks like without colour: a symbol before its label (badges, legend, heat
#: map), by the effect's rank (0 = clear … 5 = prohibited in data/regimes.yaml)
SYMBOLS = ("✓", "?", "◐", "⌂", "§", "✕")


def _rgb(hex_: str) -> tuple[float, float, float]:
    h = hex_.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(1, c)) * 255):02x}" for c in rgb)


def _mix(a: tuple[float, float, float], b: tuple[float, float, float], t: float) -> tuple[float, float, float]:
    return tuple(x * (1 - t) + y * t for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _lum(rgb: tuple[float, float, float]) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_lum(_rgb(a)), _lum(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shades(hex_: str) -> tuple[str, str]:
    """(background tint, text ink) of one scale colour: the tint is the colour at 28% on
    white; the ink is darkened until it reads at 4.5:1 or better on the tint."""
    base = _rgb(hex_)
    tint = _hex(_mix((1.0, 1.0, 1.0), base, 0.28))
    t = 0.35
    ink = _hex(_mix(base, (0.0, 0.0, 0.0), t))
    while contrast(ink, tint) < 4.6 and t < 0.95:
        t += 0.05
        ink = _hex(_mix(base, (0.0, 0.0, 0.0), t))
    return tint, ink


@lru_cache(maxsize=1)
def stylesheet() -> str:
    lines = ["/* generated from data/regimes.yaml effects (olivebranch.web.palette) */"]
    rules = []
    for e in registry().effects:
        tint, ink = shades(e.hex)
        lines.append(f".v-{e.id} {{ background: {tint}; color: {ink}; }}")
        symbol = SYMBOLS[e.rank] if 0 <= e.rank < len(SYMBOLS) else None
        if symbol:
            rules.append(f'.badge.v-{e.id}::before, .legend .v-{e.id}::before, '
                         f'.verdict.v-{e.id} .effect::before, td.cell.v-{e.id} a::before '
                         f'{{ content: "{symbol} "; }}')
            rules.append(f".finding.e-{e.id} {{ border-color: {e.hex}; }}")
    return "\n".join(lines + rules) + "\n"


@router.get("/theme/verdicts.css")
def verdicts_css() -> Response:
    return Response(stylesheet(), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})

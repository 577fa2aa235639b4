"""Shared helpers for the matching benches: the labelled data and a store with the bundled lists.

The eval files are looked up in ``$OLIVEBRANCH_EVAL``, then ``../shared/eval`` beside the
repository, then the copy bundled in ``data/match/eval`` (so a fresh clone runs offline).
The store is ``--db`` if given, else ``var/bench-match.sqlite`` (created and filled with
``olivebranch lists load-bundled`` on first use).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from olivebranch.paths import DATA_DIR, REPO_DIR
from olivebranch.store import Store


def eval_dir() -> Path:
    env = os.environ.get("OLIVEBRANCH_EVAL")
    for cand in (Path(env) if env else None, REPO_DIR.parent / "shared" / "eval",
                 DATA_DIR / "match" / "eval"):
        if cand is not None and (cand / "screening_dev.csv").exists():
            return cand
    raise SystemExit("no eval data found (set OLIVEBRANCH_EVAL)")


def bench_store(url: str | None = None) -> Store:
    """A store with every bundled list imported (imported once, then reused)."""
    if url is None:
        path = REPO_DIR / "var" / "bench-match.sqlite"
        url = f"sqlite:///{path}"
    store = Store(url)
    if not store.active_versions():
        from olivebranch.lists.importer import import_bundled

        t = time.perf_counter()
        print(f"importing bundled lists into {url} …", flush=True)
        import_bundled(store)
        print(f"  done in {time.perf_counter() - t:.1f} s", flush=True)
    return store


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table (benches print figures, no rich needed)."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if n and _num(c) else c.ljust(w)
                               for c, w in zip(r, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(c: object) -> str:
    if isinstance(c, float):
        return f"{c:.3f}"
    return str(c)


def _num(c: str) -> bool:
    try:
        float(c.rstrip("%"))
        return True
    except ValueError:
        return False

"""Results as tables, written as CSV, XLSX or JSON lines: one module for the CLI, the API's
downloads and the web UI.

A :class:`Table` is a title, column names and rows of plain cells (text, numbers, booleans,
dates, None; lists are joined with ``"; "``). Builders turn olivebranch's results into tables:

* :func:`heatmap_table` — verdict per deal × regime × scenario (one row per scenario and deal),
* :func:`verdicts_table` — verdict per deal × regime under one scenario (``assess --all``),
* :func:`findings_table` — a deal's findings with instrument, citation and evidence,
* :func:`comparison_table` — what moves from scenario A to scenario B, deal by deal,
* :func:`summary_tables` — clear counts per scenario and the top remaining obstacles,
* :func:`unlock_table` — the "what would it take" list (steps that would clear a deal),
* :func:`screening_table` — batch screening results (one row per result).

:func:`render` turns tables into bytes of a format; :func:`write` writes them to a path or to
standard output (``-``), choosing the format from ``--format`` or the file's extension
(:func:`choose_format`). CSV is UTF-8 (with a byte-order mark on request, which Excel needs
to read UTF-8); XLSX has one sheet per table, a bold frozen header, and verdict cells
coloured with the regimes' effect colours; JSON lines has one object per row.

Cells are written as data, never as formulas: text that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@`` first; names in sanctions lists are not ours to trust) is
prefixed with ``'`` in CSV and stored as text in XLSX.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from olivebranch.errors import InvalidInput

FORMATS = ("csv", "xlsx", "jsonl")
#: file extension -> format
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Table:
    """A titled table of plain cells. ``name`` names the XLSX sheet and download file;
    ``verdict_columns`` are the columns whose cells are verdicts (coloured in XLSX);
    ``notes`` are lines about the table (date, scenario), written to the workbook's "about"
    sheet so that every table sheet stays a clean table."""

    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)
    verdict_columns: set[str] = field(default_factory=set)

    def records(self) -> list[dict[str, Any]]:
        """The rows as mappings column -> cell (JSON lines, the web UI)."""
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]


# ---------------------------------------------------------------------------- formats
def choose_format(dest: str | Path | None, fmt: str | None = None, *,
                  default: str = "jsonl", allowed: Sequence[str] = FORMATS) -> str:
    """The output format: ``fmt`` if given, else the extension of ``dest`` (``.csv``,
    ``.xlsx``, ``.jsonl``/``.ndjson``), else ``default``. An unknown format or extension is an
    :class:`InvalidInput` naming the choices."""
    if fmt:
        f = fmt.strip().lower().lstrip(".")
        f = {"ndjson": "jsonl", "excel": "xlsx"}.get(f, f)
        if f not in allowed:
            raise InvalidInput(f"--format: unknown format {fmt!r} ({', '.join(allowed)})")
        return f
    if dest is not None and str(dest) != "-":
        suffix = Path(str(dest)).suffix.lower()
        if suffix in EXTENSIONS and EXTENSIONS[suffix] in allowed:
            return EXTENSIONS[suffix]
        if suffix:
            known = ", ".join(s for s, f in EXTENSIONS.items() if f in allowed)
            raise InvalidInput(f"{dest}: cannot tell the format from the extension {suffix!r} "
                               f"({known}); give --format")
    return default


def cell_text(value: Any) -> str:
    """A cell as text (CSV): lists joined with "; ", mappings as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table, *, bom: bool = False, safe: bool = True) -> bytes:
    """One table as CSV (RFC 4180, ``\\r\\n`` line ends), UTF-8 with a BOM if ``bom``.
    ``safe=False`` keeps text exactly (a file for a program, e.g. a batch's input, not for a
    spreadsheet)."""
    guard = _safe if safe else str
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([guard(c) for c in table.columns])
    for row in table.rows:
        w.writerow([guard(cell_text(c)) if not isinstance(c, int | float) or isinstance(c, bool)
                    else cell_text(c) for c in row])
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def _json_cell(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return [_json_cell(v) for v in value]
    return value


def to_jsonl(table: Table) -> bytes:
    """One JSON object per row, keys the column names."""
    lines = [json.dumps({k: _json_cell(v) for k, v in rec.items()}, ensure_ascii=False,
                        default=str) for rec in table.records()]
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("-", name).strip("'")[:31] or "table"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = cell_text(value)
    return _ILLEGAL_XML.sub("", text)[:32767]


def to_xlsx(tables: Table | Sequence[Table]) -> bytes:
    """Tables as one workbook: a sheet per table (header bold and frozen, filters on, widths
    fitted, verdict cells filled with the effect colours), and an "about" sheet with each
    table's title and notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from olivebranch.regimes import registry

    tables = [tables] if isinstance(tables, Table) else list(tables)
    fills = {e.id: PatternFill("solid", fgColor=e.hex.lstrip("#").upper())
             for e in registry().effects}
    dark = {e.id for e in registry().effects if e.rank in (0, 5, 4)}
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.name, used))
        ws.append([_xlsx_value(c) for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        coloured = [i for i, c in enumerate(table.columns) if c in table.verdict_columns]
        widths = [len(str(c)) for c in table.columns]
        for r, row in enumerate(table.rows, start=2):
            for i, value in enumerate(row):
                v = _xlsx_value(value)
                cell = ws.cell(row=r, column=i + 1, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"  # text, even when it starts with "="
                    if i < len(widths):
                        widths[i] = max(widths[i], min(len(v), 80))
                if i in coloured and isinstance(value, str) and value in fills:
                    cell.fill = fills[value]
                    if value in dark:
                        cell.font = Font(color="FFFFFF")
        ws.freeze_panes = "A2"
        if table.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(len(table.rows) + 1, 1)}"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(8, min(w + 2, 60))
    about = wb.create_sheet(_sheet_title("about", used))
    about.append(["sheet", "title", "rows", "notes"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for table, ws in zip(tables, wb.worksheets, strict=False):
        about.append([ws.title, _xlsx_value(table.title), len(table.rows),
                      _xlsx_value("; ".join(table.notes))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(tables: Table | Sequence[Table], fmt: str, *, bom: bool = False) -> bytes:
    """Tables as bytes of ``fmt``. CSV and JSON lines hold one table each: several tables are
    written one after the other (CSV: a blank line and the next header; JSON lines: each
    object gets a ``table`` key)."""
    tables = [tables] if isinstance(tables, Table) else list(tables)
    if fmt == "xlsx":
        return to_xlsx(tables)
    if fmt == "csv":
        parts = [to_csv(t, bom=bom and i == 0) for i, t in enumerate(tables)]
        return b"\r\n".join(parts)
    if fmt == "jsonl":
        if len(tables) == 1:
            return to_jsonl(tables[0])
        out = []
        for t in tables:
            out += [json.dumps({"table": t.name, **{k: _json_cell(v) for k, v in rec.items()}},
                               ensure_ascii=False, default=str) for rec in t.records()]
        return ("\n".join(out) + "\n").encode("utf-8")
    raise InvalidInput(f"unknown format {fmt!r} ({', '.join(FORMATS)})")


def write(tables: Table | Sequence[Table], dest: str | Path, fmt: str | None = None, *,
          bom: bool = False, stdout: BinaryIO | None = None) -> str:
    """Write tables to ``dest`` (``-``: standard output) in ``fmt`` or the format of the
    extension (JSON lines for ``-`` without ``--format``). XLSX goes to standard output only
    when it is not a terminal. Returns the format written."""
    to_stdout = str(dest) == "-"
    chosen = choose_format(None if to_stdout else dest, fmt)
    if to_stdout:
        out = stdout if stdout is not None else sys.stdout.buffer
        if chosen == "xlsx" and _isatty(out):
            raise InvalidInput("XLSX is binary: redirect standard output to a file "
                               "(… > results.xlsx) or give --output FILE.xlsx")
        out.write(render(tables, chosen, bom=bom))
        out.flush()
        return chosen
    path = Path(dest)
    data = render(tables, chosen, bom=bom)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"{path}: cannot write the file ({exc.strerror})") from None
    return chosen


#: the most rows a worksheet holds (XLSX), header included
XLSX_MAX_ROWS = 1_048_576


def stream(columns: Sequence[str], rows: Iterable[Sequence[Any]], dest: str | Path,
           fmt: str | None = None, *, name: str = "results", bom: bool = False,
           stdout: BinaryIO | None = None) -> int:
    """Write one large table row by row (batch results): CSV and JSON lines stream; XLSX
    uses openpyxl's write-only mode (no styling, constant memory per row) and refuses more
    rows than a worksheet holds. Returns the rows written."""
    to_stdout = str(dest) == "-"
    chosen = choose_format(None if to_stdout else dest, fmt)
    if to_stdout:
        out = stdout if stdout is not None else sys.stdout.buffer
        if chosen == "xlsx" and _isatty(out):
            raise InvalidInput("XLSX is binary: redirect standard output to a file "
                               "(… > results.xlsx) or give --output FILE.xlsx")
        return _stream_to(out, columns, rows, chosen, name, bom)
    path = Path(dest)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            n = _stream_to(f, columns, rows, chosen, name, bom)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _stream_to(out: BinaryIO, columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str,
               name: str, bom: bool) -> int:
    n = 0
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_sheet_title(name, set()))
        ws.freeze_panes = "A2"
        ws.append(list(columns))
        for row in rows:
            if n + 2 > XLSX_MAX_ROWS:
                raise InvalidInput(f"more than {XLSX_MAX_ROWS - 1:,} rows do not fit in one "
                                   "XLSX worksheet; write CSV or JSON lines instead")
            cells = []
            for value in row:
                v = _xlsx_value(value)
                cell = WriteOnlyCell(ws, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
            n += 1
        buf = io.BytesIO()
        wb.save(buf)
        out.write(buf.getvalue())
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="",
                                write_through=True)
        try:
            w = csv.writer(text)
            w.writerow([_safe(c) for c in columns])
            for row in rows:
                w.writerow([_safe(cell_text(c)) if not isinstance(c, int | float) or
                            isinstance(c, bool) else cell_text(c) for c in row])
                n += 1
            text.flush()
        finally:
            text.detach()
    else:
        for row in rows:
            rec = {k: _json_cell(v) for k, v in zip(columns, row, strict=False)}
            out.write((json.dumps(rec, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
            n += 1
    out.flush()
    return n


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# ----------------------------------------------------------------------------- builders
def _label(effect: str) -> str:
    from olivebranch.regimes import registry

    try:
        return registry().effect(effect).label
    except (KeyError, ValueError):
        return effect


def heatmap_table(matrix: Any, *, titles: Mapping[str, str] | None = None) -> Table:
    """The heat map: one row per scenario and deal, one verdict column per regime.
    ``matrix`` has ``runs`` (scenario runs) and ``regimes`` (``Workspace.matrix``)."""
    regimes = list(matrix.regimes)
    rows = []
    as_of = None
    for run in matrix.runs:
        as_of = as_of or run.ctx.as_of
        for deal_id in run.verdicts:
            title = (titles or {}).get(deal_id) or run.titles.get(deal_id, deal_id)
            rows.append([run.name, deal_id, title, *[run.verdict(deal_id, r) for r in regimes]])
    return Table("heatmap", ["scenario", "deal", "title", *regimes], rows,
                 title="Verdict per deal, regime and scenario",
                 notes=[f"as of {as_of}" if as_of else "", _legend()],
                 verdict_columns=set(regimes))


def _legend() -> str:
    from olivebranch.regimes import registry

    return "verdicts: " + ", ".join(f"{e.id} = {e.label}" for e in registry().effects)


def verdicts_table(verdicts: Iterable[Any], regimes: Sequence[str]) -> Table:
    """Verdict per deal and regime under one scenario (``DealVerdict`` objects or their
    ``to_dict()``), with the findings that block each deal."""
    rows = []
    scenario = as_of = None
    for v in verdicts:
        d = v if isinstance(v, Mapping) else v.to_dict()
        scenario, as_of = d.get("scenario"), d.get("as_of")
        regs = d.get("regimes", {})
        blocking = sorted({f"{r}:{f['rule_id']}" for r in regimes
                           for f in regs.get(r, {}).get("findings", [])
                           if f.get("effect") not in ("clear", "risk")})
        rows.append([d["deal_id"], d.get("title", ""),
                     *[regs.get(r, {}).get("verdict") for r in regimes], blocking])
    return Table("verdicts", ["deal", "title", *regimes, "blocked by"], rows,
                 title=f"Verdicts under {scenario}" if scenario else "Verdicts",
                 notes=[f"scenario {scenario}", f"as of {as_of}", _legend()],
                 verdict_columns=set(regimes))


FINDING_COLUMNS = ["regime", "regime verdict", "rule", "effect", "title", "party", "instrument",
                   "article", "citation", "confidence", "lifted by", "licence", "text",
                   "list entries", "ownership paths", "facts"]


def findings_table(verdict: Any) -> Table:
    """A deal's findings, one row per finding (a regime without findings gets one row with
    its verdict), with the list entries, ownership paths and facts each rests on.
    ``verdict`` is a ``DealVerdict`` or its ``to_dict()`` (the API's assessment)."""
    d = verdict if isinstance(verdict, Mapping) else verdict.to_dict()
    rows = []
    for regime, rv in d.get("regimes", {}).items():
        findings = rv.get("findings") or []
        if not findings:
            rows.append([regime, rv.get("verdict"), None, None, "no rule fired", *[None] * 11])
        for f in findings:
            ev = f.get("evidence") or []
            entries = sorted({f"{e.get('source')} {e.get('source_id') or ''} "
                              f"{e.get('caption') or ''} ({e.get('entity_id')})".replace("  ", " ")
                              for e in ev if e.get("kind") == "list_entry"})
            paths = [str(e.get("path")) for e in ev if e.get("kind") == "ownership_path"]
            facts = [f"{e.get('fact')} = {e.get('value')}" for e in ev if e.get("kind") == "fact"]
            rows.append([regime, rv.get("verdict"), f.get("rule_id"), f.get("effect"),
                         f.get("title"), f.get("party"), f.get("instrument"), f.get("article"),
                         f.get("citation"), f.get("confidence"), f.get("lifted_by"),
                         f.get("licence"), f.get("text"), entries, paths, facts])
    return Table(f"findings {d.get('deal_id', '')}".strip(), FINDING_COLUMNS, rows,
                 title=f"{d.get('title', '')} ({d.get('deal_id', '')}): findings",
                 notes=[f"scenario {d.get('scenario')}", f"as of {d.get('as_of')}", _legend()],
                 verdict_columns={"regime verdict", "effect"})


def all_findings_table(verdicts: Iterable[Any]) -> Table:
    """The findings of several deals as one table (a ``deal`` column first)."""
    rows: list[list[Any]] = []
    notes: list[str] = []
    for v in verdicts:
        d = v if isinstance(v, Mapping) else v.to_dict()
        notes = [f"scenario {d.get('scenario')}", f"as of {d.get('as_of')}", _legend()]
        rows += [[d.get("deal_id"), *row] for row in findings_table(d).rows]
    return Table("findings", ["deal", *FINDING_COLUMNS], rows, title="Findings per deal",
                 notes=notes, verdict_columns={"regime verdict", "effect"})


def comparison_table(run_a: Any, run_b: Any, *, only_moved: bool = False) -> Table:
    """What moves from scenario run A to run B: per deal, each regime's verdict under A and
    B, the moves, and what still blocks under B."""
    regimes = list(run_b.regimes)
    cols = ["deal", "title"]
    for r in regimes:
        cols += [f"{r} ({run_a.name})", f"{r} ({run_b.name})"]
    verdict_cols = set(cols[2:])
    cols += ["moved", "still blocked by (rule · lifted by)"]
    rows = []
    for deal_id in run_b.verdicts:
        if deal_id not in run_a.verdicts:
            continue
        cells: list[Any] = []
        moves = []
        for r in regimes:
            a, b = run_a.verdict(deal_id, r), run_b.verdict(deal_id, r)
            cells += [a, b]
            if a != b:
                moves.append(f"{r}: {a} → {b}")
        if only_moved and not moves:
            continue
        blockers = [f"{x.regime}:{x.rule_id} · {x.lifted_by}" for x in run_b.blockers(deal_id)]
        rows.append([deal_id, run_b.titles.get(deal_id, deal_id), *cells, moves, blockers])
    return Table(f"{run_a.name} vs {run_b.name}", cols, rows,
                 title=f"{run_a.name} → {run_b.name}",
                 notes=[f"as of {run_b.ctx.as_of}", _legend()],
                 verdict_columns=verdict_cols)


def summary_tables(summary: Any) -> list[Table]:
    """``scenarios.engine.summarise``'s result as two tables: deals clear and not blocked
    per scenario and regime, and the remaining obstacles."""
    regimes = list(summary.regimes)
    cols = ["scenario"]
    for r in regimes:
        cols += [f"{r} clear", f"{r} not blocked", f"{r} newly clear"]
    cols.append("not blocked anywhere")
    rows = []
    for s in summary.scenarios:
        cells: list[Any] = [s]
        for r in regimes:
            cells += [summary.clear(s, r), summary.unblocked(s, r),
                      summary.cleared_vs_base.get(s, {}).get(r, 0)]
        cells.append(summary.all_clear[s])
        rows.append(cells)
    counts = Table("summary", cols, rows, title=f"{summary.deals} deals per scenario and regime",
                   notes=["not blocked = clear or risk only; newly clear vs status-quo"])
    obstacles = Table("obstacles", ["rule", "lifted by", "deals", "scenarios"],
                      [[o.rule_id, o.lifted_by, o.deals, list(o.scenarios)]
                       for o in summary.obstacles],
                      title="Top remaining obstacles under the relief scenarios")
    return [counts, obstacles]


#: the "what would it take" list: one row per move of each path that unlocks a deal
UNLOCK_COLUMNS = ["deal", "regime", "verdict now", "target", "path", "path cost",
                  "verdict after", "move", "kind", "who", "what", "rules", "still firing",
                  "scenario changes"]


def unlock_table(unlocks: Any, *, title: str = "What would it take") -> Table:
    """The "what would it take" answer (``olivebranch.unlock.Unlock`` or its ``as_dict()``,
    or several) as a table: for each deal and regime, each path (cheapest first, numbered)
    with one row per move and who can make it; a regime with nothing in the way gets one
    row saying so. "scenario changes" holds each move as scenario-file changes (JSON), so a
    path can be replayed with ``scenario run``."""
    items = unlocks if isinstance(unlocks, list | tuple) else [unlocks]
    rows: list[list[Any]] = []
    notes: list[str] = []
    for u in items:
        d = u if isinstance(u, Mapping) else u.as_dict()
        notes = [f"as of {d.get('as_of')}", f"target {d.get('target')}",
                 *([f"from scenario {d['baseline']}"] if d.get("baseline") else []),
                 "paths cheapest first; each move's rows share the path number", _legend()]
        actors = d.get("actors") or {}
        for regime, r in (d.get("regimes") or {}).items():
            head = [d.get("deal"), regime, r.get("verdict"), r.get("target")]
            paths = r.get("paths") or []
            if not paths:
                what = ("nothing in the way" if r.get("unlocked_already")
                        else r.get("note") or "no path found")
                rows.append([*head, None, None, None, None, None, None, what, [], [], []])
            for n, p in enumerate(paths, start=1):
                for m in p.get("moves") or []:
                    who = m.get("actor_title") or actors.get(m.get("actor")) or m.get("actor")
                    changes = [json.dumps(c, ensure_ascii=False, sort_keys=True)
                               for c in m.get("changes") or []]
                    rows.append([*head, n, p.get("cost"), p.get("verdict_after"),
                                 m.get("move"), m.get("kind"), who, m.get("what"),
                                 m.get("rules") or [], p.get("still_firing") or [], changes])
    return Table("unlock", list(UNLOCK_COLUMNS), rows, title=title, notes=notes,
                 verdict_columns={"verdict now", "verdict after", "target"})


SCREENING_COLUMNS = ["id", "line", "error", "rank", "score", "match", "entity_id", "caption",
                     "schema", "source", "source_id", "programs", "datasets", "explanation"]


def screening_rows(records: Iterable[Mapping[str, Any]]) -> Iterable[list[Any]]:
    """Batch screening records (the JSON lines ``screen --input`` writes) as rows: one per
    result, a row without results for a row without hits or with an error."""
    for rec in records:
        results = rec.get("results") or []
        head = [rec.get("id"), rec.get("line"), rec.get("error")]
        if not results:
            yield [*head, None, None, None, None, None, None, None, None, None, None, None]
        for rank, r in enumerate(results, start=1):
            yield [*head, rank, r.get("score"), r.get("match"), r.get("entity_id"),
                   r.get("caption"), r.get("schema"), r.get("source"), r.get("source_id"),
                   r.get("programs"), r.get("datasets"), r.get("explanation")]


def screening_table(records: Iterable[Mapping[str, Any]]) -> Table:
    """Batch screening results as one table (see :func:`screening_rows`)."""
    return Table("screening", list(SCREENING_COLUMNS), list(screening_rows(records)),
                 title="Screening results (one row per result)")


def batch_work_path(dest: str | Path, fmt: str) -> Path | None:
    """Where a batch writes its JSON lines before they become ``fmt`` at ``dest``: ``dest``
    itself for a JSON lines file (None: nothing to convert), else ``DEST.jsonl`` beside it
    (kept between runs, so an interrupted batch continues), or a file in the temporary
    directory for standard output."""
    if str(dest) == "-":
        import tempfile

        return Path(tempfile.mkdtemp(prefix="olivebranch-batch-")) / "results.jsonl"
    if fmt == "jsonl":
        return None
    return Path(dest).with_name(Path(dest).name + ".jsonl")


def finish_batch(work: Path | None, dest: str | Path, fmt: str, *, bom: bool = False,
                 stdout: BinaryIO | None = None) -> int:
    """Turn a finished batch's JSON lines (``work``) into ``fmt`` at ``dest`` (one row per
    result, :data:`SCREENING_COLUMNS`) and remove them. Returns the rows written."""
    if work is None:
        return 0
    if str(dest) == "-" and fmt == "jsonl":
        out = stdout if stdout is not None else sys.stdout.buffer
        with work.open("rb") as f:
            import shutil

            shutil.copyfileobj(f, out)
        out.flush()
        n = 0
    else:
        n = stream(SCREENING_COLUMNS, screening_rows(read_jsonl(work)), dest, fmt,
                   name="screening", bom=bom, stdout=stdout)
    work.unlink(missing_ok=True)
    if str(dest) == "-":
        try:
            work.parent.rmdir()
        except OSError:
            pass
    return n


def entities_table(entities: Iterable[Mapping[str, Any]], *, name: str = "entities") -> Table:
    """FollowTheMoney entity dicts (``olivebranch export``) as one table: id, schema, caption,
    datasets, referents, then a column per property (the most used first), values joined."""
    items = list(entities)
    counts: dict[str, int] = {}
    for e in items:
        for prop in (e.get("properties") or {}):
            counts[prop] = counts.get(prop, 0) + 1
    props = sorted(counts, key=lambda p: (-counts[p], p))
    rows = [[e.get("id"), e.get("schema"), e.get("caption"), e.get("datasets") or [],
             e.get("referents") or [], *[(e.get("properties") or {}).get(p) or [] for p in props]]
            for e in items]
    return Table(name, ["id", "schema", "caption", "datasets", "referents", *props], rows,
                 title="Entities of the lists in force")


#: the most rows :func:`read_upload` reads from one file
UPLOAD_MAX_ROWS = 1_000_000


def read_upload(data: bytes, filename: str | None = None, *,
                max_rows: int = UPLOAD_MAX_ROWS) -> Table:
    """A table a person uploaded (batch screening): XLSX (the first sheet) or CSV (UTF-8,
    with or without a BOM; comma, semicolon or tab separated, as spreadsheets in different
    locales write it). The first row is the header; cells are text, empty rows are
    skipped. Errors name the file and the row (:class:`InvalidInput`)."""
    name = filename or "upload"
    if data[:2] == b"PK" or name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name, max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {exc.start}); save it as "
                           "\"CSV UTF-8\" or as XLSX") from None
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise InvalidInput(f"{name}: no header row (the first row names the columns)")
        rows = []
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(rows) >= max_rows:
                raise InvalidInput(f"{name}: more than {max_rows:,} rows")
            rows.append(row)
    except csv.Error as exc:
        raise InvalidInput(f"{name}, row {reader.line_num}: {exc}") from None
    return Table(Path(name).stem or "upload", [h.strip() for h in header], rows, title=name)


def _read_xlsx(data: bytes, name: str, max_rows: int) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(f"{name}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if not header or not any(h is not None and str(h).strip() for h in header):
            raise InvalidInput(f"{name}: no header row (the first row names the columns)")
        rows = []
        for row in it:
            cells = ["" if v is None else cell_text(_day(v)) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                raise InvalidInput(f"{name}: more than {max_rows:,} rows")
            rows.append(cells)
    finally:
        wb.close()
    return Table(Path(name).stem or "upload", ["" if h is None else str(h).strip()
                                               for h in header], rows, title=name)


def _day(value: Any) -> Any:
    """A spreadsheet date (a datetime at midnight) as the date it stands for."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def read_jsonl(path: str | Path) -> Iterable[dict[str, Any]]:
    """The records of a JSON lines file, lazily."""
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


__all__ = [
    "EXTENSIONS", "FORMATS", "MEDIA_TYPES", "Table", "batch_work_path", "cell_text",
    "all_findings_table", "choose_format", "comparison_table", "entities_table", "findings_table", "finish_batch", "heatmap_table", "read_jsonl", "render",
    "read_upload", "screening_rows", "screening_table", "stream", "summary_tables", "to_csv", "to_jsonl", "to_xlsx",
    "unlock_table", "verdicts_table", "write",
]

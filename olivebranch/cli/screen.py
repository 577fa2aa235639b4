"""``olivebranch screen`` and ``olivebranch compare``: is this party on a list, and why?"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.errors import OliveBranchError

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex
    from olivebranch.workspace import Workspace

console = Console()
err_console = Console(stderr=True)


def _as_of(value: str | None) -> date | None:
    from olivebranch.cli.common import day

    return day(value)


def _index(as_of: date | None) -> MatchIndex:
    """The screening index of the workspace: the active lists, or those in force on a day."""
    return _screening(as_of)[1]


def _screening(as_of: date | None) -> tuple[Workspace, MatchIndex]:
    from olivebranch.cli.common import workspace

    ws = workspace()
    if not ws.store.active_versions(as_of):
        raise OliveBranchError("no lists imported yet: run `olivebranch lists load-bundled`")
    with err_console.status("loading the screening index …"):
        return ws, ws.snapshots.current_index() if as_of is None else ws.index(as_of)


def counting(ws: Workspace, as_of: date | None, results: list[Any]) -> dict[str, list[str]]:
    """How each result's listings count on the day (``us: blocking``, ``superseded by
    gb_fcdo``), from the same listing snapshot verdicts read: a party's from all its
    records."""
    from olivebranch.lists import registry as sources

    listings = ws.listings(as_of)
    listings.prefetch(rid for r in results for rid in _record_ids(r))
    out: dict[str, list[str]] = {}
    for r in results:
        rows = sorted({f"{x.regime}: {x.kind}" for rid in _record_ids(r)
                       for x in listings.of_party(rid)})
        for src in r.sources:
            if src in listings.dropped:
                sup = sources()[src].superseded
                rows.append(f"superseded by {sup.by}" if sup else "superseded")
        out[r.entity_id] = rows or ["not in force on the day"]
    return out


def _record_ids(r: Any) -> list[str]:
    return [x.entity_id for x in getattr(r, "records", ())] or [r.entity_id]


def _listing_lines(r: Any) -> list[str]:
    """One line per listing of a party result: source, programme, record number, date."""
    rows = getattr(r, "listings", None)
    if not rows:
        return [f"{src}" for src in r.sources]
    return [" · ".join(x for x in (d["source"], d["program"], d["source_id"],
                                   d["listing_date"][:10] if d["listing_date"] else None) if x)
            for d in rows]


def review_batch(ws: Workspace, get_index: Any, src: Path, dst: Path, *, limit: int,
                 threshold: float | None) -> int:
    """Reviewers' decisions on the batch's rows (by customer id or by name), written into the
    output: each reviewed hit gets its ``review`` (a cleared one ``"match": false``), nothing
    is dropped. Only rows with a decision are screened again; the file is rewritten in place
    (atomically) when any changed. Returns the number of rows changed."""
    import os

    from olivebranch.match.batch import iter_rows, row_query
    from olivebranch.reviews import Reviews, annotate, subject_of

    reviews = Reviews(ws.store).list()
    if not reviews or not dst.exists():
        return 0
    index = get_index()
    by_subject: dict[tuple[str, str], list[Any]] = {}
    for rv in reviews:
        by_subject.setdefault((rv.subject_kind, rv.subject), []).append(rv)
    changed = 0
    tmp = dst.with_name(dst.name + ".reviews.tmp")
    with dst.open(encoding="utf-8") as out_lines, tmp.open("w", encoding="utf-8") as out:
        for (line, row, _error), text in zip(iter_rows(src), out_lines, strict=False):
            record = None
            if row is not None:
                rid = (row.get("id") or "").strip()
                keys = [("customer", rid)] if rid else []
                if (row.get("name") or "").strip():
                    keys.append(subject_of(name=row["name"]))
                mine = [rv for k in keys for rv in by_subject.get(k, ())]
                if mine:
                    record = json.loads(text)
                    try:
                        found = index.search_parties(row_query(row, line), limit=limit,
                                                     threshold=threshold)
                    except ValueError:
                        found = []
                    status = {r.party_id: r.review for r in annotate(found, mine)
                              if r.review is not None}
                    for res in record.get("results", []):
                        st = status.get(res.get("party_id"))
                        if st is not None:
                            res["review"] = st.to_dict()
                            res["match"] = bool(res["match"]) and not st.suppressed
                            changed += 1
            out.write(text if record is None else json.dumps(record, ensure_ascii=False) + "\n")
    if changed:
        os.replace(tmp, dst)
    else:
        tmp.unlink(missing_ok=True)
    return changed


def _count_rows(src: Path) -> int:
    with src.open("rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def run_batch(index: Any, src: Path, dst: Path, *, limit: int, threshold: float | None,
              restart: bool = False, partition_rows: int = 1000,
              stats: dict[str, int] | None = None) -> dict[str, int]:
    """Screen every row of ``src`` into ``dst`` (JSON lines) in this process; an unfinished
    run into ``dst`` continues where it stopped (see ``olivebranch.bulk``). Returns counts."""
    from rich.progress import Progress

    from olivebranch.bulk import run_local

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("screening", total=_count_rows(src))
        return run_local(index, src, dst, limit=limit, threshold=threshold, restart=restart,
                         partition_rows=partition_rows, progress=lambda n: bar.advance(task, n),
                         log=err_console.print, stats=stats)


def _run_dask(src: Path, dst: Path, *, limit: int, threshold: float | None, as_of: date | None,
              workers: int | None, scheduler: str | None, restart: bool = False,
              partition_rows: int = 1000) -> dict[str, int]:
    """The batch on a Dask cluster (see ``olivebranch.bulk``), with a progress bar."""
    import gc
    import os

    from rich.progress import Progress

    from olivebranch.bulk import close, connect, run_bulk
    from olivebranch.cli.common import workspace

    ws = workspace()
    # the workers load the index the workspace uses for that day, from the same cache file:
    # build it once here (then drop it) before they read it
    index_as_of = None if as_of is None else ws.snapshots.timeline().index_as_of(as_of)
    _index(as_of)
    gc.collect()
    total = _count_rows(src)
    with err_console.status("starting Dask …"):
        client = connect(scheduler, workers or os.cpu_count() or 2)
    try:
        err_console.print(f"Dask: {len(client.scheduler_info(n_workers=-1)['workers'])} workers "
                          f"at {client.scheduler.address}")
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("screening", total=total)
            return run_bulk(client, str(ws.store.url), src, dst, limit=limit,
                            threshold=threshold, as_of=index_as_of, restart=restart,
                            partition_rows=partition_rows,
                            progress=lambda n: bar.advance(task, n), log=err_console.print)
    finally:
        close(client)


def _print_results(query: Any, results: list[Any], threshold: float,
                   counts: dict[str, list[str]] | None = None) -> None:
    names = ", ".join(query.names)
    if not results:
        console.print(f"No listed entity scores {threshold:.2f} or more for [bold]{names}[/bold].")
        return
    table = Table(title=f"Screening '{names}' ({query.schema}), threshold {threshold:.2f}",
                  show_lines=True)
    table.add_column("score", justify="right")
    table.add_column("listed party")
    table.add_column("listings (source · programme · record no. · listed)", ratio=2)
    table.add_column("counts as")
    table.add_column("why", ratio=3)
    for r in results:
        colour = "red" if r.match else "yellow"
        records = _record_ids(r)
        party = getattr(r, "party_id", "") or r.entity_id
        review = getattr(r, "review", None)
        if review is not None and review.suppressed:
            colour = "green"
        note = ""
        if review is not None:
            tint = "green" if review.suppressed else "red" if review.state == "re-raised" else "red"
            note = f"\n[{tint}]{review.text}[/{tint}]"
        table.add_row(
            f"[{colour}]{r.score:.2f}[/{colour}]",
            f"{r.caption}{note}\n[dim]{party} · {r.schema}[/dim]\n[dim]"
            + "\n".join(records) + "[/dim]",
            "\n".join(_listing_lines(r)),
            "\n".join((counts or {}).get(r.entity_id, [])),
            "\n".join(f.text + (f" ({f.value:+.2f})" if f.name != "name" and f.value else "")
                      for f in r.features),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``screen`` and ``compare`` to the main app."""

    @app.command("screen")
    def screen(
        name: str | None = typer.Argument(None, help="Name to screen (any script)."),
        schema: str | None = typer.Option(
            None, "--schema", help="Person, Company, Organization, Vessel, Airplane or "
            "LegalEntity (default: any)."),
        birth_date: str | None = typer.Option(None, "--birth-date", help="e.g. 1962-06-18, 18 Jun 1962."),
        country: list[str] = typer.Option([], "--country", help="ISO-2 country code (repeatable)."),
        identifier: list[str] = typer.Option(
            [], "--identifier", help="INN, OGRN, IMO, LEI, passport … (repeatable)."),
        threshold: float | None = typer.Option(
            None, "--threshold", help="Minimum score to report (default: the engine's default)."),
        limit: int = typer.Option(5, "--limit", help="Parties to report (records of one party "
                                  "on several lists count once)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
        as_of: str | None = typer.Option(None, "--as-of", help="Screen against the lists as "
                                         "they stood on this date (YYYY-MM-DD)."),
        input_file: Path | None = typer.Option(
            None, "--input", help="Batch: CSV with columns id,schema,name,birth_date,identifier,"
            "country."),
        output_file: Path | None = typer.Option(
            None, "--output", help="Batch: results file, .csv, .xlsx or .jsonl (one row per "
            "result), or - for standard output."),
        out_format: str | None = typer.Option(
            None, "--format", help="Batch: csv, xlsx or jsonl (default: --output's extension; "
            "JSON lines for -)."),
        bom: bool = typer.Option(False, "--bom", help="Batch CSV: start with a UTF-8 byte-order "
                                 "mark, so that Excel reads the names right."),
        dask: bool = typer.Option(False, "--dask", help="Batch: screen on a Dask cluster (a local "
                                  "one unless --scheduler)."),
        workers: int | None = typer.Option(None, "--workers", min=1, help="Batch with --dask: "
                                           "local worker processes (default: CPU count)."),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Batch with --dask: "
                                             "address of a running Dask scheduler, e.g. "
                                             "tcp://host:8786."),
        partition_rows: int = typer.Option(1000, "--partition-rows", min=1, help="Batch: rows "
                                           "per task and per checkpoint."),
        restart: bool = typer.Option(False, "--restart", help="Batch: screen from the first "
                                     "row even if --output holds an unfinished run (which is "
                                     "otherwise continued)."),
    ) -> None:
        """Screen a name (or a CSV of names) against every active sanctions list."""
        from olivebranch.match import DEFAULT_THRESHOLD, Query
        from olivebranch.match.batch import result_row
        from olivebranch.match.batch import schema_name as _schema
        from olivebranch.match.score import parse_date

        if input_file is not None:
            from olivebranch.exports import batch_work_path, choose_format, finish_batch

            if output_file is None:
                raise OliveBranchError("--input needs --output (a .csv, .xlsx or .jsonl file "
                                       "to write, or - for standard output)")
            if not input_file.exists():
                raise OliveBranchError(f"{input_file}: no such file")
            fmt_out = choose_format(output_file, out_format)
            # the batch writes (resumable) JSON lines; other formats are made from them
            work = batch_work_path(output_file, fmt_out)
            target = work or output_file
            if dask or workers or scheduler:
                counts = _run_dask(input_file, target, limit=limit, threshold=threshold,
                                   as_of=_as_of(as_of), workers=workers, scheduler=scheduler,
                                   restart=restart, partition_rows=partition_rows)
            else:
                index = _index(_as_of(as_of))
                counts = run_batch(index, input_file, target, limit=limit,
                                   threshold=threshold, restart=restart,
                                   partition_rows=partition_rows)
            from olivebranch.cli.common import workspace

            ws = workspace()
            reviewed = review_batch(ws, lambda: _index(_as_of(as_of)), input_file, target,
                                    limit=limit, threshold=threshold)
            from olivebranch.audit.log import record_batch_screening

            # the audit keeps the hash of the JSON lines every result is in (the requested
            # format is made from them, and may go to standard output)
            record_batch_screening(ws.store, input_file, target, counts, day=_as_of(as_of),
                                   limit=limit, threshold=threshold)
            finish_batch(work, output_file, fmt_out, bom=bom)
            err_console.print(
                f"screened {counts['rows']} rows: {counts['with_hits']} with results, "
                f"{counts['errors']} errors → {output_file}"
                + (f"; {reviewed} hits carry a reviewer's decision" if reviewed else ""))
            return
        if not name:
            raise OliveBranchError("give a NAME to screen, or --input FILE.csv --output "
                                   "FILE.csv|.xlsx|.jsonl")
        if birth_date and parse_date(birth_date) is None:
            raise OliveBranchError(f"--birth-date: cannot read '{birth_date}'")
        query = Query(name=name, schema=_schema(schema), birth_date=birth_date,
                      countries=[c.lower() for c in country], identifiers=list(identifier))
        day = _as_of(as_of)
        ws, index = _screening(day)
        from olivebranch.reviews import Reviews

        results = index.search_parties(query, limit=limit, threshold=threshold)
        results = Reviews(ws.store).apply(results, name=name)
        from olivebranch.audit.log import record_query

        record_query(ws.store, query, results, day=day, limit=limit, threshold=threshold)
        counts = counting(ws, day, results)
        if as_json:
            print(json.dumps({"query": {"name": name, "schema": query.schema},
                              "threshold": DEFAULT_THRESHOLD if threshold is None else threshold,
                              "results": [result_row(r) | {
                                  "counts": counts[r.entity_id],
                                  "listings": r.listings,
                                  **({"review": r.review.to_dict()} if r.review else {}),
                                  "features": [f.__dict__ for f in r.features]} for r in results]},
                             ensure_ascii=False, indent=2))
            return
        _print_results(query, results, DEFAULT_THRESHOLD if threshold is None else threshold,
                       counts)

    review_app = typer.Typer(help="Reviewers' decisions on screening hits: a false positive "
                             "stays cleared until the listed party's records change.",
                             no_args_is_help=True)
    app.add_typer(review_app, name="review")

    @review_app.command("add")
    def review_add(
        name: str = typer.Argument(..., help="The screened name (as screened)."),
        hit: str = typer.Argument(..., help="The hit: a record id of the listed party (or its "
                                  "party id), as `screen` shows it."),
        decision: str = typer.Option(..., "--decision", "-d",
                                     help="false_positive or true_match."),
        reviewer: str = typer.Option(..., "--reviewer", help="Who decides."),
        reason: str | None = typer.Option(None, "--reason", help="Why (kept with the decision)."),
        customer: str | None = typer.Option(None, "--customer", help="A customer id: the "
                                            "decision then applies to that batch-file id."),
        schema: str | None = typer.Option(None, "--schema", help="Schema the name was "
                                          "screened as."),
    ) -> None:
        """Record a decision on the hit HIT for NAME (it is screened again to find the hit)."""
        from olivebranch.match.batch import schema_name as _schema
        from olivebranch.reviews import Reviews
        from olivebranch.reviews.memory import find_hit

        ws, index = _screening(None)
        result = find_hit(index, name, hit, schema=_schema(schema))
        rv = Reviews(ws.store).decide(result, decision, reviewer=reviewer, name=name,
                                      customer=customer, reason=reason)
        console.print(f"review {rv.id}: {rv.decision} for '{name}' against {result.caption} "
                      f"({rv.party_id}: {', '.join(rv.record_ids)}) by {rv.reviewer}")

    @review_app.command("list")
    def review_list(
        name: str | None = typer.Argument(None, help="Only decisions for this screened name."),
        as_json: bool = typer.Option(False, "--json"),
        withdrawn: bool = typer.Option(False, "--withdrawn", help="Include withdrawn and "
                                       "superseded decisions."),
    ) -> None:
        """Reviewers' decisions on screening hits."""
        from olivebranch.cli.common import workspace
        from olivebranch.reviews import Reviews, subject_of

        subject = subject_of(name=name)[1] if name else None
        rows = Reviews(workspace().store).list(subject=subject, include_withdrawn=withdrawn)
        if as_json:
            print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
            return
        t = Table("id", "subject", "party", "records", "decision", "reviewer", "date", "reason")
        for r in rows:
            t.add_row(str(r.id), r.subject, r.party_id, "\n".join(r.record_ids), r.decision,
                      r.reviewer, r.created_at[:10], r.reason or "")
        console.print(t)

    @review_app.command("withdraw")
    def review_withdraw(review_id: int = typer.Argument(...)) -> None:
        """Withdraw a decision (the hit is raised again at the next screening)."""
        from olivebranch.cli.common import workspace
        from olivebranch.reviews import Reviews

        if not Reviews(workspace().store).withdraw(review_id):
            raise OliveBranchError(f"no live review {review_id}")
        console.print(f"review {review_id} withdrawn")

    @app.command("compare")
    def compare_cmd(
        a: str = typer.Argument(..., help="First name."),
        b: str = typer.Argument(..., help="Second name (treated as the listed one)."),
        schema: str | None = typer.Option(None, "--schema", help="Schema of both names."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Score two names with the screening scorer and explain the score."""
        from olivebranch.match import DEFAULT_THRESHOLD, Query, compare
        from olivebranch.match.batch import schema_name as _schema

        s = _schema(schema)
        score, features = compare(Query(name=a, schema=s), Query(name=b, schema=s))
        verdict = "match" if score >= DEFAULT_THRESHOLD else "no match"
        if as_json:
            print(json.dumps({"a": a, "b": b, "schema": s, "score": round(score, 4),
                              "match": score >= DEFAULT_THRESHOLD,
                              "threshold": DEFAULT_THRESHOLD,
                              "features": [f.__dict__ for f in features]},
                             ensure_ascii=False, indent=2))
            return
        console.print(f"[bold]{score:.2f}[/bold] ({verdict} at the default threshold "
                      f"{DEFAULT_THRESHOLD:.2f})")
        for f in features:
            sign = f" ({f.value:+.2f})" if f.name != "name" and f.value else ""
            console.print(f"  • {f.text}{sign}")

"""``olivebranch parties …``: resolve list records into parties, review, explain, exchange.

* ``parties xref`` runs the resolution (incremental when possible) and prints links per rule;
* ``parties review`` walks the review queue (or the weakest automatic links with ``--links``),
  showing both sides; answer ``a`` (same party), ``r`` (different), ``u`` (unsure), ``s``
  (skip) or ``q`` (quit), optionally followed by a reason: ``r born 1961, not 1971``;
* ``parties show ID`` prints a party (from a party id, a record id or a publisher's number);
* ``parties explain A B`` says why two records are or are not one party;
* ``parties decide A B positive|negative|unsure`` records a judgement without the queue;
* ``parties export``/``parties import`` exchange judgements as nomenklatura JSON lines.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from olivebranch.errors import OliveBranchError
from olivebranch.store import Store

parties_app = typer.Typer(
    help="Parties: the records of one person, company or vessel across all lists.",
    no_args_is_help=True,
)
console = Console()


def _store() -> Store:
    return Store()


def _user(user: str | None) -> str:
    return user or os.environ.get("OLIVEBRANCH_USER") or getpass.getuser()


def _parties(store: Store):  # noqa: ANN202 - typed in olivebranch.parties
    from olivebranch.parties import Parties

    return Parties.load(store, progress=lambda m: console.print(f"[dim]{m}[/dim]"))


def _record_ref(store: Store, ref: str) -> str:
    from olivebranch.entities import resolve_entity_id

    rid = resolve_entity_id(store, ref)
    if rid is None:
        raise OliveBranchError(f"no record {ref!r} in the lists in force")
    return rid


@parties_app.command("xref")
def xref_cmd(
    full: bool = typer.Option(False, "--full", help="Decide every pair again (no reuse)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Resolve the records of the lists in force into parties; print links per rule."""
    from olivebranch.parties import PartyResolver
    from olivebranch.parties.rules import RULES

    store = _store()
    with console.status("resolving parties …") as status:
        report = PartyResolver(store).run(full=full, progress=lambda m: status.update(m))
    if as_json:
        print(json.dumps({
            "run": report.run.id, "mode": report.mode, "records": report.records,
            "parties": report.parties, "changed": report.changed, "rules": report.counts,
            "suggestions": report.suggestions, "blocked": report.blocked,
            "seconds": round(report.seconds, 2), "cpu_seconds": round(report.cpu_seconds, 2),
            "compared": report.compared,
        }, indent=2))
        return
    table = Table(title=f"links per rule (run {report.run.id}, {report.mode})")
    table.add_column("rule")
    table.add_column("links", justify="right")
    table.add_column("what it needs")
    for name, n in sorted(report.counts.items(), key=lambda x: -x[1]):
        desc = RULES[name].description if name in RULES else "a reviewer's judgement"
        table.add_row(name, str(n), desc)
    console.print(table)
    sizes = Counter(len(m) for m in _sizes(store, report.run.id).values())
    console.print(
        f"{report.records} records -> {report.parties} parties "
        f"({sum(n for s, n in sizes.items() if s > 1)} with records on several lists; "
        f"sizes {', '.join(f'{s}:{n}' for s, n in sorted(sizes.items()))}); "
        f"{report.suggestions} pairs to review, {report.blocked} identifier or reference "
        f"pairs not linked; {report.changed} records new or changed; "
        f"{report.seconds:.1f} s ({report.cpu_seconds:.1f} s CPU)")


def _sizes(store: Store, run_id: int) -> dict[str, list[str]]:
    from olivebranch.parties.store import PartyStore

    out: dict[str, list[str]] = {}
    for rid, pid in PartyStore(store).party_map(run_id).items():
        out.setdefault(pid, []).append(rid)
    return out


def _record_lines(store: Store, rid: str, records: dict) -> list[str]:  # noqa: ANN001
    r = records.get(rid)
    if r is None:
        return [rid, "(not in the lists in force)"]
    lines = [f"[bold]{r.caption}[/bold]", f"{rid} · {r.schema} · {', '.join(r.sources)}"]
    if len(r.names) > 1:
        lines.append("aka " + "; ".join(r.names[1:6]) + (" …" if len(r.names) > 6 else ""))
    if r.birth_dates:
        lines.append("born " + ", ".join(r.birth_dates[:4]))
    if r.nationalities:
        lines.append("nationality " + ", ".join(sorted(r.nationalities)))
    if r.countries:
        lines.append("country " + ", ".join(sorted(r.countries)[:6]))
    if r.ids:
        lines.append("ids " + ", ".join(f"{s} {v}" for s, v in sorted(r.ids)[:6]))
    if r.refs:
        lines.append("refs " + ", ".join(f"{s} {v}" for s, v in sorted(r.refs)[:6]))
    if r.programs:
        lines.append("programmes " + ", ".join(r.programs[:4]))
    return lines


def _side_by_side(store: Store, left: list[str], right: list[str], records: dict) -> Table:  # noqa: ANN001
    table = Table(show_header=True, expand=True)
    table.add_column("left")
    table.add_column("right")
    ln = ["\n".join(_record_lines(store, r, records)) for r in left[:4]]
    rn = ["\n".join(_record_lines(store, r, records)) for r in right[:4]]
    table.add_row("\n\n".join(ln), "\n\n".join(rn))
    return table


@parties_app.command("review")
def review_cmd(
    limit: int = typer.Option(20, help="Pairs to present at most."),
    user: str | None = typer.Option(None, help="Reviewer name (default: $OLIVEBRANCH_USER or login)."),
    links: bool = typer.Option(False, "--links", help="Review automatic scored links, weakest first, instead of the queue."),
) -> None:
    """Decide pairs one by one: a = same party, r = different, u = unsure, s = skip, q = quit
    (a reason may follow the letter)."""
    from olivebranch.parties import PartyResolver
    from olivebranch.parties.judgements import NEGATIVE, POSITIVE, UNSURE
    from olivebranch.parties.records import load_records
    from olivebranch.parties.store import PartyStore

    store = _store()
    parties = _parties(store)
    ps = PartyStore(store)
    judged = {(j.target, j.source) for j in ps.judgements()}
    if links:
        pool = [x for x in ps.links(parties.run.id, judgement=POSITIVE)
                if x.applied and x.left_group]
        pool.sort(key=lambda x: (x.score or 0.0, x.left))
    else:
        pool = ps.links(parties.run.id, judgement="no_judgement")
        pool = [x for x in pool if x.rule == "review" or x.left_group]
        pool.sort(key=lambda x: (-(x.score or 0.0), x.left))
    from olivebranch.parties.judgements import ordered

    # the queue: pairs still apart; --links: automatic links still holding
    pool = [x for x in pool if ordered(x.left, x.right) not in judged
            and parties.same_party(x.left, x.right) is links]
    if not pool:
        console.print("nothing to review")
        return
    records = load_records(store, version_ids=parties.run.version_ids)
    who = _user(user)
    answers = {"a": POSITIVE, "r": NEGATIVE, "u": UNSURE}
    decided = 0
    for n, link in enumerate(pool[:limit], 1):
        left = list(link.left_group or (link.left,))
        right = list(link.right_group or (link.right,))
        console.rule(f"{n}/{min(limit, len(pool))} · score {link.score or 0:.2f} · {link.rule}")
        console.print(_side_by_side(store, left, right, records))
        console.print(f"[dim]{link.reason}[/dim]")
        console.print("same party? [a]ccept / [r]eject / [u]nsure / [s]kip / [q]uit: ", end="")
        line = sys.stdin.readline()
        if not line:
            break
        line = line.strip()
        letter, _, reason = line.partition(" ")
        letter = letter.lower()[:1]
        if letter == "q":
            break
        if letter not in answers:
            continue
        ps.decide(link.left, link.right, answers[letter], user=who,
                  reason=reason.strip() or f"review of {link.rule} suggestion")
        decided += 1
    if decided:
        report = PartyResolver(store).run()
        console.print(f"{decided} judgement{'s' if decided != 1 else ''} recorded; "
                      f"parties updated ({report.parties} parties)")


@parties_app.command("show")
def show_cmd(
    ref: str = typer.Argument(..., help="A party id, a record id or a publisher's number."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One party: its records on each list, the links that hold it together."""
    from olivebranch.parties.records import load_records
    from olivebranch.parties.store import PartyStore

    store = _store()
    parties = _parties(store)
    pid = parties.canonical(ref)
    if pid is None:
        pid = parties.party_of(_record_ref(store, ref))
    if pid is None:
        raise OliveBranchError(f"no party or record {ref!r}")
    ids = parties.records(pid)
    links = parties.links(pid)
    judgements = PartyStore(store).judgements(record_ids=ids)
    if as_json:
        print(json.dumps({
            "party": pid, "records": ids, "datasets": parties.sources(pid),
            "links": [{"left": x.left, "right": x.right, "rule": x.rule, "score": x.score,
                       "reason": x.reason} for x in links],
            "judgements": [{"target": j.target, "source": j.source, "judgement": j.judgement,
                            "user": j.user, "created_at": j.created_at, "reason": j.reason}
                           for j in judgements],
        }, indent=2, ensure_ascii=False))
        return
    records = load_records(store, version_ids=parties.run.version_ids)
    console.print(f"[bold]party {pid}[/bold] · {len(ids)} record{'s' if len(ids) != 1 else ''}"
                  f" · {', '.join(parties.sources(pid))}")
    table = Table(show_lines=True)
    for col in ("record", "list", "names", "born / country", "identifiers & refs"):
        table.add_column(col)
    for rid in ids:
        r = records.get(rid)
        if r is None:
            continue
        table.add_row(
            f"{rid}\n{r.schema}", "\n".join(r.sources), "\n".join(r.names[:4]),
            "\n".join([*r.birth_dates[:3], *sorted(r.countries | r.nationalities)[:4]]),
            "\n".join([f"{s} {v}" for s, v in sorted(r.ids | r.refs)][:6]),
        )
    console.print(table)
    for x in links:
        console.print(f"  {x.left} — {x.right}: [bold]{x.rule}[/bold] {x.reason}")
    for j in judgements:
        console.print(f"  reviewer: {j.target} / {j.source} {j.judgement} by {j.user} "
                      f"{j.created_at[:10]} {j.reason or ''}")


@parties_app.command("explain")
def explain_cmd(
    a: str = typer.Argument(..., help="A record id (or a publisher's number)."),
    b: str = typer.Argument(..., help="Another record id."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Why two records are, or are not, one party."""
    from olivebranch.parties.explain import explain

    store = _store()
    parties = _parties(store)
    try:
        ex = explain(parties, _record_ref(store, a), _record_ref(store, b))
    except KeyError as exc:
        raise OliveBranchError(str(exc).strip("'\"")) from exc
    if as_json:
        print(json.dumps(ex.to_dict(), indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{ex.verdict}[/bold]")
    for line in ex.details:
        console.print(line, markup=False)


@parties_app.command("decide")
def decide_cmd(
    a: str = typer.Argument(...),
    b: str = typer.Argument(...),
    judgement: str = typer.Argument(..., help="positive, negative, unsure, or no_judgement to withdraw."),
    reason: str | None = typer.Option(None, help="Why (kept with the judgement)."),
    user: str | None = typer.Option(None, help="Reviewer name."),
) -> None:
    """Record a reviewer's judgement on two records and update the parties."""
    from olivebranch.parties import PartyResolver

    store = _store()
    ra, rb = _record_ref(store, a), _record_ref(store, b)
    try:
        PartyResolver(store).decide(ra, rb, judgement, user=_user(user), reason=reason)
    except ValueError as exc:
        raise OliveBranchError(str(exc)) from exc
    from olivebranch.parties import Parties

    p = Parties.load(store, refresh=False)
    state = "one party" if p.same_party(ra, rb) else "two parties"
    console.print(f"{judgement} recorded for {ra} / {rb}: now {state}")


@parties_app.command("export")
def export_cmd(
    out: Path | None = typer.Argument(None, help="File to write (default: standard output)."),
    canonical: bool = typer.Option(True, "--canonical/--no-canonical",
                                   help="Also write each merged record's edge to its party id."),
) -> None:
    """Write judgements as nomenklatura resolver JSON lines (reviewers' judgements, plus each
    record of a merged party linked to the party's NK- id)."""
    from olivebranch.parties.export import judgement_lines

    store = _store()
    parties = _parties(store) if canonical else None
    lines = judgement_lines(store, parties)
    if out is None:
        sys.stdout.writelines(lines)
        return
    with out.open("w", encoding="utf-8") as fh:
        n = 0
        for line in lines:
            fh.write(line)
            n += 1
    console.print(f"{n} judgements written to {out}")


@parties_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="nomenklatura JSON lines (Resolver.dump format)."),
    user: str | None = typer.Option(None, help="Reviewer to record when a line has none."),
) -> None:
    """Load judgements from nomenklatura JSON lines; they count as reviewers' judgements."""
    from olivebranch.parties import PartyResolver
    from olivebranch.parties.export import import_judgements

    store = _store()
    try:
        with path.open(encoding="utf-8") as fh:
            n = import_judgements(store, fh, default_user=_user(user), name=str(path))
    except FileNotFoundError as exc:
        raise OliveBranchError(f"{path}: file not found") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise OliveBranchError(str(exc)) from exc
    report = PartyResolver(store).run()
    console.print(f"{n} judgements imported from {path}; {report.parties} parties")


@parties_app.command("rules")
def rules_cmd() -> None:
    """The link rules, in the order they are applied."""
    from olivebranch.parties.rules import rules_table

    table = Table()
    for col in ("rule", "kind", "min. name", "what it needs"):
        table.add_column(col)
    for row in rules_table():
        table.add_row(str(row["rule"]), str(row["kind"]), f"{row['min_name']:.2f}",
                      str(row["description"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``parties`` to the main app."""
    app.add_typer(parties_app, name="parties")

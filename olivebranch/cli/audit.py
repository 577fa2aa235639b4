"""``olivebranch audit``: the record of every answer; verify the chain, replay an answer."""

from __future__ import annotations

import json

import typer

audit_app = typer.Typer(help="The audit trail: who asked what, when, from which inputs.",
                        no_args_is_help=True)


def _log():  # type: ignore[no-untyped-def]
    from olivebranch.audit.log import AuditLog
    from olivebranch.store import Store

    return AuditLog(Store())


@audit_app.command("list")
def list_cmd(action: str | None = typer.Option(None, help="assessment, scenario_run, screening, "
                                               "list_import, review"),
             subject: str | None = typer.Option(None), limit: int = typer.Option(50),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """The latest records, newest first."""
    items = _log().list(action=action, subject=subject, limit=limit)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in items], indent=2, default=str))
        return
    for r in items:
        result = json.dumps(r.result, default=str)
        typer.echo(f"{r.id}\t{r.at:%Y-%m-%d %H:%M:%S}\t{r.who}\t{r.action}\t{r.subject or ''}\t"
                   f"{result[:80]}")


@audit_app.command("show")
def show_cmd(record_id: int) -> None:
    """One record with its inputs (list versions, rule and scenario hashes, deal revision)."""
    typer.echo(json.dumps(_log().get(record_id).to_dict(), indent=2, default=str))


@audit_app.command("verify")
def verify_cmd() -> None:
    """Check the hash chain from the first record; exit 1 at the first broken record."""
    report = _log().verify()
    if report.ok:
        typer.echo(f"audit trail intact: {report.checked:,} records")
        return
    typer.secho(f"audit trail BROKEN at record {report.broken_at}: {report.reason} "
                f"({report.checked:,} records checked)", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@audit_app.command("replay")
def replay_cmd(record_id: int, as_json: bool = typer.Option(False, "--json")) -> None:
    """Compute a recorded answer again from its recorded inputs; exit 1 if it differs."""
    from olivebranch.replay import replay
    from olivebranch.store import Store

    result = replay(Store(), record_id)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        verdict = "MATCHES" if result.matches else "DIFFERS"
        typer.echo(f"record {record_id} ({result.record.action} {result.record.subject}, "
                   f"{result.record.at:%Y-%m-%d %H:%M}): recomputed answer {verdict}")
        for d in result.differences:
            typer.echo(f"  {d['where']}: recorded {d['recorded']}, now {d['recomputed']}")
        for n in result.notes:
            typer.echo(f"  note: {n}")
    if not result.matches:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


"""``olivebranch serve`` (HTTP API and web UI) and ``olivebranch keys`` (API keys)."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.table import Table

keys_app = typer.Typer(help="Create, list and revoke API keys for the HTTP API.", no_args_is_help=True)
console = Console()


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, help="TCP port."),
    anonymous_match: bool | None = typer.Option(
        None,
        "--anonymous-match/--no-anonymous-match",
        help="Let callers without a key use the screening endpoints "
        "(default: OLIVEBRANCH_ANONYMOUS_MATCH, on).",
    ),
    anonymous_read: bool | None = typer.Option(
        None,
        "--anonymous-read/--no-anonymous-read",
        help="Let callers without a key read deals, verdicts, scenarios and the web UI "
        "(default: OLIVEBRANCH_ANONYMOUS_READ, on).",
    ),
    deals_dir: str | None = typer.Option(None, help="Writable directory for user deals (default var/deals)."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
    workers: int = typer.Option(
        1, min=1, max=32, help="Worker processes (each holds its own match index)."
    ),
) -> None:
    """Serve the yente-compatible API, olivebranch's own API and the analyst web UI."""
    import uvicorn

    from olivebranch.api.settings import Settings
    from olivebranch.app import create_app

    # flags become environment settings, so that worker processes (which build the app with
    # ``create_app()`` from the environment) see them too
    if anonymous_match is not None:
        os.environ["OLIVEBRANCH_ANONYMOUS_MATCH"] = "1" if anonymous_match else "0"
    if anonymous_read is not None:
        os.environ["OLIVEBRANCH_ANONYMOUS_READ"] = "1" if anonymous_read else "0"
    if deals_dir:
        os.environ["OLIVEBRANCH_DEALS_DIR"] = deals_dir
    settings = Settings.from_env()
    mode = "open" if settings.anonymous_match else "key required"
    console.print(
        f"olivebranch on http://{host}:{port}/  (screening: {mode}; "
        f"read views: {'open' if settings.anonymous_read else 'key required'}; "
        f"API docs at /docs)"
    )
    if workers > 1:
        if settings.import_bundled_if_empty:
            # import once here, not racing in every worker
            from olivebranch.lists.importer import import_bundled
            from olivebranch.store import Store

            store = Store(settings.db_url)
            if not store.active_versions():
                import_bundled(store)
        uvicorn.run("olivebranch.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_level=log_level, access_log=False)
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=False)


@keys_app.command("create")
def create(
    name: str = typer.Argument(..., help="Who or what the key is for."),
    role: str = typer.Option("read", "--role", "-r", help="read, analyst or admin."),
) -> None:
    """Create a key. The key is printed once; only its salted hash is stored."""
    from olivebranch.api.auth import create_key
    from olivebranch.store import Store

    key, info = create_key(Store(), name, role)
    console.print(f"key id [bold]{info.key_id}[/bold]  role {info.role}  for {info.name}")
    typer.echo(key)


@keys_app.command("list")
def list_cmd() -> None:
    """List keys (ids, names, roles, last use; never the secrets)."""
    from olivebranch.api.auth import list_keys
    from olivebranch.store import Store

    table = Table("key id", "name", "role", "created", "last used", "status")
    for k in list_keys(Store()):
        table.add_row(
            k.key_id,
            k.name,
            k.role,
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "-",
            "revoked" if k.revoked else "active",
        )
    console.print(table)


@keys_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key id (or the whole key).")) -> None:
    """Revoke a key; requests that present it get 401 from then on."""
    from olivebranch.api.auth import revoke_key
    from olivebranch.store import Store

    revoke_key(Store(), key_id)
    console.print(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``keys`` to the main app."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")

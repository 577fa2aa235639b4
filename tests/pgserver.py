"""A throwaway PostgreSQL server for the test suite, started from the local installation.

``python tests/pgserver.py run -- CMD ...`` starts a server on loopback (initdb into a temporary
directory, run as the unprivileged ``postgres`` user when we are root), exports its URL as
``OLIVEBRANCH_TEST_PG`` to CMD, and stops it and removes its files when CMD ends. The test
suite's ``conftest.py`` starts one itself (``start``/``stop``) when no URL is configured.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 54329


@dataclass
class Server:
    root: Path
    port: int
    prefix: list[str]
    pg_ctl: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://ob@127.0.0.1:{self.port}/postgres"


def binaries() -> tuple[str, str] | None:
    """initdb and pg_ctl from PATH, else from the newest /usr/lib/postgresql/*/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        i, p = Path(bindir, "initdb"), Path(bindir, "pg_ctl")
        if i.exists() and p.exists():
            return str(i), str(p)
    return None


def _port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free loopback port")


def start(port: int = DEFAULT_PORT) -> Server:
    """initdb + pg_ctl start; raises RuntimeError with the reason if it cannot."""
    found = binaries()
    if found is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
                           "run `bash scripts/system-deps.sh test` as root")
    initdb, pg_ctl = found
    root = Path(tempfile.mkdtemp(prefix="olivebranch-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no 'postgres' user") from exc
        os.chown(root, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = _port(port)
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "ob", "--auth=trust", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    # a test server: durability off (fsync, synchronous commit) makes it several times faster
    opts = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    done = subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                           opts, "start"], capture_output=True, text=True)
    if done.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr}{log}")
    return Server(root, port, prefix, pg_ctl)


def cpu_seconds(server: Server) -> float | None:
    """CPU time used so far by the server: its postmaster and every ended backend (a backend's
    time is added to the postmaster's when it exits). ``time`` of the test command does not see
    it: ``pg_ctl`` detaches the server."""
    try:
        pid = int((server.root / "data" / "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return None
    # after ")": state is field 3; utime, stime, cutime, cstime are fields 14-17
    ticks = sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(server: Server) -> None:
    subprocess.run([*server.prefix, server.pg_ctl, "-D", str(server.root / "data"), "-m", "fast",
                    "stop"], capture_output=True)
    shutil.rmtree(server.root, ignore_errors=True)


def _admin(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql", database="postgres", query={})
    return u.render_as_string(hide_password=False)


def create_database(server_url: str, prefix: str, template: str | None = None) -> str:
    """A new database on the server of ``server_url`` (a copy of ``template``, if given, which
    must have no open connections); returns its SQLAlchemy URL."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_admin(database_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)')


def copy_database(database_url: str, prefix: str = "ob_copy") -> str:
    """A copy of a whole database (PostgreSQL copies its files: seconds, not a re-import).
    Other sessions on the source are ended first (a template must have none)."""
    import psycopg
    from sqlalchemy.engine import make_url

    source = make_url(database_url).database
    with psycopg.connect(_admin(database_url), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (source,))
    return create_database(database_url, prefix, template=source)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "run" or "--" not in argv:
        print("usage: python tests/pgserver.py run -- CMD ...", file=sys.stderr)
        return 2
    cmd = argv[argv.index("--") + 1 :]
    if os.environ.get("OLIVEBRANCH_TEST_PG"):
        return subprocess.call(cmd)
    server = start(int(os.environ.get("OLIVEBRANCH_TEST_PG_PORT", DEFAULT_PORT)))
    print(f"PostgreSQL test server on 127.0.0.1:{server.port} ({server.root})", flush=True)
    env = {**os.environ, "OLIVEBRANCH_TEST_PG": server.url}
    proc = subprocess.Popen(cmd, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        cpu = cpu_seconds(server)
        if cpu is not None:
            print(f"PostgreSQL test server used {cpu:.1f} s of CPU", flush=True)
        stop(server)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

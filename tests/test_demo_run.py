"""``make run`` (demo/run.py) as a newcomer meets it: the embedded PostgreSQL server, the demo served, and
everything stopped by Ctrl-C or by a SIGTERM; a taken port and a damaged data folder are explained.

Each run uses its own VAR_DIR and port, so it never touches a developer's demo."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from agency.localdb import APP_ROLE, PG_MAJOR, socket_dir_of

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(var_dir: Path) -> dict[str, str]:
    # A newcomer's shell: none of the test run's settings (its database, Redis, secret key).
    inherited = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG")
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(VAR_DIR=str(var_dir), DEMO_PASSWORD="a-demo-password-for-tests")
    return env


def _start(var_dir: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our interpreter, our launcher)
        [sys.executable, "-m", "demo.run", "--port", str(port), "--offenders", "20"],
        cwd=ROOT,
        env=_environment(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives `make run`
    )


def _wait_for_login_page(port: int, launcher: subprocess.Popen, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert launcher.poll() is None, launcher.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"no login page on port {port} within {seconds} s")


def _everything_under(var_dir: Path, launcher_pid: int) -> list[psutil.Process]:
    """The launcher's process tree, and any PostgreSQL server working on this VAR_DIR."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["pid"] == launcher_pid or str(var_dir) in command:
            found.append(process)
    with contextlib.suppress(psutil.NoSuchProcess):
        found.extend(psutil.Process(launcher_pid).children(recursive=True))
    return [p for p in found if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def _database_users(var_dir: Path) -> set[str]:
    """The roles connected to the demo's database, other than this look."""
    import psycopg2

    connection = psycopg2.connect(host=str(socket_dir_of(var_dir / "postgres")), user="postgres", dbname="caseline")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'caseline' AND pid <> pg_backend_pid()"
            )
            return {user for (user,) in cursor.fetchall()}
    finally:
        connection.close()


def _run_until(var_dir: Path, port: int, stop_signal: signal.Signals) -> str:
    """Start the demo, wait for its login page, stop it with ``stop_signal`` (SIGINT to the process group,
    as Ctrl-C sends it; SIGTERM to the launcher alone), and return what it printed."""
    launcher = _start(var_dir, port)
    try:
        _wait_for_login_page(port, launcher)
        # it runs on the embedded PostgreSQL server, its data in VAR_DIR/postgres
        assert (var_dir / "postgres" / "PG_VERSION").read_text().strip() == PG_MAJOR
        assert [p for p in _everything_under(var_dir, launcher.pid) if p.name() == "postgres"]
        # the web server and the worker connect as the application role, not as the tables' owner
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
        assert _database_users(var_dir) == {APP_ROLE}
        if stop_signal == signal.SIGINT:
            os.killpg(launcher.pid, signal.SIGINT)
        else:
            launcher.send_signal(stop_signal)
        output, _ = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    # the web server, the worker, beat and the database server have all stopped
    assert launcher.returncode == 0, f"exit {launcher.returncode}: {output[-3000:]}"
    assert "Caseline stopped." in output
    assert not (var_dir / "postgres" / "postmaster.pid").exists(), output[-3000:]
    psutil.wait_procs(_everything_under(var_dir, launcher.pid), timeout=5)
    assert _everything_under(var_dir, launcher.pid) == [], output[-3000:]
    return output


def test_make_run_serves_the_demo_on_embedded_postgresql_stops_everything_and_runs_again(tmp_path):
    # given a fresh folder for the demo's state and a free port
    var_dir, port = tmp_path / "var", _free_port()

    # when the demo starts, serves, and Ctrl-C reaches its process group
    first = _run_until(var_dir, port, signal.SIGINT)

    # then it created its database and seeded the demo, and stopped everything (checked in _run_until)
    assert "database caseline created" in first
    assert f"Granting the application role {APP_ROLE}" in first
    assert "20 demo offenders (20 new)" in first
    assert "SIGINT: stopping Caseline" in first

    # when it runs again, and a SIGTERM reaches the launcher alone (as when make is stopped)
    second = _run_until(var_dir, port, signal.SIGTERM)

    # then the same database serves, the seeder found the demo already there, and everything stopped
    assert "database caseline created" not in second
    assert "20 demo offenders (0 new), 0 rows created" in second
    assert "SIGTERM: stopping Caseline" in second


def test_a_taken_port_is_named_with_how_to_choose_another(tmp_path):
    # given a program listening on the port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        # when the demo is started on it
        completed = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "demo.run", "--port", str(port)],
            cwd=ROOT,
            env=_environment(tmp_path / "var"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    # then it says so, and how to pick another, and starts nothing
    assert completed.returncode == 2
    assert completed.stderr == (
        f"Port {port} is already in use on 127.0.0.1 (another Caseline, or another program).\n"
        f"Stop it, or start the demo on another port: make run PORT={port + 1}\n"
    )
    assert not (tmp_path / "var" / "postgres").exists()


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        ({"PG_VERSION": "12\n"}, "holds PostgreSQL 12 data; the embedded server is PostgreSQL 18"),
        ({"notes.txt": "not a database"}, "is not empty but holds no PostgreSQL data (no PG_VERSION)"),
        ({"PG_VERSION": "18\n", "global/pg_control": "damaged"}, "The embedded PostgreSQL server could not start"),
    ],
)
def test_a_damaged_data_folder_is_explained_in_words(tmp_path, contents, message):
    # given a data folder that the embedded server cannot use
    data = tmp_path / "var" / "postgres"
    for name, text in contents.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text)

    # when the demo starts
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "demo.run", "--port", str(_free_port())],
        cwd=ROOT,
        env=_environment(tmp_path / "var"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # then it says what is wrong and what to do, with no traceback
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert completed.stderr.startswith("Caseline cannot start: ")
    assert message in completed.stderr
    assert "make clean" in completed.stderr
    assert "Traceback" not in completed.stderr

"""``make run``: the demo agency in one terminal, on the embedded PostgreSQL server.

Starts the embedded server (agency.localdb; data in ``var/postgres/``, reused by the next run), creates the
``caseline`` database, migrates and grants the application role ``caseline_app`` as the owner (``postgres``),
seeds the demo (a second run adds nothing), then runs the web server and a Celery worker with its beat on
kombu's filesystem broker under ``var/``, both connected as ``caseline_app``, as a deployment's are: they
can add to the audit trail but not change or erase it. With ``DATABASE_URL`` set it uses that database
(as given, for everything) instead and starts no server.

Ctrl-C, a SIGTERM to this process or to ``make``, or a hang-up stops the web server, the worker, beat and
the database server, in that order, and waits for each: nothing is left running. (A process manager
such as honcho would run the two processes, but not the database server, and left its children running
when only it received SIGTERM; the stopping order is the point of this module.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 3  # a child that has not stopped this long after SIGTERM is killed, with its children


class Stop(Exception):
    """Raised in the main thread when the demo should stop (a signal, or ``make`` went away)."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server binds it
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class Demo:
    def __init__(self, *, port: int, password: str, offenders: int, var_dir: Path) -> None:
        self.port = port
        self.password = password
        self.offenders = offenders
        self.var_dir = var_dir
        self.env = {**os.environ, "DEBUG": "true", "PYTHONUNBUFFERED": "1", "VAR_DIR": str(var_dir)}
        self.app_env = self.env  # the web server's and the worker's: the application role's database URL
        self.app_role: str | None = None
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stopping = False
        self.parent = os.getppid()
        self.database_dir: Path | None = None

    # --- signals -------------------------------------------------------------------------------------

    def _on_signal(self, signum, _frame) -> None:
        if not self.stopping:
            self.stopping = True
            raise Stop(signal.Signals(signum).name)

    def _check_parent(self) -> None:
        """``make`` does not pass a SIGTERM on to its recipe: when it goes away, we notice here."""
        if os.getppid() != self.parent and not self.stopping:
            self.stopping = True
            raise Stop("make has stopped")

    # --- processes -----------------------------------------------------------------------------------

    def _manage(self, *args: str) -> list[str]:
        return [sys.executable, str(ROOT / "manage.py"), *args]

    def _step(self, title: str, command: list[str]) -> None:
        """Run a set-up command in the foreground; its output goes straight to the terminal."""
        print(f"  {title}", flush=True)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603 (our interpreter, our commands)
        self.children.append((title, process))
        while process.poll() is None:
            self._check_parent()
            time.sleep(0.2)
        self.children.remove((title, process))
        if process.returncode != 0:
            raise SystemExit(f"  {title} failed (exit {process.returncode}); nothing else was started.")

    def _spawn(self, name: str, command: list[str]) -> None:
        """Start a long-running process; each line it prints is prefixed with its name."""
        process = subprocess.Popen(  # noqa: S603 (our interpreter, our commands)
            command, cwd=ROOT, env=self.app_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        self.children.append((name, process))

        def relay() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                sys.stdout.write(f"{name:<6} | {line}")
                sys.stdout.flush()

        threading.Thread(target=relay, name=f"relay-{name}", daemon=True).start()

    def _stop_children(self) -> None:
        """SIGTERM to every child at once, then wait for all of them together; whatever still runs after
        the grace period is killed, with its own children (the worker's pool)."""
        import psutil

        running = [process for _name, process in self.children if process.poll() is None]
        trees = []
        for process in running:
            with contextlib.suppress(psutil.NoSuchProcess):
                trees.extend(psutil.Process(process.pid).children(recursive=True))
            process.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for process in running:
            try:
                process.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _gone, alive = psutil.wait_procs(trees, timeout=0.5)
        for leftover in alive:
            leftover.kill()
        self.children.clear()

    # --- the demo ------------------------------------------------------------------------------------

    def _database(self) -> None:
        if "DATABASE_URL" in os.environ:
            print("  DATABASE_URL is set: using that database (no embedded server).", flush=True)
            return
        from agency.localdb import APP_ROLE, server_start

        self.database_dir = self.var_dir / "postgres"
        started = time.monotonic()
        server = server_start(self.database_dir)
        created = server.database_ensure("caseline")
        self.env["DATABASE_URL"] = server.database_url("caseline")  # the owner: migrate, grant, seed
        self.app_env = {**self.env, "DATABASE_URL": server.database_url("caseline", user=APP_ROLE)}
        self.app_role = APP_ROLE
        print(
            f"  PostgreSQL (embedded) on {server.socket_dir} in {time.monotonic() - started:.1f} s"
            f"{', database caseline created' if created else ''}",
            flush=True,
        )

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        try:
            self._database()
            self._step("Migrating …", self._manage("migrate", "--noinput", "-v", "0"))
            if self.app_role:
                self._step(
                    f"Granting the application role {self.app_role} (the web server and the worker connect as it) …",
                    self._manage("grant_app_role", self.app_role, "-v", "0"),
                )
            self._step(
                "Seeding the demo agency (once; a second run adds nothing) …",
                self._manage("seed_demo", "--offenders", str(self.offenders), "--password", self.password),
            )
            self._spawn("web", self._manage("runserver", f"127.0.0.1:{self.port}", "--noreload"))
            self._spawn(
                "worker",
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "agency",
                    "worker",
                    "-B",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "1",
                ],
            )
            print(
                f"\n  Caseline is starting on http://127.0.0.1:{self.port}/\n"
                f"  Sign in with the password {self.password!r} (the logins are listed above).\n"
                "  Ctrl-C stops the web server, the worker, beat and the database server.\n",
                flush=True,
            )
            while True:
                self._check_parent()
                for name, process in self.children:
                    if process.poll() is not None:
                        print(f"\n  {name} exited (code {process.returncode}): stopping Caseline …", flush=True)
                        return 1
                time.sleep(0.5)
        except Stop as reason:
            print(f"\n  {reason}: stopping Caseline …", flush=True)
            return 0
        finally:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
            self._stop_children()
            if self.database_dir is not None:
                from agency.localdb import server_stop

                server_stop(self.database_dir)
            print("  Caseline stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "caseline-demo-2026"))
    parser.add_argument("--offenders", type=int, default=300, help="demo offenders (default 300)")
    args = parser.parse_args(argv)
    if not port_is_free(args.port):
        print(
            f"Port {args.port} is already in use on 127.0.0.1 (another Caseline, or another program).\n"
            f"Stop it, or start the demo on another port: make run PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 2
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var")).resolve()
    from agency.localdb import EmbeddedDatabaseError

    try:
        return Demo(port=args.port, password=args.password, offenders=args.offenders, var_dir=var_dir).run()
    except EmbeddedDatabaseError as exc:
        print(f"Caseline cannot start: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The API against its floor: requests per second for the supervisions list.

Builds a throwaway PostgreSQL database with the demo agency (2,000 offenders by default), issues an
integrator's read token, and starts gunicorn (2 workers, production-like settings: DEBUG off, Redis,
the audit on) on a free port. Then, with 4 concurrent clients (separate processes, keep-alive):

- api:   ``GET /api/v1/supervisions/?page_size=100`` with the token (authentication, throttling,
         scoping, the audit row and its commit, serialisation — everything a real call pays);
- floor: a bare Django view under the same server returning the same 100 rows as
         ``JsonResponse(list(qs.values(...)))`` — no authentication, no audit, no serializer.

    .venv/bin/python bench/api.py [--offenders 2000] [--seconds 15] [--clients 4] [--rounds 5]

The two are measured in alternating slices (``--rounds`` of each, ``--seconds`` in all per endpoint, the
order swapped every round), so that other work on the machine weighs on both alike; each round's ratio is
printed, then the totals. The database named in DATABASE_URL (default caseline_bench_api) is DROPPED and
created again. The last line is machine-readable: ``api_rps=… floor_rps=… ratio=…``.
"""

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

from _common import ROOT, recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseline_bench_api"
FLOOR_PATH = "/bench/floor/supervisions/"
API_PATH = "/api/v1/supervisions/?page_size=100"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agency.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": "redis://127.0.0.1:6379/4",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/4",
        "CACHE_URL": "redis://127.0.0.1:6379/4",
        "CASELINE_REQUIRE_2FA": "false",
        "LOG_LEVEL": "WARNING",
        # The throttles are opened: the benchmark measures the work of a request, not the rate limit.
        "API_THROTTLE_TOKEN": "100000000/minute",
        "API_THROTTLE_USER": "100000000/minute",
        "API_THROTTLE_SEARCH": "100000000/minute",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="caseline-bench-static-"),  # WhiteNoise wants the folder
    }


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 (our interpreter, our manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def _client(port: int, path: str, headers: dict[str, str], seconds: float, start_at: float, results) -> None:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    while time.time() < start_at:
        time.sleep(0.001)
    done, deadline = 0, start_at + seconds
    while time.time() < deadline:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}: {body[:300]!r}")
        done += 1
    results.put(done)


def _load(port: int, path: str, headers: dict[str, str], *, clients: int, seconds: float) -> float:
    """Requests per second of ``clients`` processes asking for ``path`` as fast as they are answered."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 0.5
    workers = [
        multiprocessing.Process(target=_client, args=(port, path, headers, seconds, start_at, results))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if any(w.exitcode for w in workers):
        raise SystemExit(f"a client failed on {path}")
    return sum(results.get() for _ in workers) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offenders", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per endpoint (default 15)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5, help="alternating slices per endpoint (default 5)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    env = _environment(database_url)

    started = time.monotonic()
    recreate_database(database_url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo", "--offenders", str(args.offenders), "--password", "bench-password-0123")
    token = (
        _manage(env, "create_api_token", "integrator", "--scope", "read", "--label", "bench").strip().splitlines()[-1]
    )
    print(f"database with {args.offenders:,} demo offenders in {time.monotonic() - started:.1f} s", flush=True)

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (gunicorn from our virtualenv)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "api_floor_wsgi:application",
            "--chdir",
            str(ROOT / "bench"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
        auth = {"Authorization": f"Token {token}"}
        # Both answer the same 100 rows (checked), then each is warmed up before it is measured.
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", API_PATH, headers=auth)
        api_rows = json.loads(connection.getresponse().read())["results"]
        connection.request("GET", FLOOR_PATH)
        floor_rows = json.loads(connection.getresponse().read())
        assert [r["id"] for r in api_rows] == [r["id"] for r in floor_rows], "api and floor differ"
        print(
            f"{len(api_rows)} rows per answer; {args.clients} clients, {args.seconds:.0f} s each "
            f"in {args.rounds} alternating slices",
            flush=True,
        )
        _load(port, API_PATH, auth, clients=args.clients, seconds=2)
        _load(port, FLOOR_PATH, {}, clients=args.clients, seconds=2)
        slice_seconds = args.seconds / args.rounds
        api_rates, floor_rates = [], []
        for number in range(args.rounds):
            order = ("api", "floor") if number % 2 == 0 else ("floor", "api")
            for name in order:
                path, headers, rates = (API_PATH, auth, api_rates) if name == "api" else (FLOOR_PATH, {}, floor_rates)
                rates.append(_load(port, path, headers, clients=args.clients, seconds=slice_seconds))
            print(
                f"  round {number + 1}: api {api_rates[-1]:.1f}/s floor {floor_rates[-1]:.1f}/s "
                f"ratio {api_rates[-1] / floor_rates[-1]:.2f}",
                flush=True,
            )
        api_rps, floor_rps = sum(api_rates) / args.rounds, sum(floor_rates) / args.rounds
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"api_rps={api_rps:.1f} floor_rps={floor_rps:.1f} ratio={api_rps / floor_rps:.2f}")


if __name__ == "__main__":
    main()

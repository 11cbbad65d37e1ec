"""Benchmark: how long ``seed_demo`` takes for N offenders on a fresh PostgreSQL database.

    .venv/bin/python bench/seed.py [--offenders N]        # N defaults to 100000

Drops and recreates the database ``caseline_bench_seed`` (on BENCH_POSTGRES, default
postgres://postgres@127.0.0.1:5432), migrates it, runs the seed once, prints the rows per table and,
on the last line, ``offenders=N seconds=S rows=R`` (S is the seed alone, without the migration).
A benchmark a person runs on purpose: it is not part of the test suite.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "caseline_bench_seed"


def database_recreate() -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def _backend_cpu_reader(connection):
    """CPU seconds used so far by this connection's PostgreSQL backend (when the server is local)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        if not stat.exists():
            return float("nan")
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offenders", type=int, default=100_000)
    offenders = parser.parse_args().offenders
    if offenders < 1:
        parser.error("--offenders must be at least 1.")
    database_recreate()
    os.environ.update(
        {
            "DATABASE_URL": f"{SERVER}/{DATABASE}",
            "DEBUG": "false",  # no query log kept in memory
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "CELERY_BROKER_URL": "memory://",
            "DJANGO_SETTINGS_MODULE": "agency.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demo.seed import demo_seed

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database {DATABASE} migrated in {time.monotonic() - started:.1f} s")

    def progress(done: int, total: int) -> None:
        if done % 20_000 == 0 or done == total:
            print(f"  {done:>9,} / {total:,} offenders  {time.monotonic() - seeding:6.1f} s", flush=True)

    password = "bench-password-0001"  # noqa: S105 (a throwaway database)
    backend = _backend_cpu_reader(connection)
    backend_before, cpu_before = backend(), time.process_time()
    seeding = time.monotonic()
    result = demo_seed(offenders=offenders, seed=1, password=password, progress=progress)
    seconds = time.monotonic() - seeding
    python_cpu, backend_cpu = time.process_time() - cpu_before, backend() - backend_before

    for label, count in sorted(result.counts.items(), key=lambda item: -item[1]):
        print(f"  {label:<42} {count:>11,}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"database size {size}; {result.rows / seconds:,.0f} rows/s")
    # CPU seconds barely depend on what else runs on the machine; wall-clock seconds do. The seed's
    # Python and its database backend work side by side, so on an idle machine with two cores the
    # wall-clock time is close to the larger of the two.
    print(f"cpu: seed process {python_cpu:.1f} s, database backend {backend_cpu:.1f} s; load average {_load()}")
    print(f"offenders={offenders} seconds={seconds:.1f} rows={result.rows}")


if __name__ == "__main__":
    main()

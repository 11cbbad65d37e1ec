"""Suite-wide setup: refuse to run without the real PostgreSQL and Redis, and say how to start them;
move the clock for the whole run when ``CASELINE_TEST_CLOCK`` asks for it."""

import datetime
import os

import pytest
import time_machine


def _postgres_problem() -> str | None:
    import psycopg2

    url = os.environ["DATABASE_URL"]
    try:
        psycopg2.connect(url, dbname="postgres", connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        return (
            f"PostgreSQL is not reachable at {url} ({str(exc).strip()}).\n"
            "  Set DATABASE_URL, start the local server "
            "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or unset DATABASE_URL "
            "with nothing on 127.0.0.1:5432 to run on the embedded server (var/test-postgres/)"
        )
    return None


def _redis_problem() -> str | None:
    import redis

    url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.exceptions.ConnectionError as exc:
        return (
            f"Redis is not reachable at {url} ({exc}).\n"
            "  Set REDIS_URL, or start the local server: redis-server --daemonize yes --port 6379"
        )
    return None


def _move_the_clock() -> None:
    """``CASELINE_TEST_CLOCK=2027-11-07T05:50:00+00:00`` runs the whole suite with the clock moved there
    (and ticking): every test must pass on any date, so CI runs the suite once on the real date and
    once on a date a year ahead, minutes before the agency's time zone leaves daylight-saving time."""
    moved = os.environ.get("CASELINE_TEST_CLOCK")
    if moved:
        destination = datetime.datetime.fromisoformat(moved)
        if destination.tzinfo is None:
            raise pytest.UsageError("CASELINE_TEST_CLOCK needs a UTC offset, e.g. 2027-11-07T05:50:00+00:00")
        time_machine.travel(destination, tick=True).start()


def pytest_configure(config):
    _move_the_clock()
    # agency.settings_test has already put the defaults for DATABASE_URL and REDIS_URL in place.
    problems = [p for p in (_postgres_problem(), _redis_problem()) if p]
    if problems:
        pytest.exit("make test needs PostgreSQL and Redis:\n" + "\n".join(problems), returncode=3)

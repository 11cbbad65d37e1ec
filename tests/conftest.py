"""Suite-wide setup: refuse to run without the real PostgreSQL and Redis, and say how to start them."""

import os

import pytest


def _postgres_problem() -> str | None:
    import psycopg2

    url = os.environ["DATABASE_URL"]
    try:
        psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        return (
            f"PostgreSQL is not reachable at {url} ({str(exc).strip()}).\n"
            "  Set DATABASE_URL, or start the local server: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
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


def pytest_configure(config):
    # agency.settings_test has already put the defaults for DATABASE_URL and REDIS_URL in place.
    problems = [p for p in (_postgres_problem(), _redis_problem()) if p]
    if problems:
        pytest.exit("make test needs PostgreSQL and Redis:\n" + "\n".join(problems), returncode=3)

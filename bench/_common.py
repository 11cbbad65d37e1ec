"""What the page benchmarks share: a throwaway PostgreSQL database, Django set up on it, and the
median time and query count of a page rendered with the test client."""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def recreate_database(url: str) -> None:
    """Drop and create the database named in ``url``; only a name starting with caseline_bench."""
    import psycopg2
    from psycopg2 import sql

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("caseline_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database name must start with caseline_bench.")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings_test")
    import django

    django.setup()


def measure(client, url: str, runs: int) -> tuple[float, int]:
    """Median milliseconds and the largest query count of ``runs`` renders of ``url`` (after one warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    return statistics.median(times), max(queries)

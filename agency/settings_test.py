"""Test settings: PostgreSQL and Redis, as production runs.

The database: ``DATABASE_URL`` when set; else the local server on 127.0.0.1:5432 when one answers; else
the embedded PostgreSQL server (agency.localdb) on its own data folder, ``var/test-postgres/``, started
here and stopped when the last test process exits (``TEST_DATABASE=embedded`` chooses it even when a
local server answers). Redis: ``REDIS_URL``, else the local server.

That URL's role owns the test database: it creates and migrates it, and runs ``grant_app_role``. The tests
themselves then connect as the application role ``TEST_APP_DATABASE_ROLE`` (tests/conftest.py), with only
the privileges production gives the application, so a code path that needs more fails in the tests.
"""

import os
import socket
from pathlib import Path


def _local_server_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _database_url() -> str:
    if "DATABASE_URL" in os.environ:
        return os.environ["DATABASE_URL"]
    if os.environ.get("TEST_DATABASE") != "embedded" and _local_server_answers():
        return "postgres://postgres@127.0.0.1:5432/caseline"
    from agency.localdb import server_start

    var = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return server_start(var / "test-postgres", stop_when_unused=True).database_url("caseline")


os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SITE_URL", "https://caseline.test")
os.environ["DATABASE_URL"] = _database_url()  # subprocesses of the tests (workers, manage.py) use the same
# One Redis database per pytest-xdist worker, so parallel workers never share a queue: by default 15 for a
# plain run and 14, 13 … for workers gw0, gw1 …; with REDIS_URL=…/N, workers take N+1, N+2 … (mod 16).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_worker_number = int(_worker[2:]) + 1 if _worker.startswith("gw") else 0
if "REDIS_URL" in os.environ and _worker_number:
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    os.environ["REDIS_URL"] = f"{_base}/{(int(_db or 0) + _worker_number) % 16}"
    os.environ.pop("CELERY_BROKER_URL", None)
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{max(15 - _worker_number, 1)}")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

from agency.settings import *  # noqa: E402, F403 (the environment above comes first)

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests hash many passwords
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
CELERY_TASK_ALWAYS_EAGER = False
# Each test process counts throttles in its own memory (a shared Redis would carry counts across runs).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The other suites sign in with a password only; tests/security turns two-factor on and proves it is enforced.
CASELINE_REQUIRE_2FA = False
# Tests serve static files through the finders; an empty STATIC_ROOT keeps WhiteNoise from warning
# on every request that no collected files exist.
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The role the tests connect as (roles are server-wide: every test database on the server shares it).
TEST_APP_DATABASE_ROLE = os.environ.get("TEST_APP_DATABASE_ROLE", "caseline_test_app")
# Photos of people: their own folder under var/ (tests that look at the files move it to a tmp_path).
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private-media"

"""Test settings: PostgreSQL and Redis, as production runs (DATABASE_URL / REDIS_URL, else local)."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caseline")
# One Redis database per pytest-xdist worker (gw0 → 14, gw1 → 13 …), so parallel runs never share a queue.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_redis_db = 15 - (int(_worker[2:]) + 1 if _worker.startswith("gw") else 0)
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{max(_redis_db, 1)}")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

from agency.settings import *  # noqa: F403

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

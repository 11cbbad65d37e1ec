"""Settings come from the environment: each case loads agency.settings in a fresh interpreter with
exactly the variables given (nothing inherited from this test run, and no .env file read)."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Loads the settings and prints what the tests look at, or the configuration error, as JSON.
# read_env is switched off so that a developer's own .env cannot change the outcome.
SCRIPT = """
import json
import environ
environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)
import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
try:
    settings.DEBUG
except ImproperlyConfigured as exc:
    print(json.dumps({"error": str(exc)}))
else:
    db = settings.DATABASES["default"]
    print(json.dumps({
        "debug": settings.DEBUG,
        "engine": db["ENGINE"],
        "name": str(db["NAME"]),
        "options": db.get("OPTIONS", {}),
        "conn_health_checks": db.get("CONN_HEALTH_CHECKS", False),
        "broker": settings.CELERY_BROKER_URL,
        "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "allowed_hosts": settings.ALLOWED_HOSTS,
        "secret_key_is_dev": settings.SECRET_KEY.startswith("django-insecure"),
    }))
"""


def _load_settings(**variables: str) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "agency.settings",
        **variables,
    }
    completed = subprocess.run(  # noqa: S603 (our own interpreter, our own script)
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


PRODUCTION_DATABASE = "postgres://caseline@db.example:5432/caseline"


def test_debug_off_without_a_database_url_is_refused():
    # given production mode with a secret key and a broker, but no database
    loaded = _load_settings(DEBUG="false", SECRET_KEY="s" * 50, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    # then the settings refuse, saying what to set
    assert loaded == {
        "error": "DATABASE_URL must be set when DEBUG is off, e.g. postgres://caseline:secret@db:5432/caseline."
    }


def test_a_database_other_than_postgresql_is_refused_in_one_line(tmp_path):
    # given an SQLite URL, with DEBUG on (where the demo used to run on it)
    url = f"sqlite:///{tmp_path / 'caseline.db'}"
    # when the settings load
    loaded = _load_settings(DEBUG="true", DATABASE_URL=url)
    # then they refuse, naming the alternatives
    assert loaded["error"].startswith("DATABASE_URL=sqlite:… is not PostgreSQL, and Caseline runs on PostgreSQL only")
    assert "set a postgres:// URL, or leave DATABASE_URL unset with DEBUG=true" in loaded["error"]
    # and manage.py says so in one line, with no traceback
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "DEBUG": "true", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stderr.startswith("Caseline cannot start: DATABASE_URL=sqlite:… is not PostgreSQL")
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "caseline.db").exists()


def test_debug_off_without_a_secret_key_is_refused():
    # given production mode and no SECRET_KEY
    # when the settings load / then they refuse, saying what to set
    loaded = _load_settings(DEBUG="false", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert loaded == {"error": "SECRET_KEY must be set when DEBUG is off (see .env.example)."}


def test_debug_off_with_the_default_filesystem_broker_is_refused():
    # given production mode with a secret key but no broker configured
    # when the settings load / then the embedded broker is refused, naming CELERY_BROKER_URL
    loaded = _load_settings(DEBUG="false", SECRET_KEY="s" * 50, DATABASE_URL=PRODUCTION_DATABASE)
    assert "CELERY_BROKER_URL" in loaded["error"]
    assert "filesystem://" in loaded["error"]


def test_debug_off_with_an_explicit_filesystem_broker_is_refused():
    loaded = _load_settings(
        DEBUG="false", SECRET_KEY="s" * 50, DATABASE_URL=PRODUCTION_DATABASE, CELERY_BROKER_URL="filesystem://"
    )
    assert "CELERY_BROKER_URL" in loaded["error"]


def test_debug_is_off_unless_asked_for():
    # given a complete production configuration that does not mention DEBUG
    loaded = _load_settings(
        SECRET_KEY="s" * 50,
        DATABASE_URL="postgres://caseline@db.example:5432/caseline",
        REDIS_URL="redis://redis.example:6379/0",
    )
    # then DEBUG is off, PostgreSQL is used with health checks, Redis is the broker, and no host is allowed yet
    assert loaded["debug"] is False
    assert (loaded["engine"], loaded["name"]) == ("django.db.backends.postgresql", "caseline")
    assert loaded["conn_health_checks"] is True
    assert loaded["broker"] == "redis://redis.example:6379/0"
    assert loaded["allowed_hosts"] == []
    assert loaded["secret_key_is_dev"] is False


def test_debug_on_with_nothing_configured_runs_embedded(tmp_path):
    # given development mode and nothing else but where local state goes
    var = tmp_path / "var"
    # when the settings load
    loaded = _load_settings(DEBUG="true", VAR_DIR=str(var))
    # then the database is the embedded PostgreSQL server's: database caseline, on the socket in var/postgres
    assert (loaded["engine"], loaded["name"]) == ("django.db.backends.postgresql", "caseline")
    assert loaded["options"] == {"host": str(var / "postgres")}
    # and the broker is kombu's filesystem transport, its folders created under var/broker/
    assert loaded["broker"] == "filesystem://"
    broker_dir = var / "broker"
    folders = {
        key: Path(loaded["transport"][key])
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    }
    assert all(folder.parent == broker_dir for folder in folders.values()), folders
    assert all(folder.is_dir() for folder in folders.values())
    # worker and beat exchange messages through the same folder
    assert folders["data_folder_in"] == folders["data_folder_out"]
    # and a development secret key and local hosts are filled in
    assert loaded["secret_key_is_dev"] is True
    assert loaded["allowed_hosts"] == ["127.0.0.1", "localhost"]

"""Suite-wide setup: refuse to run without the real PostgreSQL and Redis, and say how to start them;
move the clock for the whole run when ``CASELINE_TEST_CLOCK`` asks for it; connect the tests as the
application's database role, as production does."""

import contextlib
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


# --- The tests connect as the application role ---------------------------------------------------------------
# DATABASE_URL's role (the owner) creates and migrates the test database (pytest-django's own
# django_db_setup), then grants the application role with `manage.py grant_app_role`, exactly as compose's
# migrate service does; from then on every test connection (the test's own, the live server's, the
# in-process Celery worker's, a worker subprocess's) is the application role's. Two things need the owner:
# the flush that empties the tables after a transactional test (TRUNCATE, which the application role must
# never have) and dropping the database at the end. Tests of owner-only commands use `as_database_owner`.

_OWNER: dict[str, str] = {}


def _set_database_user(user: str, password: str) -> None:
    from django.db import connections

    connections.close_all()
    for settings_dict in {
        id(d): d for d in (connections.settings["default"], connections["default"].settings_dict)
    }.values():
        settings_dict["USER"], settings_dict["PASSWORD"] = user, password


def _execute_sql_flush_as_owner(self, sql_list):
    """DatabaseOperations.execute_sql_flush, on a connection of its own as the owner (the TRUNCATE of every
    table between transactional tests); the same statements in one transaction."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    owner = DatabaseWrapper({**self.connection.settings_dict, **_OWNER}, alias="owner-flush")
    try:
        owner.ensure_connection()
        owner.set_autocommit(False)
        with owner.cursor() as cursor:
            for sql in sql_list:
                cursor.execute(sql)
        owner.commit()
    finally:
        owner.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.db.backends.postgresql.operations import DatabaseOperations

    owner = connections["default"].settings_dict
    _OWNER.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    role = settings.TEST_APP_DATABASE_ROLE
    # Where the server asks for passwords, the application role logs in with the owner's.
    password_env = "CASELINE_TEST_APP_DATABASE_PASSWORD"
    os.environ[password_env] = _OWNER["PASSWORD"]
    with django_db_blocker.unblock():
        call_command(
            "grant_app_role", role, verbosity=0, password_from_env=password_env if _OWNER["PASSWORD"] else None
        )
        # The tests start from an empty audit trail: the owner empties it of grant_app_role's own row.
        with connections["default"].cursor() as cursor:
            cursor.execute("TRUNCATE agency_auditevent")
    _set_database_user(role, _OWNER["PASSWORD"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", _execute_sql_flush_as_owner)
        yield
    _set_database_user(_OWNER["USER"], _OWNER["PASSWORD"])  # the owner drops the test database


@pytest.fixture(scope="module")
def connected_as_database_owner(django_db_setup):
    """For a module whose tests exercise an owner-only tool (seed_demo's bulk load moves id sequences and
    drops and re-adds foreign keys, as migrations do): its tests connect as the owner, as `make run` seeds.
    Module-scoped, so the switch happens before each test's transaction begins:
    ``pytestmark = pytest.mark.usefixtures("connected_as_database_owner")``."""
    from django.conf import settings

    _set_database_user(_OWNER["USER"], _OWNER["PASSWORD"])
    yield
    _set_database_user(settings.TEST_APP_DATABASE_ROLE, _OWNER["PASSWORD"])


@pytest.fixture
def as_database_owner(transactional_db):
    """A context manager: inside it, the test's connection is the owner's, as `manage.py` is when run with the
    owner's DATABASE_URL (compose's migrate service). Transactional tests only: it reconnects."""
    from django.conf import settings

    @contextlib.contextmanager
    def owner():
        _set_database_user(_OWNER["USER"], _OWNER["PASSWORD"])
        try:
            yield
        finally:
            _set_database_user(settings.TEST_APP_DATABASE_ROLE, _OWNER["PASSWORD"])

    return owner

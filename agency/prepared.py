"""Server-side prepared statements for the few statements a process sends again and again with new values: the
page-count-audit statement of every API list (agency.audit.audited_list_page).

PostgreSQL parses, analyses and plans a statement each time it is sent as text. That statement is long (the
page, the count and the audit INSERT: some 4,000 characters) and its parse and plan cost the database about
0.5 ms of CPU on every API call, more than its count. Prepared once per connection and then executed, it is
parsed once and, after a few executions, planned once (PostgreSQL's generic plan). psycopg2 has no prepared
statements of its own, so this sends SQL's ``PREPARE`` and ``EXECUTE``; Django's psycopg 3 backend could do it
on its own (``server_side_binding``) but the stack is psycopg2.

Each database connection keeps its own statements (a prepared statement lives as long as the session, and
survives a rolled-back transaction): at most ``PREPARED_PER_CONNECTION`` per connection, the least recently used
deallocated. A statement PostgreSQL cannot prepare (a parameter whose type it cannot infer) is remembered as such
and sent as text, as before. Only for PostgreSQL and only for statements named by their callers, never for the
ORM's own queries.

Deployment: a prepared statement belongs to one server session, so a connection pooler between Caseline and
PostgreSQL must keep a client on one server connection (pgbouncer in session mode; not transaction mode).
Migrations that change the type of a column a prepared statement returns make PostgreSQL refuse that statement
until the connection is recycled (``DB_CONN_MAX_AGE``): restart the application servers after migrating, as
one does anyway for new code.
"""

import itertools
import logging
import re
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg2 import DatabaseError

logger = logging.getLogger(__name__)

PREPARED_PER_CONNECTION = 64
_NOT_PREPARED = ""  # the name kept for a statement PostgreSQL would not prepare
_PLACEHOLDER = re.compile(r"%%|%s")


class _Statements:
    """The statements prepared on one database session: SQL text -> statement name, least recently used first."""

    def __init__(self) -> None:
        self.names: OrderedDict[str, str] = OrderedDict()
        self.serial = itertools.count(1)


# Keyed by the driver's connection (not Django's wrapper): a reconnected wrapper starts a new session.
_SESSIONS: "weakref.WeakKeyDictionary[Any, _Statements]" = weakref.WeakKeyDictionary()


def numbered(sql: str) -> str:
    """Django's SQL (``%s`` placeholders, ``%%`` for a literal percent sign) with PostgreSQL's ``$1, $2 …``."""
    counter = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else f"${next(counter)}", sql)


def execute_prepared(connection: BaseDatabaseWrapper, cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """``cursor.execute(sql, params)``, through a statement prepared on ``connection``'s session on first use."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    connection.ensure_connection()
    statements = _SESSIONS.get(connection.connection)
    if statements is None:
        statements = _SESSIONS[connection.connection] = _Statements()
    name = statements.names.get(sql)
    if name is None:
        name = _prepare(connection, statements, sql)
    else:
        statements.names.move_to_end(sql)
    if name == _NOT_PREPARED:
        cursor.execute(sql, params)
    elif params:
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def _prepare(connection: BaseDatabaseWrapper, statements: _Statements, sql: str) -> str:
    """Prepare ``sql`` on the session; the name it has there, or ``_NOT_PREPARED``.

    Sent on the driver's own cursor, as Django sends its connection's set-up (time zone, role): a statement
    prepared once per session is the session's set-up, not a query of the request that happens to come first
    (the tests count a request's queries). In a transaction, in a savepoint of its own: a statement that cannot
    be prepared leaves the caller's transaction usable. Names are made here; the statement is the caller's SQL."""
    name = f"caseline_{next(statements.serial)}"
    in_transaction = not connection.get_autocommit()
    with connection.connection.cursor() as raw:
        if in_transaction:
            raw.execute("SAVEPOINT caseline_prepare")
        try:
            raw.execute(f"PREPARE {name} AS {numbered(sql)}")
        except DatabaseError as error:  # psycopg2's errors are DB-API errors, as Django's are
            if in_transaction:
                raw.execute("ROLLBACK TO SAVEPOINT caseline_prepare")
            logger.info("Statement not prepared (%s); it is sent as text: %.200s", error, sql)
            name = _NOT_PREPARED
        if in_transaction:
            raw.execute("RELEASE SAVEPOINT caseline_prepare")
        statements.names[sql] = name
        if len(statements.names) > PREPARED_PER_CONNECTION:
            _sql, oldest = statements.names.popitem(last=False)
            if oldest != _NOT_PREPARED:
                raw.execute(f"DEALLOCATE {oldest}")
    return name


def prepared_statements(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """What this process has prepared on ``connection``'s current session: SQL text -> name (for tests)."""
    statements = _SESSIONS.get(connection.connection) if connection.connection is not None else None
    return dict(statements.names) if statements is not None else {}


def prepared_executions(connection: BaseDatabaseWrapper, name: str) -> int | None:
    """How often the session has executed its prepared statement ``name``; None if it has no such statement."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None

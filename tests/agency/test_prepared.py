"""Server-side prepared statements (agency.prepared), used by the audited page of every API list: prepared once
per database session and executed after, the same rows as the statement sent as text, a statement PostgreSQL
cannot prepare sent as text without harming the caller's transaction, at most PREPARED_PER_CONNECTION kept."""

import pytest
from django.db import connection

from agency import prepared
from agency.prepared import execute_prepared, numbered, prepared_executions, prepared_statements

pytestmark = pytest.mark.django_db


def _run(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        execute_prepared(connection, cursor, sql, params)
        return cursor.fetchall()


def test_placeholders_are_numbered_and_literal_percent_signs_kept():
    assert numbered("SELECT %s, %s WHERE a LIKE '%%x' OR b = %s") == "SELECT $1, $2 WHERE a LIKE '%x' OR b = $3"


def test_a_statement_is_prepared_once_per_session_and_executed_after():
    # given
    sql = "SELECT %s::int + %s::int, 'caseline-prepared-once'"
    # when
    answers = [_run(sql, [1, number]) for number in range(7)]
    # then the same answers as sent as text, from one statement executed seven times
    assert answers == [[(1 + number, "caseline-prepared-once")] for number in range(7)]
    name = prepared_statements(connection)[sql]
    assert name.startswith("caseline_")
    assert prepared_executions(connection, name) == 7


def test_a_statement_postgresql_cannot_prepare_is_sent_as_text_and_the_transaction_goes_on():
    # given a parameter whose type PostgreSQL cannot infer on its own
    sql = "SELECT %s IS NULL"
    # when
    answer = _run(sql, [None])
    # then answered as before, remembered as not prepared, and the test's transaction still usable
    assert answer == [(True,)]
    assert prepared_statements(connection)[sql] == ""
    assert _run("SELECT %s::int", [5]) == [(5,)]


def test_preparing_adds_no_query_to_the_request(django_assert_num_queries):
    # when a statement is first used on the session
    with django_assert_num_queries(1):
        _run("SELECT %s::text || 'caseline-first-use'", ["a"])


@pytest.mark.django_db(transaction=True)
def test_the_least_recently_used_statement_is_deallocated(monkeypatch):
    # given a new session with room for two statements
    connection.close()
    monkeypatch.setattr(prepared, "PREPARED_PER_CONNECTION", 2)
    first, second, third = (f"SELECT %s::int + {number}" for number in range(3))
    _run(first, [1])
    _run(second, [1])
    first_name = prepared_statements(connection)[first]
    # when a third comes
    _run(third, [1])
    # then the first is gone from the session, and it is prepared again when it comes back
    assert list(prepared_statements(connection)) == [second, third]
    assert prepared_executions(connection, first_name) is None
    assert _run(first, [2]) == [(2,)]
    assert list(prepared_statements(connection)) == [third, first]


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_again():
    # given a statement prepared on a session that then ends
    sql = "SELECT %s::int * 2"
    assert _run(sql, [3]) == [(6,)]
    connection.close()
    # when the next session runs it
    answer = _run(sql, [4])
    # then it is prepared there (the old session's name means nothing to the new one)
    assert answer == [(8,)]
    assert prepared_executions(connection, prepared_statements(connection)[sql]) == 1

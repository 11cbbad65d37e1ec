"""An audited API list page is read with the list's count and written to the audit trail in one statement
(agency.audit.audited_list_page, agency.api.pagination.PageNumberPagination.paginate_with_count): the same
answer as DRF's paginator gives and the same audit row as a separate INSERT wrote, fail closed (no row, no
answer), one query for the page however many rows it holds."""

import contextlib
import datetime
from unittest import mock

import pytest
from django.db import IntegrityError, connection

from agency.api.pagination import PageNumberPagination
from agency.audit import audited_list_page
from agency.middleware import RequestContext
from agency.models import AuditEvent
from agency.prepared import prepared_executions, prepared_statements
from supervision.models import Supervision
from tests.supervision.factories import CheckInFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def audit_table_refusing_writes():
    """The database refuses every audit row written during the request: each breaks the table's check
    constraint (a row written in a request names its source address, and this request has none). A refusal
    by the database itself, on every path that writes a row, the ORM's and a statement of its own alike."""
    with mock.patch("agency.middleware.client_address", return_value=None):
        yield


def _last_row() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _rows_since(last: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=last).order_by("id"))


def _seed_cases(world, count: int) -> None:
    for day in range(count):
        SupervisionFactory(
            officer=world.users["officer"], court=world.court, start_date=datetime.date(2026, 1, 1 + day % 28)
        )


def _drf_path():
    """DRF's own paginator and a separate audit INSERT: what every list did before (and still does for a page
    asked for as ``last``)."""
    return mock.patch.object(PageNumberPagination, "paginate_with_count", return_value=None)


def _answer_and_row(client, url):
    last = _last_row()
    response = client.get(url)
    rows = _rows_since(last)
    columns = ("actor_id", "actor_label", "action", "object_type", "object_id", "offender_id", "offender_ids")
    return (
        response.status_code,
        response.content,
        [(*(getattr(row, name) for name in columns), row.outcome, str(row.source_ip), row.detail) for row in rows],
    )


URLS = [
    "/api/v1/supervisions/",
    "/api/v1/supervisions/?page_size=100",
    "/api/v1/supervisions/?page_size=7",
    "/api/v1/supervisions/?page_size=7&page=2",
    "/api/v1/supervisions/?page_size=7&page=3",  # the last page: 2 of 7
    "/api/v1/supervisions/?page_size=7&page=4",  # past the end: 404
    "/api/v1/supervisions/?page_size=7&page=last",
    "/api/v1/supervisions/?page=0",
    "/api/v1/supervisions/?page=99999999999999999999999",  # past any end, and past a bigint OFFSET
    "/api/v1/supervisions/?page=%D9%A3",  # a digit, but not an ASCII one
    "/api/v1/supervisions/?page=two",
    "/api/v1/supervisions/?status=closed",  # empty: count 0, one row naming nobody
    "/api/v1/supervisions/?status=closed&page=2",  # past the end of an empty list: 404
    "/api/v1/supervisions/?page_size=1000",  # capped at 100
    "/api/v1/check-ins/?page_size=2&page=2",
    "/api/v1/case-notes/?page_size=2",
    "/api/v1/violations/?page_size=2&page=2",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("caller", [("integrator", "read"), ("officer", None)], ids=["token", "session"])
def test_the_answer_and_the_audit_row_are_the_ones_drfs_paginator_and_an_insert_gave(world, client_for, url, caller):
    # given 20 cases (23 in all, 20 of the officer's own), one check-in each
    _seed_cases(world, 20)
    for case in Supervision.objects.all():
        CheckInFactory(supervision=case)
    name, token = caller
    client = client_for(name, token=token)
    # when the same page is asked for with the one statement and with DRF's paginator and an INSERT
    one_statement = _answer_and_row(client, url)
    with _drf_path():
        drf = _answer_and_row(client, url)
    # then the status, the bytes and the audit row are the same
    assert one_statement == drf


def test_the_count_is_right_on_the_last_page_and_a_page_past_it_is_a_404_without_a_row(world, client_for):
    # given 23 cases the administrator sees
    _seed_cases(world, 20)
    client = client_for("admin")
    # when they read the last page (3 of 10) and the page after it
    last = _last_row()
    last_page = client.get("/api/v1/supervisions/?page_size=10&page=3")
    past_the_end = client.get("/api/v1/supervisions/?page_size=10&page=4")
    # then the last page counts 23 and links back only; past the end is DRF's 404; one row, for the last page
    body = last_page.json()
    assert (body["count"], len(body["results"]), body["next"]) == (23, 3, None)
    assert body["previous"].endswith("/api/v1/supervisions/?page=2&page_size=10")
    assert past_the_end.status_code == 404
    assert past_the_end.json()["detail"].startswith("Invalid page.")
    (row,) = _rows_since(last)
    assert row.detail["ids"] == [item["id"] for item in body["results"]]
    assert row.offender_ids == sorted({Supervision.objects.get(pk=item["id"]).offender_id for item in body["results"]})


def test_an_empty_first_page_counts_0_and_is_one_row_naming_nobody(world, client_for):
    # given an integrator whose filter matches nothing
    client = client_for("integrator", token="read")
    last = _last_row()
    # when they list
    response = client.get("/api/v1/supervisions/?status=closed")
    # then the answer is an empty page and one row says they looked
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    (row,) = _rows_since(last)
    assert (row.action, row.offender_ids, row.detail) == (
        "supervision.listed",
        [],
        {"via": "api", "ids": [], "query": {"status": "closed"}},
    )


def test_the_row_keeps_the_pages_order_and_names_each_person_once(world, client_for):
    # given a person with three cases among others, listed newest first
    person_case = SupervisionFactory(officer=world.users["officer"], court=world.court)
    for year in (2021, 2023):
        SupervisionFactory(
            offender=person_case.offender,
            officer=world.users["officer"],
            court=world.court,
            status="closed",
            start_date=datetime.date(year, 3, 1),
            end_date=datetime.date(year + 1, 3, 1),
            closed_on=datetime.date(year + 1, 3, 1),
            closure_reason="completed",
        )
    client = client_for("admin")
    last = _last_row()
    # when the administrator lists every case
    response = client.get("/api/v1/supervisions/?page_size=100")
    # then the row's ids are the answer's, in its order, and every person is named once, sorted
    results = response.json()["results"]
    (row,) = _rows_since(last)
    assert row.detail["ids"] == [item["id"] for item in results]
    assert row.offender_ids == sorted({item["offender"] for item in results})
    assert len(row.offender_ids) == len(results) - 2


def test_a_list_is_refused_when_its_audit_row_cannot_be_written(world, client_for):
    # given an integrator, and a database that refuses audit rows
    client = client_for("integrator", token="read")
    client.raise_request_exception = False
    # when they list cases
    with audit_table_refusing_writes():
        response = client.get("/api/v1/supervisions/?page_size=100")
    # then the request failed and no case left with it
    assert response.status_code == 500
    assert str(world.cases["mine"].docket_number) not in response.content.decode(errors="replace")


def test_the_statement_fails_whole_when_the_row_cannot_be_written(world):
    # given a database that refuses audit rows
    queryset = Supervision.objects.order_by("-start_date", "-id").values_list("docket_number", "pk", "offender_id")
    no_address = mock.Mock(get=lambda: RequestContext(source_ip=None, request_id="no-address"))  # the check refuses it
    with (
        mock.patch("agency.audit.current_request", no_address),
        pytest.raises(IntegrityError, match="auditevent_request_rows_have_source_ip"),
    ):
        # when a page is read with its row
        audited_list_page(
            queryset,
            offset=0,
            limit=10,
            write_when_empty=True,
            actor=world.users["admin"],
            action="supervision.listed",
            detail={"via": "api"},
        )
    # then nothing was returned (the call raised)


def test_a_page_its_count_and_its_row_are_one_query(world, client_for, django_assert_num_queries):
    # given 23 cases and an integrator's token whose lookup is one query
    _seed_cases(world, 20)
    client = client_for("integrator", token="read")
    client.get("/api/v1/supervisions/")  # the row plan, once per process
    last = _last_row()
    # when a page is read
    with django_assert_num_queries(2):  # the token (with its user and scope), then the page with count and row
        response = client.get("/api/v1/supervisions/?page_size=10&page=2")
    # then it is a whole answer, written down
    assert response.json()["count"] == 23
    assert len(_rows_since(last)) == 1


def test_the_function_reads_the_page_and_count_and_writes_the_row(world):
    # given 23 cases, newest first
    _seed_cases(world, 20)
    queryset = Supervision.objects.order_by("-start_date", "-id").values_list("start_date", "pk", "offender_id")
    everything = list(queryset)
    last = _last_row()
    # when the page from the 20th row is read, and a page past the end
    rows, count = audited_list_page(
        queryset,
        offset=20,
        limit=10,
        write_when_empty=False,
        actor=world.users["admin"],
        action="supervision.listed",
        detail={"via": "api"},
    )
    none, count_again = audited_list_page(
        queryset,
        offset=30,
        limit=10,
        write_when_empty=False,
        actor=world.users["admin"],
        action="supervision.listed",
        detail={"via": "api"},
    )
    # then the rows are the queryset's (converted as it converts them: dates are dates), counted whole, and only
    # the page with rows was written down
    assert (rows, count) == (everything[20:], 23)
    assert isinstance(rows[0][0], datetime.date)
    assert (none, count_again) == ([], 23)
    (row,) = _rows_since(last)
    assert (row.actor_id, row.actor_label, row.action, row.detail) == (
        world.users["admin"].pk,
        "admin",
        "supervision.listed",
        {"via": "api", "ids": [pk for _date, pk, _person in everything[20:]]},
    )
    assert row.offender_ids == sorted({person for _date, _pk, person in everything[20:]})


def _page_statement_runs() -> dict[str, int | None]:
    """The session's prepared page statements (agency.prepared), each with how often it ran."""
    return {
        name: prepared_executions(connection, name)
        for sql, name in prepared_statements(connection).items()
        if "INSERT INTO" in sql
    }


def test_the_api_list_page_is_prepared_and_reused(client_for, world):
    # given an integrator reading the cases twice
    client = client_for("integrator")
    before = _page_statement_runs()  # the session is the test run's: other tests may have prepared it already
    # when
    first = client.get("/api/v1/supervisions/?page_size=2")
    second = client.get("/api/v1/supervisions/?page_size=2&page=2")
    # then both pages came from one prepared statement (its SQL is the same; the offset is a value)
    assert (first.status_code, second.status_code) == (200, 200)
    after = _page_statement_runs()
    grown = [after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)]
    assert grown == [2]
    assert [row["id"] for row in first.json()["results"]] != [row["id"] for row in second.json()["results"]]

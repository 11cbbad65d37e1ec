"""The audit trail: every service writes exactly one row saying who did what to which record of which
person; background jobs are named; rows written during a request carry its source address and id."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from agency.audit import audit_about_person, audit_people_named, audit_record
from agency.choices import AuditOutcome
from agency.models import AuditEvent, User
from offenders.services import offender_create
from supervision.choices import CheckInKind, DrugTestResult, ReferralKind, ReportStatus, ViolationKind
from supervision.services import (
    case_note_add,
    check_in_complete,
    check_in_excuse,
    check_ins_schedule,
    community_service_log,
    contact_record,
    drug_test_record,
    referral_create,
    referral_status_update,
    report_delivery_deliver,
    supervision_open,
    violation_record,
    violation_report_approve,
    violation_report_draft,
    violation_report_return,
    violation_report_submit,
    violation_report_update,
)
from tests.agency.factories import CourtFactory, OfficerFactory, SupervisorFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    ContactStandardFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

DELAY = "supervision.tasks.report_delivery_deliver_task.delay"
URLS = "tests.agency.test_audit"


# --- A tiny view for the request tests: one real service call inside a request --------------------------


def _create_offender_view(request: HttpRequest) -> HttpResponse:
    offender = offender_create(
        actor=request.user, first_name="Ada", last_name="Lovelace", date_of_birth=datetime.date(1990, 12, 10)
    )
    return HttpResponse(str(offender.pk))


def _failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view failed")


urlpatterns = [
    path("audit-probe/", _create_offender_view),
    path("audit-failure/", _failing_view),
]


# --- Every service: exactly one row --------------------------------------------------------------------


@dataclass
class Call:
    actor: User
    run: Callable[[], object]
    offender_id: int | None  # None: the object is the person


def _offender_create() -> Call:
    actor = OfficerFactory()
    return Call(
        actor,
        lambda: offender_create(
            actor=actor, first_name="Ada", last_name="Byron", date_of_birth=datetime.date(1990, 1, 1)
        ),
        None,
    )


def _supervision_open() -> Call:
    # No contact standard for the level: opening writes only its own row (scheduling is tested apart).
    actor, offender = SupervisorFactory(), OffenderFactory()
    return Call(
        actor,
        lambda: supervision_open(
            actor=actor,
            offender=offender,
            supervision_type="probation",
            court=CourtFactory(),
            docket_number="CR-1",
            offense="Theft",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + datetime.timedelta(days=365),
            officer=OfficerFactory(),
        ),
        offender.pk,
    )


def _check_ins_schedule() -> Call:
    ContactStandardFactory()
    supervision = SupervisionFactory()
    actor = supervision.officer

    def run():
        check_ins_schedule(supervision=supervision, actor=actor, horizon_days=30)
        return supervision

    return Call(actor, run, supervision.offender_id)


def _check_in_complete() -> Call:
    check_in = CheckInFactory()
    actor = check_in.supervision.officer
    return Call(
        actor,
        lambda: check_in_complete(actor=actor, check_in=check_in, completed_at=timezone.now()),
        check_in.supervision.offender_id,
    )


def _check_in_excuse() -> Call:
    check_in = CheckInFactory()
    actor = check_in.supervision.officer
    return Call(
        actor,
        lambda: check_in_excuse(actor=actor, check_in=check_in, reason="In hospital"),
        check_in.supervision.offender_id,
    )


def _contact_record() -> Call:
    supervision = SupervisionFactory()
    actor = supervision.officer
    return Call(
        actor,
        lambda: contact_record(
            actor=actor, supervision=supervision, kind=CheckInKind.PHONE, occurred_at=timezone.now()
        ),
        supervision.offender_id,
    )


def _drug_test_record() -> Call:
    # A negative result: the test's own row only (a failed test also records its violation).
    supervision = SupervisionFactory()
    actor = supervision.officer
    return Call(
        actor,
        lambda: drug_test_record(
            actor=actor, supervision=supervision, collected_at=timezone.now(), result=DrugTestResult.NEGATIVE
        ),
        supervision.offender_id,
    )


def _violation_record() -> Call:
    supervision = SupervisionFactory()
    actor = supervision.officer
    return Call(
        actor,
        lambda: violation_record(
            actor=actor,
            supervision=supervision,
            kind=ViolationKind.NEW_OFFENCE,
            occurred_on=timezone.localdate(),
            description="Arrested for theft.",
        ),
        supervision.offender_id,
    )


def _case_note_add() -> Call:
    supervision = SupervisionFactory()
    actor = supervision.officer
    return Call(
        actor, lambda: case_note_add(actor=actor, supervision=supervision, body="Met."), supervision.offender_id
    )


def _referral_create() -> Call:
    supervision = SupervisionFactory()
    actor = supervision.officer
    return Call(
        actor,
        lambda: referral_create(
            actor=actor,
            supervision=supervision,
            kind=ReferralKind.JOB_TRAINING,
            provider="Works",
            referred_on=timezone.localdate(),
        ),
        supervision.offender_id,
    )


def _referral_status_update() -> Call:
    supervision = SupervisionFactory()
    actor = supervision.officer
    referral = referral_create(
        actor=actor, supervision=supervision, kind="housing", provider="Hope House", referred_on=timezone.localdate()
    )
    return Call(
        actor,
        lambda: referral_status_update(
            actor=actor, referral=referral, status="enrolled", changed_on=timezone.localdate()
        ),
        supervision.offender_id,
    )


def _community_service_log() -> Call:
    condition = ConditionFactory(condition_type=ConditionTypeFactory(tracks_hours=True), hours_required=10)
    actor = condition.supervision.officer
    return Call(
        actor,
        lambda: community_service_log(
            actor=actor,
            condition=condition,
            performed_on=timezone.localdate(),
            hours=Decimal("2"),
            organisation="Food bank",
        ),
        condition.supervision.offender_id,
    )


def _violation_report_draft() -> Call:
    supervision = SupervisionFactory()
    actor, violation = supervision.officer, ViolationFactory(supervision=supervision)
    return Call(
        actor,
        lambda: violation_report_draft(
            actor=actor, supervision=supervision, violations=[violation], narrative="N.", recommendation="continue"
        ),
        supervision.offender_id,
    )


def _report_call(status: str, service, by_supervisor: bool, **kwargs) -> Call:
    report = ViolationReportFactory(status=status)
    supervision = report.supervision
    actor = SupervisorFactory(unit=supervision.unit) if by_supervisor else supervision.officer
    return Call(actor, lambda: service(actor=actor, report=report, **kwargs), supervision.offender_id)


def _violation_report_update() -> Call:
    return _report_call(ReportStatus.DRAFT, violation_report_update, False, narrative="New.", recommendation="revoke")


def _violation_report_submit() -> Call:
    return _report_call(ReportStatus.DRAFT, violation_report_submit, False)


def _violation_report_return() -> Call:
    return _report_call(ReportStatus.SUBMITTED, violation_report_return, True, comment="Add dates.")


def _violation_report_approve() -> Call:
    return _report_call(ReportStatus.SUBMITTED, violation_report_approve, True)


SERVICES = [
    ("offender.created", "offenders.offender", _offender_create),
    ("supervision.opened", "supervision.supervision", _supervision_open),
    ("check_in.scheduled", "supervision.supervision", _check_ins_schedule),
    ("check_in.completed", "supervision.checkin", _check_in_complete),
    ("check_in.excused", "supervision.checkin", _check_in_excuse),
    ("check_in.contact_recorded", "supervision.checkin", _contact_record),
    ("drug_test.recorded", "supervision.drugtest", _drug_test_record),
    ("violation.recorded", "supervision.violation", _violation_record),
    ("case_note.added", "supervision.casenote", _case_note_add),
    ("referral.created", "supervision.referral", _referral_create),
    ("referral.status_changed", "supervision.referral", _referral_status_update),
    ("community_service.logged", "supervision.communityserviceentry", _community_service_log),
    ("violation_report.drafted", "supervision.violationreport", _violation_report_draft),
    ("violation_report.updated", "supervision.violationreport", _violation_report_update),
    ("violation_report.submitted", "supervision.violationreport", _violation_report_submit),
    ("violation_report.returned", "supervision.violationreport", _violation_report_return),
    ("violation_report.approved", "supervision.violationreport", _violation_report_approve),
]


@pytest.mark.parametrize(("action", "object_type", "given"), SERVICES, ids=[s[0] for s in SERVICES])
def test_each_service_writes_exactly_one_audit_row(action, object_type, given):
    # given a user about to make one change
    call = given()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = timezone.now()
    # when the service runs
    with mock.patch(DELAY):
        obj = call.run()
    # then exactly one row says who did what to which record of which person, and that it was allowed
    event = AuditEvent.objects.get(id__gt=last)
    assert (event.actor, event.actor_label, event.action) == (call.actor, call.actor.username, action)
    assert (event.object_type, event.object_id) == (object_type, str(obj.pk))
    assert event.offender_id == (obj.pk if call.offender_id is None else call.offender_id)
    assert event.outcome == AuditOutcome.ALLOWED
    # and, written outside a request, it has no source address or request id
    assert (event.source_ip, event.request_id) == (None, "")
    assert started <= event.occurred_at <= timezone.now()


# --- Background jobs ------------------------------------------------------------------------------------


def test_scheduling_by_a_job_is_audited_as_the_system():
    # given an active case and its contact standard
    ContactStandardFactory(check_in_interval_days=14)
    supervision = SupervisionFactory()
    # when the scheduling job runs without a user
    check_ins_schedule(supervision=supervision, horizon_days=20)
    # then its row names the job, not a person
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_label, event.action) == (None, "system:schedule_check_ins", "check_in.scheduled")
    assert (event.object_type, event.object_id, event.offender_id) == (
        "supervision.supervision",
        str(supervision.pk),
        supervision.offender_id,
    )
    assert event.detail == {"count": 2}


def test_report_delivery_is_audited_as_the_system():
    # given an approved report with its pending delivery
    report = ViolationReportFactory(status=ReportStatus.SUBMITTED)
    with mock.patch(DELAY):
        violation_report_approve(actor=SupervisorFactory(unit=report.supervision.unit), report=report)
    delivery = report.deliveries.get()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    # when the delivery job runs
    report_delivery_deliver(delivery_id=delivery.pk)
    # then exactly one row, by the delivery job, records the routing
    event = AuditEvent.objects.get(id__gt=last)
    assert (event.actor, event.actor_label, event.action) == (None, "system:deliver_reports", "violation_report.routed")
    assert (event.object_type, event.object_id, event.offender_id) == (
        "supervision.violationreport",
        str(report.pk),
        report.supervision.offender_id,
    )


def test_audit_record_needs_an_actor_or_a_system_job():
    # given nothing to say who acted
    # when a row is written / then it is refused and no row exists
    with pytest.raises(ValueError, match="needs an actor or the name of the system job"):
        audit_record(actor=None, action="offender.created", obj=OffenderFactory())
    assert AuditEvent.objects.count() == 0


# --- Which person a row belongs to ---------------------------------------------------------------------------


def test_audit_record_finds_the_person_of_the_object():
    # given a person, their case, a check-in of the case, and a court (nobody's record)
    check_in = CheckInFactory()
    supervision, actor = check_in.supervision, check_in.supervision.officer
    offender, court = supervision.offender, CourtFactory()
    # when rows are written for each
    rows = [audit_record(actor=actor, action="read", obj=obj) for obj in (offender, supervision, check_in, court)]
    # then each row is tied to the person, except the court's
    assert [row.offender_id for row in rows] == [offender.pk, offender.pk, offender.pk, None]
    assert [row.object_type for row in rows] == [
        "offenders.offender",
        "supervision.supervision",
        "supervision.checkin",
        "agency.court",
    ]


def test_audit_record_without_an_object_and_with_a_denied_outcome():
    # given a user refused something that has no object
    actor = OfficerFactory()
    # when the refusal is recorded
    event = audit_record(actor=actor, action="report.export", outcome=AuditOutcome.DENIED, detail={"why": "role"})
    # then the row has no object and says it was denied
    event.refresh_from_db()
    assert (event.object_type, event.object_id, event.offender_id) == ("", "", None)
    assert (event.outcome, event.detail) == ("denied", {"why": "role"})


def test_audit_record_explicit_offender_id_wins():
    # given a check-in of one person
    check_in = CheckInFactory()
    other = OffenderFactory()
    # when the row names another person explicitly / then that person is recorded
    event = audit_record(actor=check_in.supervision.officer, action="merge", obj=check_in, offender_id=other.pk)
    assert event.offender_id == other.pk


# --- The people a list showed ------------------------------------------------------------------------------------


def test_a_list_row_names_each_person_once_and_in_order():
    # given an officer whose list showed people, one of them twice, and a row without a person
    officer = OfficerFactory()
    # when the list read is recorded
    event = audit_record(actor=officer, action="supervision.listed", offender_ids=[9, 3, None, 9, 4])
    # then the row names each person once, sorted, and no single person
    event.refresh_from_db()
    assert (event.offender_id, event.offender_ids) == (None, [3, 4, 9])
    assert audit_people_named(event) == {3, 4, 9}


def test_a_row_inserted_without_the_list_of_people_names_nobody_in_it():
    # given a job that writes its rows in SQL without naming the column (the missed check-in sweep)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agency_auditevent (occurred_at, actor_label, action, object_type, object_id, offender_id,"
            " outcome, request_id, detail) VALUES (now(), 'system:test', 'check_in.missed', '', '', 5, 'allowed',"
            " '', '{}') RETURNING id"
        )
        (row_id,) = cursor.fetchone()
    # then the row's list of people is empty (the database's default), and it names its one person
    event = AuditEvent.objects.get(pk=row_id)
    assert (event.offender_ids, audit_people_named(event)) == ([], {5})


def test_the_rows_about_a_person_are_theirs_and_the_lists_that_showed_them():
    # given a read of a person's case, a list that showed them among others, and rows about others
    check_in = CheckInFactory()
    person, actor = check_in.supervision.offender_id, check_in.supervision.officer
    theirs = [
        audit_record(actor=actor, action="check_in.viewed", obj=check_in),
        audit_record(actor=actor, action="check_in.listed", offender_ids=[person + 1, person]),
    ]
    audit_record(actor=actor, action="check_in.listed", offender_ids=[person + 1])
    audit_record(actor=actor, action="user.signed_in", obj=actor)
    # when the trail is searched for the person
    found = AuditEvent.objects.filter(audit_about_person(person)).order_by("id")
    # then both of their rows are found, and nothing else
    assert list(found) == theirs


# --- Rows written during a request ---------------------------------------------------------------------------


@pytest.mark.urls(URLS)
def test_request_id_and_source_address_are_recorded(client):
    # given a signed-in officer
    officer = OfficerFactory()
    client.force_login(officer)
    # when a request with an id of its own makes a change
    response = client.post("/audit-probe/", REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="req-2026-abc")
    # then the row carries the request's address and id, and the response echoes the id
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id) == (officer, "offender.created", response.content.decode())
    assert (event.source_ip, event.request_id) == ("203.0.113.7", "req-2026-abc")
    assert response["X-Request-ID"] == "req-2026-abc"


@pytest.mark.urls(URLS)
def test_a_request_without_an_id_gets_a_generated_one(client):
    # given a signed-in officer
    client.force_login(OfficerFactory())
    # when a request without an id makes a change
    response = client.post("/audit-probe/", REMOTE_ADDR="2001:db8::1")
    # then an id is generated, written into the row, and returned in the header
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    event = AuditEvent.objects.get()
    assert (event.source_ip, event.request_id) == ("2001:db8::1", request_id)


@pytest.mark.urls(URLS)
def test_each_request_gets_its_own_id(client):
    # given a signed-in officer
    client.force_login(OfficerFactory())
    # when two requests without an id make a change each
    first = client.post("/audit-probe/")["X-Request-ID"]
    second = client.post("/audit-probe/")["X-Request-ID"]
    # then the two rows carry two different ids
    assert first != second
    assert sorted(AuditEvent.objects.values_list("request_id", flat=True)) == sorted([first, second])


@pytest.mark.urls(URLS)
def test_an_overlong_request_id_is_cut_to_the_column(client):
    client.force_login(OfficerFactory())
    response = client.post("/audit-probe/", HTTP_X_REQUEST_ID="x" * 100)
    assert response.status_code == 200
    assert response["X-Request-ID"] == "x" * 64
    assert AuditEvent.objects.get().request_id == "x" * 64


@pytest.mark.urls(URLS)
def test_a_request_id_that_cannot_be_a_header_is_replaced(client):
    # given a request id with a line break (it could not be echoed in a response header)
    client.force_login(OfficerFactory())
    # when the request makes a change
    response = client.post("/audit-probe/", HTTP_X_REQUEST_ID="abc\r\nSet-Cookie: x=1")
    # then it succeeds with a generated id instead, in the row and in the header
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert AuditEvent.objects.get().request_id == request_id
    assert "Set-Cookie" not in response.headers


@pytest.mark.urls(URLS)
def test_the_request_context_ends_with_the_request(client):
    # given a request that failed inside its view
    client.raise_request_exception = False
    client.force_login(OfficerFactory())
    assert client.get("/audit-failure/", HTTP_X_REQUEST_ID="req-failed").status_code == 500
    assert client.post("/audit-probe/", HTTP_X_REQUEST_ID="req-ok").status_code == 200
    # when a job writes a row afterwards, outside any request
    event = audit_record(actor=None, system="digest", action="digest.sent")
    # then it carries neither address nor request id of the earlier requests
    assert (event.source_ip, event.request_id) == (None, "")

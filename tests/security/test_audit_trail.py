"""The audit trail: append-only in the database, fail closed, every row complete, sign-in events and
denials recorded, and the viewer for administrators and supervisors."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from agency.audit import audit_record
from agency.models import AuditEvent
from supervision.models import CaseNote
from tests.agency.factories import (
    AdministratorFactory,
    CourtClerkFactory,
    OfficerFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.security.conftest import sign_in
from tests.supervision.factories import CheckInFactory, SupervisionFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    return audit_record(actor=OfficerFactory(), action="test.done")


# --- Append-only in the database -------------------------------------------------------------------------


def test_the_database_refuses_to_update_an_audit_row(as_database_owner):
    # given an audit row
    event = _event()
    # when anything tries to change it, even bypassing the ORM, even the tables' owner (the application
    # role is refused before the trigger: tests/security/test_database_roles.py)
    with (
        as_database_owner(),
        pytest.raises(DatabaseError, match="append-only: UPDATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE agency_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    # then the row is unchanged
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


def test_the_database_refuses_to_delete_an_audit_row(as_database_owner):
    # given an audit row
    event = _event()
    # when the ORM tries to delete it, even as the tables' owner
    with as_database_owner(), pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    # then it is still there
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_row_written_during_a_request_must_carry_its_source_address():
    # given / when a row claims a request id but no address
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(actor_label="x", action="test.done", request_id="abc", source_ip=None)
    # then nothing was written
    assert not AuditEvent.objects.exists()


# --- Fail closed -------------------------------------------------------------------------------------------


def test_a_change_fails_and_is_rolled_back_when_its_audit_row_cannot_be_written(client):
    # given an officer on their case page, and an audit table that refuses writes
    officer = OfficerFactory()
    case = SupervisionFactory(officer=officer)
    client.force_login(officer)
    url = reverse("supervision:note_new", args=[case.pk])
    # when they add a case note
    with (
        mock.patch.object(AuditEvent.objects, "create", side_effect=DatabaseError("audit table unavailable")),
        pytest.raises(DatabaseError, match="audit table unavailable"),
    ):
        client.post(url, {"body": "Seen at home."})
    # then the request failed and the note was not kept
    assert not CaseNote.objects.filter(supervision=case).exists()


def test_a_read_is_refused_when_its_audit_row_cannot_be_written(client):
    # given an officer and their case
    officer = OfficerFactory()
    case = SupervisionFactory(officer=officer)
    client.force_login(officer)
    # when the audit table refuses writes, the case page is not shown
    with (
        mock.patch.object(AuditEvent.objects, "create", side_effect=DatabaseError("audit table unavailable")),
        pytest.raises(DatabaseError),
    ):
        client.get(reverse("supervision:case_detail", args=[case.pk]))


# --- Every row complete ------------------------------------------------------------------------------------


def test_a_read_of_a_case_page_is_one_complete_row(client):
    # given an officer and their case
    officer = OfficerFactory()
    case = SupervisionFactory(officer=officer)
    client.force_login(officer)
    # when they open the case page
    response = client.get(reverse("supervision:case_detail", args=[case.pk]), HTTP_X_REQUEST_ID="req-1")
    # then one row says who read which case of which person, from where, when, allowed
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="supervision.viewed")
    assert (event.actor, event.actor_label, event.object_type, event.object_id, event.offender_id) == (
        officer,
        officer.username,
        "supervision.supervision",
        str(case.pk),
        case.offender_id,
    )
    assert (event.outcome, event.source_ip, event.request_id) == ("allowed", "127.0.0.1", "req-1")
    assert event.occurred_at.utcoffset().total_seconds() == 0


# --- Sign-in events ------------------------------------------------------------------------------------------


def test_a_sign_in_is_audited_with_its_address(client):
    # given an officer
    officer = OfficerFactory()
    # when they sign in with their password
    response = sign_in(client, officer.username)
    # then they are in, and one row records it
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.signed_in")
    assert (event.actor, event.object_id, event.outcome, event.source_ip) == (
        officer,
        str(officer.pk),
        "allowed",
        "127.0.0.1",
    )


def test_a_failed_sign_in_is_audited_as_denied(client):
    # given an officer
    officer = OfficerFactory()
    # when someone tries a wrong password
    response = sign_in(client, officer.username, "wrong-password-123")
    # then the form says so, and one denied row names the account tried
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="user.sign_in_failed")
    assert (event.actor, event.actor_label, event.object_id, event.outcome) == (
        None,
        "anonymous",
        str(officer.pk),
        "denied",
    )
    assert event.detail == {"username": officer.username, "known_user": True}


def test_signing_out_is_audited(client):
    # given a signed-in officer
    officer = OfficerFactory()
    sign_in(client, officer.username)
    # when they sign out
    client.post(reverse("logout"))
    # then a row records it
    assert AuditEvent.objects.filter(action="user.signed_out", actor=officer).count() == 1


def test_a_password_change_is_audited(client):
    # given a signed-in officer
    officer = OfficerFactory()
    client.force_login(officer)
    # when they change their password
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    # then it is changed and audited, and they stay signed in
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-much-longer-passphrase-2026")
    assert AuditEvent.objects.filter(action="user.password_changed", actor=officer).count() == 1
    assert client.get(reverse("supervision:caseload")).status_code == 200


# --- Denials ---------------------------------------------------------------------------------------------


def test_opening_another_officers_case_is_a_404_and_a_denied_row(client):
    # given two officers, each with a case
    officer = OfficerFactory()
    other_case = SupervisionFactory()
    client.force_login(officer)
    # when the first opens the other's case
    response = client.get(reverse("supervision:case_detail", args=[other_case.pk]))
    # then it is the same 404 as a missing case, and a denied row names the route and the object asked for
    assert response.status_code == 404
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome) == (officer, "access.denied", "denied")
    assert event.detail == {
        "status": 404,
        "method": "GET",
        "path": f"/cases/{other_case.pk}/",
        "route": "supervision:case_detail",
        "object": {"case_id": str(other_case.pk)},
    }


def test_a_403_is_a_denied_row(client):
    # given a court clerk
    clerk = CourtClerkFactory()
    client.force_login(clerk)
    # when they open the officers' caseload
    response = client.get(reverse("supervision:caseload"))
    # then it is refused and audited
    assert response.status_code == 403
    assert list(AuditEvent.objects.values_list("actor", "action", "outcome")) == [(clerk.pk, "access.denied", "denied")]


def test_an_api_denial_by_token_is_audited(client):
    # given an integrator token limited to another unit
    from agency.api.tokens import api_token_issue
    from tests.agency.factories import IntegratorFactory

    integrator = IntegratorFactory(unit=UnitFactory())
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="read")
    case = SupervisionFactory()
    # when it asks for a case outside its unit
    response = client.get(f"/api/v1/supervisions/{case.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    # then 404, and a denied row names the token's user
    assert response.status_code == 404
    assert list(AuditEvent.objects.filter(outcome="denied").values_list("actor", "action")) == [
        (integrator.pk, "access.denied")
    ]


def test_a_404_on_a_page_without_an_object_is_not_audited(client):
    # given a signed-in officer
    client.force_login(OfficerFactory())
    # when they mistype an address
    response = client.get("/no-such-page/")
    # then nothing is recorded (nothing was asked for)
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


# --- The viewer ------------------------------------------------------------------------------------------


def test_an_administrator_sees_and_filters_the_trail(client):
    # given rows by two users
    admin, officer, other = AdministratorFactory(), OfficerFactory(), OfficerFactory()
    audit_record(actor=officer, action="supervision.viewed")
    audit_record(actor=other, action="supervision.viewed")
    client.force_login(admin)
    # when the administrator filters by one user
    response = client.get(reverse("audit:events"), {"user": officer.username, "action": "supervision."})
    # then only that user's rows are listed, and the look is itself audited
    assert response.status_code == 200
    assert [event.actor_label for event in response.context["page_obj"]] == [officer.username]
    assert AuditEvent.objects.filter(action="audit.viewed", actor=admin).count() == 1


def test_a_supervisor_sees_their_units_rows_only(client):
    # given a supervisor, an officer of their unit and one of another unit
    supervisor = SupervisorFactory()
    mine = OfficerFactory(unit=supervisor.unit)
    theirs = OfficerFactory()
    audit_record(actor=mine, action="supervision.viewed")
    audit_record(actor=theirs, action="supervision.viewed")
    client.force_login(supervisor)
    # when they open the viewer
    response = client.get(reverse("audit:events"), {"action": "supervision.viewed"})
    # then they see their unit's row only
    assert [event.actor_label for event in response.context["page_obj"]] == [mine.username]


def test_a_supervisor_sees_what_was_done_to_their_units_people(client):
    # given a case of the supervisor's unit read by someone outside it
    supervisor = SupervisorFactory()
    case = SupervisionFactory(officer=OfficerFactory(unit=supervisor.unit), unit=supervisor.unit)
    audit_record(actor=AdministratorFactory(), action="supervision.viewed", obj=case)
    client.force_login(supervisor)
    # when they filter by that person
    response = client.get(reverse("audit:events"), {"person": case.offender_id})
    # then the read is listed
    assert [event.action for event in response.context["page_obj"]] == ["supervision.viewed"]


def _a_person_moved_from_unit_a_to_unit_b():
    """A person whose first case (closed) was in unit A and whose later case is in unit B."""
    unit_a, unit_b = UnitFactory(), UnitFactory()
    officer_a, officer_b = OfficerFactory(unit=unit_a), OfficerFactory(unit=unit_b)
    earlier = SupervisionFactory(
        officer=officer_a, status="closed", closed_on=datetime.date(2026, 1, 5), closure_reason="transferred"
    )
    later = SupervisionFactory(officer=officer_b, offender=earlier.offender)
    return SupervisorFactory(unit=unit_a), officer_a, officer_b, earlier, later


def _listed(response) -> list[int]:
    return [event.pk for event in response.context["page_obj"]]


def test_a_supervisor_sees_their_units_case_of_a_person_not_the_same_persons_case_in_another_unit(client):
    # given a person with a closed case in unit A and a later case in unit B
    supervisor_a, officer_a, officer_b, earlier, later = _a_person_moved_from_unit_a_to_unit_b()
    person, admin = earlier.offender_id, AdministratorFactory()
    # rows about unit A's case: by its officer, by an administrator, by the delivery job on its report
    report_a = ViolationReportFactory(supervision=earlier)
    seen = [
        audit_record(actor=officer_a, action="supervision.viewed", obj=earlier),
        audit_record(actor=admin, action="supervision.viewed", obj=earlier),
        audit_record(actor=None, system="deliver_reports", action="violation_report.routed", obj=report_a),
        audit_record(actor=officer_a, action="supervision.listed", offender_ids=[person]),
    ]
    # rows about unit B's case: its officer, an administrator, a job on its check-in, unit B's list read
    check_in_b = CheckInFactory(supervision=later)
    audit_record(actor=officer_b, action="supervision.viewed", obj=later)
    audit_record(actor=admin, action="supervision.viewed", obj=later)
    audit_record(actor=officer_b, action="check_in.completed", obj=check_in_b)
    audit_record(actor=None, system="flag_missed_check_ins", action="check_in.missed", obj=check_in_b)
    audit_record(actor=officer_b, action="supervision.listed", offender_ids=[person])
    client.force_login(supervisor_a)
    # when unit A's supervisor looks the person up, and opens the whole trail
    by_person = client.get(reverse("audit:events"), {"person": person})
    everything = client.get(reverse("audit:events"), {"action": "s"})  # supervision.* and system rows
    # then they see unit A's case only, whoever acted on it; nothing of unit B's case
    assert _listed(by_person) == [event.pk for event in reversed(seen)]
    assert set(_listed(everything)) == {seen[0].pk, seen[1].pk, seen[3].pk}
    # and the CSV holds the same rows
    export = client.get(reverse("audit:export"), {"person": person})
    rows = list(csv.reader(io.StringIO(export.content.decode())))[1:]
    assert [row[2] for row in rows] == [event.action for event in reversed(seen)]


def test_the_other_units_supervisor_sees_the_later_case_only(client):
    # given the same person, read in both units
    _supervisor_a, officer_a, officer_b, earlier, later = _a_person_moved_from_unit_a_to_unit_b()
    audit_record(actor=officer_a, action="supervision.viewed", obj=earlier)
    theirs = audit_record(actor=officer_b, action="supervision.viewed", obj=later)
    client.force_login(SupervisorFactory(unit=later.unit))
    # when unit B's supervisor looks the person up
    response = client.get(reverse("audit:events"), {"person": later.offender_id})
    # then only unit B's case is listed
    assert _listed(response) == [theirs.pk]


def test_a_staff_members_rows_on_another_units_case_stay_with_that_unit(client):
    # given an officer who read a case in unit B and then moved to unit A
    supervisor_a, _officer_a, officer_b, _earlier, later = _a_person_moved_from_unit_a_to_unit_b()
    audit_record(actor=officer_b, action="supervision.viewed", obj=later)
    signed_in = audit_record(actor=officer_b, action="user.signed_in", obj=officer_b)
    officer_b.unit = supervisor_a.unit
    officer_b.save(update_fields=["unit"])
    client.force_login(supervisor_a)
    # when unit A's supervisor lists what the officer did
    response = client.get(reverse("audit:events"), {"user": officer_b.username})
    # then the sign-in shows (what their staff did), the read of unit B's case does not
    assert _listed(response) == [signed_in.pk]


def test_the_person_filter_finds_the_lists_that_showed_the_person(client):
    # given a list read that showed three people, and a read of one person's case
    admin, officer = AdministratorFactory(), OfficerFactory()
    case = SupervisionFactory(officer=officer)
    listed = audit_record(
        actor=officer, action="supervision.listed", offender_ids=[case.offender_id + 7, case.offender_id, 1]
    )
    viewed = audit_record(actor=officer, action="supervision.viewed", obj=case)
    audit_record(actor=officer, action="supervision.listed", offender_ids=[case.offender_id + 7])
    client.force_login(admin)
    # when the administrator filters by the person
    response = client.get(reverse("audit:events"), {"person": case.offender_id})
    # then both rows about them are listed, and the page links every person the list named
    assert _listed(response) == [viewed.pk, listed.pk]
    assert f'href="?person={case.offender_id + 7}"' in response.content.decode()
    export = client.get(reverse("audit:export"), {"person": case.offender_id})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][6:8] == ["offender_id", "offender_ids"]
    assert [row[6:8] for row in rows[1:]] == [
        [str(case.offender_id), ""],
        ["", f"1 {case.offender_id} {case.offender_id + 7}"],
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"date_from": "9999-12-31"}, "date_from"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"person": "99999999999999999999"}, "person"),
    ],
    ids=["date_to_9999", "date_from_9999", "date_from_0001", "person_beyond_bigint"],
)
def test_a_filter_out_of_range_is_a_form_error_and_a_400_not_a_500(client, params, field):
    # given an administrator
    admin = AdministratorFactory()
    client.force_login(admin)
    # when they filter (and export) beyond the dates and numbers the trail can hold
    page = client.get(reverse("audit:events"), params)
    export = client.get(reverse("audit:export"), params)
    # then the page names the field, the export is refused with a 400, and nothing was exported
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert export.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.time_machine("2026-03-10T12:00:00+00:00", tick=False)
def test_the_date_filters_take_the_trails_whole_range(client):
    # given a row written now
    admin = AdministratorFactory()
    row = audit_record(actor=OfficerFactory(), action="supervision.viewed")
    client.force_login(admin)
    # when the administrator filters from the earliest date to a year ahead (the last date taken)
    response = client.get(reverse("audit:events"), {"date_from": "2000-01-01", "date_to": "2027-03-11"})
    beyond = client.get(reverse("audit:events"), {"date_to": "2027-03-12"})
    # then the row is found, and a day beyond is refused with the range in words
    assert _listed(response) == [row.pk]
    assert beyond.context["form"].errors == {"date_to": ["Choose a date from 2000-01-01 to 2027-03-11."]}


@pytest.mark.parametrize("factory", [OfficerFactory, CourtClerkFactory])
def test_other_roles_cannot_open_the_viewer(client, factory):
    client.force_login(factory())
    assert client.get(reverse("audit:events")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_bad_filters_are_a_message_not_a_500(client):
    client.force_login(AdministratorFactory())
    response = client.get(reverse("audit:events"), {"person": "x", "date_from": "2026-02-30"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"person", "date_from"}


def test_the_csv_export_is_audited_and_safe_for_spreadsheets(client):
    # given a row whose text starts like a formula
    admin = AdministratorFactory()
    audit_record(actor=OfficerFactory(), action="=cmd|' /C calc'!A0")
    client.force_login(admin)
    # when the administrator exports
    response = client.get(reverse("audit:export"))
    # then the CSV has the row with the formula neutralised, and the export is audited
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["occurred_at_utc", "actor", "action"]
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    exported = AuditEvent.objects.get(action="audit.exported")
    assert (exported.actor, exported.detail) == (admin, {"filters": {}, "rows": 1})


def test_the_viewer_runs_the_same_number_of_queries_for_few_and_many_rows(client, django_assert_num_queries):
    admin = AdministratorFactory()
    client.force_login(admin)
    officer = OfficerFactory()
    for _ in range(3):
        audit_record(actor=officer, action="supervision.viewed")
    with django_assert_num_queries(6) as few:  # 5, and the top bar's unread notifications (the bell)
        client.get(reverse("audit:events"))
    for _ in range(60):
        audit_record(actor=officer, action="supervision.viewed")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("audit:events"))


def test_retention_is_at_least_a_year(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 365

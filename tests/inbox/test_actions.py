"""The authority's three steps from the report page, and how each flows back into the case: acknowledge
(the officer sees who and when), schedule the hearing, record the disposition (revoked closes the
supervision, modified conditions are recorded on the case, officer and supervisor are notified)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import ClosureReason, ReportStatus, SupervisionStatus, ViolationStatus
from supervision.models import CaseNote, Notification, Supervision, ViolationReport
from tests.inbox.conftest import snapshot

pytestmark = pytest.mark.django_db


def _future(days: int = 10, hour: int = 14) -> datetime.datetime:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


def _actions_since(count: int) -> list[str]:
    return list(AuditEvent.objects.order_by("pk")[count:].values_list("action", flat=True))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_clerk_acknowledges_receipt_and_the_officer_sees_who_and_when(client, world):
    # given
    clerk = world.users["clerk_a"]
    clerk.first_name, clerk.last_name = "Pat", "Morgan"
    clerk.save()
    report = world.reports[("a", ReportStatus.ROUTED)]
    client.force_login(clerk)
    audit_before = AuditEvent.objects.count()

    # when
    response = client.post(reverse("inbox:report_acknowledge", args=[report.pk]), follow=True)

    # then
    report.refresh_from_db()
    assert response.redirect_chain == [(reverse("inbox:report_detail", args=[report.pk]), 302)]
    assert _messages(response) == [f"Receipt of violation report #{report.pk} acknowledged. The officer can see it."]
    assert (report.status, report.received_by) == (ReportStatus.RECEIVED, clerk)
    assert timezone.now() - report.received_at < datetime.timedelta(minutes=1)
    note = CaseNote.objects.get(supervision=world.cases["a"], author=clerk)
    assert note.body == (
        f"Violation report #{report.pk} received by Court of Common Pleas A (Pat Morgan, court clerk)."
    )
    assert _actions_since(audit_before) == ["violation_report.received", "violation_report.viewed"]
    # the officer's case page shows it on the timeline
    client.force_login(world.users["officer"])
    case_page = client.get(reverse("supervision:case_detail", args=[world.cases["a"].pk])).content.decode()
    assert note.body in case_page


def test_clerk_schedules_a_hearing_in_the_future(client, world):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    when = _future()

    # when
    response = client.post(
        reverse("inbox:report_hearing", args=[report.pk]),
        {"hearing_at": when.strftime("%Y-%m-%dT%H:%M"), "location": "Courtroom 4B"},
    )

    # then
    report.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("inbox:report_detail", args=[report.pk]))
    assert (report.status, report.hearing_at, report.hearing_location) == (
        ReportStatus.HEARING_SCHEDULED,
        when,
        "Courtroom 4B",
    )
    assert AuditEvent.objects.filter(action="violation_report.hearing_scheduled", object_id=str(report.pk)).count() == 1
    assert CaseNote.objects.filter(supervision=world.cases["a"], body__contains="Courtroom 4B").count() == 1


# In America/New_York (settings.TIME_ZONE) 01:30 on 7 November 2027 happens twice, at 05:30 and 06:30 UTC:
# the first is meant; 02:30 on 14 March 2027 never happens (02:00 jumps to 03:00): it is read as 03:30
# EDT, 07:30 UTC. The clock stands still a week before each night (a hearing is in the future).
@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        pytest.param(
            "2027-11-07T01:30",
            datetime.datetime(2027, 11, 7, 5, 30, tzinfo=datetime.UTC),
            marks=pytest.mark.time_machine(datetime.datetime(2027, 10, 31, 12, 0, tzinfo=datetime.UTC), tick=False),
            id="shown_twice-the_first",
        ),
        pytest.param(
            "2027-03-14T02:30",
            datetime.datetime(2027, 3, 14, 7, 30, tzinfo=datetime.UTC),
            marks=pytest.mark.time_machine(datetime.datetime(2027, 3, 7, 12, 0, tzinfo=datetime.UTC), tick=False),
            id="never_shown-past_the_jump",
        ),
    ],
)
def test_a_hearing_on_a_night_the_clocks_change_is_scheduled(client, world, typed, instant):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])

    # when
    response = client.post(
        reverse("inbox:report_hearing", args=[report.pk]), {"hearing_at": typed, "location": "Courtroom 4B"}
    )

    # then
    report.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("inbox:report_detail", args=[report.pk]))
    assert (report.status, report.hearing_at) == (ReportStatus.HEARING_SCHEDULED, instant)


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            {"hearing_at": "2020-01-01T10:00", "location": "Courtroom 4"},
            "hearing_at",
            "A hearing is scheduled for a date and time in the future.",
        ),
        ({"hearing_at": "next Tuesday", "location": "Courtroom 4"}, "hearing_at", "Enter a valid date/time."),
        ({"hearing_at": "", "location": "Courtroom 4"}, "hearing_at", "This field is required."),
        ({"hearing_at": "2099-01-01T10:00", "location": ""}, "location", "This field is required."),
    ],
    ids=["past", "garbage", "missing_time", "missing_place"],
)
def test_a_bad_hearing_is_shown_next_to_its_field_and_changes_nothing(client, world, data, field, error):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    before = snapshot()

    # when
    response = client.post(reverse("inbox:report_hearing", args=[report.pk]), data)

    # then
    assert response.status_code == 200
    assert response.context["hearing_form"].errors == {field: [error]}
    assert snapshot() == before


def test_a_revocation_closes_the_supervision_and_notifies_officer_and_supervisor(client, world):
    # given
    report = world.reports[("a", ReportStatus.HEARING_SCHEDULED)]
    client.force_login(world.users["clerk_a"])
    order_day = timezone.localdate()
    audit_before = AuditEvent.objects.count()

    # when
    response = client.post(
        reverse("inbox:report_disposition", args=[report.pk]),
        {"disposition": "revoked", "disposed_on": order_day.isoformat(), "note": "Remanded to custody."},
    )

    # then
    report.refresh_from_db()
    case = Supervision.objects.get(pk=world.cases["a"].pk)
    assert response.status_code == 302
    assert (report.status, report.disposition, report.disposition_on, report.disposition_note) == (
        ReportStatus.DISPOSED,
        "revoked",
        order_day,
        "Remanded to custody.",
    )
    assert (case.status, case.closure_reason, case.closed_on) == (
        SupervisionStatus.CLOSED,
        ClosureReason.REVOKED,
        order_day,
    )
    assert set(report.violations.values_list("status", flat=True)) == {ViolationStatus.RESOLVED}
    notified = Notification.objects.filter(report=report).order_by("recipient__username")
    assert [(n.recipient.username, n.kind, n.supervision_id) for n in notified] == [
        ("officer", "report_disposed", case.pk),
        ("supervisor", "report_disposed", case.pk),
    ]
    assert notified[0].message == (
        f"Court of Common Pleas A disposed of violation report #{report.pk} (docket CR-2025-00042): revoked."
    )
    assert _actions_since(audit_before) == ["violation_report.disposed", "supervision.closed"]
    disposed = AuditEvent.objects.get(action="violation_report.disposed", object_id=str(report.pk))
    assert disposed.detail["notified"] == [world.users["officer"].pk, world.users["supervisor"].pk]


def test_modified_conditions_are_recorded_on_the_case_and_the_officer_sees_them(client, world):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    clerk = world.users["clerk_a"]
    client.force_login(clerk)

    # when
    client.post(
        reverse("inbox:report_disposition", args=[report.pk]),
        {
            "disposition": "conditions_modified",
            "disposed_on": timezone.localdate().isoformat(),
            "note": "Adds outpatient drug treatment; curfew moved to 21:00.",
        },
    )

    # then
    report.refresh_from_db()
    case = Supervision.objects.get(pk=world.cases["a"].pk)
    assert (report.status, report.disposition) == (ReportStatus.DISPOSED, "conditions_modified")
    assert case.status == SupervisionStatus.ACTIVE
    note = CaseNote.objects.get(supervision=case, author=clerk, body__startswith="Conditions of supervision modified")
    assert note.body.endswith("\nAdds outpatient drug treatment; curfew moved to 21:00.")
    client.force_login(world.users["officer"])
    case_page = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert "Adds outpatient drug treatment; curfew moved to 21:00." in case_page


def test_modified_conditions_need_a_note_saying_which(client, world):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    before = snapshot()

    # when
    response = client.post(
        reverse("inbox:report_disposition", args=[report.pk]),
        {"disposition": "conditions_modified", "disposed_on": timezone.localdate().isoformat(), "note": " "},
    )

    # then
    assert response.status_code == 200
    assert response.context["disposition_form"].errors == {
        "note": ["Say which conditions the order adds, changes or removes."]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"disposition": "hanged", "disposed_on": "2026-01-01"},
            {"disposition": ["Select a valid choice. hanged is not one of the available choices."]},
        ),
        (
            {"disposition": "continued", "disposed_on": "2999-01-01"},
            {"disposed_on": ["A disposition cannot be recorded for a future date."]},
        ),
        ({"disposition": "continued", "disposed_on": "31/31/2026"}, {"disposed_on": ["Enter a valid date."]}),
        (
            {"disposition": "dismissed", "disposed_on": "2001-01-01"},
            {"disposed_on": ["The order cannot be dated before the report was received."]},
        ),
    ],
    ids=["unknown_disposition", "future_order", "garbage_date", "before_receipt"],
)
def test_a_bad_disposition_is_shown_next_to_its_field_and_changes_nothing(client, world, data, errors):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    before = snapshot()

    # when
    response = client.post(reverse("inbox:report_disposition", args=[report.pk]), data)

    # then
    assert response.status_code == 200
    assert response.context["disposition_form"].errors == errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (ReportStatus.DISPOSED, "report_acknowledge", "A report that is disposed cannot be acknowledged."),
        (
            ReportStatus.RECEIVED,
            "report_acknowledge",
            "A report that is received by the authority cannot be acknowledged.",
        ),
        (ReportStatus.ROUTED, "report_hearing", "A report that is routed to the authority cannot be given a hearing."),
        (ReportStatus.DISPOSED, "report_hearing", "A report that is disposed cannot be given a hearing."),
        (ReportStatus.ROUTED, "report_disposition", "A report that is routed to the authority cannot be disposed."),
        (ReportStatus.DISPOSED, "report_disposition", "A report that is disposed cannot be disposed."),
    ],
)
def test_a_step_in_the_wrong_state_is_a_clear_message_and_changes_nothing(client, world, status, action, message):
    # given
    report = world.reports[("a", status)]
    client.force_login(world.users["clerk_a"])
    data = {
        "report_hearing": {"hearing_at": _future().strftime("%Y-%m-%dT%H:%M"), "location": "Courtroom 1"},
        "report_disposition": {"disposition": "continued", "disposed_on": timezone.localdate().isoformat()},
    }.get(action, {})
    before = snapshot()

    # when
    response = client.post(reverse(f"inbox:{action}", args=[report.pk]), data)

    # then
    assert (response.status_code, response["Location"]) == (302, reverse("inbox:report_detail", args=[report.pk]))
    assert [str(m) for m in response.wsgi_request._messages] == [message]
    assert snapshot() == before


def test_board_staff_take_every_step_on_their_parole_report(client, world):
    # given
    report = world.reports[("p", ReportStatus.ROUTED)]
    client.force_login(world.users["staff_p"])

    # when
    client.post(reverse("inbox:report_acknowledge", args=[report.pk]))
    client.post(
        reverse("inbox:report_hearing", args=[report.pk]),
        {"hearing_at": _future().strftime("%Y-%m-%dT%H:%M"), "location": "Board hearing room, 2nd floor"},
    )
    client.post(
        reverse("inbox:report_disposition", args=[report.pk]),
        {"disposition": "continued", "disposed_on": timezone.localdate().isoformat(), "note": "Warned."},
    )

    # then
    report = ViolationReport.objects.get(pk=report.pk)
    assert (report.status, report.received_by, report.hearing_location, report.disposition) == (
        ReportStatus.DISPOSED,
        world.users["staff_p"],
        "Board hearing room, 2nd floor",
        "continued",
    )
    assert Supervision.objects.get(pk=world.cases["p"].pk).status == SupervisionStatus.ACTIVE
    assert CaseNote.objects.filter(supervision=world.cases["p"], author=world.users["staff_p"]).count() == 3


def test_the_report_page_offers_the_step_that_fits_the_state(client, world):
    # given
    client.force_login(world.users["clerk_a"])
    pages = {
        status: client.get(reverse("inbox:report_detail", args=[world.reports[("a", status)].pk])).content.decode()
        for status in (
            ReportStatus.ROUTED,
            ReportStatus.RECEIVED,
            ReportStatus.HEARING_SCHEDULED,
            ReportStatus.DISPOSED,
        )
    }

    # then
    offered = {
        status: [
            step
            for step in ("Acknowledge receipt", "Schedule the hearing", "Move the hearing", "Record the disposition")
            if step in page
        ]
        for status, page in pages.items()
    }
    assert offered == {
        ReportStatus.ROUTED: ["Acknowledge receipt"],
        ReportStatus.RECEIVED: ["Schedule the hearing", "Record the disposition"],
        ReportStatus.HEARING_SCHEDULED: ["Move the hearing", "Record the disposition"],
        ReportStatus.DISPOSED: [],
    }

"""Every form of the case page: the happy path through the service, and bad input (nothing changes,
the errors are shown next to the fields, status 200, never a 500)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import (
    CheckInStatus,
    ComplianceStatus,
    ReferralStatus,
    ReportStatus,
    ViolationStatus,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    DrugTest,
    Referral,
    Violation,
    ViolationReport,
)
from tests.supervision.factories import CheckInFactory, ReferralFactory, ViolationFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _follow(client, url, data):
    return client.post(url, data, follow=True)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


# --- Check-ins ------------------------------------------------------------------------------------


def test_complete_check_in(signed_in, case, check_in):
    # given
    url = reverse("supervision:check_in_complete", args=[case.pk, check_in.pk])
    when = timezone.now() - datetime.timedelta(hours=1)

    # when
    response = _follow(
        signed_in,
        url,
        {"kind": "home_visit", "completed_at": _local(when), "location": "12 Elm Street", "notes": "All well."},
    )

    # then
    check_in.refresh_from_db()
    assert response.redirect_chain == [(reverse("supervision:case_detail", args=[case.pk]), 302)]
    assert check_in.status == CheckInStatus.COMPLETED
    assert check_in.kind == "home_visit"
    assert check_in.location == "12 Elm Street"
    assert _messages(response) == ["Home visit recorded as completed."]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "office", "completed_at": "not a date"}, "completed_at", "Enter a valid date/time."),
        ({"kind": "teleport", "completed_at": "2026-01-01T10:00"}, "kind", "Select a valid choice."),
        ({"kind": "office", "completed_at": "2999-01-01T10:00"}, "completed_at", "in the future"),
        ({"kind": "office", "completed_at": ""}, "completed_at", "This field is required."),
        ({"kind": "office", "completed_at": "99999-01-01T10:00"}, "completed_at", "Enter a valid date/time."),
        ({"kind": "office", "completed_at": "0026-01-01T00:00"}, "completed_at", "before the supervision began"),
    ],
)
def test_complete_check_in_bad_input(signed_in, case, check_in, data, field, message):
    # given
    url = reverse("supervision:check_in_complete", args=[case.pk, check_in.pk])
    audit_before = AuditEvent.objects.exclude(action="check_in.viewed").count()

    # when
    response = signed_in.post(url, data)

    # then
    check_in.refresh_from_db()
    assert response.status_code == 200
    assert check_in.status == CheckInStatus.SCHEDULED
    assert message in " ".join(response.context["form"].errors[field])
    # nothing recorded but the read of the page shown again
    assert AuditEvent.objects.exclude(action="check_in.viewed").count() == audit_before


def test_complete_check_in_already_completed_shows_the_rule(signed_in, case, check_in):
    # given
    CheckIn.objects.filter(pk=check_in.pk).update(
        status=CheckInStatus.EXCUSED, excuse_reason="Hospital", completed_at=None
    )
    url = reverse("supervision:check_in_complete", args=[case.pk, check_in.pk])

    # when
    response = signed_in.post(url, {"kind": "office", "completed_at": _local(timezone.now())})

    # then
    check_in.refresh_from_db()
    assert response.status_code == 200
    assert check_in.status == CheckInStatus.EXCUSED
    assert response.context["form"].non_field_errors() == [
        "This check-in is excused; only a scheduled one can be recorded."
    ]


def test_excuse_check_in(signed_in, case, check_in):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:check_in_excuse", args=[case.pk, check_in.pk]),
        {"reason": "In hospital, discharge papers seen."},
    )

    # then
    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.EXCUSED
    assert check_in.excuse_reason == "In hospital, discharge papers seen."
    assert _messages(response) == ["Check-in excused."]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_excuse_check_in_bad_input(signed_in, case, check_in, reason):
    # when
    response = signed_in.post(reverse("supervision:check_in_excuse", args=[case.pk, check_in.pk]), {"reason": reason})

    # then
    check_in.refresh_from_db()
    assert response.status_code == 200
    assert check_in.status == CheckInStatus.SCHEDULED
    assert response.context["form"].errors["reason"]


def test_check_in_of_another_case_is_404(signed_in, case, colleague_case):
    # given
    foreign = CheckInFactory(supervision=colleague_case)

    # when
    response = signed_in.post(
        reverse("supervision:check_in_complete", args=[case.pk, foreign.pk]),
        {"kind": "office", "completed_at": _local(timezone.now())},
    )

    # then
    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.status == CheckInStatus.SCHEDULED


# --- Contacts, notes, referrals -------------------------------------------------------------------


def test_record_contact(signed_in, case):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:contact_new", args=[case.pk]),
        {"kind": "employer", "occurred_at": _local(timezone.now()), "location": "Acme Logistics", "notes": "Verified."},
    )

    # then
    contact = CheckIn.objects.get(supervision=case)
    assert (contact.origin, contact.status, contact.kind) == ("unscheduled", "completed", "employer")
    assert _messages(response) == ["Employer contact recorded."]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "employer", "occurred_at": "2999-12-31T23:59"},
        {"kind": "employer", "occurred_at": "31/31/2020"},
        {"kind": "employer", "occurred_at": "0026-11-23T10:00"},
        {"kind": "employer", "occurred_at": "0001-01-01T00:00"},
        {"kind": "employer", "occurred_at": "9999-12-31T23:59"},
        {"kind": "<script>", "occurred_at": "2026-01-01T10:00"},
        {},
    ],
)
def test_record_contact_bad_input(signed_in, case, data):
    # when
    response = signed_in.post(reverse("supervision:contact_new", args=[case.pk]), data)

    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CheckIn.objects.filter(supervision=case).count() == 0


def test_add_case_note(signed_in, case):
    # when
    response = _follow(
        signed_in, reverse("supervision:note_new", args=[case.pk]), {"body": "  Spoke with the employer.  "}
    )

    # then
    assert list(CaseNote.objects.filter(supervision=case).values_list("body", flat=True)) == [
        "Spoke with the employer."
    ]
    assert _messages(response) == ["Case note added."]


@pytest.mark.parametrize("body", ["", "\x00", "x" * 20001])
def test_add_case_note_bad_input(signed_in, case, body):
    # when
    response = signed_in.post(reverse("supervision:note_new", args=[case.pk]), {"body": body})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert CaseNote.objects.count() == 0


def test_add_referral(signed_in, case):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:referral_new", args=[case.pk]),
        {"kind": "job_training", "provider": "Columbus Works", "referred_on": timezone.localdate().isoformat()},
    )

    # then
    referral = Referral.objects.get(supervision=case)
    assert (referral.kind, referral.provider, referral.status) == ("job_training", "Columbus Works", "referred")
    assert _messages(response) == ["Referral to Columbus Works recorded."]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "astrology", "provider": "X", "referred_on": "2026-01-01"},
        {"kind": "housing", "provider": "", "referred_on": "2026-01-01"},
        {"kind": "housing", "provider": "X", "referred_on": "2999-01-01"},
        {"kind": "housing", "provider": "X", "referred_on": "yesterday"},
    ],
)
def test_add_referral_bad_input(signed_in, case, data):
    # when
    response = signed_in.post(reverse("supervision:referral_new", args=[case.pk]), data)

    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Referral.objects.count() == 0


def test_update_referral_status(signed_in, case):
    # given
    referral = ReferralFactory(supervision=case)

    # when
    response = _follow(
        signed_in,
        reverse("supervision:referral_status", args=[case.pk, referral.pk]),
        {"status": "enrolled", "changed_on": timezone.localdate().isoformat(), "notes": "Started Monday."},
    )

    # then
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENROLLED
    assert _messages(response) == ["Referral to Hope Housing Services: enrolled."]


def test_update_referral_status_before_referral_is_refused(signed_in, case):
    # given
    referral = ReferralFactory(supervision=case)

    # when
    response = signed_in.post(
        reverse("supervision:referral_status", args=[case.pk, referral.pk]),
        {"status": "enrolled", "changed_on": "2000-01-01"},
    )

    # then
    referral.refresh_from_db()
    assert response.status_code == 200
    assert referral.status == ReferralStatus.REFERRED
    assert response.context["form"].errors["changed_on"] == ["The status cannot change before the referral was made."]


# --- Drug tests -----------------------------------------------------------------------------------


def test_record_positive_drug_test_opens_violation(signed_in, case):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:drug_test_new", args=[case.pk]),
        {
            "collected_at": _local(timezone.now() - datetime.timedelta(minutes=30)),
            "reason": "random",
            "specimen": "urine",
            "panel": "10-panel",
            "result": "positive",
            "lab_confirmation": "not_requested",
            "substance_cocaine": "positive",
            "substance_thc": "negative",
        },
    )

    # then
    test = DrugTest.objects.get(supervision=case)
    assert dict(test.substance_results.values_list("substance", "result")) == {
        "cocaine": "positive",
        "thc": "negative",
    }
    violation = Violation.objects.get(drug_test=test)
    assert violation.status == ViolationStatus.OPEN
    assert _messages(response) == [f"Drug test recorded (positive). It opened a violation: {violation.description}"]
    assert violation.description in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"result": "negative", "substance_cocaine": "positive"}, "result"),
        ({"result": "positive", "substance_cocaine": "negative"}, "result"),
        ({"result": "purple"}, "result"),
        ({"result": "negative", "substance_cocaine": "maybe"}, "substance_cocaine"),
        ({"result": "negative", "collected_at": "2999-01-01T00:00"}, "collected_at"),
        ({"result": "negative", "specimen": "toenail"}, "specimen"),
    ],
)
def test_record_drug_test_bad_input(signed_in, case, data, field):
    # given
    base = {
        "collected_at": _local(timezone.now()),
        "reason": "random",
        "specimen": "urine",
        "panel": "10-panel",
        "lab_confirmation": "not_requested",
    }

    # when
    response = signed_in.post(reverse("supervision:drug_test_new", args=[case.pk]), {**base, **data})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert DrugTest.objects.count() == 0
    assert Violation.objects.count() == 0


# --- The nights the clocks change -------------------------------------------------------------------

# The agency's time zone (settings.TIME_ZONE) is America/New_York. On 7 November 2027 the clocks go back
# at 02:00 EDT, so 01:30 happens twice (05:30 and 06:30 UTC): the first is meant. On 14 March 2027 they
# jump from 02:00 to 03:00 EST, so 02:30 never happens: it is read as 03:30 EDT (07:30 UTC), as iCalendar
# does. Each night's clock stands still at noon UTC that day (a time in the future is refused).
CLOCK_CHANGES = [
    pytest.param(
        "2027-11-07T01:30",
        datetime.datetime(2027, 11, 7, 5, 30, tzinfo=datetime.UTC),
        marks=pytest.mark.time_machine(datetime.datetime(2027, 11, 7, 12, 0, tzinfo=datetime.UTC), tick=False),
        id="shown_twice-the_first",
    ),
    pytest.param(
        "2027-03-14T02:30",
        datetime.datetime(2027, 3, 14, 7, 30, tzinfo=datetime.UTC),
        marks=pytest.mark.time_machine(datetime.datetime(2027, 3, 14, 12, 0, tzinfo=datetime.UTC), tick=False),
        id="never_shown-past_the_jump",
    ),
]


@pytest.mark.parametrize(("typed", "instant"), CLOCK_CHANGES)
def test_complete_check_in_on_a_night_the_clocks_change(signed_in, case, check_in, typed, instant):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:check_in_complete", args=[case.pk, check_in.pk]),
        {"kind": "office", "completed_at": typed},
    )

    # then
    check_in.refresh_from_db()
    assert _messages(response) == ["Office visit recorded as completed."]
    assert (check_in.status, check_in.completed_at) == (CheckInStatus.COMPLETED, instant)


@pytest.mark.parametrize(("typed", "instant"), CLOCK_CHANGES)
def test_record_contact_on_a_night_the_clocks_change(signed_in, case, typed, instant):
    # when
    response = _follow(
        signed_in, reverse("supervision:contact_new", args=[case.pk]), {"kind": "employer", "occurred_at": typed}
    )

    # then
    contact = CheckIn.objects.get(supervision=case)
    assert _messages(response) == ["Employer contact recorded."]
    assert (contact.completed_at, contact.due_at) == (instant, instant)


@pytest.mark.parametrize(("typed", "instant"), CLOCK_CHANGES)
def test_record_drug_test_on_a_night_the_clocks_change(signed_in, case, typed, instant):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:drug_test_new", args=[case.pk]),
        {
            "collected_at": typed,
            "reason": "random",
            "specimen": "urine",
            "panel": "10-panel",
            "result": "negative",
            "lab_confirmation": "not_requested",
        },
    )

    # then
    assert _messages(response) == ["Drug test recorded (negative)."]
    assert list(DrugTest.objects.filter(supervision=case).values_list("collected_at", flat=True)) == [instant]


# --- Community service ----------------------------------------------------------------------------


def test_log_community_service(signed_in, case):
    # given
    condition = case.conditions.get()

    # when
    response = _follow(
        signed_in,
        reverse("supervision:community_service_new", args=[case.pk]),
        {
            "condition": condition.pk,
            "performed_on": timezone.localdate().isoformat(),
            "hours": "4.5",
            "organisation": "Food Bank",
        },
    )

    # then
    condition.refresh_from_db()
    assert condition.hours_completed == Decimal("4.5")
    assert CommunityServiceEntry.objects.get().organisation == "Food Bank"
    assert _messages(response) == ["4.5 hours at Food Bank logged."]


def test_log_community_service_finishing_the_hours_satisfies_the_condition(signed_in, case):
    # given
    condition = case.conditions.get()

    # when
    signed_in.post(
        reverse("supervision:community_service_new", args=[case.pk]),
        {
            "condition": condition.pk,
            "performed_on": timezone.localdate().isoformat(),
            "hours": "24",
            "organisation": "A",
        },
    )
    signed_in.post(
        reverse("supervision:community_service_new", args=[case.pk]),
        {
            "condition": condition.pk,
            "performed_on": timezone.localdate().isoformat(),
            "hours": "16",
            "organisation": "B",
        },
    )

    # then
    condition.refresh_from_db()
    assert condition.hours_completed == Decimal("40")
    assert condition.compliance_status == ComplianceStatus.SATISFIED


@pytest.mark.parametrize(
    "data",
    [
        {"hours": "0", "organisation": "A"},
        {"hours": "-3", "organisation": "A"},
        {"hours": "abc", "organisation": "A"},
        {"hours": "25", "organisation": "A"},
        {"hours": "2", "organisation": ""},
        {"hours": "2", "organisation": "A", "condition": "999999"},
        {"hours": "2", "organisation": "A", "condition": "99999999999999999999999"},
        {"hours": "1e400", "organisation": "A"},
        {"hours": "NaN", "organisation": "A"},
        {"hours": "2", "organisation": "A", "performed_on": "2999-01-01"},
    ],
)
def test_log_community_service_bad_input(signed_in, case, data):
    # given
    condition = case.conditions.get()
    base = {"condition": condition.pk, "performed_on": timezone.localdate().isoformat()}

    # when
    response = signed_in.post(reverse("supervision:community_service_new", args=[case.pk]), {**base, **data})

    # then
    condition.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors
    assert condition.hours_completed == Decimal("0")
    assert CommunityServiceEntry.objects.count() == 0


def test_log_community_service_on_a_condition_of_another_case_is_refused(signed_in, case, colleague_case):
    # given
    from tests.supervision.factories import ConditionFactory, ConditionTypeFactory

    foreign = ConditionFactory(
        supervision=colleague_case, condition_type=ConditionTypeFactory(tracks_hours=True), hours_required=10
    )

    # when
    response = signed_in.post(
        reverse("supervision:community_service_new", args=[case.pk]),
        {"condition": foreign.pk, "performed_on": timezone.localdate().isoformat(), "hours": "2", "organisation": "A"},
    )

    # then
    foreign.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["condition"]
    assert foreign.hours_completed == Decimal("0")


# --- Violations and reports -----------------------------------------------------------------------


def test_record_violation(signed_in, case):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:violation_new", args=[case.pk]),
        {
            "kind": "technical",
            "severity": "high",
            "occurred_on": timezone.localdate().isoformat(),
            "description": "Out after curfew.",
        },
    )

    # then
    violation = Violation.objects.get(supervision=case)
    assert (violation.kind, violation.severity, violation.description) == ("technical", "high", "Out after curfew.")
    assert _messages(response) == ["Violation recorded."]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "technical", "occurred_on": "2999-01-01", "description": "x"},
        {"kind": "technical", "occurred_on": timezone.now().date().isoformat(), "description": ""},
        {"kind": "felony-ish", "occurred_on": "2025-01-01", "description": "x"},
        {"kind": "technical", "occurred_on": "2025-13-45", "description": "x"},
    ],
)
def test_record_violation_bad_input(signed_in, case, data):
    # when
    response = signed_in.post(reverse("supervision:violation_new", args=[case.pk]), {"severity": "low", **data})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Violation.objects.count() == 0


def test_draft_report_then_submit(signed_in, case, open_violation):
    # when
    response = _follow(
        signed_in,
        reverse("supervision:report_new", args=[case.pk]),
        {"violations": [open_violation.pk], "narrative": "Missed twice.", "recommendation": "modify_conditions"},
    )

    # then
    report = ViolationReport.objects.get(supervision=case)
    assert report.status == ReportStatus.DRAFT
    assert list(report.violations.all()) == [open_violation]
    assert response.redirect_chain == [(reverse("supervision:report_detail", args=[case.pk, report.pk]), 302)]

    # when it is submitted from its page (the page's form, as it is on the screen)
    response = _follow(
        signed_in,
        reverse("supervision:report_submit", args=[case.pk, report.pk]),
        {"violations": [open_violation.pk], "narrative": "Missed twice.", "recommendation": "modify_conditions"},
    )

    # then
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert _messages(response) == [f"Violation report #{report.pk} submitted to your supervisor for approval."]


@pytest.mark.parametrize(
    "data",
    [
        {"violations": [], "narrative": "x", "recommendation": "revoke"},
        {"violations": ["abc"], "narrative": "x", "recommendation": "revoke"},
        {"violations": ["999999"], "narrative": "x", "recommendation": "revoke"},
        {"violations": ["99999999999999999999999"], "narrative": "x", "recommendation": "revoke"},
        {"narrative": "", "recommendation": "revoke"},
        {"narrative": "x", "recommendation": "hang"},
    ],
)
def test_draft_report_bad_input(signed_in, case, open_violation, data):
    # given
    data.setdefault("violations", [open_violation.pk])

    # when
    response = signed_in.post(reverse("supervision:report_new", args=[case.pk]), data)

    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ViolationReport.objects.count() == 0


def test_draft_report_cannot_take_a_violation_of_another_case(signed_in, case, open_violation, colleague_case):
    # given
    foreign = ViolationFactory(supervision=colleague_case)

    # when
    response = signed_in.post(
        reverse("supervision:report_new", args=[case.pk]),
        {"violations": [foreign.pk], "narrative": "x", "recommendation": "revoke"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["violations"]
    assert ViolationReport.objects.count() == 0


def test_edit_returned_report_shows_review_comment_and_saves(signed_in, case, supervisor):
    # given
    report = ViolationReportFactory(supervision=case)
    ViolationReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RETURNED, review_comment="Add the dates of the missed visits.", reviewed_by=supervisor
    )
    url = reverse("supervision:report_detail", args=[case.pk, report.pk])

    # when
    page = signed_in.get(url)
    response = _follow(
        signed_in,
        url,
        {
            "violations": [v.pk for v in report.violations.all()],
            "narrative": "Missed on the 3rd and 17th.",
            "recommendation": "continue",
        },
    )

    # then
    report.refresh_from_db()
    assert "Add the dates of the missed visits." in page.content.decode()
    assert (report.narrative, report.recommendation) == ("Missed on the 3rd and 17th.", "continue")
    assert _messages(response) == ["Violation report saved."]


def test_submitted_report_cannot_be_edited_or_resubmitted(signed_in, case):
    # given
    report = ViolationReportFactory(supervision=case)
    ViolationReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)

    # when
    data = {"violations": [v.pk for v in report.violations.all()], "narrative": "changed", "recommendation": "revoke"}
    page = _follow(signed_in, reverse("supervision:report_detail", args=[case.pk, report.pk]), data)
    submit = _follow(signed_in, reverse("supervision:report_submit", args=[case.pk, report.pk]), data)

    # then
    report.refresh_from_db()
    assert page.status_code == 200
    assert "can no longer be edited" in page.content.decode()
    assert _messages(page) == ["A report that is submitted to the supervisor cannot be edited."]
    assert report.narrative == "The supervisee failed to report twice and tested positive."
    assert _messages(submit) == ["A report that is submitted to the supervisor cannot be submitted."]


def test_report_submit_is_post_only(signed_in, case):
    # given
    report = ViolationReportFactory(supervision=case)

    # when
    response = signed_in.get(reverse("supervision:report_submit", args=[case.pk, report.pk]))

    # then
    report.refresh_from_db()
    assert response.status_code == 405
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    "url",
    [
        "/cases/99999999/",
        "/cases/99999999999999999999999/",
        "/cases/1/check-ins/99999999/complete/",
        "/cases/abc/",
    ],
)
def test_garbage_ids_are_404(signed_in, case, url):
    # when
    response = signed_in.get(url)

    # then
    assert response.status_code == 404


def test_report_link_from_a_violation_preselects_it(signed_in, case, open_violation):
    # given
    other = ViolationFactory(supervision=case, description="Second one.")

    # when
    response = signed_in.get(reverse("supervision:report_new", args=[case.pk]), {"violation": [open_violation.pk, "x"]})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["violations"].value() == [str(open_violation.pk)]
    assert html.count(" checked>") == 1
    assert f'value="{other.pk}"' in html


def test_violation_in_a_pending_report_is_not_offered_for_another(signed_in, case, open_violation):
    # given
    free = ViolationFactory(supervision=case, description="Free one.")
    report = ViolationReportFactory(supervision=case, violations=[open_violation])

    # when
    new_form = signed_in.get(reverse("supervision:report_new", args=[case.pk])).context["form"]
    edit_form = signed_in.get(reverse("supervision:report_detail", args=[case.pk, report.pk])).context["form"]
    case_page = signed_in.get(reverse("supervision:case_detail", args=[case.pk]))

    # then
    assert list(new_form.fields["violations"].queryset) == [free]
    assert set(edit_form.fields["violations"].queryset) == {free, open_violation}
    assert f"In report #{report.pk}" in case_page.content.decode()

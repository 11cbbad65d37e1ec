"""The case's own pages: change the level, change the status, close the case. The happy path through the
service, bad input answered on the form (200, nothing changed), and a closed case read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import (
    CheckInStatus,
    ClosureReason,
    ClosureRequestStatus,
    SupervisionLevel,
    SupervisionStatus,
)
from supervision.models import CheckIn, ClosureRequest, Supervision
from tests.supervision.factories import ViolationReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_case_page_offers_the_three_changes(signed_in, case):
    page = signed_in.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    for name in ("case_level", "case_status", "case_close"):
        assert reverse(f"supervision:{name}", args=[case.pk]) in page


def test_the_officer_raises_the_level(signed_in, case):
    url = reverse("supervision:case_level", args=[case.pk])
    form = signed_in.get(url)
    assert form.status_code == 200
    assert [value for value, _ in form.context["form"].fields["level"].choices] == ["high", "low", "administrative"]

    response = signed_in.post(url, {"level": "high", "reason": "New arrest for theft"}, follow=True)

    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH
    assert response.redirect_chain[-1][0] == reverse("supervision:case_detail", args=[case.pk])
    assert _messages(response)[0].startswith("Supervision level changed to high")
    assert AuditEvent.objects.filter(action="supervision.level_changed", object_id=str(case.pk)).count() == 1


def test_a_level_without_a_reason_stays_on_the_form(signed_in, case):
    response = signed_in.post(reverse("supervision:case_level", args=[case.pk]), {"level": "high", "reason": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Supervision.objects.get(pk=case.pk).level == SupervisionLevel.MEDIUM


def test_absconding_stands_the_check_ins_down(signed_in, case, check_in):
    response = signed_in.post(
        reverse("supervision:case_status", args=[case.pk]),
        {"status": "absconded", "reason": "Not at home for two weeks", "effective_on": timezone.localdate()},
        follow=True,
    )
    assert _messages(response) == ["The case is now absconded."]
    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.EXCUSED


def test_a_status_dated_in_the_future_is_a_field_error(signed_in, case):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in.post(
        reverse("supervision:case_status", args=[case.pk]),
        {"status": "absconded", "reason": "Gone", "effective_on": tomorrow},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["effective_on"] == ["The date cannot be in the future."]
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.ACTIVE


def test_the_officer_closes_a_completed_case_and_it_becomes_read_only(signed_in, case):
    url = reverse("supervision:case_close", args=[case.pk])
    response = signed_in.post(
        url, {"closure_reason": "completed", "closed_on": timezone.localdate(), "note": "Term served."}, follow=True
    )
    assert _messages(response) == ["Case closed (completed)."]
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (SupervisionStatus.CLOSED, ClosureReason.COMPLETED)
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    page = signed_in.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert reverse("supervision:case_close", args=[case.pk]) not in page
    again = signed_in.get(url)
    assert "This case was closed on" in again.content.decode()
    assert 'name="closure_reason"' not in again.content.decode()


def test_early_termination_asked_for_on_the_form_waits_for_approval(signed_in, case):
    response = signed_in.post(
        reverse("supervision:case_close", args=[case.pk]),
        {"closure_reason": "early_termination", "closed_on": timezone.localdate(), "note": "Earned."},
        follow=True,
    )
    assert _messages(response) == [
        "Closure asked for (early termination): it waits for a supervisor of the unit to approve it. The case "
        "stays open meanwhile."
    ]
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.ACTIVE
    assert ClosureRequest.objects.get(supervision=case).status == ClosureRequestStatus.PENDING
    assert "Closure waiting for approval:" in response.content.decode()


def test_a_second_request_is_answered_on_the_form(signed_in, case):
    url = reverse("supervision:case_close", args=[case.pk])
    signed_in.post(url, {"closure_reason": "transferred", "closed_on": timezone.localdate()})
    response = signed_in.post(url, {"closure_reason": "early_termination", "closed_on": timezone.localdate()})
    assert response.status_code == 200
    assert "has waited for approval" in " ".join(response.context["form"].non_field_errors())
    assert "waits for approval" in response.content.decode()
    assert ClosureRequest.objects.filter(supervision=case).count() == 1


@pytest.mark.parametrize("name", ["case_level", "case_status", "case_close", "case_custody"])
def test_a_colleagues_case_is_not_found(signed_in, colleague_case, name):
    assert signed_in.get(reverse(f"supervision:{name}", args=[colleague_case.pk])).status_code == 404


# --- correcting a violation ------------------------------------------------------------------------


def test_the_officer_withdraws_a_violation_recorded_in_error(signed_in, case, open_violation):
    page = signed_in.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    url = reverse("supervision:violation_correct", args=[case.pk, open_violation.pk])
    assert url in page
    response = signed_in.post(url, {"correction": "withdraw", "reason": "Entered on the wrong case."}, follow=True)
    assert _messages(response) == ["Violation withdrawn (recorded in error)."]
    open_violation.refresh_from_db()
    assert (open_violation.status, open_violation.correction_reason) == ("withdrawn", "Entered on the wrong case.")
    assert AuditEvent.objects.filter(action="violation.withdrawn", object_id=str(open_violation.pk)).exists()


def test_a_violation_in_a_report_in_progress_is_not_corrected(signed_in, case, open_violation):
    report = ViolationReportFactory(supervision=case, violations=[open_violation])
    response = signed_in.post(
        reverse("supervision:violation_correct", args=[case.pk, open_violation.pk]),
        {"correction": "dismiss", "reason": "Not sustained."},
    )
    assert response.status_code == 200
    assert f"#{report.pk}" in " ".join(response.context["form"].non_field_errors())
    open_violation.refresh_from_db()
    assert open_violation.status == "open"


def test_a_correction_needs_its_reason(signed_in, case, open_violation):
    response = signed_in.post(
        reverse("supervision:violation_correct", args=[case.pk, open_violation.pk]), {"correction": "dismiss"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]


def test_the_violation_form_names_the_violations_already_open(signed_in, case, open_violation):
    page = signed_in.get(reverse("supervision:violation_new", args=[case.pk])).content.decode()
    assert "Already open on this case:" in page
    assert "Missed the office visit of the 3rd." in page
    assert "Do not record the same event twice." in page


def test_the_violation_form_of_a_case_without_open_violations_has_no_warning(signed_in, case):
    page = signed_in.get(reverse("supervision:violation_new", args=[case.pk])).content.decode()
    assert "Already open on this case:" not in page

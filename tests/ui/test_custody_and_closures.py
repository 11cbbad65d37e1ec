"""The custody page of a case (taken in, released) and the supervisor's queue of closures to approve (four
eyes): the happy paths through the services, bad input answered on the page (nothing saved), the queue's
constant query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import CheckInStatus, ClosureRequestStatus, SupervisionStatus
from supervision.models import CustodyEpisode, Supervision
from supervision.services import closure_request_submit, custody_start
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # the clock the run is at (CASELINE_TEST_CLOCK moves it)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _in_custody(case):
    return custody_start(
        actor=case.officer, supervision=case, started_on=TODAY, facility="County Jail", reason="New charge"
    )


def _ask(case, actor=None, reason="early_termination"):
    return closure_request_submit(
        actor=actor or case.officer, supervision=case, closure_reason=reason, closed_on=TODAY, note="Earned."
    )


# --- custody -------------------------------------------------------------------------------------


def test_the_officer_records_custody_and_the_case_page_shows_it(client, officer, case, check_in):
    client.force_login(officer)
    url = reverse("supervision:case_custody", args=[case.pk])
    assert client.get(url).context["title"] == "Record custody"

    response = client.post(
        url, {"started_on": TODAY, "facility": "County Jail", "reason": "New charge: burglary"}, follow=True
    )

    assert _messages(response) == ["The case is in custody (County Jail); its check-ins are stood down."]
    case.refresh_from_db()
    check_in.refresh_from_db()
    assert (case.status, check_in.status) == (SupervisionStatus.IN_CUSTODY, CheckInStatus.EXCUSED)
    page = response.content.decode()
    assert "at <strong>County Jail</strong> since" in page
    assert reverse("supervision:case_custody", args=[case.pk]) in page


def test_the_release_is_recorded_and_the_past_episode_stays_on_the_case_page(client, officer, case):
    _in_custody(case)
    client.force_login(officer)
    url = reverse("supervision:case_custody", args=[case.pk])
    form = client.get(url)
    assert form.context["title"] == "Record the release from custody"
    assert [value for value, _ in form.context["form"].fields["status"].choices] == ["active", "inactive"]

    response = client.post(
        url, {"released_on": TODAY, "release_reason": "Charge dropped", "status": "active"}, follow=True
    )

    assert _messages(response) == [f"Release on {TODAY:%b %-d, %Y} recorded."]
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.ACTIVE
    page = response.content.decode()
    assert "Charge dropped" in page and "County Jail" in page
    assert "since" not in page.split('id="custody-h"')[1].split("</section>")[0].split("<table")[0]


def test_a_release_before_the_custody_began_is_answered_on_the_form(client, officer, case):
    _in_custody(case)
    client.force_login(officer)
    response = client.post(
        reverse("supervision:case_custody", args=[case.pk]),
        {"released_on": TODAY - datetime.timedelta(days=1), "release_reason": "Bailed", "status": "active"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["released_on"] == [
        f"The release cannot be before the custody began ({TODAY:%b %-d, %Y})."
    ]
    assert CustodyEpisode.objects.get().released_on is None


def test_custody_without_a_facility_stays_on_the_form(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("supervision:case_custody", args=[case.pk]), {"started_on": TODAY, "facility": " ", "reason": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["facility"]
    assert not CustodyEpisode.objects.exists()


def test_a_closed_case_records_no_custody(client, officer, case):
    case.status, case.closure_reason, case.closed_on = SupervisionStatus.CLOSED, "completed", TODAY
    case.save()
    client.force_login(officer)
    response = client.post(
        reverse("supervision:case_custody", args=[case.pk]), {"started_on": TODAY, "facility": "Jail", "reason": "x"}
    )
    assert response.status_code == 200
    assert "This case was closed on" in response.content.decode()
    assert not CustodyEpisode.objects.exists()


def test_the_status_page_of_a_case_in_custody_points_to_the_release(client, officer, case):
    _in_custody(case)
    client.force_login(officer)
    page = client.get(reverse("supervision:case_status", args=[case.pk])).content.decode()
    assert "record their release on the custody page" in page
    assert 'name="status"' not in page


# --- the closure queue ---------------------------------------------------------------------------


def test_the_supervisor_approves_a_closure_from_the_queue(client, supervisor, case):
    closure = _ask(case)
    client.force_login(supervisor)
    queue = client.get(reverse("dashboard:closures"))
    assert [row[0].pk for row in queue.context["rows"]] == [closure.pk]
    detail = client.get(reverse("dashboard:closure_detail", args=[closure.pk])).content.decode()
    assert 'id="closure-actions"' in detail

    response = client.post(reverse("dashboard:closure_approve", args=[closure.pk]), follow=True)

    assert _messages(response) == [
        f"Closure approved: Marcus Reyes's case ({case.docket_number}) is closed (early termination)."
    ]
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (SupervisionStatus.CLOSED, "early_termination")
    assert response.context["rows"] == []
    assert AuditEvent.objects.filter(action="closure_request.listed", actor=supervisor).count() == 2


def test_a_decline_needs_its_reason_and_then_keeps_the_case_open(client, supervisor, case):
    closure = _ask(case)
    client.force_login(supervisor)
    url = reverse("dashboard:closure_decline", args=[closure.pk])

    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"] == ["Say why the closure is declined."]
    closure.refresh_from_db()
    assert closure.status == ClosureRequestStatus.PENDING

    response = client.post(url, {"reason": "Restitution still owed"}, follow=True)
    assert _messages(response) == [f"Closure request #{closure.pk} declined; the case stays open."]
    closure.refresh_from_db()
    assert (closure.status, closure.decision_reason) == (ClosureRequestStatus.DECLINED, "Restitution still owed")
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.ACTIVE


def test_a_supervisors_own_request_is_not_theirs_to_approve(client, supervisor, case):
    closure = _ask(case, actor=supervisor)
    client.force_login(supervisor)
    detail = client.get(reverse("dashboard:closure_detail", args=[closure.pk])).content.decode()
    assert "another supervisor of the unit approves or declines it" in detail
    assert 'id="closure-actions"' not in detail

    response = client.post(reverse("dashboard:closure_approve", args=[closure.pk]), follow=True)

    assert _messages(response) == [
        "You asked for this closure: another supervisor of the unit approves or declines it (four eyes)."
    ]
    closure.refresh_from_db()
    assert closure.status == ClosureRequestStatus.PENDING


def test_a_decided_request_is_not_decided_again(client, supervisor, case):
    closure = _ask(case)
    client.force_login(supervisor)
    client.post(reverse("dashboard:closure_decline", args=[closure.pk]), {"reason": "Not yet"})
    response = client.post(reverse("dashboard:closure_approve", args=[closure.pk]), follow=True)
    assert "was already declined" in _messages(response)[-1]
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.ACTIVE


def test_another_units_request_is_not_found(client, supervisor, other_unit_case):
    closure = _ask(other_unit_case)
    client.force_login(supervisor)
    for name, method in (("closure_detail", "get"), ("closure_approve", "post"), ("closure_decline", "post")):
        assert getattr(client, method)(reverse(f"dashboard:{name}", args=[closure.pk])).status_code == 404
    assert client.get(reverse("dashboard:closures")).context["rows"] == []


def test_the_queue_is_empty_for_now_and_says_so(client, supervisor):
    client.force_login(supervisor)
    assert "No closure waiting for approval" in client.get(reverse("dashboard:closures")).content.decode()


def test_the_queue_query_count_does_not_grow(client, django_assert_num_queries, supervisor, officer):
    client.force_login(supervisor)
    _ask(SupervisionFactory(officer=officer))
    # the session, the user, the count, the page, the audit row (and its savepoint), the bell's unread count
    with django_assert_num_queries(7):
        client.get(reverse("dashboard:closures"))
    for _ in range(4):
        _ask(SupervisionFactory(officer=officer))
    with django_assert_num_queries(7):
        response = client.get(reverse("dashboard:closures"))
    assert len(response.context["rows"]) == 5

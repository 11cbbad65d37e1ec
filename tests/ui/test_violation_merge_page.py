"""Merging a violation recorded twice on its correction page (issue 15, item 8): a manual violation is offered
the case's violations recorded for a missed check-in or failed test; an automatic one has no merge."""

import pytest
from django.urls import reverse

from supervision.choices import ViolationStatus
from tests.supervision.factories import CheckInFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def automatic(case):
    return ViolationFactory(supervision=case, check_in=CheckInFactory(supervision=case), description="Missed check-in.")


def _url(case, violation) -> str:
    return reverse("supervision:violation_correct", args=[case.pk, violation.pk])


def test_a_manual_violation_is_merged_on_the_page(client, officer, case, open_violation, automatic):
    client.force_login(officer)
    # given the correction page of the manual violation / then merge is offered, naming the automatic one
    page = client.get(_url(case, open_violation)).content.decode()
    assert 'value="merge"' in page and f"#{automatic.pk} " in page
    # when the officer merges without choosing the one kept / then the form says so and nothing changes
    response = client.post(_url(case, open_violation), {"correction": "merge", "reason": "Recorded twice."})
    assert response.status_code == 200
    assert "Choose the violation this one is merged into." in response.content.decode()
    open_violation.refresh_from_db()
    assert open_violation.status == ViolationStatus.OPEN
    # when they choose it
    response = client.post(
        _url(case, open_violation), {"correction": "merge", "into": automatic.pk, "reason": "Recorded twice."}
    )
    # then the manual violation is withdrawn into the automatic one
    assert response.status_code == 302
    open_violation.refresh_from_db()
    assert (open_violation.status, open_violation.merged_into_id) == (ViolationStatus.WITHDRAWN, automatic.pk)


def test_the_automatic_violation_is_not_offered_a_merge(client, officer, case, open_violation, automatic):
    client.force_login(officer)
    page = client.get(_url(case, automatic)).content.decode()
    assert 'value="merge"' not in page and 'name="into"' not in page
    # and a merge posted anyway is not a choice
    response = client.post(_url(case, automatic), {"correction": "merge", "into": open_violation.pk, "reason": "x"})
    assert response.status_code == 200
    automatic.refresh_from_db()
    assert automatic.status == ViolationStatus.OPEN

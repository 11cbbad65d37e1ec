"""The risk pages: recording an assessment from the case page, the case page's risk section (latest
assessment, next due, overdue), and the supervisor's queue of level overrides (approve, decline, never one's
own). Bad input answered on the page, nothing saved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agency.models import AuditEvent
from offenders.models import RiskAssessment
from offenders.risk import LevelOverride, LevelOverrideStatus
from supervision.choices import SupervisionLevel
from supervision.services.risk import risk_assessment_record
from tests.agency.factories import OfficerFactory, SupervisorFactory
from tests.supervision.factories import SupervisionFactory
from tests.supervision.risk_helpers import answers_for, instrument_make

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2027, 5, 12, 15, 0, tzinfo=datetime.UTC), tick=False),
]
TODAY = datetime.date(2027, 5, 12)


@pytest.fixture
def instrument():
    return instrument_make()


def _post_data(instrument, *labels, **extra):
    data = {"instrument": instrument.pk, "assessed_on": TODAY.isoformat(), "notes": "", **extra}
    for item_id, answer_id in answers_for(instrument, *labels):
        data[f"item_{item_id}"] = answer_id
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_officer_records_an_assessment_and_the_level_follows(client, officer, case, instrument):
    client.force_login(officer)
    url = reverse("supervision:risk_assessment_new", args=[case.pk])
    form = client.get(f"{url}?instrument={instrument.pk}")
    assert form.status_code == 200
    assert [name for name in form.context["form"].fields if name.startswith("item_")] == [
        f"item_{item.pk}" for item in instrument.items.order_by("order")
    ]

    response = client.post(url, _post_data(instrument, "Yes", "Yes", "No"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("supervision:case_detail", args=[case.pk])
    assert _messages(response)[0] == "Assessment recorded: score 6, high risk. The case follows the high level."
    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH
    page = response.content.decode()
    assert "Screening" in page and "Aug 10, 2027" in page  # assessed today + 90 days
    assert "Overdue" not in page


def test_a_missing_answer_stays_on_the_form_and_nothing_is_saved(client, officer, case, instrument):
    client.force_login(officer)
    data = _post_data(instrument, "Yes", "Yes", "No")
    del data[f"item_{instrument.items.order_by('order').last().pk}"]

    response = client.post(reverse("supervision:risk_assessment_new", args=[case.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors[f"item_{instrument.items.order_by('order').last().pk}"]
    assert RiskAssessment.objects.count() == 0


def test_an_override_without_a_reason_stays_on_the_form(client, officer, case, instrument):
    client.force_login(officer)
    response = client.post(
        reverse("supervision:risk_assessment_new", args=[case.pk]),
        _post_data(instrument, "Yes", "Yes", "No", override_level="low", override_reason=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["override_reason"] == ["Say why the case should not follow the assessment."]
    assert (RiskAssessment.objects.count(), LevelOverride.objects.count()) == (0, 0)


def test_the_case_page_marks_an_overdue_assessment(client, officer, case, instrument):
    risk_assessment_record(
        actor=officer,
        supervision=case,
        instrument=instrument,
        answers=answers_for(instrument, "Yes", "No", "No"),
        assessed_on=TODAY - datetime.timedelta(days=120),
    )
    client.force_login(officer)
    page = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert "Overdue" in page and "Score</dt><dd>3" in page


@pytest.fixture
def pending(case, officer, instrument):
    risk_assessment_record(
        actor=officer,
        supervision=case,
        instrument=instrument,
        answers=answers_for(instrument, "Yes", "Yes", "No"),
        assessed_on=TODAY,
        override_level="low",
        override_reason="Stable job and housing",
    )
    return LevelOverride.objects.get()


def test_the_supervisor_sees_and_approves_the_override(client, supervisor, case, pending):
    client.force_login(supervisor)
    queue = client.get(reverse("dashboard:level_overrides"))
    assert queue.status_code == 200
    assert [o.pk for o in queue.context["overrides"]] == [pending.pk]
    assert AuditEvent.objects.filter(action="level_override.listed", actor=supervisor).count() == 1

    response = client.post(reverse("dashboard:level_override_approve", args=[pending.pk]), follow=True)

    assert _messages(response) == ["Override for Marcus Reyes approved: the case is now low."]
    case.refresh_from_db()
    assert case.level == SupervisionLevel.LOW
    assert case.history.latest("history_date", "history_id").history_change_reason.startswith("Override approved")


def test_the_supervisor_declines_only_with_a_reason(client, supervisor, case, pending):
    client.force_login(supervisor)
    url = reverse("dashboard:level_override_decline", args=[pending.pk])

    refused = client.post(url, {"reason": ""}, follow=True)
    pending.refresh_from_db()
    assert pending.status == LevelOverrideStatus.PENDING
    assert _messages(refused) == ["Say why the override is declined; the officer reads it."]

    client.post(url, {"reason": "The score stands"})
    pending.refresh_from_db()
    case.refresh_from_db()
    assert (pending.status, case.level) == (LevelOverrideStatus.DECLINED, SupervisionLevel.HIGH)


def test_a_supervisor_cannot_approve_their_own_override(client, supervisor, case, instrument):
    risk_assessment_record(
        actor=supervisor,
        supervision=case,
        instrument=instrument,
        answers=answers_for(instrument, "Yes", "Yes", "No"),
        assessed_on=TODAY,
        override_level="low",
        override_reason="Known to me",
    )
    override = LevelOverride.objects.get()
    client.force_login(supervisor)

    response = client.post(reverse("dashboard:level_override_approve", args=[override.pk]), follow=True)

    assert _messages(response) == ["You asked for this override: another supervisor of the unit must approve it."]
    override.refresh_from_db()
    case.refresh_from_db()
    assert (override.status, case.level) == (LevelOverrideStatus.PENDING, SupervisionLevel.MEDIUM)


def test_an_officer_cannot_open_the_queue_or_approve(client, officer, case, pending):
    client.force_login(officer)
    assert client.get(reverse("dashboard:level_overrides")).status_code == 403
    assert client.post(reverse("dashboard:level_override_approve", args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == LevelOverrideStatus.PENDING


def test_a_supervisor_of_another_unit_gets_404(client, pending):
    client.force_login(SupervisorFactory())
    assert client.post(reverse("dashboard:level_override_approve", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == LevelOverrideStatus.PENDING


def test_the_queue_reads_the_same_number_of_queries_for_one_and_for_many(
    client, supervisor, instrument, django_assert_num_queries
):
    def add_pending():
        case = SupervisionFactory(officer=OfficerFactory(unit=supervisor.unit))
        risk_assessment_record(
            actor=case.officer,
            supervision=case,
            instrument=instrument,
            answers=answers_for(instrument, "Yes", "Yes", "No"),
            assessed_on=TODAY,
            override_level="low",
            override_reason="Stable",
        )

    client.force_login(supervisor)
    add_pending()
    client.get(reverse("dashboard:level_overrides"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard:level_overrides"))
    for _ in range(4):
        add_pending()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("dashboard:level_overrides"))
    assert len(response.context["overrides"]) == 5

"""The two main pages run the same number of queries with few and with many rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.choices import CheckInStatus, DrugTestResult
from supervision.models import CommunityServiceEntry, CustodyEpisode, DrugTestSubstanceResult, ViolationReport
from tests.offenders.factories import AddressFactory
from tests.supervision.factories import (
    CaseNoteFactory,
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    DrugTestFactory,
    ReferralFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


def _caseload(officer, n):
    now = timezone.now()
    for i in range(n):
        supervision = SupervisionFactory(officer=officer, level=["high", "medium", "low"][i % 3])
        CheckInFactory(
            supervision=supervision,
            window_start=now + datetime.timedelta(days=i - 2),
            due_at=now + datetime.timedelta(days=i + 1),
        )
        CheckInFactory(
            supervision=supervision,
            window_start=now - datetime.timedelta(days=20),
            due_at=now - datetime.timedelta(days=17),
            status=CheckInStatus.COMPLETED,
            completed_at=now - datetime.timedelta(days=18),
        )
        ViolationFactory(supervision=supervision)


# + the unit's officers filter; the last query is the list's audit row; one more: the bell's unread count
@pytest.mark.parametrize(("who", "queries"), [("officer", 8), ("supervisor", 9)])
def test_caseload_query_count_does_not_grow(client, django_assert_num_queries, officer, supervisor, who, queries):
    # given
    client.force_login(officer if who == "officer" else supervisor)
    url = reverse("supervision:caseload")
    _caseload(officer, 5)
    client.get(url)  # warm the session and content-type caches

    # when / then
    with django_assert_num_queries(queries) as few:
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 5

    _caseload(officer, 95)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.count == 100


def _timeline(case, per_kind):
    now = timezone.now()
    hours = ConditionFactory(
        supervision=case, condition_type=ConditionTypeFactory(tracks_hours=True), hours_required=Decimal("100")
    )
    for i in range(per_kind):
        at = now - datetime.timedelta(days=i, hours=1)
        CheckInFactory(
            supervision=case,
            window_start=at - datetime.timedelta(days=1),
            due_at=at + datetime.timedelta(hours=2),
            status=CheckInStatus.COMPLETED,
            completed_at=at,
        )
        test = DrugTestFactory(supervision=case, collected_at=at, result=DrugTestResult.POSITIVE)
        DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="positive")
        DrugTestSubstanceResult.objects.create(drug_test=test, substance="cocaine", result="negative")
        CaseNoteFactory(supervision=case, created_at=at)
        ReferralFactory(supervision=case, referred_on=timezone.localdate(at))
        CommunityServiceEntry.objects.create(
            condition=hours,
            performed_on=timezone.localdate(at),
            hours=2,
            organisation="Food bank",
            recorded_by=case.officer,
        )
        violation = ViolationFactory(supervision=case, occurred_on=timezone.localdate(at), drug_test=test)
        report = ViolationReportFactory(supervision=case, violations=[violation])
        ViolationReport.objects.filter(pk=report.pk).update(created_at=at)  # as if drafted that day


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_case_page_query_count_does_not_grow(client, django_assert_num_queries, officer, supervisor, case, who):
    # given
    client.force_login(officer if who == "officer" else supervisor)
    url = reverse("supervision:case_detail", args=[case.pk])
    _timeline(case, 1)  # 7 entries, one of each kind
    client.get(url)

    # when / then
    # 24, and: the custody episodes and a closure waiting for approval (supervision/templatetags/case_lifecycle.py);
    # the conditions' history and the decisions to apply; the risk section (latest assessment, pending override)
    # and the bell's unread count in the top bar (supervision/notifications/context.py): 31
    with django_assert_num_queries(31) as few:
        response = client.get(url)
    assert {entry.kind for entry in response.context["timeline"]} == {
        "check_in",
        "drug_test",
        "note",
        "referral",
        "community_service",
        "violation",
        "report",
    }

    _timeline(case, 14)  # 105 entries in all
    for day in (30, 20, 10):  # and three past custody episodes
        started = timezone.localdate() - datetime.timedelta(days=day)
        CustodyEpisode.objects.create(
            supervision=case,
            started_on=started,
            facility="County Jail",
            reason="Sanction",
            released_on=started + datetime.timedelta(days=2),
            release_reason="Served",
            recorded_by=case.officer,
            released_by=case.officer,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["timeline"].object_list) == 25
    assert response.context["timeline"].paginator.count == 105
    assert {entry.kind for entry in response.context["timeline"]} == {
        "check_in",
        "drug_test",
        "note",
        "referral",
        "community_service",
        "violation",
        "report",
    }


def test_timeline_is_newest_first_and_filters_by_kind(client, officer, case):
    # given
    client.force_login(officer)
    _timeline(case, 3)
    url = reverse("supervision:case_detail", args=[case.pk])

    # when
    everything = client.get(url).context["timeline"]
    notes = client.get(url, {"kind": "note"}).context["timeline"]
    partial = client.get(url, {"kind": "drug_test"}, headers={"HX-Request": "true", "HX-Target": "timeline"})

    # then
    moments = [entry.at for entry in everything]
    assert moments == sorted(moments, reverse=True)
    assert [entry.kind for entry in notes] == ["note", "note", "note"]
    assert partial.templates[0].name == "supervision/_timeline.html"
    assert [entry.kind for entry in partial.context["timeline"]] == ["drug_test"] * 3
    assert "Cannabinoids (THC): positive" in partial.content.decode()


def test_case_page_shows_the_person_the_authority_and_conditions(client, officer, case):
    # given
    client.force_login(officer)
    AddressFactory(offender=case.offender, line1="9 Old Road", end_date=datetime.date(2024, 6, 1))

    # when
    response = client.get(reverse("supervision:case_detail", args=[case.pk]))

    # then
    html = response.content.decode()
    assert "Marcus Reyes" in html
    assert case.offender.agency_number in html
    assert "12 Elm Street" in html
    assert "9 Old Road" not in html
    assert "Acme Logistics" in html
    assert case.court.name in html
    assert "Sentencing court" in html
    assert "CR-2025-00042" in html
    assert "0 of 40 h" in html


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "<script>"},
        {"page": "-5"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"kind": "note", "page": "9"},
    ],
)
def test_case_page_ignores_garbage_parameters(client, officer, case, params):
    # given
    client.force_login(officer)
    _timeline(case, 2)

    # when
    response = client.get(reverse("supervision:case_detail", args=[case.pk]), params)

    # then
    assert response.status_code == 200
    assert len(response.context["timeline"].object_list) > 0


def test_timeline_pages_through_htmx(client, officer, case):
    # given
    client.force_login(officer)
    _timeline(case, 5)  # 35 entries: two pages
    url = reverse("supervision:case_detail", args=[case.pk])

    # when
    second = client.get(url, {"page": 2}, headers={"HX-Request": "true", "HX-Target": "timeline"})

    # then
    assert second.templates[0].name == "supervision/_timeline.html"
    assert second.context["timeline"].number == 2
    assert len(second.context["timeline"].object_list) == 10
    assert second["Vary"].count("HX-Request") == 1

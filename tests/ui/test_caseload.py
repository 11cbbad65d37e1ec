"""My caseload: urgency first, filters, search, sort, pagination and empty states."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from offenders.models import Alias
from supervision.choices import CheckInStatus, SupervisionStatus
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [case.offender.last_name for case in response.context["page_obj"]]


def _case(officer, last_name, *, due_in_hours=None, opens_in_hours=None, factory=SupervisionFactory, **kwargs):
    offender = OffenderFactory(last_name=last_name, first_name="Pat")
    supervision = factory(officer=officer, offender=offender, **kwargs)
    if due_in_hours is not None:
        now = timezone.now()
        opens = now + datetime.timedelta(hours=opens_in_hours if opens_in_hours is not None else due_in_hours - 72)
        CheckInFactory(supervision=supervision, window_start=opens, due_at=now + datetime.timedelta(hours=due_in_hours))
    return supervision


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_overdue_and_due_today_come_first(signed_in, officer):
    # given
    now = timezone.localtime()
    hours_left_today = int((now.replace(hour=23, minute=59) - now).total_seconds() // 3600)
    _case(officer, "Later", due_in_hours=24 * 9, opens_in_hours=24 * 6)
    _case(officer, "Overdue", due_in_hours=-5)
    _case(officer, "Nothing")
    if hours_left_today >= 1:
        _case(officer, "Today", due_in_hours=max(hours_left_today - 1, 0) + 0.5)
    _case(officer, "Open", due_in_hours=24 * 2 + 30, opens_in_hours=-10)

    # when
    response = signed_in.get(reverse("supervision:caseload"))

    # then
    expected = (
        ["Overdue", "Today", "Open", "Later", "Nothing"]
        if hours_left_today >= 1
        else ["Overdue", "Open", "Later", "Nothing"]
    )
    assert _names(response) == expected
    assert response.context["summary"].overdue == 1


def test_columns_show_next_check_in_last_contact_and_open_violations(signed_in, officer):
    # given
    case = _case(officer, "Reyes", due_in_hours=48)
    last = timezone.now() - datetime.timedelta(days=4)
    CheckInFactory(
        supervision=case,
        window_start=last - datetime.timedelta(days=1),
        due_at=last + datetime.timedelta(days=1),
        status=CheckInStatus.COMPLETED,
        completed_at=last,
    )
    ViolationFactory(supervision=case)
    ViolationFactory(supervision=case)
    ViolationFactory(supervision=case, status="resolved")

    # when
    row = signed_in.get(reverse("supervision:caseload")).context["page_obj"][0]

    # then
    assert row.open_violations == 2
    assert row.last_contact_at == last
    assert row.next_check_in_due > timezone.now()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reyes", ["Reyes"]),
        ("REY", ["Reyes"]),
        ("pat reyes", ["Reyes"]),
        ("Marc", ["Reyes"]),  # an alias
        ("1990-04-12", ["Reyes"]),
        ("04/12/1990", ["Reyes"]),
        ("nobody", []),
        ("'; DROP TABLE x; --", []),
        ("%", []),  # a literal percent sign, not a wildcard
    ],
)
def test_search_by_name_alias_agency_number_or_date_of_birth(signed_in, officer, query, expected):
    # given
    reyes = _case(officer, "Reyes")
    reyes.offender.date_of_birth = datetime.date(1990, 4, 12)
    reyes.offender.save()
    Alias.objects.create(offender=reyes.offender, first_name="Marc", last_name="Ray")
    _case(officer, "Adams")

    # when
    response = signed_in.get(reverse("supervision:caseload"), {"q": query, "sort": "name"})

    # then
    assert response.status_code == 200
    assert _names(response) == expected


def test_search_by_agency_number(signed_in, officer):
    # given
    reyes = _case(officer, "Reyes")
    _case(officer, "Adams")

    # when
    response = signed_in.get(reverse("supervision:caseload"), {"q": reyes.offender.agency_number.lower()})

    # then
    assert _names(response) == ["Reyes"]


def test_filters_by_type_level_and_status(signed_in, officer):
    # given
    _case(officer, "Parolee", factory=ParoleSupervisionFactory, level="high")
    _case(officer, "Probationer", level="low")
    _case(officer, "Inactive", level="low", status=SupervisionStatus.INACTIVE)
    _case(
        officer,
        "Closed",
        status=SupervisionStatus.CLOSED,
        closed_on=timezone.localdate(),
        closure_reason="completed",
    )
    url = reverse("supervision:caseload")

    # when / then
    assert _names(signed_in.get(url, {"supervision_type": "parole"})) == ["Parolee"]
    assert _names(signed_in.get(url, {"level": "low", "sort": "name"})) == ["Inactive", "Probationer"]
    assert _names(signed_in.get(url, {"status": "inactive"})) == ["Inactive"]
    assert _names(signed_in.get(url, {"sort": "name"})) == ["Inactive", "Parolee", "Probationer"]
    assert _names(signed_in.get(url, {"status": "all", "sort": "name"})) == [
        "Closed",
        "Inactive",
        "Parolee",
        "Probationer",
    ]


def test_sort_options(signed_in, officer):
    # given
    a = _case(officer, "Alpha", level="low")
    _case(officer, "Bravo", level="high")
    ViolationFactory(supervision=a)
    url = reverse("supervision:caseload")

    # when / then
    assert _names(signed_in.get(url, {"sort": "-name"})) == ["Bravo", "Alpha"]
    assert _names(signed_in.get(url, {"sort": "level"})) == ["Bravo", "Alpha"]
    assert _names(signed_in.get(url, {"sort": "-open_violations"})) == ["Alpha", "Bravo"]


@pytest.mark.parametrize(
    "params",
    [
        {"supervision_type": "spaceship"},
        {"level": "<b>"},
        {"status": "x" * 500},
        {"sort": "password"},
        {"due": "yesterday"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"q": "\x00"},
    ],
)
def test_garbage_parameters_never_fail(signed_in, officer, params):
    # given
    _case(officer, "Reyes")

    # when
    response = signed_in.get(reverse("supervision:caseload"), params)

    # then
    assert response.status_code == 200


def test_pagination_25_per_page(signed_in, officer):
    # given
    for i in range(27):
        _case(officer, f"Person{i:02d}")

    # when
    first = signed_in.get(reverse("supervision:caseload"), {"sort": "name"})
    second = signed_in.get(reverse("supervision:caseload"), {"sort": "name", "page": 2})

    # then
    assert len(first.context["page_obj"]) == 25
    assert _names(second) == ["Person25", "Person26"]
    assert "Page 1 of 2" in first.content.decode()


def test_empty_caseload_says_what_to_do(signed_in):
    # when
    response = signed_in.get(reverse("supervision:caseload"))

    # then
    assert "You have no open cases" in response.content.decode()


def test_empty_search_says_what_to_do(signed_in, officer):
    # given
    _case(officer, "Reyes")

    # when
    response = signed_in.get(reverse("supervision:caseload"), {"q": "zzz"})

    # then
    assert "No case matches these filters" in response.content.decode()


def test_supervisor_sees_the_unit_with_officers(client, supervisor, officer, colleague, other_unit_case):
    # given
    _case(officer, "Mine")
    _case(colleague, "Theirs")
    client.force_login(supervisor)

    # when
    response = client.get(reverse("supervision:caseload"), {"sort": "name"})

    # then
    assert _names(response) == ["Mine", "Theirs"]
    assert "North Field Unit caseload" in response.content.decode()
    assert response.context["is_unit"] is True


def test_officer_sees_only_their_own(signed_in, officer, colleague_case, other_unit_case):
    # given
    _case(officer, "Mine")

    # when
    response = signed_in.get(reverse("supervision:caseload"))

    # then
    assert _names(response) == ["Mine"]


def test_supervisor_filters_by_officer_of_the_unit(client, supervisor, officer, colleague, other_unit_case):
    # given
    _case(officer, "Mine")
    _case(colleague, "Theirs")
    client.force_login(supervisor)
    url = reverse("supervision:caseload")

    # when
    one = client.get(url, {"officer": colleague.pk})
    foreign = client.get(url, {"officer": other_unit_case.officer_id, "sort": "name"})

    # then
    assert _names(one) == ["Theirs"]
    assert _names(foreign) == ["Mine", "Theirs"]  # not an officer of the unit: the filter is ignored
    assert set(one.context["filter"].form.fields["officer"].queryset) == {officer, colleague}


def test_officer_has_no_officer_filter(signed_in, officer, colleague):
    # given
    _case(colleague, "Theirs")

    # when
    response = signed_in.get(reverse("supervision:caseload"), {"officer": colleague.pk})

    # then
    assert "officer" not in response.context["filter"].form.fields
    assert _names(response) == []

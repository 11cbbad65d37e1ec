"""The intake pages and the person page (issue 15, item 1): find the person (matches with why), register a new
one only past the possible duplicates, open the case with its conditions and officer, land on the case page;
the person page lists every case of the person the user may see. Reads are audited; others are refused."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from offenders.models import Offender
from supervision.choices import ClosureReason, ConditionAppliesTo, ConditionCategory, SupervisionStatus
from supervision.models import CheckIn, Condition, Supervision
from tests.agency.factories import AdministratorFactory, CourtClerkFactory, CourtFactory, ParoleBoardFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import ConditionTypeFactory, ContactStandardFactory, SupervisionFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 4, 12)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_search_shows_the_matches_with_why_and_audits_who_it_showed(signed_in, case, other_unit_case):
    # given the officer's person (Marcus Reyes, born 1990-04-12) and a person in another unit with the same name
    Offender.objects.filter(pk=other_unit_case.offender_id).update(last_name="Reyes", date_of_birth=BORN)
    # when the officer searches the name and date of birth
    response = signed_in.get(reverse("supervision:intake"), {"last_name": "reyes", "date_of_birth": "1990-04-12"})
    # then their person is shown with the reason, the other only counted
    page = response.content.decode()
    assert response.status_code == 200
    assert "Reyes, Marcus" in page and "Same last name and date of birth" in page
    assert other_unit_case.offender.first_name not in page
    assert "1 more possible match" in page
    # and the search is one audit row naming the person shown
    row = AuditEvent.objects.get(action="offender.listed")
    assert (row.offender_ids, row.detail["elsewhere"]) == ([case.offender_id], 1)


def test_the_search_page_without_a_search_shows_no_one_and_writes_no_row(signed_in, case):
    response = signed_in.get(reverse("supervision:intake"))
    assert response.status_code == 200
    assert "Reyes" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="offender.listed").exists()


def _person(**overrides) -> dict:
    return {
        "first_name": "Marcus",
        "last_name": "Reyes",
        "date_of_birth": "1990-04-12",
        "primary_language": "English",
        **overrides,
    }


def test_registering_a_possible_duplicate_asks_first_then_registers(signed_in, case):
    url = reverse("supervision:intake_register")
    # when the officer registers someone with the name and birth of their person
    first = signed_in.post(url, _person())
    # then the page lists the possible duplicate and asks for the confirmation; nobody is registered
    assert first.status_code == 200
    assert "Possible duplicates" in first.content.decode()
    assert first.context["form"].errors["different_person"]
    assert Offender.objects.count() == 1
    # when they confirm it is a different person
    second = signed_in.post(url, _person(different_person="on"))
    # then the person is registered and the officer goes on to open their case
    person = Offender.objects.exclude(pk=case.offender_id).get()
    assert second.status_code == 302
    assert second["Location"] == reverse("supervision:intake_open", args=[person.pk])
    assert AuditEvent.objects.filter(action="offender.created", offender_id=person.pk).count() == 1


def test_a_sid_on_file_is_an_error_on_its_field(signed_in, other_unit_case):
    # given a SID already registered for a person the officer cannot see
    sid = other_unit_case.offender.state_id
    # when the officer confirms past the (counted) possible match and registers with that SID
    response = signed_in.post(
        reverse("supervision:intake_register"), _person(last_name="Nobody", state_id=sid, different_person="on")
    )
    # then the SID field says so and nothing is registered
    assert response.status_code == 200
    assert response.context["form"].errors["state_id"] == [
        "Another person already has this state identification number (SID)."
    ]
    assert Offender.objects.count() == 1


@pytest.fixture
def catalogue():
    ContactStandardFactory()
    return {
        "report": ConditionTypeFactory(name="Report as directed"),
        "parole_only": ConditionTypeFactory(name="Parole travel permit", applies_to=ConditionAppliesTo.PAROLE),
        "curfew": ConditionTypeFactory(name="Curfew", category=ConditionCategory.SPECIAL),
    }


def _case_form(court, catalogue, officer, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "supervision_type": "probation",
        "court": court.pk,
        "docket_number": "CR-2026-00501",
        "offense": "Burglary",
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=365)).isoformat(),
        "level": "medium",
        "order_date": today.isoformat(),
        "order_reference": "Sentence 2026-501",
        "standard_conditions": [catalogue["report"].pk],
        "special_type_1": catalogue["curfew"].pk,
        "special_details_1": "Home from 22:00 to 06:00.",
        "officer": officer.pk,
        **overrides,
    }


def test_opening_a_case_for_a_new_person_lands_on_the_case_page(signed_in, officer, catalogue):
    person = OffenderFactory(last_name="Newcomer")
    url = reverse("supervision:intake_open", args=[person.pk])
    # when the officer opens the form (they are the unit's only officer: the suggestion)
    form = signed_in.get(url)
    # then the probation standard set is ticked, not the parole-only one, and the officer is suggested
    assert form.status_code == 200
    assert form.context["form"].fields["standard_conditions"].initial == [catalogue["report"].pk]
    assert form.context["form"]["officer"].value() == officer.pk
    assert AuditEvent.objects.get(action="offender.viewed").offender_id == person.pk
    # when they send it
    response = signed_in.post(url, _case_form(CourtFactory(), catalogue, officer), follow=True)
    # then the case is open with its conditions and first check-in, and the case page shows them
    case = Supervision.objects.get(offender=person)
    assert response.redirect_chain[-1][0] == reverse("supervision:case_detail", args=[case.pk])
    page = response.content.decode()
    assert "Report as directed" in page and "Curfew" in page
    assert Condition.objects.filter(supervision=case).count() == 2
    assert CheckIn.objects.filter(supervision=case).exists()
    assert _messages(response)[0].startswith(f"{case} is open for")


def test_the_parole_link_ticks_the_parole_set(signed_in, catalogue):
    person = OffenderFactory()
    form = signed_in.get(reverse("supervision:intake_open", args=[person.pk]), {"supervision_type": "parole"})
    assert sorted(form.context["form"].fields["standard_conditions"].initial) == sorted(
        [catalogue["report"].pk, catalogue["parole_only"].pk]
    )


def test_another_officer_without_a_reason_and_a_board_on_probation_stay_on_the_form(
    client, supervisor, officer, colleague, catalogue
):
    client.force_login(supervisor)
    person = OffenderFactory()
    SupervisionFactory(officer=officer)  # the colleague is now the lighter caseload: the suggestion
    url = reverse("supervision:intake_open", args=[person.pk])
    response = client.post(
        url, _case_form(CourtFactory(), catalogue, officer, parole_board=ParoleBoardFactory().pk, officer_reason="")
    )
    assert response.status_code == 200
    assert "parole_board" in response.context["form"].errors
    response = client.post(url, _case_form(CourtFactory(), catalogue, officer, officer_reason=""))
    assert response.status_code == 200
    assert "officer_reason" in response.context["form"].errors
    assert not Supervision.objects.filter(offender=person).exists()


def test_the_person_page_lists_every_case_the_user_may_see(signed_in, officer, case, colleague):
    # given the person's closed earlier case with the officer, and one with a colleague
    person = case.offender
    closed = SupervisionFactory(
        offender=person,
        officer=officer,
        docket_number="CR-2019-00001",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2020, 1, 1),
        status=SupervisionStatus.CLOSED,
        closed_on=datetime.date(2020, 1, 1),
        closure_reason=ClosureReason.COMPLETED,
    )
    SupervisionFactory(offender=person, officer=colleague, docket_number="CR-2024-00999")
    # when the officer opens the person page
    response = signed_in.get(reverse("supervision:person_detail", args=[person.pk]))
    # then both of their cases are listed, each leading to its case page, not the colleague's
    page = response.content.decode()
    assert response.status_code == 200
    assert [s.pk for s in response.context["supervisions"]] == [case.pk, closed.pk]
    for supervision in (case, closed):
        assert reverse("supervision:case_detail", args=[supervision.pk]) in page
    assert "CR-2024-00999" not in page
    assert reverse("supervision:intake_open", args=[person.pk]) in page
    # and the read is audited for the person
    assert AuditEvent.objects.get(action="offender.viewed").offender_id == person.pk


def test_the_case_page_links_to_the_person_page(signed_in, case):
    page = signed_in.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert reverse("supervision:person_detail", args=[case.offender_id]) in page


def test_people_out_of_scope_are_not_found_and_other_roles_are_refused(client, signed_in, colleague_case):
    # an officer: a colleague's person is a 404 on the person page and the intake form
    for name in ("supervision:person_detail", "supervision:intake_open"):
        assert signed_in.get(reverse(name, args=[colleague_case.offender_id])).status_code == 404
    # a court clerk and an administrator: 403 on every intake page
    for user in (CourtClerkFactory(), AdministratorFactory()):
        client.force_login(user)
        assert client.get(reverse("supervision:intake")).status_code == 403
        assert client.get(reverse("supervision:person_detail", args=[colleague_case.offender_id])).status_code == 403


def test_the_person_page_reads_the_same_queries_for_one_case_and_many(
    signed_in, officer, case, django_assert_num_queries
):
    url = reverse("supervision:person_detail", args=[case.offender_id])
    signed_in.get(url)  # the session, warmed
    with CaptureQueriesContext(connection) as one:
        signed_in.get(url)
    for n in range(5):
        SupervisionFactory(offender=case.offender, officer=officer, court=CourtFactory(), docket_number=f"CR-9-{n}")
    with django_assert_num_queries(len(one)):
        response = signed_in.get(url)
    assert len(response.context["supervisions"]) == 6

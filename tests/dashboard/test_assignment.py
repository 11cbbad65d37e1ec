"""Caseload assignment: reassigning cases with a reason (history and audit kept), and new intakes going to
the officer with the lightest weighted caseload."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision import services
from supervision.models import Supervision
from tests.agency.factories import OfficerFactory, UnitFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


def test_reassigning_through_the_page_keeps_the_history_and_audits(client, supervisor, ann, ben, known_unit):
    # given
    a2, a3 = known_unit["a2"], known_unit["a3"]
    client.force_login(supervisor)

    # when
    response = client.post(
        "/dashboard/reassign/",
        {
            "cases": [a2.pk, a3.pk],
            "officer": ben.pk,
            "reason": "Ann moves to the court liaison desk",
            "next": "https://evil.example/",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/cases/"  # an off-site next is not followed
    assert set(Supervision.objects.filter(pk__in=[a2.pk, a3.pk]).values_list("officer_id", flat=True)) == {ben.pk}
    latest = a2.history.order_by("-history_date").first()
    assert (latest.officer_id, latest.history_change_reason, latest.history_user_id) == (
        ben.pk,
        "Ann moves to the court liaison desk",
        supervisor.pk,
    )
    audits = AuditEvent.objects.filter(action="supervision.reassigned").order_by("object_id")
    assert [(a.object_id, a.actor_id, a.detail) for a in audits] == [
        (str(a2.pk), supervisor.pk, {"from_officer": ann.pk, "to_officer": ben.pk,
                                     "reason": "Ann moves to the court liaison desk"}),
        (str(a3.pk), supervisor.pk, {"from_officer": ann.pk, "to_officer": ben.pk,
                                     "reason": "Ann moves to the court liaison desk"}),
    ]  # fmt: skip


@pytest.mark.parametrize("sent", ["0", "admin:index", "dashboard", "cases/", "", "javascript:alert(1)", "//evil"])
def test_a_next_that_is_not_a_path_on_this_site_goes_back_to_the_cases(client, supervisor, ann, ben, known_unit, sent):
    # given a reassignment whose "next" is a bare word (redirect() took "0" for a view's name: a 500), a scheme
    # or another host
    a2 = known_unit["a2"]
    client.force_login(supervisor)
    # when it is posted
    response = client.post(
        "/dashboard/reassign/", {"cases": [a2.pk], "officer": ben.pk, "reason": "Court liaison", "next": sent}
    )
    # then the cases are reassigned and the supervisor goes back to the unit's cases
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/cases/"
    assert Supervision.objects.get(pk=a2.pk).officer_id == ben.pk


def test_a_next_path_on_this_site_is_followed(client, supervisor, ben, known_unit):
    client.force_login(supervisor)
    response = client.post(
        "/dashboard/reassign/",
        {"cases": [known_unit["a2"].pk], "officer": ben.pk, "reason": "Court liaison", "next": "/dashboard/?page=2"},
    )
    assert (response.status_code, response["Location"]) == (302, "/dashboard/?page=2")


def test_the_assignment_history_is_on_the_case_and_the_dashboard(client, supervisor, ann, ben, cy, known_unit):
    # given two moves of the same case
    a2 = known_unit["a2"]
    services.supervision_reassign(actor=supervisor, supervisions=[a2], officer=ben, reason="Caseload balance")
    services.supervision_reassign(actor=supervisor, supervisions=[a2], officer=cy, reason="Spanish speaker")
    client.force_login(supervisor)

    # when
    page = client.get(f"/dashboard/cases/{a2.pk}/assignments/")
    dashboard = client.get("/dashboard/")

    # then
    history = [(c.officer.username, c.previous_officer and c.previous_officer.username, c.reason)
               for c in page.context["history"]]  # fmt: skip
    assert history == [("ann", None, "Opened"), ("ben", "ann", "Caseload balance"), ("cy", "ben", "Spanish speaker")]
    rows = [
        (r["previous_officer"].username, r["officer"].username, r["reason"]) for r in dashboard.context["reassignments"]
    ]
    assert rows == [("ben", "cy", "Spanish speaker"), ("ann", "ben", "Caseload balance")]


def test_an_officer_of_another_unit_is_refused_and_nothing_changes(client, supervisor, ann, known_unit):
    # given
    stranger = OfficerFactory(unit=UnitFactory())
    client.force_login(supervisor)

    # when
    response = client.post(
        "/dashboard/reassign/",
        {"cases": [known_unit["a2"].pk], "officer": stranger.pk, "reason": "Transfer"},
        follow=True,
    )

    # then
    assert "Choose an officer of your unit." in response.content.decode()
    assert Supervision.objects.get(pk=known_unit["a2"].pk).officer_id == ann.pk
    assert not AuditEvent.objects.filter(action="supervision.reassigned").exists()
    with pytest.raises(ValidationError, match=r"Pick an officer of your own unit\."):
        services.supervision_reassign(actor=supervisor, supervisions=[known_unit["a2"]], officer=stranger, reason="x")
    assert Supervision.objects.get(pk=known_unit["a2"].pk).officer_id == ann.pk


def test_a_case_of_another_unit_or_a_missing_reason_is_refused(client, supervisor, ben, known_unit):
    # given
    client.force_login(supervisor)

    # when
    foreign = client.post(
        "/dashboard/reassign/", {"cases": [known_unit["x1"].pk], "officer": ben.pk, "reason": "Mine now"}, follow=True
    )
    no_reason = client.post("/dashboard/reassign/", {"cases": [known_unit["a2"].pk], "officer": ben.pk}, follow=True)

    # then
    assert "One of the selected cases is not an open case of your unit." in foreign.content.decode()
    assert "Say why the cases are reassigned." in no_reason.content.decode()
    assert Supervision.objects.get(pk=known_unit["x1"].pk).officer.username == "xavier"
    assert Supervision.objects.get(pk=known_unit["a2"].pk).officer.username == "ann"
    with pytest.raises(ApplicationError, match="only reassign the cases of your own unit"):
        services.supervision_reassign(actor=supervisor, supervisions=[known_unit["x1"]], officer=ben, reason="Mine")
    assert not AuditEvent.objects.filter(action="supervision.reassigned").exists()


def test_closed_cases_keep_their_officer_and_held_cases_are_left_alone(supervisor, ann, ben, known_unit):
    # when / then
    with pytest.raises(ValidationError, match="closed"):
        services.supervision_reassign(actor=supervisor, supervisions=[known_unit["a5"]], officer=ben, reason="Tidy")
    moved = services.supervision_reassign(
        actor=supervisor, supervisions=[known_unit["a2"], known_unit["b1"]], officer=ben, reason="Balance"
    )
    assert [s.pk for s in moved] == [known_unit["a2"].pk]
    assert AuditEvent.objects.filter(action="supervision.reassigned").count() == 1


def test_an_officer_cannot_reassign(client, ann, ben, known_unit):
    # given
    client.force_login(ann)

    # when
    response = client.post("/dashboard/reassign/", {"cases": [known_unit["a2"].pk], "officer": ben.pk, "reason": "x"})

    # then
    assert response.status_code == 403
    assert Supervision.objects.get(pk=known_unit["a2"].pk).officer_id == ann.pk
    with pytest.raises(ApplicationError):
        services.supervision_reassign(actor=ann, supervisions=[known_unit["a2"]], officer=ben, reason="x")


def test_intake_goes_to_the_lowest_weighted_caseload_not_the_fewest_cases(supervisor, unit):
    # given Ann has 2 low-level cases (weighted 1.0), Ben 1 high-level case (weighted 2.0)
    ann = OfficerFactory(unit=unit, username="ann2")
    ben = OfficerFactory(unit=unit, username="ben2")
    SupervisionFactory.create_batch(2, officer=ann, level="low")
    SupervisionFactory(officer=ben, level="high")
    OfficerFactory(unit=unit, username="gone", is_active=False)  # never picked
    OfficerFactory(unit=UnitFactory(), username="elsewhere")  # never picked

    # when
    chosen = services.officer_for_intake(unit=unit)

    # then
    assert chosen == ann


def test_a_parole_case_weighs_twice_a_probation_case_of_the_same_level(unit):
    # given one medium parole case (1/50) against one medium probation case (1/100)
    ann = OfficerFactory(unit=unit, username="ann3")
    ben = OfficerFactory(unit=unit, username="ben3")
    ParoleSupervisionFactory(officer=ann)
    SupervisionFactory(officer=ben)

    # when / then
    assert services.officer_for_intake(unit=unit) == ben


def test_supervision_open_without_an_officer_picks_the_lightest_caseload(supervisor, unit):
    # given
    busy = OfficerFactory(unit=unit, username="busy")
    free = OfficerFactory(unit=unit, username="free")
    SupervisionFactory(officer=busy)
    today = timezone.localdate()
    opening = {
        "offender": OffenderFactory(),
        "supervision_type": "probation",
        "docket_number": "CR-2026-1",
        "offense": "Theft",
        "start_date": today,
        "end_date": today + datetime.timedelta(days=365),
        "court": SupervisionFactory(officer=busy).court,
    }

    # when
    picked = services.supervision_open(actor=supervisor, **opening)
    chosen = services.supervision_open(actor=supervisor, officer=busy, **{**opening, "docket_number": "CR-2026-2"})

    # then
    assert (picked.officer, picked.unit) == (free, unit)
    assert chosen.officer == busy


def test_intake_in_a_unit_without_officers_says_so(supervisor):
    # given
    empty = UnitFactory(name="Empty Unit")

    # when / then
    with pytest.raises(ApplicationError, match="Empty Unit has no active officer"):
        services.officer_for_intake(unit=empty)

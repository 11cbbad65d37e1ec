"""The conditions' pages (issue 15, item 3): impose, modify and end a condition with the order it comes from,
through supervision.services.conditions; bad input answered on the form (200, nothing saved); a closed case
read-only; the authority's decision "conditions modified" asked for on the case page until a change cites it;
the case page's conditions with their history in a constant number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision import services
from supervision.choices import (
    ConditionAppliesTo,
    Disposition,
    DrugTestResult,
    ReportStatus,
    SupervisionStatus,
)
from supervision.models import Condition, Supervision, ViolationReport
from supervision.workspace.condition_views import decision_reference
from tests.agency.factories import CourtClerkFactory, OfficerFactory, UnitFactory
from tests.inbox.conftest import make_report
from tests.inbox.test_derived_compliance import _three_readers
from tests.supervision.factories import ConditionFactory, ConditionTypeFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _days_ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _page(client, case) -> str:
    return client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def curfew(case, officer):
    return services.condition_impose(
        actor=officer,
        supervision=case,
        condition_type=ConditionTypeFactory(name="Curfew"),
        details="Home from 22:00 to 06:00.",
        imposed_on=_days_ago(30),
        order_date=_days_ago(31),
        order_reference="CR-2025-00042, entry 7",
    )


def _order(**fields) -> dict:
    return {"order_date": _days_ago(2).isoformat(), "order_reference": "CR-2025-00042, entry 12", **fields}


def _decision(case, note: str = "Curfew from 21:00; add 20 hours of community service.") -> ViolationReport:
    """The court's decision on a report of the case: conditions modified, today."""
    report = make_report(case, ReportStatus.RECEIVED)
    return services.violation_report_dispose(
        actor=report.received_by,
        report=report,
        disposition=Disposition.CONDITIONS_MODIFIED,
        disposed_on=_today(),
        note=note,
    )


# --- impose ----------------------------------------------------------------------------------------------------


def test_the_officer_imposes_a_condition_of_the_catalogue_with_its_order(signed_in, case):
    # given the catalogue: a probation condition, one for both, a parole one and a retired one
    curfew = ConditionTypeFactory(name="Curfew", applies_to=ConditionAppliesTo.PROBATION)
    both = ConditionTypeFactory(name="No contact with the victim")
    ConditionTypeFactory(name="Parole residence", applies_to=ConditionAppliesTo.PAROLE)
    ConditionTypeFactory(name="Retired", is_active=False)
    url = reverse("supervision:condition_new", args=[case.pk])
    # when the officer opens the form
    form = signed_in.get(url).context["form"]
    # then it offers the active conditions for probation
    offered = set(form.fields["condition_type"].queryset)
    assert {curfew, both} <= offered
    assert {c.name for c in offered}.isdisjoint({"Parole residence", "Retired"})
    # when they send it
    response = signed_in.post(
        url,
        {
            "condition_type": curfew.pk,
            "details": "Home from 21:00.",
            "imposed_on": _days_ago(1).isoformat(),
            **_order(),
        },
        follow=True,
    )
    # then the condition stands on its order, the case page shows it, and the change is audited
    assert _messages(response) == ["Condition imposed: Curfew."]
    condition = Condition.objects.get(supervision=case, condition_type=curfew)
    assert (condition.details, condition.imposed_on, condition.order_date, condition.order_reference) == (
        "Home from 21:00.",
        _days_ago(1),
        _days_ago(2),
        "CR-2025-00042, entry 12",
    )
    assert f"Order CR-2025-00042, entry 12 of {_days_ago(2):%b} " in response.content.decode()
    assert AuditEvent.objects.filter(action="condition.imposed", object_id=str(condition.pk)).count() == 1


def test_the_supervisor_of_the_unit_imposes_a_condition(client, supervisor, case):
    client.force_login(supervisor)
    kind = ConditionTypeFactory(name="Curfew")
    client.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": kind.pk, "imposed_on": _days_ago(1).isoformat(), **_order()},
    )
    assert Condition.objects.filter(supervision=case, condition_type=kind).exists()


def _nothing_saved(case, count: int) -> None:
    assert Condition.objects.filter(supervision=case).count() == count
    assert not AuditEvent.objects.filter(action__startswith="condition.").exists()


def test_a_condition_for_parole_is_an_error_on_a_probation_case(signed_in, case):
    # given a parole-only condition
    parole = ConditionTypeFactory(name="Parole residence", applies_to=ConditionAppliesTo.PAROLE)
    # when the officer sends it for a probation case
    response = signed_in.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": parole.pk, "imposed_on": _days_ago(1).isoformat(), **_order()},
    )
    # then the form says so, and nothing is saved
    assert response.status_code == 200
    assert response.context["form"].errors["condition_type"] == [
        "Choose a condition of the catalogue that applies to probation cases."
    ]
    assert "Choose a condition of the catalogue that applies to probation cases." in response.content.decode()
    _nothing_saved(case, 1)


def test_an_order_without_its_reference_is_a_field_error(signed_in, case):
    kind = ConditionTypeFactory()
    response = signed_in.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": kind.pk, "imposed_on": _days_ago(1).isoformat(), **_order(order_reference="   ")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["order_reference"] == ["This field is required."]
    _nothing_saved(case, 1)


def test_a_condition_in_effect_before_its_order_is_the_services_field_error(signed_in, case):
    kind = ConditionTypeFactory()
    response = signed_in.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": kind.pk, "imposed_on": _days_ago(5).isoformat(), **_order()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["imposed_on"] == [
        "A condition cannot take effect before the order that imposes it."
    ]
    _nothing_saved(case, 1)


def test_hours_on_a_condition_that_tracks_none_is_a_field_error(signed_in, case):
    kind = ConditionTypeFactory(name="Curfew")
    response = signed_in.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": kind.pk, "hours_required": "20", "imposed_on": _days_ago(1).isoformat(), **_order()},
    )
    assert response.context["form"].errors["hours_required"] == ["“Curfew” does not track community service hours."]
    _nothing_saved(case, 1)


# --- modify and end --------------------------------------------------------------------------------------------


def test_the_officer_modifies_the_wording_and_the_old_one_stays_in_the_history(signed_in, case, curfew):
    # given the curfew imposed by its order
    url = reverse("supervision:condition_modify", args=[case.pk, curfew.pk])
    assert signed_in.get(url).context["form"].initial["details"] == "Home from 22:00 to 06:00."
    # when the officer records the order that changes it
    response = signed_in.post(url, {"details": "Home from 21:00 to 06:00.", **_order()}, follow=True)
    # then the condition has its new wording and order, and its history the old wording with the old order
    assert _messages(response) == ["Condition modified: Curfew."]
    curfew.refresh_from_db()
    assert (curfew.details, curfew.order_reference) == ("Home from 21:00 to 06:00.", "CR-2025-00042, entry 12")
    html = response.content.decode()
    history = re.search(r"<details.*?</details>", html, re.S)
    assert history is not None
    assert 'History<span class="visually-hidden"> of Curfew</span> (1 earlier wording)' in history.group(0)
    assert "Home from 22:00 to 06:00." in history.group(0)
    assert f"Order CR-2025-00042, entry 7 of {_days_ago(31):%b} " in history.group(0)
    assert AuditEvent.objects.filter(action="condition.modified", object_id=str(curfew.pk)).count() == 1


def test_the_same_wording_is_an_error_on_the_form(signed_in, case, curfew):
    response = signed_in.post(
        reverse("supervision:condition_modify", args=[case.pk, curfew.pk]),
        {"details": "Home from 22:00 to 06:00.", **_order()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["details"] == [
        "This is the condition's current wording: the order changes nothing."
    ]
    assert not AuditEvent.objects.filter(action="condition.modified").exists()


def test_the_supervisor_ends_a_condition_and_it_no_longer_offers_its_forms(client, supervisor, case, curfew):
    client.force_login(supervisor)
    modify = reverse("supervision:condition_modify", args=[case.pk, curfew.pk])
    end = reverse("supervision:condition_end", args=[case.pk, curfew.pk])
    assert modify in _page(client, case)
    # when
    response = client.post(end, {"ended_on": _days_ago(1).isoformat(), **_order()}, follow=True)
    # then
    assert _messages(response) == [f"Condition ended: Curfew, on {_days_ago(1):%b %-d, %Y}."]
    curfew.refresh_from_db()
    assert (curfew.ended_on, curfew.order_reference) == (_days_ago(1), "CR-2025-00042, entry 12")
    html = response.content.decode()
    assert modify not in html and end not in html
    again = client.get(end).content.decode()
    assert f"This condition ended on {_days_ago(1):%b %-d, %Y}: it no longer changes." in again
    assert 'name="ended_on"' not in again


def test_a_condition_ending_before_it_was_imposed_is_a_field_error(signed_in, case, curfew):
    # given the curfew in effect for 30 days; when the officer ends it 40 days ago (still within the case)
    response = signed_in.post(
        reverse("supervision:condition_end", args=[case.pk, curfew.pk]),
        {"ended_on": _days_ago(40).isoformat(), **_order()},
    )
    # then the form says so and the condition is unchanged
    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"] == ["A condition cannot end before it was imposed."]
    curfew.refresh_from_db()
    assert (curfew.ended_on, curfew.order_reference) == (None, "CR-2025-00042, entry 7")
    assert not AuditEvent.objects.filter(action="condition.ended").exists()


def test_a_closed_case_shows_no_condition_forms_and_refuses_a_post_with_its_reason(signed_in, case, curfew):
    # given a closed case
    Supervision.objects.filter(pk=case.pk).update(
        status=SupervisionStatus.CLOSED, closed_on=_days_ago(1), closure_reason="completed"
    )
    case.refresh_from_db()
    # then its page offers none of the conditions' forms
    html = _page(signed_in, case)
    for url in (
        reverse("supervision:condition_new", args=[case.pk]),
        reverse("supervision:condition_modify", args=[case.pk, curfew.pk]),
        reverse("supervision:condition_end", args=[case.pk, curfew.pk]),
    ):
        assert url not in html
    # when the officer posts an order anyway
    response = signed_in.post(
        reverse("supervision:condition_modify", args=[case.pk, curfew.pk]), {"details": "Home by 20:00.", **_order()}
    )
    # then the page says why, and nothing changed
    assert response.status_code == 200
    assert "its conditions no longer change" in response.content.decode()
    assert response.context["form"].non_field_errors() == [
        f"The case {case} is closed: its conditions no longer change."
    ]
    curfew.refresh_from_db()
    assert curfew.details == "Home from 22:00 to 06:00."


@pytest.mark.parametrize("name", ["condition_new", "condition_modify", "condition_end"])
def test_another_officers_case_and_a_clerk_are_refused(client, case, curfew, name):
    args = [case.pk] if name == "condition_new" else [case.pk, curfew.pk]
    url = reverse(f"supervision:{name}", args=args)
    changes = AuditEvent.objects.filter(action__startswith="condition.").count()
    client.force_login(OfficerFactory(unit=UnitFactory()))
    assert client.get(url).status_code == 404
    client.force_login(CourtClerkFactory(court=case.court))
    assert client.post(url, _order()).status_code == 403
    assert Condition.objects.filter(supervision=case).count() == 2
    assert AuditEvent.objects.filter(action__startswith="condition.").count() == changes


def test_a_condition_of_another_case_is_not_found(signed_in, case, officer):
    other = ConditionFactory(supervision=SupervisionFactory(officer=officer))
    assert signed_in.get(reverse("supervision:condition_end", args=[case.pk, other.pk])).status_code == 404


# --- the authority's decision "conditions modified" ---------------------------------------------------------


def test_the_decision_is_asked_for_on_the_case_page_until_a_change_cites_it(signed_in, case, curfew):
    # given the court's decision on a report of the case: conditions modified
    decision = _decision(case)
    # then the case page asks the officer to apply it, with links to the forms carrying the order
    html = _page(signed_in, case)
    assert (
        f"The court modified the conditions on {_today():%b %-d, %Y}</span> (violation report #{decision.pk})" in html
    )
    assert "— apply the order." in html
    impose = reverse("supervision:condition_new", args=[case.pk]) + f"?report={decision.pk}"
    modify = reverse("supervision:condition_modify", args=[case.pk, curfew.pk]) + f"?report={decision.pk}"
    assert impose in html and modify in html
    # when the officer opens the modify form from it, it is prefilled with the decision's order
    form = signed_in.get(modify)
    assert form.context["form"].initial["order_date"] == _today()
    assert (
        form.context["form"].initial["order_reference"] == f"CR-2025-00042, decision on violation report #{decision.pk}"
    )
    assert "Curfew from 21:00; add 20 hours of community service." in form.content.decode()
    # and sends it
    response = signed_in.post(
        modify,
        {"details": "Home from 21:00 to 06:00.", "order_date": _today().isoformat(), "order_reference": "Entry 40"},
        follow=True,
    )
    # then the change cites the decision, which the case page no longer asks for
    assert _messages(response) == [
        f"Condition modified: Curfew. The decision on violation report #{decision.pk} is recorded as applied."
    ]
    decision.refresh_from_db()
    assert decision.conditions_applied_at is not None
    assert "apply the order" not in response.content.decode()
    assert f"?report={decision.pk}" not in response.content.decode()
    (row,) = AuditEvent.objects.filter(action="condition.modified")
    assert row.detail["report_id"] == decision.pk


def test_a_condition_imposed_from_the_decision_applies_it(signed_in, case):
    # given the decision; when the officer imposes a condition from its prompt, with the prefilled order
    decision = _decision(case)
    url = reverse("supervision:condition_new", args=[case.pk]) + f"?report={decision.pk}"
    initial = signed_in.get(url).context["form"].initial
    assert initial == {"imposed_on": _today(), "order_date": _today(), "order_reference": decision_reference(decision)}
    hours = ConditionTypeFactory(name="Community service", tracks_hours=True)
    signed_in.post(
        url,
        {
            "condition_type": hours.pk,
            "hours_required": "20",
            "imposed_on": _today().isoformat(),
            "order_date": _today().isoformat(),
            "order_reference": decision_reference(decision),
        },
    )
    # then
    condition = Condition.objects.get(supervision=case, condition_type=hours, hours_required=20)
    assert condition.order_reference == f"CR-2025-00042, decision on violation report #{decision.pk}"
    assert ViolationReport.objects.get(pk=decision.pk).conditions_applied_at is not None


def test_an_order_dated_before_the_decision_is_a_field_error(signed_in, case, curfew):
    decision = _decision(case)
    response = signed_in.post(
        reverse("supervision:condition_end", args=[case.pk, curfew.pk]) + f"?report={decision.pk}",
        {"ended_on": _today().isoformat(), **_order()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["order_date"] == [
        f"The decision on violation report #{decision.pk} is of {_today():%b %d, %Y}: the order that applies it "
        "cannot be dated before it."
    ]
    decision.refresh_from_db()
    assert decision.conditions_applied_at is None
    curfew.refresh_from_db()
    assert curfew.ended_on is None


@pytest.mark.parametrize("disposition", [Disposition.CONTINUED, Disposition.DISMISSED])
def test_another_decision_is_not_asked_for_and_does_not_prefill(signed_in, case, disposition):
    report = make_report(case, ReportStatus.DISPOSED, disposition=disposition, disposition_on=_today())
    assert "apply the order" not in _page(signed_in, case)
    url = reverse("supervision:condition_new", args=[case.pk]) + f"?report={report.pk}"
    response = signed_in.get(url)
    assert "order_date" not in response.context["form"].initial
    assert "decision" not in response.context


def test_another_cases_decision_does_not_prefill(signed_in, case, officer):
    elsewhere = _decision(SupervisionFactory(officer=officer))
    response = signed_in.get(reverse("supervision:condition_new", args=[case.pk]) + f"?report={elsewhere.pk}")
    assert "order_date" not in response.context["form"].initial


# --- the case page's conditions: their history in a constant number of queries --------------------------------


def test_the_case_pages_conditions_and_their_history_cost_the_same_queries_for_one_or_many(
    client, django_assert_num_queries, officer, case
):
    # given one condition modified once
    client.force_login(officer)
    url = reverse("supervision:case_detail", args=[case.pk])

    def modified_condition(n: int) -> None:
        condition = services.condition_impose(
            actor=officer,
            supervision=case,
            condition_type=ConditionTypeFactory(),
            details=f"Wording {n}",
            imposed_on=_days_ago(20),
            order_date=_days_ago(20),
            order_reference=f"Entry {n}",
        )
        services.condition_modify(
            actor=officer, condition=condition, details=f"Wording {n}b", order_date=_days_ago(2), order_reference="E"
        )

    modified_condition(0)
    _decision(case)
    client.get(url)
    with django_assert_num_queries(26) as few:  # 21, and custody (2) and risk (2), and the bell's unread count
        response = client.get(url)
    assert sum(len(c.earlier_wordings) for c in response.context["conditions"]) == 1
    # when there are seven conditions, each modified
    for n in range(1, 7):
        modified_condition(n)
    # then the page costs the same
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert sum(len(c.earlier_wordings) for c in response.context["conditions"]) == 7


# --- the derived compliance, after the officer's own pages (issue 15, item 3) ---------------------------------


def test_a_positive_test_and_a_violation_citing_the_condition_show_violated_everywhere(client, case, officer):
    # given "No illegal drugs", imposed through its page
    client.force_login(officer)
    drugs = ConditionTypeFactory(name="No illegal drugs")
    client.post(
        reverse("supervision:condition_new", args=[case.pk]),
        {"condition_type": drugs.pk, "imposed_on": _days_ago(10).isoformat(), **_order(order_date=_days_ago(10))},
    )
    condition = Condition.objects.get(supervision=case, condition_type=drugs)
    # when a positive test is recorded, and a violation citing the condition
    client.post(
        reverse("supervision:drug_test_new", args=[case.pk]),
        {
            "collected_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "random",
            "specimen": "urine",
            "panel": "10-panel",
            "result": DrugTestResult.POSITIVE,
            "lab_confirmation": "not_requested",
            "substance_thc": "positive",
        },
    )
    client.post(
        reverse("supervision:violation_new", args=[case.pk]),
        {
            "kind": "technical",
            "severity": "medium",
            "occurred_on": _days_ago(1).isoformat(),
            "condition": condition.pk,
            "description": "Tested positive for THC.",
        },
    )
    violation = case.violations.get(condition=condition)
    # and it is reported to the court
    report = make_report(case, ReportStatus.ROUTED, violations=[violation])
    # then the case page, the court's report page and the PDF all show it violated
    assert _three_readers(client, case, report, "No illegal drugs") == (
        "Violated (danger)",
        "Violated (danger)",
        "violated",
    )

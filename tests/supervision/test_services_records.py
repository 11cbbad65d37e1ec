"""The business rules in supervision/services/: what is recorded on a case: check-ins, contacts, drug
tests, violations, notes, referrals, community service.

A refused call changes nothing: the same rows, the same statuses, and no audit row.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import (
    CheckInKind,
    CheckInStatus,
    ComplianceStatus,
    DrugTestResult,
    ReferralKind,
    ReferralStatus,
    ViolationKind,
    ViolationSeverity,
)
from supervision.models import (
    CheckIn,
    Condition,
    DrugTest,
    Referral,
    Violation,
)
from supervision.services import (
    case_note_add,
    check_in_complete,
    check_in_excuse,
    community_service_log,
    contact_record,
    drug_test_record,
    referral_create,
    referral_status_update,
    violation_record,
)
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
)
from tests.supervision.service_helpers import _audit, _rows

pytestmark = pytest.mark.django_db


# --- check_in_complete, check_in_excuse, contact_record ------------------------------------------------


def test_check_in_complete_records_the_visit():
    # given a scheduled office check-in
    check_in = CheckInFactory()
    officer = check_in.supervision.officer
    happened = timezone.now() - datetime.timedelta(hours=1)
    # when the officer records it as a home visit
    check_in_complete(
        actor=officer,
        check_in=check_in,
        completed_at=happened,
        kind=CheckInKind.HOME_VISIT,
        location="12 Elm Street",
        notes="Employed, sober.",
    )
    # then it is completed, with who, when, where, and one audit row
    check_in.refresh_from_db()
    assert (check_in.status, check_in.completed_at, check_in.kind) == ("completed", happened, "home_visit")
    assert (check_in.location, check_in.notes, check_in.recorded_by) == ("12 Elm Street", "Employed, sober.", officer)
    event = _audit("check_in.completed")
    assert (event.actor, event.object_id, event.offender_id) == (
        officer,
        str(check_in.pk),
        check_in.supervision.offender_id,
    )


def test_check_in_complete_keeps_the_kind_when_none_is_given():
    # given a scheduled phone check-in
    check_in = CheckInFactory(kind=CheckInKind.PHONE)
    # when it is completed without a kind
    check_in_complete(actor=check_in.supervision.officer, check_in=check_in, completed_at=timezone.now())
    # then it stays a phone check-in
    check_in.refresh_from_db()
    assert (check_in.kind, check_in.status) == ("phone", "completed")


def _closed_check_in(status: str) -> CheckIn:
    extra = {
        CheckInStatus.COMPLETED: {"completed_at": timezone.now() - datetime.timedelta(days=1)},
        CheckInStatus.EXCUSED: {"excuse_reason": "In hospital"},
        CheckInStatus.MISSED: {},
    }[status]
    return CheckInFactory(status=status, **extra)


@pytest.mark.parametrize("status", [CheckInStatus.COMPLETED, CheckInStatus.MISSED, CheckInStatus.EXCUSED])
def test_check_in_complete_refuses_a_check_in_that_is_not_scheduled(status):
    # given a check-in that is already completed, missed or excused
    check_in = _closed_check_in(status)
    before_row, before = CheckIn.objects.values().get(pk=check_in.pk), _rows()
    # when it is completed / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="only a scheduled one can be recorded"):
        check_in_complete(actor=check_in.supervision.officer, check_in=check_in, completed_at=timezone.now())
    assert CheckIn.objects.values().get(pk=check_in.pk) == before_row
    assert _rows() == before


def test_check_in_complete_refuses_a_time_in_the_future():
    # given a scheduled check-in
    check_in = CheckInFactory()
    before = _rows()
    # when it is completed an hour from now / then it is refused and stays scheduled
    with pytest.raises(ValidationError) as refused:
        check_in_complete(
            actor=check_in.supervision.officer,
            check_in=check_in,
            completed_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert refused.value.message_dict == {"completed_at": ["A check-in cannot be recorded in the future."]}
    check_in.refresh_from_db()
    assert (check_in.status, check_in.completed_at, check_in.recorded_by) == ("scheduled", None, None)
    assert _rows() == before


def test_check_in_excuse_records_the_reason():
    # given a scheduled check-in
    check_in = CheckInFactory()
    officer = check_in.supervision.officer
    # when the officer excuses it
    check_in_excuse(actor=officer, check_in=check_in, reason="  Admitted to hospital  ")
    # then it is excused with the reason and audited
    check_in.refresh_from_db()
    assert (check_in.status, check_in.excuse_reason, check_in.recorded_by) == (
        "excused",
        "Admitted to hospital",
        officer,
    )
    assert _audit("check_in.excused").actor == officer


def test_check_in_excuse_requires_a_reason():
    # given a scheduled check-in
    check_in = CheckInFactory()
    before = _rows()
    # when it is excused without a reason / then it is refused and stays scheduled
    with pytest.raises(ValidationError) as refused:
        check_in_excuse(actor=check_in.supervision.officer, check_in=check_in, reason="   ")
    assert refused.value.message_dict == {"reason": ["Say why the check-in is excused."]}
    check_in.refresh_from_db()
    assert (check_in.status, check_in.excuse_reason) == ("scheduled", "")
    assert _rows() == before


@pytest.mark.parametrize("status", [CheckInStatus.COMPLETED, CheckInStatus.MISSED, CheckInStatus.EXCUSED])
def test_check_in_excuse_refuses_a_check_in_that_is_not_scheduled(status):
    # given a check-in that is no longer scheduled
    check_in = _closed_check_in(status)
    before_row, before = CheckIn.objects.values().get(pk=check_in.pk), _rows()
    # when it is excused / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="only a scheduled one can be recorded"):
        check_in_excuse(actor=check_in.supervision.officer, check_in=check_in, reason="Travel approved")
    assert CheckIn.objects.values().get(pk=check_in.pk) == before_row
    assert _rows() == before


def test_contact_record_saves_an_unscheduled_completed_contact():
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    happened = timezone.now() - datetime.timedelta(minutes=30)
    # when the officer records an employer contact
    check_in = contact_record(
        actor=officer,
        supervision=supervision,
        kind=CheckInKind.EMPLOYER,
        occurred_at=happened,
        location="Acme Ltd",
        notes="Still employed.",
    )
    # then a completed, unscheduled check-in is saved and audited
    check_in.refresh_from_db()
    assert (check_in.origin, check_in.status, check_in.kind) == ("unscheduled", "completed", "employer")
    assert (check_in.completed_at, check_in.due_at, check_in.recorded_by) == (happened, happened, officer)
    assert (check_in.location, check_in.notes) == ("Acme Ltd", "Still employed.")
    event = _audit("check_in.contact_recorded")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(check_in.pk), supervision.offender_id)


@pytest.mark.parametrize(
    ("kind", "occurred_in", "field"),
    [
        (CheckInKind.PHONE, datetime.timedelta(hours=1), "occurred_at"),
        ("carrier_pigeon", -datetime.timedelta(hours=1), "kind"),
    ],
    ids=["future", "unknown_kind"],
)
def test_contact_record_refuses_bad_input(kind, occurred_in, field):
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when a contact in the future, or of an unknown kind, is recorded / then it is refused on that field
    with pytest.raises(ValidationError) as refused:
        contact_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=kind,
            occurred_at=timezone.now() + occurred_in,
        )
    assert list(refused.value.message_dict) == [field]
    assert _rows() == before


# --- drug_test_record -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result",
    [
        DrugTestResult.POSITIVE,
        DrugTestResult.DILUTE,
        DrugTestResult.ADULTERATED,
        DrugTestResult.REFUSED,
        DrugTestResult.NO_SHOW,
    ],
)
def test_drug_test_record_non_compliant_result_opens_one_technical_violation(result):
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    collected = timezone.now() - datetime.timedelta(hours=3)
    # when a non-compliant result is recorded
    test = drug_test_record(actor=officer, supervision=supervision, collected_at=collected, result=result)
    # then exactly one open technical violation is linked to the test
    violation = Violation.objects.get()
    assert (violation.drug_test, violation.supervision, violation.check_in) == (test, supervision, None)
    assert (violation.kind, violation.severity, violation.status) == ("technical", "medium", "open")
    assert (violation.occurred_on, violation.recorded_by) == (timezone.localdate(collected), officer)
    label = test.get_result_display().lower()
    assert violation.description == f"Drug test on {timezone.localdate(collected):%Y-%m-%d}: {label}."
    # and the test and the violation are each audited once
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor", "object_type")) == [
        ("drug_test.recorded", officer.pk, "supervision.drugtest"),
        ("violation.recorded", officer.pk, "supervision.violation"),
    ]


def test_drug_test_record_positive_names_the_substances():
    # given a case
    supervision = SupervisionFactory()
    collected = timezone.now() - datetime.timedelta(hours=3)
    # when a positive test for cocaine and THC is recorded, with a negative opiates screen
    test = drug_test_record(
        actor=supervision.officer,
        supervision=supervision,
        collected_at=collected,
        result=DrugTestResult.POSITIVE,
        substance_results={"thc": "positive", "cocaine": "positive", "opiates": "negative"},
        reason="for_cause",
        specimen="oral_fluid",
    )
    # then the per-substance results are stored and the violation names the positives
    assert sorted(test.substance_results.values_list("substance", "result")) == [
        ("cocaine", "positive"),
        ("opiates", "negative"),
        ("thc", "positive"),
    ]
    assert (test.reason, test.specimen) == ("for_cause", "oral_fluid")
    assert Violation.objects.get().description == (
        f"Drug test on {timezone.localdate(collected):%Y-%m-%d}: positive (cocaine, thc)."
    )


def test_drug_test_record_negative_opens_no_violation():
    # given a case
    supervision = SupervisionFactory()
    # when a negative test is recorded
    test = drug_test_record(
        actor=supervision.officer,
        supervision=supervision,
        collected_at=timezone.now() - datetime.timedelta(hours=1),
        result=DrugTestResult.NEGATIVE,
        substance_results={"thc": "negative"},
    )
    # then the test is saved and audited, and no violation is opened
    assert DrugTest.objects.get() == test
    assert Violation.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["drug_test.recorded"]


@pytest.mark.parametrize(
    ("result", "substances", "field", "message"),
    [
        (
            DrugTestResult.NEGATIVE,
            {"cocaine": "positive", "thc": "negative"},
            "result",
            "The result cannot be negative when cocaine tested positive.",
        ),
        (
            DrugTestResult.POSITIVE,
            {"cocaine": "negative"},
            "result",
            "A positive result needs at least one substance marked positive.",
        ),
        (DrugTestResult.POSITIVE, {"unobtainium": "positive"}, "substance", None),
        (DrugTestResult.NEGATIVE, {"thc": "trace"}, "result", None),
        ("inconclusive", {}, "result", None),
    ],
    ids=[
        "positive_substance_negative_result",
        "positive_without_substance",
        "unknown_substance",
        "bad_substance_result",
        "unknown_result",
    ],
)
def test_drug_test_record_refuses_inconsistent_results_and_creates_no_rows(result, substances, field, message):
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when an inconsistent or unknown result is recorded
    with pytest.raises(ValidationError) as refused:
        drug_test_record(
            actor=supervision.officer,
            supervision=supervision,
            collected_at=timezone.now() - datetime.timedelta(hours=1),
            result=result,
            substance_results=substances,
        )
    # then it is refused on the right field, and no test, result, violation or audit row exists
    assert field in refused.value.message_dict
    if message:
        assert refused.value.message_dict[field] == [message]
    assert _rows() == before


def test_drug_test_record_refuses_a_collection_in_the_future():
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when a test collected tomorrow is recorded / then it is refused
    with pytest.raises(ValidationError) as refused:
        drug_test_record(
            actor=supervision.officer,
            supervision=supervision,
            collected_at=timezone.now() + datetime.timedelta(days=1),
            result=DrugTestResult.REFUSED,
        )
    assert refused.value.message_dict == {"collected_at": ["A specimen cannot be collected in the future."]}
    assert _rows() == before


# --- violation_record ---------------------------------------------------------------------------------


def test_violation_record_links_its_source():
    # given a case with a missed check-in
    supervision = SupervisionFactory()
    check_in = CheckInFactory(supervision=supervision, status=CheckInStatus.MISSED)
    officer = supervision.officer
    # when the officer records a violation for it
    violation = violation_record(
        actor=officer,
        supervision=supervision,
        kind=ViolationKind.TECHNICAL,
        occurred_on=timezone.localdate(),
        description="Missed the office visit.",
        severity=ViolationSeverity.LOW,
        check_in=check_in,
    )
    # then it is saved, open, linked to the check-in, and audited for the person
    violation.refresh_from_db()
    assert (violation.check_in, violation.status, violation.severity, violation.recorded_by) == (
        check_in,
        "open",
        "low",
        officer,
    )
    event = _audit("violation.recorded")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(violation.pk), supervision.offender_id)


@pytest.mark.parametrize(
    ("source", "make"),
    [
        ("check_in", lambda: CheckInFactory(status=CheckInStatus.MISSED)),
        ("drug_test", lambda: DrugTestFactory(result=DrugTestResult.POSITIVE)),
        ("condition", lambda: ConditionFactory()),
    ],
)
def test_violation_record_refuses_a_source_from_another_case(source, make):
    # given a case, and a check-in / drug test / condition of another case
    supervision = SupervisionFactory()
    other = make()
    before = _rows()
    # when a violation of the first case is tied to it / then it is refused and nothing is written
    with pytest.raises(ValidationError) as refused:
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate(),
            description="Wrong case.",
            **{source: other},
        )
    assert refused.value.message_dict == {source: [f"That {source.replace('_', ' ')} belongs to another case."]}
    assert _rows() == before


def test_violation_record_refuses_a_second_violation_for_the_same_check_in():
    # given a missed check-in that already has its violation
    supervision = SupervisionFactory()
    violation = ViolationFactory(
        supervision=supervision, check_in=CheckInFactory(supervision=supervision, status=CheckInStatus.MISSED)
    )
    before = _rows()
    # when another violation is recorded for it / then it is refused, not duplicated
    with pytest.raises(ValidationError):
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate(),
            description="Again.",
            check_in=violation.check_in,
        )
    assert _rows() == before


def test_violation_record_refuses_a_date_in_the_future():
    supervision = SupervisionFactory()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.NEW_OFFENCE,
            occurred_on=timezone.localdate() + datetime.timedelta(days=1),
            description="Arrested.",
        )
    assert refused.value.message_dict == {"occurred_on": ["A violation cannot have happened in the future."]}
    assert _rows() == before


def test_violation_record_by_a_background_job_has_no_actor():
    # given a case
    supervision = SupervisionFactory()
    # when a job records an absconding violation
    violation = violation_record(
        actor=None,
        supervision=supervision,
        kind=ViolationKind.ABSCONDING,
        occurred_on=timezone.localdate(),
        description="No contact for 30 days.",
        system="absconder_sweep",
    )
    # then nobody is recorded as its author, and the job is named in the audit row
    assert violation.recorded_by is None
    event = _audit("violation.recorded")
    assert (event.actor, event.actor_label) == (None, "system:absconder_sweep")


# --- case notes, referrals, community service -----------------------------------------------------------


def test_case_note_add_saves_and_audits():
    supervision = SupervisionFactory()
    note = case_note_add(actor=supervision.officer, supervision=supervision, body="  Met at the office.  ")
    note.refresh_from_db()
    assert (note.body, note.author, note.is_voided) == ("Met at the office.", supervision.officer, False)
    assert _audit("case_note.added").offender_id == supervision.offender_id


def test_case_note_add_refuses_an_empty_note():
    supervision = SupervisionFactory()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        case_note_add(actor=supervision.officer, supervision=supervision, body="   ")
    assert list(refused.value.message_dict) == ["body"]
    assert _rows() == before


def test_referral_create_and_status_update():
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    referred_on = timezone.localdate() - datetime.timedelta(days=10)
    # when the officer refers the person to housing, and later records the enrolment
    referral = referral_create(
        actor=officer,
        supervision=supervision,
        kind=ReferralKind.HOUSING,
        provider="Hope House",
        referred_on=referred_on,
        notes="Waiting list.",
    )
    referral_status_update(
        actor=officer,
        referral=referral,
        status=ReferralStatus.ENROLLED,
        changed_on=referred_on + datetime.timedelta(days=5),
        notes="Bed assigned.",
    )
    # then the referral carries the new status, both notes, and two audit rows
    referral.refresh_from_db()
    assert (referral.kind, referral.provider, referral.referred_by) == ("housing", "Hope House", officer)
    assert (referral.status, referral.status_changed_on) == ("enrolled", referred_on + datetime.timedelta(days=5))
    assert referral.notes == "Waiting list.\nBed assigned."
    assert list(AuditEvent.objects.order_by("id").values_list("action", "detail")) == [
        ("referral.created", {}),
        ("referral.status_changed", {"status": "enrolled"}),
    ]


@pytest.mark.parametrize(
    ("status", "days_after", "field"),
    [("graduated", 1, "status"), (ReferralStatus.COMPLETED, -1, "changed_on")],
    ids=["unknown_status", "before_referral"],
)
def test_referral_status_update_refuses_bad_input(status, days_after, field):
    # given a referral
    supervision = SupervisionFactory()
    referral = referral_create(
        actor=supervision.officer,
        supervision=supervision,
        kind=ReferralKind.COUNSELLING,
        provider="Clinic",
        referred_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    before_row, before = Referral.objects.values().get(pk=referral.pk), _rows()
    # when an unknown status, or a change before the referral, is recorded / then it is refused
    with pytest.raises(ValidationError) as refused:
        referral_status_update(
            actor=supervision.officer,
            referral=referral,
            status=status,
            changed_on=referral.referred_on + datetime.timedelta(days=days_after),
        )
    assert list(refused.value.message_dict) == [field]
    assert Referral.objects.values().get(pk=referral.pk) == before_row
    assert _rows() == before


def _community_service(required: str) -> Condition:
    return ConditionFactory(
        condition_type=ConditionTypeFactory(code="community-service", tracks_hours=True),
        hours_required=Decimal(required),
    )


def test_community_service_hours_add_up_until_the_condition_is_satisfied():
    # given a condition of 10 hours of community service
    condition = _community_service("10")
    officer = condition.supervision.officer
    day = timezone.localdate() - datetime.timedelta(days=7)
    # when 4 and then 3.5 hours are logged
    community_service_log(actor=officer, condition=condition, performed_on=day, hours="4", organisation="Food bank")
    community_service_log(
        actor=officer, condition=condition, performed_on=day, hours=Decimal("3.5"), organisation="Park"
    )
    # then 7.5 hours are done and the condition is not yet satisfied
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("7.50"), "compliant")
    # when the last 2.5 hours are logged
    entry = community_service_log(
        actor=officer, condition=condition, performed_on=day, hours="2.5", organisation="Library"
    )
    # then the 10 hours are reached and the condition is satisfied
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("10.00"), ComplianceStatus.SATISFIED)
    assert (entry.hours, entry.recorded_by, entry.organisation) == (Decimal("2.5"), officer, "Library")
    events = AuditEvent.objects.filter(action="community_service.logged")
    assert events.count() == 3
    assert set(events.values_list("offender_id", flat=True)) == {condition.supervision.offender_id}


def test_community_service_refused_on_a_condition_that_does_not_track_hours():
    # given a curfew condition (no hours)
    condition = ConditionFactory(condition_type=ConditionTypeFactory(name="Curfew", tracks_hours=False))
    before = _rows()
    # when hours are logged against it / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="“Curfew” does not track community service hours"):
        community_service_log(
            actor=condition.supervision.officer,
            condition=condition,
            performed_on=timezone.localdate(),
            hours="2",
            organisation="Food bank",
        )
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("0"), "compliant")
    assert _rows() == before


def test_community_service_refuses_zero_hours():
    condition = _community_service("10")
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        community_service_log(
            actor=condition.supervision.officer,
            condition=condition,
            performed_on=timezone.localdate(),
            hours="0",
            organisation="Food bank",
        )
    assert list(refused.value.message_dict) == ["hours"]
    condition.refresh_from_db()
    assert condition.hours_completed == Decimal("0")
    assert _rows() == before

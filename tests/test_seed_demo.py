"""``manage.py seed_demo`` at small size: what it creates, that it ties the six logins together, that it
is idempotent and deterministic, and that its bulk rows agree with what the services would have written.

Every row goes in under the database's constraints (parole never inactive, one authority per case and
per approved report, a disposition only when disposed …): a run that finishes has kept them all.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from agency.choices import Role
from agency.models import AuditEvent, Court, ParoleBoard, Unit, User
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, RiskAssessment
from supervision.access import violation_reports_visible_to
from supervision.choices import (
    NON_COMPLIANT_RESULTS,
    CheckInStatus,
    DeliveryStatus,
    ReportStatus,
    SupervisionStatus,
    SupervisionType,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    CheckInPlan,
    CommunityServiceEntry,
    Condition,
    ConditionType,
    ContactStandard,
    DrugTest,
    DrugTestSubstanceResult,
    Notification,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services import check_ins_schedule, supervision_authority

# seed_demo is an owner's tool (its bulk load moves id sequences and may drop and re-add foreign keys): these
# tests connect as the owner, as `make run` seeds; the application role cannot (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("connected_as_database_owner")]

PASSWORD = "demo-password-for-tests"
LOGINS = {
    "officer": Role.OFFICER,
    "supervisor": Role.SUPERVISOR,
    "clerk": Role.COURT_CLERK,
    "board": Role.PAROLE_BOARD_STAFF,
    "integrator": Role.INTEGRATOR,
    "admin": Role.ADMINISTRATOR,
}
COUNTED = (
    User,
    Unit,
    Court,
    ParoleBoard,
    ContactStandard,
    ConditionType,
    Offender,
    Alias,
    Address,
    Employment,
    EmergencyContact,
    RiskAssessment,
    Supervision,
    CheckInPlan,
    Condition,
    CommunityServiceEntry,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    CaseNote,
    Referral,
    Violation,
    ViolationReport,
    ViolationReport.violations.through,
    ReportDelivery,
    Notification,
)
DEMO_LOGINS = [*LOGINS, "clerk2", "clerk3", "clerk4", "board2"]
AUTHORITY_INBOX = {ReportStatus.ROUTED, ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED}


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def _agency_numbers() -> list[str]:
    return list(Offender.objects.order_by("state_id").values_list("agency_number", flat=True))


def test_seed_creates_the_demo_agency():
    # when
    output = _seed(offenders=30, password=PASSWORD)

    # then
    assert Offender.objects.count() == 30
    assert Offender.objects.filter(state_id__startswith="DEMO-").count() == 30
    assert Supervision.objects.count() == 30
    assert ContactStandard.objects.count() == 12  # 4 levels: active probation, active parole, inactive probation
    assert ConditionType.objects.count() == 14
    assert ConditionType.objects.filter(tracks_hours=True).count() == 1
    assert Court.objects.count() == 4
    assert ParoleBoard.objects.count() == 2
    assert Unit.objects.count() == 3
    assert Unit.objects.filter(supervisor__isnull=True).count() == 0
    assert User.objects.filter(role=Role.OFFICER).count() == 12
    assert User.objects.filter(role=Role.SUPERVISOR).count() == 3
    assert User.objects.count() == 23
    for model in (CheckIn, DrugTest, DrugTestSubstanceResult, CaseNote, Condition, Violation, Address):
        assert model.objects.exists(), model
    standards = {
        s.level: (s.check_in_interval_days, s.window_days)
        for s in ContactStandard.objects.filter(supervision_type="parole", status="active")
    }
    assert standards == {"high": (7, 2), "medium": (14, 3), "low": (30, 5), "administrative": (90, 14)}
    inactive = ContactStandard.objects.filter(supervision_type="probation", status="inactive")
    assert {(s.level, s.check_in_interval_days, s.check_in_kind) for s in inactive} == {
        (level, 90, "record_check") for level in ("high", "medium", "low", "administrative")
    }
    assert "30 demo offenders (30 new)" in output
    assert "  officer     Supervision officer        North Field Unit\n" in output
    assert "  clerk3      Court clerk                Lakeshore Municipal Court\n" in output
    assert "  board2      Parole board staff         Northern Region Parole Commission\n" in output
    assert "Password set from --password for all 10 logins." in output


def test_seed_writes_one_audit_row_for_the_run():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_label) == ("demo.seeded", None, "system:seed_demo")
    assert event.detail["offenders_total"] == 30
    assert event.detail["created"]["offenders.Offender"] == 30
    assert event.detail["passwords_set"] == DEMO_LOGINS


def test_every_report_status_is_present():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    assert set(ViolationReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    assert ViolationReport.objects.filter(status=ReportStatus.RETURNED).exclude(review_comment="").exists()
    assert not ViolationReport.objects.filter(status=ReportStatus.DISPOSED, disposition="").exists()


def test_the_six_logins_have_their_roles_and_the_password():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    users = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    assert {name: u.role for name, u in users.items()} == LOGINS
    assert all(u.check_password(PASSWORD) for u in users.values())
    assert all(u.first_name and u.last_name for u in users.values())
    assert (users["admin"].is_staff, users["admin"].is_superuser) == (True, True)
    assert not any(u.is_superuser for name, u in users.items() if name != "admin")
    assert users["clerk"].court.name == "Harmon County Circuit Court"
    assert users["board"].parole_board.name == "State Board of Parole"
    assert not User.objects.exclude(username__in=DEMO_LOGINS).filter(password__startswith="md5").exists()


def test_every_courts_clerk_and_every_boards_staff_can_sign_in_with_the_password():
    # when
    _seed(offenders=60, password=PASSWORD)

    # then each court and board has a login with the demo password, and every routed report has someone to read it
    clerks = User.objects.filter(role=Role.COURT_CLERK)
    staff = User.objects.filter(role=Role.PAROLE_BOARD_STAFF)
    assert sorted(clerks.values_list("username", flat=True)) == ["clerk", "clerk2", "clerk3", "clerk4"]
    assert sorted(staff.values_list("username", flat=True)) == ["board", "board2"]
    assert all(user.check_password(PASSWORD) for user in [*clerks, *staff])
    assert set(clerks.values_list("court", flat=True)) == set(Court.objects.values_list("pk", flat=True))
    assert set(staff.values_list("parole_board", flat=True)) == set(ParoleBoard.objects.values_list("pk", flat=True))


def test_reports_still_in_the_agency_are_days_old_not_months(time_machine):
    # given a fixed day
    time_machine.move_to(datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
    # when
    _seed(offenders=300, password=PASSWORD)

    # then what waits for review, approval or routing is at most two weeks old, and every status is present
    now = timezone.now()
    waiting = ViolationReport.objects.filter(status=ReportStatus.SUBMITTED)
    assert waiting.count() >= 2
    assert max(now - r.submitted_at for r in waiting) <= datetime.timedelta(days=14)
    drafts = ViolationReport.objects.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
    assert max(now - r.created_at for r in drafts) <= datetime.timedelta(days=16)
    approved = ViolationReport.objects.filter(status=ReportStatus.APPROVED)
    assert max(now - r.reviewed_at for r in approved) <= datetime.timedelta(days=14)
    assert set(ViolationReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)


def test_the_supervisor_leads_the_officers_unit():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    officer = User.objects.get(username="officer")
    supervisor = User.objects.get(username="supervisor")
    assert officer.unit.supervisor == supervisor
    assert supervisor.unit == officer.unit


def test_the_officer_has_parole_and_probation_under_the_clerks_court_and_the_boards_board():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    officer = User.objects.get(username="officer")
    clerk = User.objects.get(username="clerk")
    board = User.objects.get(username="board")
    cases = Supervision.objects.filter(officer=officer)
    assert cases.count() == 30
    assert set(cases.values_list("supervision_type", flat=True)) == {SupervisionType.PAROLE, SupervisionType.PROBATION}
    assert cases.filter(supervision_type=SupervisionType.PROBATION, court=clerk.court).exists()
    assert cases.filter(supervision_type=SupervisionType.PAROLE, parole_board=board.parole_board).exists()
    assert set(cases.values_list("unit", flat=True)) == {officer.unit_id}


def test_the_inboxes_of_the_clerk_and_the_board_and_the_supervisors_review_queue_are_filled():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    for username in ("clerk", "board"):
        inbox = violation_reports_visible_to(User.objects.get(username=username))
        assert set(inbox.values_list("status", flat=True)) == AUTHORITY_INBOX, username
    supervisor = User.objects.get(username="supervisor")
    to_review = violation_reports_visible_to(supervisor).filter(status=ReportStatus.SUBMITTED)
    assert to_review.count() >= 2
    assert set(to_review.values_list("supervision__officer__username", flat=True)) >= {"officer"}


def test_reports_carry_the_authority_of_their_supervision_and_its_delivery():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    approved_or_later = {ReportStatus.APPROVED, *AUTHORITY_INBOX}
    for report in ViolationReport.objects.select_related("supervision__court", "supervision__parole_board"):
        deliveries = list(report.deliveries.all())
        if report.status in approved_or_later:
            authority = supervision_authority(supervision=report.supervision)
            assert (report.court, report.parole_board) == (authority.court, authority.parole_board)
            assert [(d.court, d.parole_board) for d in deliveries] == [(report.court, report.parole_board)]
            expected = DeliveryStatus.PENDING if report.status == ReportStatus.APPROVED else DeliveryStatus.DELIVERED
            assert deliveries[0].status == expected
        else:
            assert (report.court, report.parole_board, deliveries) == (None, None, [])
        assert report.violations.exists()
        assert set(report.violations.values_list("supervision", flat=True)) == {report.supervision_id}


def test_violations_come_from_their_missed_check_ins_and_failed_tests():
    # when
    _seed(offenders=30, password=PASSWORD)

    # then
    missed = CheckIn.objects.filter(status=CheckInStatus.MISSED)
    failed = DrugTest.objects.filter(result__in=NON_COMPLIANT_RESULTS)
    assert missed.exists()
    assert failed.exists()
    assert Violation.objects.filter(check_in__in=missed).count() == missed.count()
    assert Violation.objects.filter(drug_test__in=failed).count() == failed.count()
    assert not Violation.objects.filter(check_in__status=CheckInStatus.COMPLETED).exists()
    assert not Violation.objects.filter(drug_test__result="negative").exists()


def test_scheduled_check_ins_follow_the_contact_standard_to_the_horizon():
    # given the demo
    _seed(offenders=30, password=PASSWORD)
    active = list(Supervision.objects.filter(status=SupervisionStatus.ACTIVE))

    # when the scheduler plans each active case
    planned = [check_ins_schedule(supervision=supervision) for supervision in active]

    # then it finds them planned already, on its own grid
    assert len(active) >= 19
    assert planned == [0] * len(active)
    assert not CheckIn.objects.filter(supervision__status=SupervisionStatus.INACTIVE, origin="scheduled").exists()


def test_parole_is_never_inactive_and_closed_cases_have_their_reason():
    # when
    _seed(offenders=300, password=PASSWORD)

    # then
    statuses = set(Supervision.objects.values_list("status", flat=True))
    assert not Supervision.objects.filter(supervision_type=SupervisionType.PAROLE, status="inactive").exists()
    assert Supervision.objects.filter(supervision_type=SupervisionType.PROBATION, status="inactive").exists()
    assert statuses == set(SupervisionStatus.values)
    assert not Supervision.objects.filter(status=SupervisionStatus.CLOSED, closure_reason="").exists()


def test_running_twice_changes_no_counts():
    # given
    _seed(offenders=30, password=PASSWORD)
    before = _counts()
    numbers = _agency_numbers()

    # when
    output = _seed(offenders=30)

    # then
    assert _counts() == before
    assert _agency_numbers() == numbers
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 2
    assert "30 demo offenders (0 new), 0 rows created" in output
    assert User.objects.get(username="officer").check_password(PASSWORD)


def test_running_again_with_a_password_sets_the_six_passwords():
    # given
    _seed(offenders=30, password=PASSWORD)

    # when
    _seed(offenders=30, password="another-demo-password")

    # then
    assert all(u.check_password("another-demo-password") for u in User.objects.filter(username__in=LOGINS))


def test_without_a_password_a_generated_one_is_printed_once():
    # when
    first = _seed(offenders=30)
    second = _seed(offenders=30)

    # then
    password = re.search(r"Generated password for [a-z0-9, ]+: (\S+)", first).group(1)
    assert all(u.check_password(password) for u in User.objects.filter(username__in=DEMO_LOGINS))
    assert "Generated password" not in second
    assert "Passwords unchanged" in second


def test_the_same_seed_gives_the_same_agency_numbers():
    # given a first run, undone
    with transaction.atomic():
        _seed(offenders=30, seed=7, password=PASSWORD)
        first = _agency_numbers()
        transaction.set_rollback(True)
    assert Offender.objects.count() == 0

    # when
    _seed(offenders=30, seed=7, password=PASSWORD)

    # then
    assert _agency_numbers() == first
    assert len(set(first)) == 30
    assert all(re.fullmatch(r"CL-[0-9A-Z]{4}-[0-9A-Z]{4}", number) for number in first)


def test_another_seed_gives_other_agency_numbers():
    # given
    with transaction.atomic():
        _seed(offenders=30, seed=1, password=PASSWORD)
        first = set(_agency_numbers())
        transaction.set_rollback(True)

    # when
    _seed(offenders=30, seed=2, password=PASSWORD)

    # then
    assert first.isdisjoint(_agency_numbers())


def test_a_top_up_adds_the_missing_offenders_as_one_larger_run_would():
    # given what one run of 40 gives, undone
    with transaction.atomic():
        _seed(offenders=40, password=PASSWORD)
        one_run = _agency_numbers()
        transaction.set_rollback(True)

    # when 30, then 40
    _seed(offenders=30, password=PASSWORD)
    output = _seed(offenders=40)

    # then
    assert _agency_numbers() == one_run
    assert Supervision.objects.count() == 40
    assert "40 demo offenders (10 new)" in output


def test_bad_options_are_refused_with_a_message():
    # when / then
    with pytest.raises(CommandError, match="cannot be negative"):
        _seed(offenders=-1)
    with pytest.raises(CommandError, match="cannot be empty"):
        _seed(offenders=1, password="")
    assert Offender.objects.count() == 0
    assert not AuditEvent.objects.exists()


def _foreign_keys() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
        )
        return set(cursor.fetchall())


def test_a_large_load_checks_the_foreign_keys_at_the_end_and_puts_them_back(monkeypatch):
    # given what the row-by-row checks write, undone
    keys = _foreign_keys()
    with transaction.atomic():
        _seed(offenders=30, password=PASSWORD)
        checked_per_row = _counts()
        transaction.set_rollback(True)

    # when the keys are checked once at the end, as for 20,000 offenders and more
    monkeypatch.setattr("demo.seed.FOREIGN_KEYS_AT_END_FROM", 1)
    _seed(offenders=30, password=PASSWORD)

    # then the same rows, and every key back as it was
    assert _counts() == checked_per_row
    assert _foreign_keys() == keys
    assert any(table == "supervision_checkin" for table, _name, _definition in keys)

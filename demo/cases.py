"""One demo offender with their supervision and a year of its history, as rows for the BulkWriter.

Each offender ``index`` has its own ``random.Random`` seeded from (seed, index): the same seed gives the
same people, agency numbers and histories, whatever ``--offenders`` is and however many runs it took
(a top-up continues where the last run stopped). Dates are relative to today.

The rows keep every database constraint and follow what the services would have written: check-ins on
the contact standard's grid (as ``check_ins_schedule`` plans them), one violation per missed check-in (as
the missed check-in sweep opens it) and per non-compliant drug test (as ``drug_test_record`` does),
reports whose authority comes from ``supervision_authority`` once approved, a pending delivery for an
approved report and a delivered one from routing on.
"""

import random
import re
from datetime import timedelta

from demo import history, people
from demo import vocabulary as words
from demo.context import Case, DemoContext, pick
from demo.reference import LOGIN_CASELOAD, officer_slot
from demo.reports import report_plan
from offenders.models import agency_number_generate
from supervision.choices import ClosureReason, ReportStatus, SupervisionStatus, SupervisionType

DAY = timedelta(days=1)
HISTORY_DAYS = 365
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
STATE_ID_PREFIX = "DEMO-"  # demo offenders are recognised by it (a top-up counts them)

# The `officer` login's first cases, so that every report status is in the demo and in the right inbox:
# index -> (supervision type, authority slot: 0 is the `clerk`'s court or the `board`'s board, report status)
SCRIPTED_REPORTS = {
    0: (SupervisionType.PROBATION, 0, ReportStatus.ROUTED),
    1: (SupervisionType.PROBATION, 0, ReportStatus.RECEIVED),
    2: (SupervisionType.PROBATION, 0, ReportStatus.HEARING_SCHEDULED),
    3: (SupervisionType.PROBATION, 0, ReportStatus.DISPOSED),
    4: (SupervisionType.PAROLE, 0, ReportStatus.ROUTED),
    5: (SupervisionType.PAROLE, 0, ReportStatus.RECEIVED),
    6: (SupervisionType.PAROLE, 0, ReportStatus.HEARING_SCHEDULED),
    7: (SupervisionType.PAROLE, 0, ReportStatus.DISPOSED),
    8: (SupervisionType.PROBATION, 0, ReportStatus.SUBMITTED),
    9: (SupervisionType.PAROLE, 0, ReportStatus.SUBMITTED),
    10: (SupervisionType.PROBATION, 1, ReportStatus.DRAFT),
    11: (SupervisionType.PAROLE, 1, ReportStatus.RETURNED),
    12: (SupervisionType.PROBATION, 0, ReportStatus.APPROVED),
    13: (SupervisionType.PAROLE, 0, ReportStatus.APPROVED),
}
DUE_TODAY = frozenset({14, 15, 16})  # a check-in window that closes at the end of today
OVERDUE = frozenset({17, 18})  # the last window closed, but the missed check-in sweep has not run yet
ALWAYS_ACTIVE_BELOW = 19

PAROLE_STATUSES = (
    (0.90, SupervisionStatus.ACTIVE),
    (0.93, SupervisionStatus.ABSCONDED),
    (0.96, SupervisionStatus.WARRANT),
    (1.0, SupervisionStatus.CLOSED),
)
PROBATION_STATUSES = (
    (0.64, SupervisionStatus.ACTIVE),
    (0.88, SupervisionStatus.INACTIVE),
    (0.92, SupervisionStatus.ABSCONDED),
    (0.95, SupervisionStatus.WARRANT),
    (1.0, SupervisionStatus.CLOSED),
)
LEVELS = ((0.08, "high"), (0.35, "medium"), (0.75, "low"), (1.0, "administrative"))
INACTIVE_LEVELS = ((0.7, "administrative"), (1.0, "low"))
CLOSURE_REASONS = (
    (0.5, ClosureReason.COMPLETED),
    (0.65, ClosureReason.EARLY_TERMINATION),
    (0.9, ClosureReason.REVOKED),
    (1.0, ClosureReason.TRANSFERRED),
)
# How often a person misses a check-in and fails a test: most comply, some struggle, a few do not.
PROFILES = ((0.70, (0.02, 0.04)), (0.92, (0.08, 0.12)), (1.0, (0.25, 0.35)))
LANGUAGES = tuple((threshold, name) for name, threshold in words.LANGUAGES)


class CaseGenerator:
    """Appends the rows of one demo offender at a time to the writer's tables."""

    def __init__(self, context: DemoContext) -> None:
        self.context = context

    def _agency_number(self, rng: random.Random) -> str:
        used = self.context.used_numbers
        while True:
            number = agency_number_generate(rng)  # type: ignore[arg-type]
            if number not in used:
                used.add(number)
                return number

    def build(self, index: int) -> None:
        context = self.context
        tables = context.tables
        rng = random.Random(f"caseline-demo:{context.seed}:{index}")
        case = self._case(index, rng)
        now = context.now

        email_name = re.sub(r"[^a-z.]", "", f"{case.first_name}.{case.last_name}".lower())
        names = context.pools["first_male" if case.male else "first_female"]
        tables.offenders.add(
            case.offender_id,
            self._agency_number(rng),
            case.first_name,
            rng.choice(names) if rng.random() < 0.6 else "",
            case.last_name,
            context.today - timedelta(days=rng.randint(18 * 365 + 10, 68 * 365)),
            f"{STATE_ID_PREFIX}{index + 1:07d}",
            f"{index + 1:07d}{rng.choice(LETTERS)}{rng.choice(LETTERS)}" if rng.random() < 0.55 else "",
            f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.92 else "",
            f"{email_name}{rng.randint(1, 99)}@example.com" if rng.random() < 0.45 else "",
            pick(rng, LANGUAGES),
            now,
            now,
        )
        tables.supervisions.add(
            case.supervision_id,
            case.offender_id,
            case.supervision_type,
            case.court.pk if case.court else None,
            case.parole_board.pk if case.parole_board else None,
            case.docket,
            case.offense,
            case.start,
            case.end,
            case.status,
            case.closed_on,
            case.closure_reason,
            case.level,
            case.officer_id,
            case.unit_id,
            context.at(case.start, 10),
            now,
        )
        if case.status == SupervisionStatus.ACTIVE:
            tables.check_in_plans.add(case.supervision_id, case.level, case.status, now)

        people.person_rows(context, case)
        history.conditions_choose(context, case)
        case.p_miss, case.p_fail = pick(rng, PROFILES)
        history.check_ins_rows(context, case, due_today=index in DUE_TODAY, overdue=index in OVERDUE)
        history.contacts_rows(context, case)
        history.drug_tests_rows(context, case)
        history.other_violations(context, case)
        report_plan(context, case)
        history.conditions_rows(context, case)
        history.notes_and_referrals_rows(context, case)

    def _case(self, index: int, rng: random.Random) -> Case:
        """Decide who the person is and what their supervision is: type, status, level, dates, authority."""
        context = self.context
        today, agency = context.today, context.agency
        script = SCRIPTED_REPORTS.get(index)
        male = rng.random() < 0.8
        first_name = rng.choice(context.pools["first_male" if male else "first_female"])
        last_name = rng.choice(context.pools["last"])

        if script:
            supervision_type = script[0]
        elif index < LOGIN_CASELOAD:
            supervision_type = SupervisionType.PAROLE if index % 2 else SupervisionType.PROBATION
        else:
            supervision_type = SupervisionType.PAROLE if rng.random() < 0.4 else SupervisionType.PROBATION
        parole = supervision_type == SupervisionType.PAROLE
        if index < ALWAYS_ACTIVE_BELOW:
            status = SupervisionStatus.ACTIVE
        else:
            status = pick(rng, PAROLE_STATUSES if parole else PROBATION_STATUSES)
        level = pick(rng, INACTIVE_LEVELS if status == SupervisionStatus.INACTIVE else LEVELS)
        standard = agency.standards.get(level)

        if script or status != SupervisionStatus.ACTIVE:
            start = today - timedelta(days=rng.randint(230, 1100))  # old enough for a report's whole lifecycle
        else:
            start = today - timedelta(days=rng.randint(30, 900))
        if index in DUE_TODAY and standard is not None:
            # Start on the grid that has a window closing at the end of today.
            interval, window = standard.check_in_interval_days, standard.window_days
            closing_today = today + DAY - timedelta(days=window)
            start = closing_today - timedelta(days=interval * rng.randint(-(-60 // interval), -(-700 // interval)))
        end = start + timedelta(days=365 * rng.randint(1, 4 if parole else 5))
        closed_on, closure_reason, abscond_day = None, "", None
        activity_end = today - DAY
        if status == SupervisionStatus.CLOSED:
            closed_on = today - timedelta(days=rng.randint(3, 200))
            closure_reason = pick(rng, CLOSURE_REASONS)
            if closure_reason == ClosureReason.COMPLETED:
                end = closed_on
            activity_end = closed_on - DAY
        elif status in (SupervisionStatus.ABSCONDED, SupervisionStatus.WARRANT):
            abscond_day = today - timedelta(days=rng.randint(14, 150))
        if status != SupervisionStatus.CLOSED and end < today + timedelta(days=30):
            end = today + timedelta(days=rng.randint(30, 400))

        court = board = None
        if parole:
            slot = script[1] if script else 0 if rng.random() < (0.6 if index < LOGIN_CASELOAD else 0.65) else 1
            board = agency.boards[min(slot, len(agency.boards) - 1)]
        else:
            if script:
                slot = script[1]
            elif rng.random() < (0.5 if index < LOGIN_CASELOAD else 0.4):
                slot = 0
            else:
                slot = rng.randint(1, len(agency.courts) - 1)
            court = agency.courts[min(slot, len(agency.courts) - 1)]
        officer = agency.officers[officer_slot(index)]
        assert officer.unit_id is not None  # every demo officer belongs to a unit (demo.people)
        tables = context.tables
        return Case(
            index=index,
            rng=rng,
            script=script,
            offender_id=tables.offenders.new_id(),
            first_name=first_name,
            last_name=last_name,
            male=male,
            supervision_id=tables.supervisions.new_id(),
            supervision_type=supervision_type,
            status=status,
            level=level,
            standard=standard,
            start=start,
            end=end,
            first_day=max(start, today - timedelta(days=HISTORY_DAYS)),
            activity_end=activity_end,
            closed_on=closed_on,
            closure_reason=closure_reason,
            abscond_day=abscond_day,
            court=court,
            parole_board=board,
            officer_id=officer.pk,
            unit_id=officer.unit_id,
            docket=f"P-{index + 1:07d}" if parole else f"CR-{start.year}-{index + 1:06d}",
            offense=rng.choice(words.PAROLE_OFFENCES if parole else words.PROBATION_OFFENCES),
        )

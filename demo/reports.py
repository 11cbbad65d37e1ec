"""A demo case's violation report (in any state of its lifecycle) with its delivery, the statuses of the
case's violations, and the officer's notifications of recently missed check-ins."""

from datetime import datetime, timedelta

from demo import vocabulary as words
from demo.context import Case, DemoContext, ViolationDraft, pick
from supervision.choices import (
    ClosureReason,
    DeliveryStatus,
    Disposition,
    ReportRecommendation,
    ReportStatus,
    SupervisionStatus,
    ViolationKind,
    ViolationStatus,
)
from supervision.models import NotificationKind, Supervision
from supervision.services import supervision_authority

DAY = timedelta(days=1)
LIFECYCLE = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.APPROVED,
    ReportStatus.ROUTED,
    ReportStatus.RECEIVED,
    ReportStatus.HEARING_SCHEDULED,
    ReportStatus.DISPOSED,
)
AFTER_REVIEW = LIFECYCLE.index(ReportStatus.APPROVED)
# The statuses of the reports written on ordinary cases (cumulative weights).
RANDOM_STATUSES = (
    (0.12, ReportStatus.DRAFT),
    (0.24, ReportStatus.SUBMITTED),
    (0.30, ReportStatus.RETURNED),
    (0.35, ReportStatus.APPROVED),
    (0.48, ReportStatus.ROUTED),
    (0.61, ReportStatus.RECEIVED),
    (0.77, ReportStatus.HEARING_SCHEDULED),
    (1.0, ReportStatus.DISPOSED),
)
RECOMMENDATIONS = (
    (0.45, ReportRecommendation.CONTINUE),
    (0.9, ReportRecommendation.MODIFY_CONDITIONS),
    (1.0, ReportRecommendation.REVOKE),
)
DISPOSITIONS = (
    (0.4, Disposition.CONTINUED),
    (0.8, Disposition.CONDITIONS_MODIFIED),
    (1.0, Disposition.DISMISSED),
)  # revoked only where the case was closed as revoked
VIOLATION_OUTCOMES = (
    (0.45, ViolationStatus.SANCTIONED),
    (0.85, ViolationStatus.RESOLVED),
    (1.0, ViolationStatus.DISMISSED),
)
# A report still in the agency's hands (draft, under review, approved) starts from a violation this many
# days ago: long enough for the longest path to its status (up to 3 days to write, 30 hours to submit,
# 3 days and 5 hours to review), short enough that the review queue reads days, not months.
IN_REVIEW = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)
REVIEW_LEAD_DAYS = (9, 12)
# A report in that status covers a violation at most this many days old (else it has moved on by now).
RECENT_ENOUGH_DAYS = {
    ReportStatus.DRAFT: 12,
    ReportStatus.SUBMITTED: 12,
    ReportStatus.RETURNED: 14,
    ReportStatus.APPROVED: 12,
    ReportStatus.ROUTED: 21,
    ReportStatus.RECEIVED: 35,
    ReportStatus.HEARING_SCHEDULED: 60,
}
REPORT_RATE = 0.25  # of the active and inactive cases with a violation
OPEN_FOR_DAYS = 21  # a violation younger than this is still open, unless a report took it
RECENT_NOTIFICATION_DAYS = 30
UNREAD_NOTIFICATION_DAYS = 7


def report_plan(context: DemoContext, case: Case) -> None:
    """At most one report per case; then the violations' rows with the statuses that follow from it."""
    rng, today = case.rng, context.today
    violations = case.violations
    new_id = context.tables.violations.new_id
    for violation in violations:
        violation.id = new_id()

    # The violation a report starts from, and the status it aims for.
    anchor, wanted, revoked = None, None, False
    absconding = [v for v in violations if v.kind == ViolationKind.ABSCONDING]
    if violations and case.script:
        wanted = case.script[2]
        if wanted in IN_REVIEW:
            since = today - timedelta(days=REVIEW_LEAD_DAYS[1])
            usable = [v for v in violations if since <= v.occurred_on <= today - timedelta(days=REVIEW_LEAD_DAYS[0])]
        else:
            usable = [v for v in violations if v.occurred_on <= today - timedelta(days=50)]
        anchor = max(usable or violations, key=lambda v: v.occurred_on)
    elif absconding and case.status == SupervisionStatus.WARRANT:
        anchor = absconding[0]
        wanted = rng.choice((ReportStatus.ROUTED, ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED))
    elif (
        absconding
        and case.status == SupervisionStatus.ABSCONDED
        and rng.random() < 0.6
        and (today - absconding[0].occurred_on).days <= RECENT_ENOUGH_DAYS[ReportStatus.SUBMITTED]
    ):
        anchor, wanted = absconding[0], rng.choice((ReportStatus.DRAFT, ReportStatus.SUBMITTED))
    elif case.status == SupervisionStatus.CLOSED and case.closure_reason == ClosureReason.REVOKED:
        assert case.closed_on is not None  # a closed case has its closing day (demo.cases)
        eligible = [v for v in violations if v.occurred_on <= case.closed_on - timedelta(days=45)]
        if eligible:
            anchor, wanted, revoked = max(eligible, key=lambda v: v.occurred_on), ReportStatus.DISPOSED, True
    elif (
        violations
        and case.status in (SupervisionStatus.ACTIVE, SupervisionStatus.INACTIVE)
        and rng.random() < REPORT_RATE
    ):
        wanted = pick(rng, RANDOM_STATUSES)
        window = RECENT_ENOUGH_DAYS.get(wanted)
        recent = [v for v in violations if window is None or (today - v.occurred_on).days <= window]
        # No violation recent enough for a report still open: this case's report was decided long ago.
        anchor, wanted = (rng.choice(recent), wanted) if recent else (rng.choice(violations), ReportStatus.DISPOSED)

    covered: list[ViolationDraft] = []
    report_status = disposition = ""
    reviewer_id = context.unit_supervisor.get(case.unit_id)
    if anchor is not None and reviewer_id is not None:
        since = anchor.occurred_on - timedelta(days=30)
        covered = sorted((v for v in violations if since <= v.occurred_on <= anchor.occurred_on), key=_day)[-3:]
        if anchor not in covered:
            covered[0] = anchor
        report_status, disposition = _report_rows(context, case, anchor, covered, wanted, revoked, reviewer_id)
    _violation_rows(context, case, covered, report_status, disposition)
    _notification_rows(context, case)


def _day(violation: ViolationDraft):
    return violation.occurred_on


def _report_rows(context, case, anchor, covered, wanted, revoked, reviewer_id) -> tuple[str, str]:
    """The report, its violations and its delivery; returns the status it reached and its disposition."""
    rng, now, today, tables = case.rng, context.now, context.today, context.tables
    # The timeline from the anchor violation on; a status whose last step would be in the future is not
    # reached: the report stops at the one before.
    created = context.at(anchor.occurred_on + timedelta(days=rng.randint(1, 3)), rng.randint(9, 16))
    submitted = created + timedelta(hours=rng.randint(1, 30))
    reviewed = submitted + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
    delivered = reviewed + timedelta(minutes=rng.randint(1, 10))
    received = delivered + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 4))
    if revoked:
        hearing = context.at(case.closed_on, 9, 30)
    else:
        hearing = context.at(received.date() + timedelta(days=rng.randint(14, 35)), 9, 30)
    done_by: dict[str, datetime] = {
        ReportStatus.DRAFT: created,
        ReportStatus.SUBMITTED: submitted,
        ReportStatus.RETURNED: reviewed,
        ReportStatus.APPROVED: reviewed,
        ReportStatus.ROUTED: delivered,
        ReportStatus.RECEIVED: received,
        ReportStatus.HEARING_SCHEDULED: received,
        ReportStatus.DISPOSED: hearing,
    }
    status = wanted
    while status != ReportStatus.DRAFT and done_by[status] > now:
        status = LIFECYCLE[LIFECYCLE.index(status) - 1]
        if status == ReportStatus.RETURNED:
            status = ReportStatus.SUBMITTED
    if created > now:
        created = done_by[ReportStatus.DRAFT] = now - timedelta(minutes=10)
    if status == ReportStatus.HEARING_SCHEDULED and hearing <= now:
        hearing = context.at(today + timedelta(days=rng.randint(3, 30)), 9, 30)
    stage = LIFECYCLE.index(status)

    serious = any(v.kind in (ViolationKind.ABSCONDING, ViolationKind.NEW_OFFENCE) for v in covered)
    recommendation = ReportRecommendation.REVOKE if serious or revoked else pick(rng, RECOMMENDATIONS)
    events = " ".join(f"On {v.occurred_on:%B} {v.occurred_on.day}: {v.description.rstrip('.')}." for v in covered)
    start = case.start
    narrative = (
        f"{case.first_name} {case.last_name} has been on {case.supervision_type} since {start:%B} {start.day}, "
        f"{start.year} for {case.offense.lower()} (docket {case.docket}). {events} Graduated responses tried so "
        f"far: {rng.choice(words.RESPONSES).lower()} The officer recommends: "
        f"{ReportRecommendation(recommendation).label.lower()}."
    )

    court_id = board_id = received_by = None
    if stage >= AFTER_REVIEW:
        # The authority is the supervision's, decided in one place (as violation_report_approve takes it).
        authority = supervision_authority(
            supervision=Supervision(
                supervision_type=case.supervision_type, court=case.court, parole_board=case.parole_board
            )
        )
        court_id = authority.court.pk if authority.court else None
        board_id = authority.parole_board.pk if authority.parole_board else None
        staff = context.agency.court_clerks.get(court_id) if court_id else context.agency.board_staff.get(board_id)
        received_by = staff.pk if staff else None
    disposition = ""
    if status == ReportStatus.DISPOSED:
        disposition = Disposition.REVOKED if revoked else pick(rng, DISPOSITIONS)
    has_hearing = status in (ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED)
    location = ""
    if has_hearing:
        if court_id:
            location = f"{case.court.name}, courtroom {rng.randint(1, 9)}{rng.choice('ABC')}"
        else:
            location = f"{case.parole_board.name}, hearing room {rng.randint(1, 4)}"
    received_stage = stage >= LIFECYCLE.index(ReportStatus.RECEIVED)
    report_id = tables.reports.new_id()
    tables.reports.add(
        report_id,
        case.supervision_id,
        narrative,
        recommendation,
        status,
        case.officer_id,
        submitted if stage >= LIFECYCLE.index(ReportStatus.SUBMITTED) else None,
        reviewer_id if stage >= LIFECYCLE.index(ReportStatus.RETURNED) else None,
        reviewed if stage >= LIFECYCLE.index(ReportStatus.RETURNED) else None,
        rng.choice(words.REVIEW_COMMENTS) if status == ReportStatus.RETURNED else "",
        court_id,
        board_id,
        received if received_stage else None,
        received_by if received_stage else None,
        hearing if has_hearing else None,
        location,
        disposition,
        hearing.date() if disposition else None,
        words.DISPOSITION_NOTES[disposition] if disposition else "",
        created,
        min(done_by[status], now),
    )
    for violation in covered:
        tables.report_violations.add(report_id, violation.id, status != ReportStatus.RETURNED)
    tables.report_editors.add(report_id, case.officer_id)  # the officer wrote it; nobody edited it
    if stage >= AFTER_REVIEW:  # recorded with the approval; delivered from routing on
        routed = stage >= LIFECYCLE.index(ReportStatus.ROUTED)
        tables.deliveries.add(
            report_id,
            court_id,
            board_id,
            DeliveryStatus.DELIVERED if routed else DeliveryStatus.PENDING,
            1 if routed else 0,
            "",
            reviewed,
            delivered if routed else None,
        )
    return status, disposition


def _violation_rows(context, case, covered, report_status, disposition) -> None:
    rng = case.rng
    in_report = {id(v) for v in covered}
    fresh = context.today - timedelta(days=OPEN_FOR_DAYS)
    add, supervision_id, now = context.tables.violations.add, case.supervision_id, context.now
    for v in case.violations:
        if id(v) in in_report:
            if report_status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED):
                v.status = ViolationStatus.OPEN
            elif report_status == ReportStatus.DISPOSED:
                dismissed = disposition == Disposition.DISMISSED
                v.status = ViolationStatus.DISMISSED if dismissed else ViolationStatus.RESOLVED  # as disposing does
            else:
                v.status = ViolationStatus.REPORTED  # as approving does
        elif v.kind == ViolationKind.ABSCONDING or v.occurred_on >= fresh:
            v.status = ViolationStatus.OPEN
        else:
            v.status = pick(rng, VIOLATION_OUTCOMES)
            if v.status == ViolationStatus.SANCTIONED or (v.status == ViolationStatus.RESOLVED and rng.random() < 0.5):
                v.response = rng.choice(words.RESPONSES)
        add(
            v.id,
            supervision_id,
            v.kind,
            v.severity,
            v.status,
            v.occurred_on,
            v.description,
            v.check_in_id,
            v.drug_test_id,
            v.condition_id,
            v.response,
            v.recorded_by_id,
            v.created_at,
            now,
        )


def _notification_rows(context, case) -> None:
    """The officer's notifications of the check-ins missed lately, as the missed check-in sweep sends them."""
    notify_since = context.today - timedelta(days=RECENT_NOTIFICATION_DAYS)
    unread_since = context.today - timedelta(days=UNREAD_NOTIFICATION_DAYS)
    for check_in_id, closes, flagged in case.missed_recent:
        if closes < notify_since:
            continue
        context.tables.notifications.add(
            case.officer_id,
            NotificationKind.MISSED_CHECK_IN,
            f"Missed check-in due {closes:%Y-%m-%d} ({case.docket})",
            case.supervision_id,
            check_in_id,
            None,
            f"missed_check_in:{check_in_id}",
            flagged,
            None if closes >= unread_since else flagged + DAY,
        )

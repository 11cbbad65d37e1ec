"""Violations, violation reports in every state of their lifecycle, their deliveries, and the officers'
notifications of recently missed check-ins, for one demo case at a time."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from agency.demo import vocabulary as words
from agency.demo.writer import BulkWriter
from agency.models import Court, ParoleBoard
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
from supervision.models import Notification, NotificationKind, ReportDelivery, Supervision, Violation, ViolationReport
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
# Cumulative weights of the statuses of the reports written on ordinary cases.
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
REPORT_RATE = 0.12  # of the active and inactive cases with a violation
OPEN_FOR_DAYS = 21  # a violation younger than this is still open, unless a report took it
RECENT_NOTIFICATION_DAYS = 30
UNREAD_NOTIFICATION_DAYS = 7


@dataclass(slots=True)
class ViolationDraft:
    occurred_on: date
    kind: str
    severity: str
    description: str
    created_at: datetime
    check_in_id: int | None = None
    drug_test_id: int | None = None
    condition_id: int | None = None
    recorded_by_id: int | None = None
    id: int = 0
    status: str = ""
    response: str = ""


def _weighted(rng: random.Random, table):
    r = rng.random()
    for threshold, value in table:
        if r < threshold:
            return value
    return table[-1][1]


class ReportPlanner:
    def __init__(self, *, writer: BulkWriter, agency, now: datetime) -> None:
        self.agency = agency
        self.now = now
        self.today = now.date()
        self.tz = now.tzinfo
        self.violations = writer.table(
            Violation,
            (
                "id",
                "supervision_id",
                "kind",
                "severity",
                "status",
                "occurred_on",
                "description",
                "check_in_id",
                "drug_test_id",
                "condition_id",
                "response",
                "recorded_by_id",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        self.reports = writer.table(
            ViolationReport,
            (
                "id",
                "supervision_id",
                "narrative",
                "recommendation",
                "status",
                "author_id",
                "submitted_at",
                "reviewed_by_id",
                "reviewed_at",
                "review_comment",
                "court_id",
                "parole_board_id",
                "received_at",
                "received_by_id",
                "hearing_at",
                "hearing_location",
                "disposition",
                "disposition_on",
                "disposition_note",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        m2m = ViolationReport._meta.get_field("violations")
        self.report_violations = writer.table(m2m.remote_field.through, (m2m.m2m_column_name(), m2m.m2m_reverse_name()))
        self.deliveries = writer.table(
            ReportDelivery,
            (
                "report_id",
                "court_id",
                "parole_board_id",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "delivered_at",
            ),
        )
        self.notifications = writer.table(
            Notification,
            (
                "recipient_id",
                "kind",
                "message",
                "supervision_id",
                "check_in_id",
                "report_id",
                "key",
                "created_at",
                "read_at",
            ),
        )

    def _at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def plan(
        self,
        *,
        rng: random.Random,
        script_status: str | None,
        supervision_id: int,
        supervision_type: str,
        court: Court | None,
        board: ParoleBoard | None,
        status: str,
        closure_reason: str,
        closed_on: date | None,
        officer_id: int,
        reviewer_id: int | None,
        violations: list[ViolationDraft],
        narrative_intro: str,
        docket: str,
        missed_recent: list,
    ) -> None:
        today = self.today
        for violation in violations:
            violation.id = self.violations.new_id()

        # Which violation a report starts from, and which status it aims for.
        anchor: ViolationDraft | None = None
        wanted = None
        revoked = False
        absconding = [v for v in violations if v.kind == ViolationKind.ABSCONDING]
        if violations and script_status:
            old = [v for v in violations if v.occurred_on <= today - timedelta(days=50)]
            anchor, wanted = max(old or violations, key=lambda v: v.occurred_on), script_status
        elif absconding and status == SupervisionStatus.WARRANT:
            anchor = absconding[0]
            wanted = rng.choice((ReportStatus.ROUTED, ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED))
        elif absconding and status == SupervisionStatus.ABSCONDED and rng.random() < 0.6:
            anchor, wanted = absconding[0], rng.choice((ReportStatus.DRAFT, ReportStatus.SUBMITTED))
        elif status == SupervisionStatus.CLOSED and closure_reason == ClosureReason.REVOKED:
            eligible = [v for v in violations if v.occurred_on <= closed_on - timedelta(days=45)]
            if eligible:
                anchor, wanted, revoked = max(eligible, key=lambda v: v.occurred_on), ReportStatus.DISPOSED, True
        elif (
            violations
            and status in (SupervisionStatus.ACTIVE, SupervisionStatus.INACTIVE)
            and rng.random() < REPORT_RATE
        ):
            anchor, wanted = rng.choice(violations), _weighted(rng, RANDOM_STATUSES)

        covered: list[ViolationDraft] = []
        report_status = None
        disposition = ""
        if anchor is not None and reviewer_id is not None:
            since = anchor.occurred_on - timedelta(days=30)
            covered = sorted(
                (v for v in violations if since <= v.occurred_on <= anchor.occurred_on), key=lambda v: v.occurred_on
            )[-3:]
            if anchor not in covered:
                covered[0] = anchor
            report_status, disposition = self._report(
                rng,
                wanted,
                revoked,
                anchor,
                covered,
                supervision_id,
                supervision_type,
                court,
                board,
                closed_on,
                officer_id,
                reviewer_id,
                narrative_intro,
            )

        # The violations' statuses, then their rows.
        in_report = {id(v) for v in covered}
        fresh = today - timedelta(days=OPEN_FOR_DAYS)
        add = self.violations.add
        for v in violations:
            if id(v) in in_report:
                if report_status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED):
                    v.status = ViolationStatus.OPEN
                elif report_status == ReportStatus.DISPOSED:
                    v.status = (
                        ViolationStatus.DISMISSED if disposition == Disposition.DISMISSED else ViolationStatus.RESOLVED
                    )
                else:
                    v.status = ViolationStatus.REPORTED
            elif v.kind == ViolationKind.ABSCONDING or v.occurred_on >= fresh:
                v.status = ViolationStatus.OPEN
            else:
                v.status = _weighted(
                    rng,
                    (
                        (0.45, ViolationStatus.SANCTIONED),
                        (0.85, ViolationStatus.RESOLVED),
                        (1.0, ViolationStatus.DISMISSED),
                    ),
                )
                if v.status == ViolationStatus.SANCTIONED or (
                    v.status == ViolationStatus.RESOLVED and rng.random() < 0.5
                ):
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
                self.now,
            )

        # The officer's notifications of the check-ins missed lately (as the missed check-in sweep sends them).
        notify_since = today - timedelta(days=RECENT_NOTIFICATION_DAYS)
        unread_since = today - timedelta(days=UNREAD_NOTIFICATION_DAYS)
        for check_in_id, closes, flagged in missed_recent:
            if closes < notify_since:
                continue
            self.notifications.add(
                officer_id,
                NotificationKind.MISSED_CHECK_IN,
                f"Missed check-in due {closes:%Y-%m-%d} ({docket})",
                supervision_id,
                check_in_id,
                None,
                f"missed_check_in:{check_in_id}",
                flagged,
                None if closes >= unread_since else flagged + DAY,
            )

    def _report(
        self,
        rng,
        wanted,
        revoked,
        anchor,
        covered,
        supervision_id,
        supervision_type,
        court,
        board,
        closed_on,
        officer_id,
        reviewer_id,
        narrative_intro,
    ) -> tuple[str, str]:
        now, today = self.now, self.today
        v = anchor.occurred_on
        created = self._at(v + timedelta(days=rng.randint(1, 3)), rng.randint(9, 16), rng.choice((0, 20, 40)))
        submitted = created + timedelta(hours=rng.randint(1, 30))
        reviewed = submitted + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        delivered = reviewed + timedelta(minutes=rng.randint(1, 10))
        received = delivered + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 4))
        hearing = (
            self._at(closed_on, 9, 30)
            if revoked
            else self._at(received.date() + timedelta(days=rng.randint(14, 35)), 9, 30)
        )
        done_by = {  # the last moment each status needs to have happened by now
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
            created = now - timedelta(minutes=10)
        if status == ReportStatus.HEARING_SCHEDULED and hearing <= now:
            hearing = self._at(today + timedelta(days=rng.randint(3, 30)), 9, 30)
        stage = LIFECYCLE.index(status)
        after_review = stage >= LIFECYCLE.index(ReportStatus.APPROVED)

        serious = any(v.kind in (ViolationKind.ABSCONDING, ViolationKind.NEW_OFFENCE) for v in covered)
        if serious or revoked:
            recommendation = ReportRecommendation.REVOKE
        else:
            recommendation = _weighted(
                rng,
                (
                    (0.45, ReportRecommendation.CONTINUE),
                    (0.9, ReportRecommendation.MODIFY_CONDITIONS),
                    (1.0, ReportRecommendation.REVOKE),
                ),
            )
        events = " ".join(f"On {v.occurred_on:%B} {v.occurred_on.day}: {v.description.rstrip('.')}." for v in covered)
        narrative = (
            f"{narrative_intro} {events} Graduated responses tried so far: {rng.choice(words.RESPONSES).lower()} "
            f"The officer recommends: {ReportRecommendation(recommendation).label.lower()}."
        )

        court_id = board_id = None
        received_by = None
        if after_review:
            # The authority is the supervision's, decided in one place (as violation_report_approve does).
            authority = supervision_authority(
                supervision=Supervision(supervision_type=supervision_type, court=court, parole_board=board)
            )
            court_id = authority.court.pk if authority.court else None
            board_id = authority.parole_board.pk if authority.parole_board else None
            received_by = self.agency.court_clerks.get(court_id) if court_id else self.agency.board_staff.get(board_id)
        has_hearing = status in (ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED)
        if status == ReportStatus.DISPOSED:
            disposition = (
                Disposition.REVOKED
                if revoked
                else _weighted(
                    rng,
                    (
                        (0.4, Disposition.CONTINUED),
                        (0.8, Disposition.CONDITIONS_MODIFIED),
                        (1.0, Disposition.DISMISSED),
                    ),
                )
            )
        else:
            disposition = ""
        location = ""
        if has_hearing:
            location = (
                f"{court.name}, courtroom {rng.randint(1, 9)}{rng.choice('ABC')}"
                if court_id
                else f"{board.name}, hearing room {rng.randint(1, 4)}"
            )
        received_stage = stage >= LIFECYCLE.index(ReportStatus.RECEIVED)
        report_id = self.reports.new_id()
        self.reports.add(
            report_id,
            supervision_id,
            narrative,
            recommendation,
            status,
            officer_id,
            submitted if stage >= 1 else None,
            reviewer_id if stage >= 2 else None,
            reviewed if stage >= 2 else None,
            rng.choice(words.REVIEW_COMMENTS) if status == ReportStatus.RETURNED else "",
            court_id,
            board_id,
            received if received_stage else None,
            received_by.pk if received_stage and received_by else None,
            hearing if has_hearing else None,
            location,
            disposition,
            hearing.date() if disposition else None,
            words.DISPOSITION_NOTES[disposition] if disposition else "",
            created,
            min(done_by[status], now),
        )
        for violation in covered:
            self.report_violations.add(report_id, violation.id)
        if after_review:
            routed = stage >= LIFECYCLE.index(ReportStatus.ROUTED)
            self.deliveries.add(
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

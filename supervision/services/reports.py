"""The violation report lifecycle: draft, submit, return, approve (which records the delivery)."""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agency.access import require_role
from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from agency.queueing import task_queue
from supervision.authority import supervision_authority
from supervision.choices import (
    ViolationStatus,
)
from supervision.lifecycle import ReportStep, report_step_require
from supervision.models import (
    ReportDelivery,
    ReportViolation,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services.violations import violations_set_status

logger = logging.getLogger(__name__)

# The report delivery task (supervision.tasks), queued by name: the tasks import the services.
DELIVER_TASK = "supervision.tasks.report_delivery_deliver_task"


# --- Violation reports -----------------------------------------------------------------------------
# Four eyes: the author writes, edits and submits a report; a supervisor of the unit who neither wrote nor
# edited it approves or returns it. One violation, one live report: a violation is held by at most one
# report (ReportViolation.live, the database's partial unique constraint), checked with the violations
# locked, so two reports drafted at the same moment cannot both take it, and checked again at submission
# and approval. A returned report frees its violations (its links stay, not live); when its author edits or
# resubmits it, it takes them back unless another report holds them by then, which the author is told.
# From submission on, the content never changes (the model and the database refuse it).

# Violations that may go into a report: not yet reported elsewhere, not closed.
REPORTABLE_VIOLATION_STATUSES = (ViolationStatus.OPEN, ViolationStatus.SANCTIONED)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _lock_violations(ids: Iterable[int]) -> list[Violation]:
    """The violations as stored, locked until the end of the transaction (in id order: no deadlock), so
    that whoever takes them next sees this report's links."""
    return list(Violation.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk"))


def _held_elsewhere(violation_ids: Iterable[int], report: ViolationReport | None) -> dict[int, ViolationReport]:
    """The live report, other than ``report``, that holds each of these violations."""
    links = ReportViolation.objects.filter(violation_id__in=list(violation_ids), live=True).select_related("report")
    if report is not None:
        links = links.exclude(report=report)
    return {link.violation_id: link.report for link in links}


def _held_message(violation_id: int, holder: ViolationReport) -> str:
    return (
        f"Violation #{violation_id} is already in violation report #{holder.pk} "
        f"({holder.get_status_display().lower()})."
    )


def _check_violations_reportable(
    supervision: Supervision, violations: list[Violation], report: ViolationReport | None
) -> list[Violation]:
    """Lock the chosen violations and check each may go into ``report``: of its case, held by no other live
    report, and open or answered (or in the report already). Returns them as locked."""
    if not violations:
        raise ValidationError({"violations": "Select at least one violation for the report."})
    locked = _lock_violations(violation.pk for violation in violations)
    holders = _held_elsewhere([v.pk for v in locked], report)
    already_in = set() if report is None else set(report.violation_links.values_list("violation_id", flat=True))
    errors = []
    for violation in locked:
        if violation.supervision_id != supervision.pk:
            errors.append(f"Violation #{violation.pk} belongs to another case.")
        elif violation.pk in holders:
            errors.append(_held_message(violation.pk, holders[violation.pk]))
        elif violation.status not in REPORTABLE_VIOLATION_STATUSES and violation.pk not in already_in:
            errors.append(
                f"Violation #{violation.pk} is {violation.get_status_display().lower()}: it cannot be reported."
            )
    if errors:
        raise ValidationError({"violations": errors})
    return locked


def _link_violations(report: ViolationReport, violations: list[Violation]) -> None:
    """Make ``violations`` the report's, each held by it (a draft's links are not records yet: a violation
    taken off is unlinked). The database's constraint is the last word if anything got past the lock."""
    wanted = {violation.pk for violation in violations}
    links = ReportViolation.objects.filter(report=report)
    try:
        with transaction.atomic():
            links.exclude(violation_id__in=wanted).delete()
            links.filter(violation_id__in=wanted, live=False).update(live=True)
            present = set(links.values_list("violation_id", flat=True))
            ReportViolation.objects.bulk_create(
                ReportViolation(report=report, violation_id=pk) for pk in sorted(wanted - present)
            )
    except IntegrityError as error:
        holders = _held_elsewhere(wanted, report)
        if not holders:
            raise
        raise ValidationError(
            {"violations": [_held_message(pk, holder) for pk, holder in sorted(holders.items())]}
        ) from error


def _require_holds_its_violations(report: ViolationReport, *, doing: str) -> None:
    """Before a report goes further (submitted, approved): each of its violations, locked, is held by it and
    by no other report, and may still be reported."""
    links = list(report.violation_links.all())
    locked = {violation.pk: violation for violation in _lock_violations(link.violation_id for link in links)}
    holders = _held_elsewhere(locked, report)
    errors = []
    for link in sorted(links, key=lambda link: link.violation_id):
        violation = locked[link.violation_id]
        if violation.pk in holders:
            errors.append(_held_message(violation.pk, holders[violation.pk]))
        elif violation.status not in REPORTABLE_VIOLATION_STATUSES:
            errors.append(
                f"Violation #{violation.pk} is {violation.get_status_display().lower()}: it cannot be {doing}."
            )
        elif not link.live:  # freed by its return (or left by an older report): free now, so this report's
            ReportViolation.objects.filter(pk=link.pk).update(live=True)
    if errors:
        raise ValidationError({"violations": errors})


def _require_author(actor: User, report: ViolationReport, doing: str) -> None:
    """Only the author writes a report (four eyes: the reviewer must be someone else)."""
    if actor.pk != report.author_id:
        raise ApplicationError(
            f"Only the report's author ({_name(report.author)}) may {doing} it: ask them, or write a report of "
            "your own.",
            status_code=403,
        )


def _write_content(
    *,
    actor: User,
    report: ViolationReport,
    narrative: str,
    recommendation: str,
    violations: Iterable[Violation] | None,
) -> None:
    """Save the author's content. Without ``violations`` the report keeps the ones it has, taking back those
    its return freed (unless another report holds them now: a 400 naming it)."""
    report.narrative = narrative.strip()
    report.recommendation = recommendation
    report.full_clean()
    report.save(update_fields=["narrative", "recommendation", "updated_at"])
    if violations is None:
        violations = Violation.objects.filter(report_links__report=report)
    chosen = _check_violations_reportable(report.supervision, list(violations), report=report)
    _link_violations(report, chosen)
    report.editors.add(actor)


@transaction.atomic
def violation_report_draft(
    *,
    actor: User,
    supervision: Supervision,
    violations: Iterable[Violation],
    narrative: str,
    recommendation: str,
) -> ViolationReport:
    """An officer drafts a violation report from selected violations of one case, held by no other report."""
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "write violation reports")
    chosen = _check_violations_reportable(supervision, list(violations), report=None)
    report = ViolationReport(
        supervision=supervision, narrative=narrative.strip(), recommendation=recommendation, author=actor
    )
    report.full_clean()
    report.save()
    _link_violations(report, chosen)
    report.editors.add(actor)
    audit_record(
        actor=actor, action="violation_report.drafted", obj=report, detail={"violations": [v.pk for v in chosen]}
    )
    return report


def violation_report_lock(report: ViolationReport) -> ViolationReport:
    """The report, its case locked with it (as every step of the lifecycle takes it), and its author."""
    return (
        ViolationReport.objects.select_for_update(of=("self", "supervision"))
        .select_related("supervision", "author")
        .get(pk=report.pk)
    )


@transaction.atomic
def violation_report_update(
    *,
    actor: User,
    report: ViolationReport,
    narrative: str,
    recommendation: str,
    violations: Iterable[Violation] | None = None,
) -> ViolationReport:
    """Its author edits a draft or a returned report."""
    report = violation_report_lock(report)
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "edit violation reports")
    _require_author(actor, report, "edit")
    report_step_require(report, ReportStep.EDIT)
    _write_content(
        actor=actor, report=report, narrative=narrative, recommendation=recommendation, violations=violations
    )
    audit_record(actor=actor, action="violation_report.updated", obj=report)
    return report


@transaction.atomic
def violation_report_submit(
    *,
    actor: User,
    report: ViolationReport,
    narrative: str | None = None,
    recommendation: str | None = None,
    violations: Iterable[Violation] | None = None,
) -> ViolationReport:
    """Its author submits a draft (or a returned report, once revised) to the unit supervisor. With
    ``narrative``, ``recommendation`` or ``violations`` the report is saved with them first, in the same
    transaction: what is submitted is exactly what the author sent, or nothing is."""
    report = violation_report_lock(report)
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "submit violation reports")
    _require_author(actor, report, "submit")
    submitted = report_step_require(report, ReportStep.SUBMIT)
    if narrative is not None and not narrative.strip():
        raise ValidationError({"narrative": "Write the narrative before submitting."})
    if (narrative, recommendation, violations) != (None, None, None):
        _write_content(
            actor=actor,
            report=report,
            narrative=report.narrative if narrative is None else narrative,
            recommendation=recommendation or report.recommendation,
            violations=violations,
        )
        audit_record(actor=actor, action="violation_report.updated", obj=report)
    if not report.narrative:
        raise ValidationError({"narrative": "Write the narrative before submitting."})
    _require_holds_its_violations(report, doing="submitted")
    report.status = submitted
    report.submitted_at = timezone.now()
    report.full_clean()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, action="violation_report.submitted", obj=report)
    return report


def _require_reviewer(actor: User, report: ViolationReport) -> None:
    """A supervisor of the case's unit who neither wrote nor edited the report."""
    require_role(actor, (Role.SUPERVISOR,), "review violation reports")
    if actor.unit_id != report.supervision.unit_id:
        raise ApplicationError("Only the supervisor of the case's unit may review this report.", status_code=403)
    if actor.pk == report.author_id:
        raise ApplicationError("You cannot review a report you wrote.", status_code=403)
    if report.editors.filter(pk=actor.pk).exists():
        raise ApplicationError(
            "You cannot review a report you edited: another supervisor of the unit must review it.", status_code=403
        )


@transaction.atomic
def violation_report_return(*, actor: User, report: ViolationReport, comment: str) -> ViolationReport:
    """The supervisor returns a submitted report to its author with comments. Its violations are freed
    (its links are kept, not live): another report may take them meanwhile; the author's next edit or
    submission takes back those still free."""
    report = violation_report_lock(report)
    _require_reviewer(actor, report)
    returned = report_step_require(report, ReportStep.RETURN)
    if not comment.strip():
        raise ValidationError({"comment": "Tell the officer what to change."})
    report.status = returned
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.full_clean()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    ReportViolation.objects.filter(report=report).update(live=False)
    audit_record(actor=actor, action="violation_report.returned", obj=report)
    return report


@transaction.atomic
def violation_report_approve(*, actor: User, report: ViolationReport) -> ViolationReport:
    """The supervisor approves a submitted report. In the same transaction the report takes its
    authority from the supervision and a delivery to that authority is recorded; the delivery job
    is queued after commit (and a periodic sweep picks it up if the broker is down). Its violations are
    checked again, locked: each is held by this report alone and may still be reported."""
    report = violation_report_lock(report)
    _require_reviewer(actor, report)
    approved = report_step_require(report, ReportStep.APPROVE)
    _require_holds_its_violations(report, doing="reported")
    authority = supervision_authority(supervision=report.supervision)
    report.status = approved
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = ""
    report.court = authority.court
    report.parole_board = authority.parole_board
    report.full_clean()
    report.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "court", "parole_board", "updated_at"]
    )
    violations_set_status(actor=actor, report=report, status=ViolationStatus.REPORTED)
    delivery, _ = ReportDelivery.objects.get_or_create(
        report=report, court=authority.court, parole_board=authority.parole_board
    )
    audit_record(actor=actor, action="violation_report.approved", obj=report, detail={"authority": authority.as_dict()})
    transaction.on_commit(lambda: _queue_delivery(delivery.pk))
    return report


def _queue_delivery(delivery_id: int) -> None:
    # The broker is down: the pending delivery is picked up by the periodic sweep.
    task_queue(DELIVER_TASK, delivery_id, unavailable="the periodic sweep will deliver it.")

"""The violation report's lifecycle, in one table: each step, the statuses it may be taken from, the status
it leads to and the party who takes it.

The services check a step with ``report_step_require`` (which returns the status to set); the views and the
templates ask ``report_step_open`` (the ``open_to`` filter) whether a step is open for a report; the access
rules and the model's constraints use the sets derived below (which statuses are editable, which carry an
authority, which the authority sees). Who in particular may take a step (the author, a supervisor of the
unit who did not write it, the staff of the report's court or board) is the services' to check.

    draft ──submit──▶ submitted ──approve──▶ approved ──route──▶ routed ──acknowledge──▶ received
      ▲ edit            │ return                                                   │ schedule hearing
      └──── returned ◀──┘                                   hearing scheduled ◀────┤ dispose
                                                                    └── dispose ──▶ disposed
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.db import models

from agency.errors import ApplicationError
from supervision.choices import ReportStatus


class ReportStep(models.TextChoices):
    """A step of the lifecycle; its label completes "A report that is … cannot be <label>"."""

    EDIT = "edit", "edited"
    SUBMIT = "submit", "submitted"
    RETURN = "return", "returned"
    APPROVE = "approve", "approved"
    ROUTE = "route", "routed"
    ACKNOWLEDGE = "acknowledge", "acknowledged"
    SCHEDULE_HEARING = "schedule_hearing", "given a hearing"
    DISPOSE = "dispose", "disposed"


class Party(StrEnum):
    AUTHOR = "author"  # the officer (or supervisor) who wrote the report
    REVIEWER = "reviewer"  # a supervisor of the case's unit who neither wrote nor edited it
    DELIVERY = "delivery"  # the delivery job, once the report reached its authority
    AUTHORITY = "authority"  # the staff of the report's court or parole board


@dataclass(frozen=True)
class Transition:
    step: ReportStep
    sources: frozenset[ReportStatus]
    target: ReportStatus | None  # None: the status stays as it is
    party: Party


def _transition(
    step: ReportStep, sources: Iterable[ReportStatus], target: ReportStatus | None, party: Party
) -> Transition:
    return Transition(step=step, sources=frozenset(sources), target=target, party=party)


S = ReportStatus
HEARD = (S.RECEIVED, S.HEARING_SCHEDULED)  # before the authority: a hearing may be set, reset or disposed
REPORT_TRANSITIONS: dict[ReportStep, Transition] = {
    t.step: t
    for t in (
        _transition(ReportStep.EDIT, (S.DRAFT, S.RETURNED), None, Party.AUTHOR),
        _transition(ReportStep.SUBMIT, (S.DRAFT, S.RETURNED), S.SUBMITTED, Party.AUTHOR),
        _transition(ReportStep.RETURN, (S.SUBMITTED,), S.RETURNED, Party.REVIEWER),
        _transition(ReportStep.APPROVE, (S.SUBMITTED,), S.APPROVED, Party.REVIEWER),
        _transition(ReportStep.ROUTE, (S.APPROVED,), S.ROUTED, Party.DELIVERY),
        _transition(ReportStep.ACKNOWLEDGE, (S.ROUTED,), S.RECEIVED, Party.AUTHORITY),
        _transition(ReportStep.SCHEDULE_HEARING, HEARD, S.HEARING_SCHEDULED, Party.AUTHORITY),
        _transition(ReportStep.DISPOSE, HEARD, S.DISPOSED, Party.AUTHORITY),
    )
}
del S, HEARD


def _from(status: ReportStatus) -> tuple[ReportStatus, ...]:
    """``status`` and every status reachable from it, in the order of ``ReportStatus``."""
    reached, frontier = {status}, [status]
    while frontier:
        current = frontier.pop()
        for transition in REPORT_TRANSITIONS.values():
            target = transition.target
            if current in transition.sources and target is not None and target not in reached:
                reached.add(target)
                frontier.append(target)
    return tuple(s for s in ReportStatus if s in reached)


def _target(step: ReportStep) -> ReportStatus:
    target = REPORT_TRANSITIONS[step].target
    assert target is not None, step
    return target


def _sources(step: ReportStep) -> tuple[ReportStatus, ...]:
    return tuple(s for s in ReportStatus if s in REPORT_TRANSITIONS[step].sources)


# The author may change the content (the model and the database refuse it otherwise).
REPORT_EDITABLE_STATUSES = _sources(ReportStep.EDIT)
# Waiting for a supervisor's review.
REPORT_IN_REVIEW_STATUSES = _sources(ReportStep.APPROVE)
# From approval on a report carries its authority (court or parole board), fixed at approval.
REPORT_STATUSES_WITH_AUTHORITY = _from(_target(ReportStep.APPROVE))
# From routing on the authority sees it; drafts and reports under review stay in the agency.
REPORT_STATUSES_VISIBLE_TO_AUTHORITY = _from(_target(ReportStep.ROUTE))
# Still in the agency's hands: the officer's and the supervisor's work (not yet routed).
REPORT_STATUSES_IN_AGENCY = tuple(s for s in ReportStatus if s not in REPORT_STATUSES_VISIBLE_TO_AUTHORITY)


def report_step_open(status: str, step: ReportStep | str) -> bool:
    """Whether ``step`` may be taken from a report in ``status``."""
    return status in REPORT_TRANSITIONS[ReportStep(step)].sources


class _Report(Protocol):
    status: str

    def get_status_display(self) -> str: ...


def report_step_require(report: _Report, step: ReportStep) -> ReportStatus:
    """The status ``step`` leads ``report`` to (its own for a step that keeps it); a 409 saying why when the
    step may not be taken from the report's status."""
    if not report_step_open(report.status, step):
        shown = report.get_status_display().lower()
        raise ApplicationError(f"A report that is {shown} cannot be {step.label}.", status_code=409)
    return REPORT_TRANSITIONS[step].target or ReportStatus(report.status)


# How the court's or the board's inbox names the statuses it sees (the others by their own label).
AUTHORITY_STATUS_LABELS = {ReportStatus.ROUTED: "Unread", ReportStatus.RECEIVED: "Acknowledged"}


def authority_status_label(status: str) -> str:
    return AUTHORITY_STATUS_LABELS.get(ReportStatus(status)) or str(ReportStatus(status).label)

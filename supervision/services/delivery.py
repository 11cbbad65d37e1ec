"""Delivering approved violation reports to their court or parole board.

A delivery is recorded in the approval's transaction (``violation_report_approve``) and done by the
``report_delivery_deliver_task`` queued after commit. Delivering puts the report in the authority's
inbox (status ``routed``), emails the authority's address with the report as a PDF and, where the
authority has a webhook, POSTs a signed JSON payload to it. Each channel is done once (``emailed_at``,
``webhook_sent_at``): a retry after a webhook failure does not email the authority again.

The deliveries are an outbox (``agency.outbox``, shared with the webhook events): the delivery is claimed
in a short transaction (so two workers never send the same one), the PDF is rendered, the email and the
POST are sent outside any transaction and without the report's row lock, and the result is recorded in a
second transaction, which routes the report. A try that fails, for whatever reason (the PDF, the mail
server, the webhook, a bug), is recorded on the row (``attempts``, ``last_error``, ``next_attempt_at``
after a backoff of 30 s doubling up to an hour) with an audit row, and never stops a sweep from delivering
the others. After ``REPORT_DELIVERY_ALERT_ATTEMPTS`` failed tries the administrators are alerted by email
(and the audit row says so); a court filing is never given up: the tries go on every hour until it is
delivered. Work that must happen is derived from the database: ``report_deliveries_sweep`` re-queues every
delivery pending or failed and past its backoff, a delivery whose worker died included (its claim runs
out after ``OUTBOX_LEASE_SECONDS``).

The webhook leg is at least once: if a worker dies after the POST and before recording it, the POST is
sent again; the receiver recognises it by the ``X-Caseline-Delivery`` header (the same on every try).
"""

import json
import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from agency.audit import audit_record
from agency.links import absolute_url
from agency.outbox import (
    Claim,
    Failure,
    Outbox,
    Outcome,
    SendError,
    administrators_email,
    email_send,
    signed_post,
)
from agency.queueing import task_queue
from agency.webhooks import webhook_event_emit
from supervision.authority import Authority
from supervision.choices import DeliveryStatus
from supervision.lifecycle import REPORT_TRANSITIONS, ReportStep, report_step_open, report_step_require
from supervision.models import ReportDelivery, ViolationReport
from supervision.pdf import pdf_filename, violation_report_pdf
from supervision.services.reports import DELIVER_TASK, violation_report_lock

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "deliver_reports"
DELIVERY_HEADER = "X-Caseline-Delivery"
SWEEP_MIN_AGE = timedelta(minutes=1)
DEFAULT_ALERT_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 minutes: about an hour of failures
# Statuses a webhook may answer with that are worth trying again soon.
TRANSIENT_HTTP_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryFailed(SendError):
    """A try failed in a way we can say in words (recorded on the row: status failed, last_error)."""

    transient = False


class DeliveryTransientError(DeliveryFailed):
    """Worth retrying soon: network error, timeout, 5xx/429 from a webhook, mail server unavailable."""

    transient = True


class DeliveryRejected(DeliveryFailed):
    """The authority's webhook refused the payload (4xx): tried again after the backoff, e.g. once an
    administrator fixed the webhook."""


def report_delivery_alert_attempts() -> int:
    return int(settings.CASELINE.get("REPORT_DELIVERY_ALERT_ATTEMPTS", DEFAULT_ALERT_ATTEMPTS))


def webhook_payload(*, delivery: ReportDelivery, report: ViolationReport) -> dict[str, Any]:
    """Ids and public report metadata only: never a person's name or the narrative."""
    return {
        "event": "violation_report.routed",
        "delivery_id": delivery.pk,
        "report_id": report.pk,
        "supervision_id": report.supervision_id,
        "docket_number": report.supervision.docket_number,
        "authority": _authority(delivery).as_dict(),
        "status": REPORT_TRANSITIONS[ReportStep.ROUTE].target,
        "recommendation": report.recommendation,
        "approved_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
        "path": reverse("inbox:report_detail", args=[report.pk]),
        "url": absolute_url("inbox:report_detail", report.pk),
    }


def _authority(delivery: ReportDelivery) -> Authority:
    return Authority.held(court=delivery.court, parole_board=delivery.parole_board)


def _authority_ids(delivery: ReportDelivery) -> dict[str, int | None]:
    return {"court_id": delivery.court_id, "parole_board_id": delivery.parole_board_id}


# ReportDelivery is an OutboxRow: mypy checks a base's type argument before django-stubs types the model's fields.
class ReportDeliveryOutbox(Outbox[ReportDelivery]):  # type: ignore[type-var]
    model = ReportDelivery
    name = "report delivery"
    due_statuses = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
    delivered_status = DeliveryStatus.DELIVERED
    retry_status = DeliveryStatus.FAILED
    exhausted_status = None  # a court filing is never given up
    backoff_cap: ClassVar[timedelta] = timedelta(hours=1)
    related = ("court", "parole_board", "report__supervision")
    progress_fields = ("emailed_at", "webhook_sent_at")

    def max_attempts(self) -> int | None:
        return report_delivery_alert_attempts()

    def send(self, row: ReportDelivery, claim: Claim) -> None:
        _send_email(self, row, claim)
        _post_webhook(self, row, claim)

    def on_delivered(self, row: ReportDelivery, claim: Claim) -> None:
        report = violation_report_lock(row.report)
        if report_step_open(report.status, ReportStep.ROUTE):
            report.status = report_step_require(report, ReportStep.ROUTE)
            report.save(update_fields=["status", "updated_at"])
            webhook_event_emit(
                event="violation_report.routed",
                obj_type="violation_report",
                obj_id=report.pk,
                data={"report_id": report.pk, "supervision_id": report.supervision_id, **_authority_ids(row)},
            )
        audit_record(
            actor=None,
            system=SYSTEM_LABEL,
            action="violation_report.routed",
            obj=report,
            detail={"delivery_id": row.pk, "attempts": row.attempts},
        )

    def on_failed(self, row: ReportDelivery, claim: Claim, failure: Failure, *, last: bool) -> None:
        alert = row.attempts == self.max_attempts()
        audit_record(
            actor=None,
            system=SYSTEM_LABEL,
            action="violation_report.delivery_failed",
            obj=row.report,
            detail={
                "delivery_id": row.pk,
                "attempts": row.attempts,
                "error": row.last_error,
                "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
                "administrators_alerted": alert,
            },
        )
        if alert:
            delivery_id, summary = row.pk, failure.summary
            transaction.on_commit(lambda: report_delivery_alert_send(delivery_id=delivery_id, error=summary))


OUTBOX = ReportDeliveryOutbox()


def _send_email(outbox: ReportDeliveryOutbox, delivery: ReportDelivery, claim: Claim) -> None:
    if delivery.emailed_at:
        return
    report = delivery.report
    authority = _authority(delivery)
    address = authority.email
    if address:
        message = EmailMessage(
            subject=f"Violation report #{report.pk} for docket {report.supervision.docket_number}",
            body=(
                f"A violation report has been routed to {authority.name}.\n"
                f"Open it in Caseline: {absolute_url('inbox:report_detail', report.pk)}\n"
                "The report is attached as a PDF.\n"
            ),
            to=[address],
        )
        message.attach(pdf_filename(report), violation_report_pdf(report), "application/pdf")
        try:
            email_send(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryTransientError(f"Email to the authority failed: {exc}") from exc
    delivery.emailed_at = claim.now
    outbox.progress(claim, emailed_at=claim.now)


def _post_webhook(outbox: ReportDeliveryOutbox, delivery: ReportDelivery, claim: Claim) -> None:
    authority = _authority(delivery).body
    if delivery.webhook_sent_at or not authority.webhook_url:
        return
    body = json.dumps(webhook_payload(delivery=delivery, report=delivery.report), sort_keys=True).encode()
    try:
        status = signed_post(
            url=authority.webhook_url,
            body=body,
            headers={DELIVERY_HEADER: str(delivery.pk)},
            secret=authority.webhook_secret,
        )
    except SendError as exc:
        raise DeliveryTransientError(f"Webhook {exc}") from exc
    if status in TRANSIENT_HTTP_STATUSES:
        raise DeliveryTransientError(f"Webhook {authority.webhook_url} answered {status}.")
    if not 200 <= status < 300:
        raise DeliveryRejected(f"Webhook {authority.webhook_url} refused the report: {status}.")
    delivery.webhook_sent_at = claim.now


def report_delivery_deliver(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Try to deliver one report to its authority (see the module doc). Returns True when this call
    delivered it; False when it did not: nothing to do (delivered, not due, held by another worker) or the
    try failed (recorded on the row, with its audit row)."""
    return OUTBOX.deliver(delivery_id, now=now) is Outcome.DELIVERED


def report_delivery_alert_send(*, delivery_id: int, error: str) -> int:
    """Tell the administrators that a report has not reached its authority after the alert's number of
    tries (no person's name: the report's number, the docket, the authority). Returns how many were told."""
    delivery = (
        ReportDelivery.objects.select_related("court", "parole_board", "report__supervision")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return 0
    report, authority = delivery.report, _authority(delivery).name
    logger.error("Violation report %s not delivered to %s after %s tries.", report.pk, authority, delivery.attempts)
    return administrators_email(
        subject=f"Caseline: violation report #{report.pk} not delivered to {authority} after {delivery.attempts} tries",
        body=(
            f"Violation report #{report.pk} (docket {report.supervision.docket_number}) was approved, but "
            f"{delivery.attempts} tries to deliver it to {authority} have failed. The last one failed with "
            f"{error}.\n\n"
            "Caseline keeps trying every hour until it is delivered. Check the authority's email address and "
            "webhook in the admin (Courts, Parole boards) and the delivery itself (Report deliveries); the audit "
            "trail has every failed try (violation_report.delivery_failed). Until then the report is not in "
            "the authority's inbox.\n"
        ),
    )


def report_deliveries_due(
    *, now: datetime | None = None, min_age: timedelta = SWEEP_MIN_AGE
) -> QuerySet[ReportDelivery]:
    """Deliveries pending or failed, recorded at least ``min_age`` ago, past their backoff and not
    claimed by a worker (or claimed by one whose lease ran out)."""
    return OUTBOX.due(now=now or timezone.now(), min_age=min_age)


def report_deliveries_sweep(
    *,
    now: datetime | None = None,
    min_age: timedelta = SWEEP_MIN_AGE,
    inline: bool = False,
    limit: int = 1000,
) -> dict[str, int]:
    """Re-queue every delivery that is due (older than ``min_age``), derived from the database, so that
    nothing lost with a broker message or a worker stays undelivered. With ``inline`` (the
    ``deliver_reports`` command) the deliveries are tried here, one after the other, instead: one that
    fails is recorded and the next is tried."""
    ids = list(report_deliveries_due(now=now, min_age=min_age).values_list("pk", flat=True)[:limit])
    counts = {"due": len(ids), "queued": 0, "delivered": 0, "failed": 0, "skipped": 0}
    if inline:
        return counts | OUTBOX.sweep(ids, now=now)
    counts["queued"] = sum(task_queue(DELIVER_TASK, pk, unavailable="the next sweep will.") for pk in ids)
    return counts

"""Delivering approved violation reports to their court or parole board.

A delivery is recorded in the approval's transaction (``violation_report_approve``) and done by the
``report_delivery_deliver_task`` queued after commit. Delivering puts the report in the authority's
inbox (status ``routed``), emails the authority's address and, where the authority has a webhook,
POSTs a signed JSON payload to it. Each channel is done once (``emailed_at``, ``webhook_sent_at``): a
retry after a webhook failure does not email the authority again.

Once per authority however often the task runs: the delivery row is locked (``skip_locked``: a second
worker on the same delivery gives way) and its status checked; the unique constraints
``delivery_once_per_court`` / ``delivery_once_per_board`` keep one row per report and authority.
Work that must happen is derived from the database: ``report_deliveries_sweep`` re-queues every
delivery still pending or failed, so a message lost with a broker that was down is delivered later.

The webhook leg is at least once: if a worker dies after the POST and before its commit, the POST is
sent again; the receiver recognises it by the ``X-Caseline-Delivery`` header (the same on every try).
"""

import json
import logging
import smtplib
from datetime import datetime, timedelta

import requests
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agency.audit import audit_record
from agency.signing import SIGNATURE_HEADER, webhook_signature
from agency.webhooks import webhook_event_emit
from supervision.choices import (
    DeliveryStatus,
    ReportStatus,
)
from supervision.models import (
    ReportDelivery,
    ViolationReport,
)
from supervision.pdf import pdf_filename, violation_report_pdf
from supervision.services.reports import lock_report

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "deliver_reports"
DELIVERY_HEADER = "X-Caseline-Delivery"
WEBHOOK_TIMEOUT = (3.05, 10)  # connect, read (seconds)
SWEEP_MIN_AGE = timedelta(minutes=1)
# Statuses a webhook may answer with that are worth trying again later.
TRANSIENT_HTTP_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryFailed(Exception):
    """A delivery attempt failed; its attempt is recorded on the row (status failed, last_error)."""

    transient = False


class DeliveryTransientError(DeliveryFailed):
    """Worth retrying soon: network error, timeout, 5xx/429 from a webhook, mail server unavailable."""

    transient = True


class DeliveryRejected(DeliveryFailed):
    """The authority's webhook refused the payload (4xx): retrying at once will not help; the periodic
    sweep tries again later (after the backoff), e.g. once an administrator fixed the webhook."""


def webhook_payload(*, delivery: ReportDelivery, report: ViolationReport) -> dict:
    """Ids and public report metadata only: never a person's name or the narrative."""
    authority = (
        {"type": "court", "id": delivery.court_id}
        if delivery.court_id
        else {"type": "parole_board", "id": delivery.parole_board_id}
    )
    return {
        "event": "violation_report.routed",
        "delivery_id": delivery.pk,
        "report_id": report.pk,
        "supervision_id": report.supervision_id,
        "docket_number": report.supervision.docket_number,
        "authority": authority,
        "status": ReportStatus.ROUTED.value,
        "recommendation": report.recommendation,
        "approved_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
        "path": f"/inbox/reports/{report.pk}/",
    }


def _authority_ids(delivery: ReportDelivery) -> dict[str, int | None]:
    return {"court_id": delivery.court_id, "parole_board_id": delivery.parole_board_id}


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def report_delivery_deliver(*, delivery_id: int) -> bool:
    """Deliver one report to its authority (see the module doc). Returns True when this call delivered
    it, False when there was nothing to do (already delivered, or another worker holds it). Raises
    ``DeliveryTransientError`` / ``DeliveryRejected`` after recording a failed attempt."""
    failure: DeliveryFailed | None = None
    with transaction.atomic():
        delivery = (
            # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins to court / board.
            ReportDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("court", "parole_board")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
            return False
        report = lock_report(delivery.report)
        now = timezone.now()
        delivery.attempts += 1
        try:
            _send_email(delivery, report, now)
            _post_webhook(delivery, report, now)
        except DeliveryFailed as exc:
            failure = exc
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = str(exc)[:2000]
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
            delivery.save(
                update_fields=["status", "attempts", "last_error", "next_attempt_at", "emailed_at", "webhook_sent_at"]
            )
            audit_record(
                actor=None,
                system=SYSTEM_LABEL,
                action="violation_report.delivery_failed",
                obj=report,
                detail={"delivery_id": delivery.pk, "attempts": delivery.attempts, "error": delivery.last_error},
            )
        else:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save(
                update_fields=[
                    "status",
                    "attempts",
                    "delivered_at",
                    "last_error",
                    "next_attempt_at",
                    "emailed_at",
                    "webhook_sent_at",
                ]
            )
            if report.status == ReportStatus.APPROVED:
                report.status = ReportStatus.ROUTED
                report.save(update_fields=["status", "updated_at"])
                webhook_event_emit(
                    event="violation_report.routed",
                    obj_type="violation_report",
                    obj_id=report.pk,
                    data={"report_id": report.pk, "supervision_id": report.supervision_id, **_authority_ids(delivery)},
                )
            audit_record(
                actor=None,
                system=SYSTEM_LABEL,
                action="violation_report.routed",
                obj=report,
                detail={"delivery_id": delivery.pk, "attempts": delivery.attempts},
            )
    if failure is not None:
        raise failure
    return True


def _send_email(delivery: ReportDelivery, report: ViolationReport, now: datetime) -> None:
    if delivery.emailed_at:
        return
    address = delivery.court.clerk_email if delivery.court else delivery.parole_board.email
    if address:
        try:
            message = EmailMessage(
                subject=f"Violation report #{report.pk} for docket {report.supervision.docket_number}",
                body=(
                    f"A violation report has been routed to {delivery.court or delivery.parole_board}.\n"
                    f"Open it in Caseline: /inbox/reports/{report.pk}/\n"
                    "The report is attached as a PDF.\n"
                ),
                to=[address],
            )
            message.attach(pdf_filename(report), violation_report_pdf(report), "application/pdf")
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryTransientError(f"Email to the authority failed: {exc}") from exc
    delivery.emailed_at = now


def _post_webhook(delivery: ReportDelivery, report: ViolationReport, now: datetime) -> None:
    authority = delivery.court or delivery.parole_board
    if delivery.webhook_sent_at or not authority.webhook_url:
        return
    body = json.dumps(webhook_payload(delivery=delivery, report=report), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: str(delivery.pk)}
    if authority.webhook_secret:
        headers[SIGNATURE_HEADER] = webhook_signature(secret=authority.webhook_secret, body=body)
    try:
        response = requests.post(
            authority.webhook_url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise DeliveryTransientError(f"Webhook {authority.webhook_url} unreachable: {exc}") from exc
    if response.status_code in TRANSIENT_HTTP_STATUSES:
        raise DeliveryTransientError(f"Webhook {authority.webhook_url} answered {response.status_code}.")
    if not 200 <= response.status_code < 300:
        raise DeliveryRejected(f"Webhook {authority.webhook_url} refused the report: {response.status_code}.")
    delivery.webhook_sent_at = now


def report_deliveries_due(*, now: datetime | None = None, min_age: timedelta = SWEEP_MIN_AGE):
    """Deliveries still pending or failed, recorded at least ``min_age`` ago and past their backoff."""
    now = now or timezone.now()
    return (
        ReportDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
        .filter(created_at__lte=now - min_age)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
    )


def report_deliveries_sweep(
    *,
    now: datetime | None = None,
    min_age: timedelta = SWEEP_MIN_AGE,
    inline: bool = False,
    limit: int = 1000,
) -> dict[str, int]:
    """Re-queue every delivery still pending or failed (older than ``min_age``), derived from the
    database, so that nothing lost with a broker message stays undelivered. With ``inline`` (the
    ``deliver_reports`` command) the deliveries are done here, one after the other, instead."""
    ids = list(report_deliveries_due(now=now, min_age=min_age).values_list("pk", flat=True)[:limit])
    counts = {"due": len(ids), "queued": 0, "delivered": 0, "failed": 0, "skipped": 0}
    if inline:
        for delivery_id in ids:
            try:
                delivered = report_delivery_deliver(delivery_id=delivery_id)
            except DeliveryFailed:
                counts["failed"] += 1
            else:
                counts["delivered" if delivered else "skipped"] += 1
        return counts
    from supervision.tasks import report_delivery_deliver_task

    for delivery_id in ids:
        report_delivery_deliver_task.delay(delivery_id)
        counts["queued"] += 1
    return counts

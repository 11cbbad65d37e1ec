"""Delivering approved violation reports to their court or parole board."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from supervision.choices import (
    DeliveryStatus,
    ReportStatus,
)
from supervision.models import (
    ReportDelivery,
)
from supervision.services.reports import lock_report

logger = logging.getLogger(__name__)


@transaction.atomic
def report_delivery_deliver(*, delivery_id: int) -> bool:
    """Deliver one report to its authority: put it in the authority's inbox (status ``routed``) and
    email the authority. Returns False when it was already delivered (idempotent)."""
    delivery = (
        ReportDelivery.objects.select_for_update(skip_locked=True)
        .select_related("report", "court", "parole_board")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return False
    report = lock_report(delivery.report)
    delivery.attempts += 1
    authority_email = delivery.court.clerk_email if delivery.court else delivery.parole_board.email
    if authority_email:
        send_mail(
            subject=f"Violation report #{report.pk} for docket {report.supervision.docket_number}",
            message=(
                f"A violation report has been routed to {delivery.court or delivery.parole_board}.\n"
                f"Open it in Caseline: /inbox/reports/{report.pk}/\n"
            ),
            from_email=None,
            recipient_list=[authority_email],
        )

    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
    if report.status == ReportStatus.APPROVED:
        report.status = ReportStatus.ROUTED
        report.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, system="deliver_reports", action="violation_report.routed", obj=report)
    return True

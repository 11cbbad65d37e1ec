"""The daily digest each unit supervisor receives about the unit: at most one per supervisor, unit
and day (``digest_once_per_supervisor_unit_day``), so a second beat or a redelivery sends nothing."""

import logging
from datetime import date, datetime, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from agency.audit import audit_record
from agency.models import Unit
from supervision.choices import NON_COMPLIANT_RESULTS, CheckInStatus, ReportStatus, ViolationStatus
from supervision.models import CheckIn, DigestDelivery, DrugTest, Violation, ViolationReport

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "send_supervisor_digests"

DIGEST_LINES = {
    "overdue": "Check-ins still open whose window closes by the end of today",
    "missed_yesterday": "Check-ins missed yesterday",
    "positive_tests": "Non-compliant drug tests collected yesterday",
    "open_violations": "Open violations",
    "reports_waiting": "Violation reports waiting for your review",
}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def unit_digest_counts(*, day: date) -> dict[int, dict[str, int]]:
    """Per unit id, the digest counts for ``day`` (one grouped query per figure, whatever the units)."""
    today, yesterday = _start_of(day), _start_of(day - timedelta(days=1))
    tomorrow = _start_of(day + timedelta(days=1))
    figures = {
        "overdue": CheckIn.objects.filter(status=CheckInStatus.SCHEDULED, due_at__lt=tomorrow),
        "missed_yesterday": CheckIn.objects.filter(
            status=CheckInStatus.MISSED, due_at__gte=yesterday, due_at__lt=today
        ),
        "positive_tests": DrugTest.objects.filter(
            result__in=NON_COMPLIANT_RESULTS, collected_at__gte=yesterday, collected_at__lt=today
        ),
        "open_violations": Violation.objects.filter(status=ViolationStatus.OPEN),
        "reports_waiting": ViolationReport.objects.filter(status=ReportStatus.SUBMITTED),
    }
    counts: dict[int, dict[str, int]] = {}
    for name, queryset in figures.items():
        for row in queryset.order_by().values("supervision__unit_id").annotate(n=Count("pk")):
            counts.setdefault(row["supervision__unit_id"], {})[name] = row["n"]
    return counts


def supervisor_digest_send(*, day: date | None = None) -> dict[str, int]:
    """Email each unit supervisor the digest of the unit for ``day`` (default today), once."""
    day = day or timezone.localdate()
    counts_by_unit = unit_digest_counts(day=day)
    result = {"units": 0, "sent": 0, "skipped": 0, "failed": 0}
    already = set(DigestDelivery.objects.filter(day=day).values_list("supervisor_id", "unit_id"))
    for unit in Unit.objects.filter(supervisor__isnull=False).select_related("supervisor").order_by("pk"):
        supervisor = unit.supervisor
        assert supervisor is not None  # the query keeps the units with a supervisor
        result["units"] += 1
        if (unit.supervisor_id, unit.pk) in already:
            result["skipped"] += 1
            continue
        figures = {name: counts_by_unit.get(unit.pk, {}).get(name, 0) for name in DIGEST_LINES}
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(supervisor=supervisor, unit=unit, day=day, counts=figures)
                audit_record(actor=None, system=SYSTEM_LABEL, action="unit.digest_sent", obj=unit, detail=figures)
                if supervisor.email:
                    send_mail(
                        subject=f"Caseline daily digest: {unit.name}, {day:%a %d %b %Y}",
                        message="\n".join(f"{label}: {figures[name]}" for name, label in DIGEST_LINES.items()) + "\n",
                        from_email=None,
                        recipient_list=[supervisor.email],
                    )
        except IntegrityError:
            result["skipped"] += 1  # another run sent it meanwhile
        except Exception:
            logger.exception("Could not send the digest of unit %s", unit.pk)
            result["failed"] += 1
        else:
            result["sent"] += 1
    return result

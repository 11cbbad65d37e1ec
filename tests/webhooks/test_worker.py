"""End to end with a real Celery worker on the real Redis broker (this suite's own Redis db)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agency.models import WebhookDelivery, WebhookDeliveryStatus
from agency.webhooks import webhook_deliveries_sweep
from supervision.choices import ViolationKind
from supervision.services import violation_record
from tests.agency.factories import CourtFactory, OfficerFactory
from tests.jobs.conftest import approve, celery_worker, submitted_report, wait_until  # noqa: F401 (fixture)
from tests.supervision.factories import SupervisionFactory
from tests.webhooks.conftest import signature_valid

# The worker modules use the suite's Redis database as the broker: never run them in parallel.
pytestmark = pytest.mark.xdist_group("celery-broker")


def all_delivered(count: int) -> bool:
    return WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.DELIVERED).count() == count


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_events_after_commit_and_retries_a_failure(celery_worker, receiver, subscribe):  # noqa: F811
    # given a subscriber whose system fails once
    subscribe(events=["violation.created", "violation_report.routed"])
    receiver.statuses = [503]
    # when a violation is recorded, and a report approved (the worker routes it, which emits the event)
    violation = violation_record(
        actor=OfficerFactory(),
        supervision=SupervisionFactory(),
        kind=ViolationKind.TECHNICAL,
        occurred_on=timezone.localdate(),
        description="Left the county.",
    )
    wait_until(lambda: WebhookDelivery.objects.filter(attempts=1).exists(), what="the first, failed try")
    report, _ = approve(submitted_report(SupervisionFactory(court=CourtFactory())))
    wait_until(lambda: WebhookDelivery.objects.count() == 2, what="the routed event")
    # the failed one is due after its backoff: the periodic sweep (run here, as if later) re-queues it
    WebhookDelivery.objects.filter(attempts=1).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    wait_until(lambda: all_delivered(1), what="the routed event's delivery")
    webhook_deliveries_sweep(now=timezone.now() + timedelta(minutes=2))
    wait_until(lambda: all_delivered(2), what="the retried delivery")
    # then each event reached the receiver, signed; the failed one twice with the same delivery id
    rows = {row.event: row for row in WebhookDelivery.objects.all()}
    assert (rows["violation.created"].attempts, rows["violation_report.routed"].attempts) == (2, 1)
    assert [signature_valid(r) for r in receiver.requests] == [True, True, True]
    assert sorted(r["headers"]["X-Caseline-Delivery"] for r in receiver.requests) == sorted(
        [f"violation.created:violation:{violation.pk}"] * 2 + [f"violation_report.routed:violation_report:{report.pk}"]
    )

"""End to end with a real Celery worker on the real Redis broker (this suite's own Redis db)."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from agency.models import AuditEvent
from supervision import tasks
from supervision.access import violation_reports_visible_to
from supervision.choices import DeliveryStatus, ReportStatus
from supervision.models import ReportDelivery
from supervision.services import report_deliveries_sweep
from tests.agency.factories import CourtClerkFactory, CourtFactory, ParoleBoardFactory
from tests.jobs.conftest import approve, submitted_report, wait_until
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory

# Both worker modules use the suite's Redis database as the broker: never run them in parallel.
pytestmark = pytest.mark.xdist_group("celery-broker")


def delivered(delivery_id: int) -> bool:
    return ReportDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.DELIVERED).exists()


@pytest.mark.django_db(transaction=True)
def test_an_approved_report_reaches_the_courts_inbox_through_the_worker(celery_worker, webhook):
    # given
    court = CourtFactory(webhook_url=webhook.url, webhook_secret="s3cret")
    clerk, other_clerk = CourtClerkFactory(court=court), CourtClerkFactory()
    supervision = SupervisionFactory(court=court)
    # when: the supervisor approves; the delivery task is queued on commit and the worker runs it
    report, delivery = approve(submitted_report(supervision))
    wait_until(lambda: delivered(delivery.pk), what="the worker to deliver the report")
    # then
    report.refresh_from_db()
    delivery.refresh_from_db()
    assert (report.status, delivery.attempts) == (ReportStatus.ROUTED, 1)
    assert list(violation_reports_visible_to(clerk)) == [report]
    assert list(violation_reports_visible_to(other_clerk)) == []
    assert webhook.posts_per_report() == {report.pk: 1}
    assert [m.to for m in mail.outbox] == [[court.clerk_email]]


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_a_webhook_that_failed_and_delivers_once(celery_worker, webhook):
    # given: the board's system answers 500 once, then 200
    board = ParoleBoardFactory(webhook_url=webhook.url, webhook_secret="k")
    webhook.statuses = [500]
    # when: the worker's first try fails and is recorded with its backoff ...
    report, delivery = approve(submitted_report(ParoleSupervisionFactory(parole_board=board)))
    wait_until(
        lambda: ReportDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED, attempts=1).exists(),
        what="the first, failed try",
    )
    # ... the backoff passes (moved here rather than waited for) and the periodic sweep re-queues it
    ReportDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    counts = report_deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    wait_until(lambda: delivered(delivery.pk), what="the retried delivery")
    # then
    delivery.refresh_from_db()
    assert counts["queued"] == 1
    assert (delivery.attempts, delivery.last_error) == (2, "")
    assert webhook.posts_per_report() == {report.pk: 2}
    assert [m.to for m in mail.outbox] == [[board.email]]
    assert AuditEvent.objects.filter(action="violation_report.routed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_approval_then_the_sweep_gets_it_delivered(celery_worker):
    # given: Redis is unreachable when the supervisor approves
    supervision = SupervisionFactory()
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay", side_effect=OperationalError("down")):
        report, delivery = approve(submitted_report(supervision))
    report.refresh_from_db()
    assert (report.status, ReportDelivery.objects.get().status) == (ReportStatus.APPROVED, DeliveryStatus.PENDING)
    # when: the broker is back and the periodic sweep runs a minute later
    counts = report_deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    wait_until(lambda: delivered(delivery.pk), what="the swept delivery")
    # then
    report.refresh_from_db()
    assert counts["queued"] == 1
    assert report.status == ReportStatus.ROUTED
    assert [m.to for m in mail.outbox] == [[supervision.court.clerk_email]]

"""A Celery worker process killed with SIGKILL in the middle of a batch of deliveries, then restarted.

Its own module: the in-process worker of test_worker.py must not be running and take the tasks."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from agency.models import AuditEvent
from supervision import tasks
from supervision.choices import DeliveryStatus, ReportRecommendation, ReportStatus
from supervision.models import ReportDelivery, ViolationReport
from supervision.services import report_deliveries_sweep
from tests.agency.factories import CourtFactory
from tests.jobs.conftest import broker_flush, broker_url, database_url, wait_until
from tests.supervision.factories import SupervisionFactory

# Both worker modules use the suite's Redis database as the broker: never run them in parallel.
pytestmark = pytest.mark.xdist_group("celery-broker")

LEASE_SECONDS = 10


def _worker_process(log_path: Path) -> subprocess.Popen:
    """``celery -A agency worker`` in its own process group, on the test database and this suite's Redis."""
    # Not PYTEST_XDIST_WORKER: agency.settings_test would move the worker to the next xdist worker's Redis
    # database (N+1 once more), where it would take another test's tasks and never see these.
    env = {
        **{name: value for name, value in os.environ.items() if name != "PYTEST_XDIST_WORKER"},
        "DJANGO_SETTINGS_MODULE": "agency.settings_test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "REDIS_URL": broker_url(),
        # a short claim, so that the killed worker's delivery is due again within the test
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    command = [sys.executable, "-m", "celery", "-A", "agency", "worker", "--pool", "prefork", "--concurrency", "1"]
    command += [
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"crash-{uuid.uuid4().hex[:8]}@%h",
    ]
    with open(log_path, "ab") as log:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_delivers_every_report_once_after_restart(webhook, tmp_path):
    # given: 100 approved reports waiting for delivery, their 100 tasks queued
    broker_flush()
    court = CourtFactory(webhook_url=webhook.url, webhook_secret="s3cret")
    supervision = SupervisionFactory(court=court)
    reports = ViolationReport.objects.bulk_create(
        ViolationReport(
            supervision=supervision,
            narrative="Failed to report.",
            recommendation=ReportRecommendation.CONTINUE,
            status=ReportStatus.APPROVED,
            author=supervision.officer,
            reviewed_at=timezone.now(),
            court=court,
        )
        for _ in range(100)
    )
    deliveries = ReportDelivery.objects.bulk_create(ReportDelivery(report=r, court=court) for r in reports)
    for delivery in deliveries:
        tasks.report_delivery_deliver_task.delay(delivery.pk)
    # the court's system holds its answer to the 30th POST: the worker is killed while it waits
    arrived, release = threading.Event(), threading.Event()
    webhook.hold = (30, arrived, release)
    log = tmp_path / "worker.log"
    worker = _worker_process(log)
    try:
        assert arrived.wait(timeout=180), log.read_text()
        # when: the whole worker (main process and child) dies with SIGKILL in the middle of a delivery
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        release.set()
        delivered_before_restart = ReportDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
        killed = ReportDelivery.objects.get(pk=deliveries[29].pk)
        # ... a worker starts again, and the periodic sweep (every minute; here every 2 s) re-queues what
        # is still undelivered: the killed worker's delivery once its claim has run out
        worker = _worker_process(log)

        swept = [0.0]

        def all_delivered() -> bool:
            if time.monotonic() - swept[0] > 2:
                report_deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
                swept[0] = time.monotonic()
            return ReportDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 100

        wait_until(all_delivered, timeout=180, what="all 100 deliveries")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        broker_flush()
    # then: in the database every report was delivered and routed exactly once
    assert delivered_before_restart == 29
    assert (killed.status, killed.attempts, killed.last_error.startswith("Try 1 began at ")) == (
        DeliveryStatus.PENDING,
        1,
        True,
    )
    assert ReportDelivery.objects.count() == 100
    # every delivery took one try, but the one the worker died in: two (the first one counted)
    assert dict(ReportDelivery.objects.values_list("pk", "attempts")) == {
        d.pk: 2 if d.pk == deliveries[29].pk else 1 for d in deliveries
    }
    assert ViolationReport.objects.filter(status=ReportStatus.ROUTED).count() == 100
    assert Counter(
        AuditEvent.objects.filter(action="violation_report.routed").values_list("object_id", flat=True)
    ) == Counter({str(r.pk): 1 for r in reports})
    # the court received every report; the one whose POST was in flight when the worker died was sent
    # again (at least once over HTTP), with the same X-Caseline-Delivery key for the court to drop it
    per_report = webhook.posts_per_report()
    killed = reports[29].pk
    assert per_report == Counter({r.pk: 2 if r.pk == killed else 1 for r in reports})
    keys = Counter(request["headers"]["X-Caseline-Delivery"] for request in webhook.requests)
    assert set(keys) == {str(d.pk) for d in deliveries}
    assert keys[str(deliveries[29].pk)] == 2

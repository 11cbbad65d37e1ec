"""A delivery that fails, for whatever reason, is recorded, backs off, alerts the administrators after its
last scheduled try, and never stops the others; nothing is sent while a lock is held; a claim runs out."""

import contextlib
import datetime
import smtplib
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from reportlab.platypus.doctemplate import LayoutError

from agency.models import AuditEvent
from agency.outbox import ERROR_MAX_CHARS
from supervision import tasks
from supervision.choices import DeliveryStatus, ReportStatus
from supervision.models import ReportDelivery
from supervision.pdf import violation_report_pdf
from supervision.services import delivery as delivery_service
from supervision.services import report_delivery_deliver
from supervision.services.delivery import OUTBOX, report_deliveries_due
from tests.agency.factories import AdministratorFactory, CourtFactory, SupervisorFactory
from tests.jobs.conftest import approve, row_lockable, submitted_report
from tests.supervision.factories import SupervisionFactory

NOW = datetime.datetime(2026, 5, 12, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def no_broker():
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay") as delay:
        yield delay


def _approved(court=None):
    report, delivery = approve(submitted_report(SupervisionFactory(court=court or CourtFactory())))
    return report, delivery


def _failing_for(report, exc: Exception):
    """``violation_report_pdf`` that raises ``exc`` for ``report`` and renders the others."""

    def render(candidate):
        if candidate.pk == report.pk:
            raise exc
        return violation_report_pdf(candidate)

    return mock.patch.object(delivery_service, "violation_report_pdf", side_effect=render)


def _email_failing_for(address: str):
    real = delivery_service.email_send

    def send(message):
        if message.to == [address]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(message)

    return mock.patch.object(delivery_service, "email_send", side_effect=send)


def _routing_failing_for(report):
    real = delivery_service.webhook_event_emit

    def emit(**kwargs):
        if kwargs["obj_id"] == report.pk:
            raise RuntimeError("a bug while routing")
        return real(**kwargs)

    return mock.patch.object(delivery_service, "webhook_event_emit", side_effect=emit)


# --- One bad delivery is isolated --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.time_machine(NOW, tick=False)
@pytest.mark.parametrize("cause", ["pdf", "smtp", "webhook", "bug while recording"])
def test_a_delivery_that_always_fails_is_recorded_and_the_next_one_is_delivered_in_the_same_sweep(
    cause, webhook, capsys
):
    # given two approved reports, the first one's delivery failing every time
    first_court = CourtFactory(webhook_url=webhook.url if cause == "webhook" else "")
    webhook.statuses = [500] * 5
    first, first_delivery = _approved(first_court)
    second, second_delivery = _approved()
    failing = {
        "pdf": lambda: _failing_for(first, LayoutError("Flowable <Table> too large on page 3")),
        "smtp": lambda: _email_failing_for(first_court.clerk_email),
        "webhook": contextlib.nullcontext,
        "bug while recording": lambda: _routing_failing_for(first),
    }[cause]
    # when the delivery job runs
    with failing():
        call_command("deliver_reports")
    # then the second report reached its court, and the first one's failure is on record
    first.refresh_from_db()
    second.refresh_from_db()
    first_delivery.refresh_from_db()
    second_delivery.refresh_from_db()
    out, err = capsys.readouterr()
    assert out == "2 delivery(ies) due; delivered 1; failed 1; skipped 0 (already delivered or in progress).\n"
    assert (
        "Each failure is recorded on its delivery (admin: Report deliveries, last error) and in the audit trail "
        "(violation_report.delivery_failed); it is tried again after its backoff.\n"
    ) in err
    assert (second.status, second_delivery.status, second_delivery.attempts) == (
        ReportStatus.ROUTED,
        DeliveryStatus.DELIVERED,
        1,
    )
    assert (first.status, first_delivery.status, first_delivery.attempts, first_delivery.next_attempt_at) == (
        ReportStatus.APPROVED,
        DeliveryStatus.FAILED,
        1,
        NOW + datetime.timedelta(seconds=30),
    )
    assert (
        first_delivery.last_error
        == {
            "pdf": "LayoutError: Flowable <Table> too large on page 3",
            "smtp": "Email to the authority failed: Connection unexpectedly closed",
            "webhook": f"Webhook {webhook.url} answered 500.",
            "bug while recording": "Sent, but recording it failed: RuntimeError: a bug while routing",
        }[cause]
    )
    failed = AuditEvent.objects.get(action="violation_report.delivery_failed")
    assert (failed.actor_label, failed.object_id, failed.offender_id) == (
        "system:deliver_reports",
        str(first.pk),
        first.supervision.offender_id,
    )
    assert failed.detail == {
        "delivery_id": first_delivery.pk,
        "attempts": 1,
        "error": first_delivery.last_error,
        "next_attempt_at": (NOW + datetime.timedelta(seconds=30)).isoformat(),
        "administrators_alerted": False,
    }
    routed = AuditEvent.objects.filter(action="violation_report.routed").values_list("object_id", flat=True)
    assert list(routed) == [str(second.pk)]
    # the email went out where the failure came after it, and is not sent again on the next try
    emailed = cause in ("webhook", "bug while recording")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [second.supervision.court.clerk_email, *([first_court.clerk_email] if emailed else [])]
    )
    assert (first_delivery.emailed_at is not None) is emailed


@pytest.mark.django_db
def test_the_error_kept_is_bounded():
    # given a delivery whose PDF fails with a very long message
    report, delivery = _approved()
    # when
    with _failing_for(report, RuntimeError("x" * 50_000)):
        delivered = report_delivery_deliver(delivery_id=delivery.pk)
    # then
    delivery.refresh_from_db()
    event = AuditEvent.objects.get(action="violation_report.delivery_failed")
    assert delivered is False
    assert len(delivery.last_error) == ERROR_MAX_CHARS
    assert delivery.last_error.startswith("RuntimeError: xxx")
    assert event.detail["error"] == delivery.last_error


# --- Backoff and the alert -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.time_machine(NOW, tick=False)
def test_a_failing_delivery_backs_off_up_to_an_hour_and_alerts_the_administrators_once(
    webhook, settings, django_capture_on_commit_callbacks
):
    # given a court whose system always fails, an alert after the 4th try, and the people who could be told
    settings.CASELINE = {**settings.CASELINE, "REPORT_DELIVERY_ALERT_ATTEMPTS": 4}
    admins = [
        AdministratorFactory(email="b-admin@agency.example"),
        AdministratorFactory(email="a-admin@agency.example"),
    ]
    AdministratorFactory(email="gone@agency.example", is_active=False)
    AdministratorFactory(email="")
    webhook.statuses = [503] * 20
    court = CourtFactory(webhook_url=webhook.url)
    report, delivery = _approved(court)
    SupervisorFactory(email="supervisor@agency.example")
    # when it is tried nine times, each time when it is due
    now, waits, results = NOW, [], []
    for _ in range(9):
        with django_capture_on_commit_callbacks(execute=True):
            results.append(report_delivery_deliver(delivery_id=delivery.pk, now=now))
        delivery.refresh_from_db()
        waits.append(int((delivery.next_attempt_at - now).total_seconds()))
        now = delivery.next_attempt_at
    # then: 30 s, doubling, at most an hour; still failed and still tried; the authority emailed once
    assert results == [False] * 9
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert (delivery.status, delivery.attempts, report.status) == (DeliveryStatus.FAILED, 9, ReportStatus.APPROVED)
    assert len(webhook.requests) == 9
    authority_mail, alert = mail.outbox
    assert authority_mail.to == [court.clerk_email]
    # one alert, after the 4th try, to each active administrator with an address
    assert alert.to == sorted(a.email for a in admins)
    assert alert.subject == f"Caseline: violation report #{report.pk} not delivered to {court} after 4 tries"
    assert f"(docket {report.supervision.docket_number})" in alert.body
    assert f"The last one failed with Webhook {webhook.url} answered 503." in alert.body
    assert report.supervision.offender.last_name not in alert.body
    events = AuditEvent.objects.filter(action="violation_report.delivery_failed").order_by("id")
    assert [e.detail["attempts"] for e in events] == list(range(1, 10))
    assert [e.detail["administrators_alerted"] for e in events] == [False, False, False, True] + [False] * 5


@pytest.mark.django_db
def test_an_unexpected_error_is_alerted_without_its_text(settings, django_capture_on_commit_callbacks):
    # given an alert after the first try, and a PDF that fails with a message holding a person's words
    settings.CASELINE = {**settings.CASELINE, "REPORT_DELIVERY_ALERT_ATTEMPTS": 1}
    AdministratorFactory(email="admin@agency.example")
    report, delivery = _approved()
    # when
    with (
        _failing_for(report, LayoutError("cell containing 'He said he used on Friday'")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report_delivery_deliver(delivery_id=delivery.pk)
    # then the administrators learn what kind of error it was; its text stays on the row
    [alert] = mail.outbox
    delivery.refresh_from_db()
    assert "an unexpected error (LayoutError)" in alert.body
    assert "Friday" not in alert.body
    assert delivery.last_error == "LayoutError: cell containing 'He said he used on Friday'"


# --- Claims: outside any lock, exactly once, and they run out --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_pdf_the_email_and_the_webhook_are_done_without_holding_a_lock(no_broker, webhook):
    # given an approved report to a court with a webhook
    report, delivery = _approved(CourtFactory(webhook_url=webhook.url, webhook_secret="s3cret"))
    seen: dict[str, tuple[bool, bool]] = {}

    def locks(step: str) -> None:
        seen[step] = (
            row_lockable("supervision_violationreport", report.pk),
            row_lockable("supervision_reportdelivery", delivery.pk),
        )

    real_send = delivery_service.email_send
    real_post = delivery_service.signed_post

    def render(candidate):
        locks("pdf")
        return violation_report_pdf(candidate)

    def send(message):
        locks("email")
        return real_send(message)

    def post(**kwargs):
        locks("webhook")
        return real_post(**kwargs)

    # when the delivery is made
    with (
        mock.patch.object(delivery_service, "violation_report_pdf", side_effect=render),
        mock.patch.object(delivery_service, "email_send", side_effect=send),
        mock.patch.object(delivery_service, "signed_post", side_effect=post),
    ):
        delivered = report_delivery_deliver(delivery_id=delivery.pk)
    # then at each step another session could have locked the report and the delivery
    assert delivered is True
    assert seen == {"pdf": (True, True), "email": (True, True), "webhook": (True, True)}
    assert len(webhook.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_does_not_send_a_delivery_another_one_is_sending(no_broker, webhook):
    # given a delivery whose webhook POST the court's system holds
    _, delivery = _approved(CourtFactory(webhook_url=webhook.url))
    arrived, release = threading.Event(), threading.Event()
    webhook.hold = (1, arrived, release)
    results = {}

    def first_worker():
        try:
            results["first"] = report_delivery_deliver(delivery_id=delivery.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=first_worker)
    worker.start()
    assert arrived.wait(timeout=30)
    # when a second worker (a duplicate message, a sweep) comes while the first is sending
    results["second"] = report_delivery_deliver(delivery_id=delivery.pk)
    due_meanwhile = list(report_deliveries_due(now=timezone.now() + datetime.timedelta(minutes=2)))
    release.set()
    worker.join(timeout=30)
    # then it gives way: one POST, one email, one routing
    delivery.refresh_from_db()
    assert results == {"first": True, "second": False}
    assert due_meanwhile == []
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert len(webhook.requests) == 1
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="violation_report.routed").count() == 1


@pytest.mark.django_db
@pytest.mark.time_machine(NOW, tick=False)
def test_the_claim_of_a_worker_that_died_runs_out_and_the_delivery_is_made_then():
    # given a worker that claimed the delivery and died before sending it
    report, delivery = _approved()
    ReportDelivery.objects.filter(pk=delivery.pk).update(created_at=NOW - datetime.timedelta(minutes=5))
    assert OUTBOX.claim(delivery.pk, now=NOW) is not None
    claimed = ReportDelivery.objects.get(pk=delivery.pk)
    # when it is asked for before the lease runs out, then after
    later = NOW + datetime.timedelta(minutes=2)
    due_before = list(report_deliveries_due(now=later))
    tried_before = report_delivery_deliver(delivery_id=delivery.pk, now=later)
    sent_before = len(mail.outbox)
    after = NOW + datetime.timedelta(minutes=5, seconds=1)
    due_after = list(report_deliveries_due(now=after))
    delivered = report_delivery_deliver(delivery_id=delivery.pk, now=after)
    # then the claim said what happened, held five minutes, then the delivery was made (the dead try counted)
    delivery.refresh_from_db()
    report.refresh_from_db()
    assert (claimed.attempts, claimed.next_attempt_at) == (1, NOW + datetime.timedelta(minutes=5))
    assert claimed.last_error == (
        "Try 1 began at 2026-05-12T14:00:00+00:00 and did not finish (the worker stopped, or is still at it); "
        "it is tried again after 2026-05-12T14:05:00+00:00."
    )
    assert (due_before, tried_before, sent_before) == ([], False, 0)
    assert (due_after, delivered) == ([delivery], True)
    assert (delivery.status, delivery.attempts, delivery.last_error, report.status) == (
        DeliveryStatus.DELIVERED,
        2,
        "",
        ReportStatus.ROUTED,
    )
    assert len(mail.outbox) == 1

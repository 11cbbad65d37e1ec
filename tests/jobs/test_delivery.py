import datetime
import hashlib
import hmac
import json
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from agency.models import AuditEvent
from supervision import tasks
from supervision.access import violation_reports_visible_to
from supervision.choices import DeliveryStatus, ReportStatus
from supervision.models import ReportDelivery
from supervision.services import report_deliveries_sweep, report_delivery_deliver
from tests.agency.factories import BoardStaffFactory, CourtClerkFactory, CourtFactory, ParoleBoardFactory
from tests.jobs.conftest import approve, submitted_report
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory


@pytest.fixture
def no_broker():
    """Approvals queue the delivery after commit: record the ids instead of talking to Redis."""
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay") as delay:
        yield delay


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["probation", "parole"])
def test_a_report_goes_to_its_own_authority_only(kind, no_broker, django_capture_on_commit_callbacks):
    # given: two courts and two boards, each with its staff; the case's authority is one of them
    courts = [CourtFactory(), CourtFactory()]
    boards = [ParoleBoardFactory(), ParoleBoardFactory()]
    clerks = [CourtClerkFactory(court=c) for c in courts]
    staff = [BoardStaffFactory(parole_board=b) for b in boards]
    if kind == "probation":
        supervision = SupervisionFactory(court=courts[0])
        address, own, others = courts[0].clerk_email, clerks[0], [clerks[1], *staff]
    else:
        supervision = ParoleSupervisionFactory(parole_board=boards[0])
        address, own, others = boards[0].email, staff[0], [*clerks, staff[1]]
    with django_capture_on_commit_callbacks(execute=True):
        report, delivery = approve(submitted_report(supervision))
    # when
    delivered = report_delivery_deliver(delivery_id=delivery.pk)
    # then
    report.refresh_from_db()
    delivery.refresh_from_db()
    no_broker.assert_called_once_with(delivery.pk)
    assert delivered is True
    assert (delivery.court, delivery.parole_board) == ((courts[0], None) if kind == "probation" else (None, boards[0]))
    assert (delivery.status, delivery.attempts, report.status) == (DeliveryStatus.DELIVERED, 1, ReportStatus.ROUTED)
    assert ReportDelivery.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[address]]
    assert f"Open it in Caseline: https://caseline.test/inbox/reports/{report.pk}/\n" in mail.outbox[0].body
    assert list(violation_reports_visible_to(own)) == [report]
    assert [list(violation_reports_visible_to(user)) for user in others] == [[], [], []]


@pytest.mark.django_db
def test_delivering_twice_delivers_once(webhook):
    # given
    court = CourtFactory(webhook_url=webhook.url, webhook_secret="s3cret")
    _, delivery = approve(submitted_report(SupervisionFactory(court=court)))
    report_delivery_deliver(delivery_id=delivery.pk)
    # when
    again = report_delivery_deliver(delivery_id=delivery.pk)
    # then
    delivery.refresh_from_db()
    assert again is False
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert len(mail.outbox) == 1
    assert len(webhook.requests) == 1
    assert AuditEvent.objects.filter(action="violation_report.routed").count() == 1


@pytest.mark.django_db
def test_webhook_payload_is_signed_and_carries_ids_only(webhook):
    # given
    court = CourtFactory(webhook_url=webhook.url, webhook_secret="s3cret")
    report, delivery = approve(submitted_report(SupervisionFactory(court=court)))
    # when
    report_delivery_deliver(delivery_id=delivery.pk)
    # then
    (received,) = webhook.requests
    expected = "sha256=" + hmac.new(b"s3cret", received["body"], hashlib.sha256).hexdigest()
    assert received["headers"]["X-Caseline-Signature"] == expected
    assert received["headers"]["X-Caseline-Delivery"] == str(delivery.pk)
    payload = json.loads(received["body"])
    assert payload == {
        "event": "violation_report.routed",
        "delivery_id": delivery.pk,
        "report_id": report.pk,
        "supervision_id": report.supervision_id,
        "docket_number": report.supervision.docket_number,
        "authority": {"type": "court", "id": court.pk},
        "status": "routed",
        "recommendation": report.recommendation,
        "approved_at": report.reviewed_at.isoformat(),
        "path": f"/inbox/reports/{report.pk}/",
        "url": f"https://caseline.test/inbox/reports/{report.pk}/",
    }
    offender = report.supervision.offender
    assert offender.last_name not in received["body"].decode()
    assert report.narrative not in received["body"].decode()


@pytest.mark.django_db
def test_webhook_500_then_200_delivers_once_with_attempts_recorded(webhook):
    # given: the board's system fails once
    board = ParoleBoardFactory(webhook_url=webhook.url, webhook_secret="k")
    report, delivery = approve(submitted_report(ParoleSupervisionFactory(parole_board=board)))
    webhook.statuses = [500]
    now = timezone.now()
    # when: tried, then tried again once its backoff is over
    first = report_delivery_deliver(delivery_id=delivery.pk, now=now)
    delivery.refresh_from_db()
    report.refresh_from_db()
    after_failure = (delivery.status, delivery.attempts, report.status, delivery.next_attempt_at - now)
    second = report_delivery_deliver(delivery_id=delivery.pk, now=delivery.next_attempt_at)
    # then
    delivery.refresh_from_db()
    report.refresh_from_db()
    assert (first, second) == (False, True)
    assert after_failure == (DeliveryStatus.FAILED, 1, ReportStatus.APPROVED, datetime.timedelta(seconds=30))
    assert (delivery.status, delivery.attempts, delivery.last_error, report.status) == (
        DeliveryStatus.DELIVERED,
        2,
        "",
        ReportStatus.ROUTED,
    )
    assert len(webhook.requests) == 2
    assert len(mail.outbox) == 1  # the email went out with the first attempt and is not sent again
    assert AuditEvent.objects.filter(action="violation_report.delivery_failed").count() == 1
    assert AuditEvent.objects.filter(action="violation_report.routed").count() == 1


@pytest.mark.django_db
def test_a_webhook_that_refuses_the_report_is_not_retried_before_its_backoff(webhook):
    # given
    court = CourtFactory(webhook_url=webhook.url)
    _, delivery = approve(submitted_report(SupervisionFactory(court=court)))
    webhook.statuses = [404, 404]
    # when: the delivery fails, and its task comes again at once (a duplicate message)
    first = report_delivery_deliver(delivery_id=delivery.pk)
    result = tasks.report_delivery_deliver_task.apply(args=[delivery.pk])
    # then
    delivery.refresh_from_db()
    assert (first, result.get()) == (False, False)
    assert (delivery.status, delivery.attempts, len(webhook.requests)) == (DeliveryStatus.FAILED, 1, 1)
    assert delivery.last_error == f"Webhook {webhook.url} refused the report: 404."


@pytest.mark.django_db
def test_broker_down_at_approval_the_approval_stands_and_the_sweep_delivers(django_capture_on_commit_callbacks):
    # given: Redis is unreachable when the supervisor approves
    supervision = SupervisionFactory()
    with (
        mock.patch.object(
            tasks.report_delivery_deliver_task, "delay", side_effect=OperationalError("Error 111 connecting")
        ) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report, delivery = approve(submitted_report(supervision))
    report.refresh_from_db()
    delivery.refresh_from_db()
    assert delay.call_count == 1
    assert (report.status, delivery.status) == (ReportStatus.APPROVED, DeliveryStatus.PENDING)
    # when: the broker is back; the sweep runs a minute later and the worker runs what it queued
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay") as queued:
        too_early = report_deliveries_sweep()
        counts = report_deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    for call in queued.call_args_list:
        tasks.report_delivery_deliver_task.apply(args=call.args)
    # then
    report.refresh_from_db()
    delivery.refresh_from_db()
    assert too_early["due"] == 0
    assert counts == {"due": 1, "queued": 1, "delivered": 0, "failed": 0, "skipped": 0}
    assert (report.status, delivery.status) == (ReportStatus.ROUTED, DeliveryStatus.DELIVERED)
    assert [m.to for m in mail.outbox] == [[supervision.court.clerk_email]]


@pytest.mark.django_db
def test_the_sweep_waits_for_the_backoff_of_a_failed_delivery(webhook):
    # given: a delivery that failed just now
    court = CourtFactory(webhook_url=webhook.url)
    _, delivery = approve(submitted_report(SupervisionFactory(court=court)))
    ReportDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    webhook.statuses = [503]
    assert report_delivery_deliver(delivery_id=delivery.pk) is False
    # when
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay") as queued:
        now_counts = report_deliveries_sweep()
        later_counts = report_deliveries_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    # then
    assert (now_counts["due"], later_counts["due"]) == (0, 1)
    queued.assert_called_once_with(delivery.pk)


@pytest.mark.django_db
def test_deliver_reports_command_delivers_pending_and_is_safe_to_repeat(capsys):
    # given
    approve(submitted_report(SupervisionFactory()))
    approve(submitted_report(ParoleSupervisionFactory()))
    # when
    call_command("deliver_reports")
    call_command("deliver_reports")
    # then
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "2 delivery(ies) due; delivered 2; failed 0; skipped 0 (already delivered or in progress).",
        "0 delivery(ies) due; delivered 0; failed 0; skipped 0 (already delivered or in progress).",
    ]
    assert set(ReportDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert len(mail.outbox) == 2

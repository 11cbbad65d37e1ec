import datetime
import json
from collections import Counter
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from agency import tasks as agency_tasks
from agency.models import AuditEvent, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent, WebhookSubscription
from agency.outbox import signed_post as webhook_outbox_post
from agency.webhooks import OUTBOX as WEBHOOK_OUTBOX
from agency.webhooks import (
    webhook_deliveries_due,
    webhook_deliveries_sweep,
    webhook_delivery_deliver,
    webhook_event_emit,
)
from supervision import tasks as supervision_tasks
from supervision.choices import CheckInStatus, Disposition, SupervisionLevel, SupervisionStatus, ViolationKind
from supervision.models import CheckIn
from supervision.services import (
    check_ins_flag_missed,
    report_delivery_deliver,
    supervision_change_level,
    supervision_change_status,
    violation_record,
    violation_report_acknowledge,
    violation_report_dispose,
)
from supervision.services.conditions import condition_impose
from tests.agency.factories import AdministratorFactory, CourtClerkFactory, CourtFactory, OfficerFactory
from tests.jobs.conftest import approve, row_lockable, submitted_report
from tests.supervision.factories import CheckInFactory, ConditionTypeFactory, SupervisionFactory
from tests.webhooks.conftest import SECRET, signature_valid

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=2)


@pytest.fixture(autouse=True)
def no_broker():
    """After-commit work is recorded, never sent to Redis (the callbacks run only where a test asks)."""
    with (
        mock.patch.object(agency_tasks.webhook_delivery_deliver_task, "delay") as deliver,
        mock.patch.object(agency_tasks.webhook_deliveries_sweep_task, "delay") as sweep,
        mock.patch.object(supervision_tasks.report_delivery_deliver_task, "delay"),
        mock.patch.object(supervision_tasks.check_ins_missed_emails_send_task, "delay"),
    ):
        yield mock.Mock(deliver=deliver, sweep=sweep)


def overdue_check_in(**kwargs) -> CheckIn:
    due_at = timezone.now() - datetime.timedelta(days=1)
    return CheckInFactory(window_start=due_at - datetime.timedelta(days=3), due_at=due_at, **kwargs)


CHANGE_CODES = {"from_level", "to_level", "from_status", "to_status", "effective_on", "change"}


def every_event_once() -> dict[str, int]:
    """Each service that emits an event, once: the object each event is about, by event."""
    check_in = overdue_check_in()
    check_ins_flag_missed()
    violation = violation_record(
        actor=OfficerFactory(),
        supervision=SupervisionFactory(),
        kind=ViolationKind.TECHNICAL,
        occurred_on=timezone.localdate(),
        description="Left the county without permission.",
    )
    court = CourtFactory()
    report, delivery = approve(submitted_report(SupervisionFactory(court=court)))
    report_delivery_deliver(delivery_id=delivery.pk)
    clerk = CourtClerkFactory(court=court)
    report = violation_report_acknowledge(actor=clerk, report=report)
    violation_report_dispose(actor=clerk, report=report, disposition=Disposition.REVOKED)
    case = SupervisionFactory()
    supervision_change_level(actor=case.officer, supervision=case, level=SupervisionLevel.HIGH, reason="Arrest")
    level_change = case.history.latest("history_date", "history_id").history_id
    supervision_change_status(actor=case.officer, supervision=case, status=SupervisionStatus.ABSCONDED, reason="Gone")
    status_change = case.history.latest("history_date", "history_id").history_id
    condition = condition_impose(
        actor=case.officer,
        supervision=case,
        condition_type=ConditionTypeFactory(),
        details="Home from 22:00.",
        imposed_on=timezone.localdate(),
        order_date=timezone.localdate(),
        order_reference="CR-2026-00417, entry 12",
    )
    condition_change = condition.history.latest("history_date", "history_id").history_id
    return {
        "check_in.missed": check_in.pk,
        "violation.created": violation.pk,
        "violation_report.routed": report.pk,
        "violation_report.disposed": report.pk,
        "supervision.closed": report.supervision_id,
        "supervision.level_changed": level_change,
        "supervision.status_changed": status_change,
        "condition.changed": condition_change,
    }


def deliver_all(now=None) -> list[bool]:
    return [
        webhook_delivery_deliver(delivery_id=pk, now=now)
        for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
    ]


# --- Events ------------------------------------------------------------------------------------------


def test_each_event_is_emitted_once_by_its_service_signed_and_ids_only(receiver, subscribe):
    # given a subscriber to every event
    subscription = subscribe()
    events = len(WebhookEvent.values)
    # when each service runs once and the outbox is delivered
    about = every_event_once()
    delivered = deliver_all()
    # then one delivery per event, each POSTed once, signed with the subscription's secret
    assert Counter(WebhookDelivery.objects.values_list("event", flat=True)) == dict.fromkeys(WebhookEvent.values, 1)
    assert delivered == [True] * events
    assert len(receiver.requests) == events
    assert [signature_valid(r) for r in receiver.requests] == [True] * events
    by_event = {r["headers"]["X-Caseline-Event"]: r for r in receiver.requests}
    assert set(by_event) == set(WebhookEvent.values)
    for event, request in by_event.items():
        payload = json.loads(request["body"])
        assert payload["event"] == event
        assert payload["object"]["id"] == about[event]
        assert request["headers"]["X-Caseline-Delivery"] == payload["event_id"]
        # ids and codes only, never a name or a narrative: every value of the data is an id (or None), or one of
        # the codes and dates a change names (a level, a status, a kind of change, the day it took effect)
        assert all(key.endswith("_id") or key in CHANGE_CODES for key in payload["data"]), payload["data"]
    assert by_event["check_in.missed"]["body"].count(b"violation_id") == 1
    missed = json.loads(by_event["check_in.missed"]["body"])["data"]
    assert missed["violation_id"] is not None
    closed = json.loads(by_event["supervision.closed"]["body"])["data"]
    assert closed == {"supervision_id": about["supervision.closed"], "report_id": about["violation_report.disposed"]}
    assert set(WebhookDelivery.objects.values_list("status", "attempts", "subscription")) == {
        (WebhookDeliveryStatus.DELIVERED, 1, subscription.pk)
    }


def test_a_wrong_secret_does_not_verify(receiver, subscribe):
    # given
    subscribe(events=["violation.created"])
    violation_record(
        actor=OfficerFactory(),
        supervision=SupervisionFactory(),
        kind=ViolationKind.TECHNICAL,
        occurred_on=timezone.localdate(),
        description="Missed curfew.",
    )
    # when
    deliver_all()
    # then the receiver's check fails with another secret and holds with the right one
    assert [signature_valid(r, "another secret") for r in receiver.requests] == [False]
    assert [signature_valid(r, SECRET) for r in receiver.requests] == [True]


def test_no_delivery_when_no_subscription_wants_the_event(receiver, subscribe):
    # given one subscriber to violation.created only, and an inactive one to everything
    wants = subscribe(events=["violation.created"])
    subscribe(is_active=False)
    # when every service runs
    every_event_once()
    # then only violation.created is queued, for the active subscriber only
    assert list(WebhookDelivery.objects.values_list("event", "subscription")) == [("violation.created", wants.pk)]


def test_nothing_is_written_without_subscriptions():
    # when
    every_event_once()
    # then
    assert WebhookDelivery.objects.count() == 0


def test_an_event_is_queued_once_per_subscription_and_after_commit(
    subscribe, no_broker, django_capture_on_commit_callbacks
):
    # given two subscribers
    first, second = subscribe(), subscribe()
    # when the same event is emitted twice
    with django_capture_on_commit_callbacks(execute=True):
        ids = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=7, data={"violation_id": 7})
        again = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=7, data={"violation_id": 7})
    # then
    assert again == []
    assert sorted(WebhookDelivery.objects.values_list("subscription", flat=True)) == [first.pk, second.pk]
    assert sorted(call.args[0] for call in no_broker.deliver.call_args_list) == sorted(ids)


# --- check_in.missed: set-based in the sweep --------------------------------------------------------------


def test_the_missed_check_in_sweep_writes_its_events_set_based(
    subscribe, no_broker, django_capture_on_commit_callbacks
):
    # given two subscribers (one to check_in.missed only, one to another event) and three overdue check-ins
    wants = subscribe(events=["check_in.missed"])
    subscribe(events=["violation.created"])
    check_ins = [overdue_check_in() for _ in range(3)]
    # when the sweep runs twice
    with django_capture_on_commit_callbacks(execute=True):
        check_ins_flag_missed()
    check_ins_flag_missed()
    # then one check_in.missed per check-in, for the subscriber that wants it, carrying its violation's id
    rows = list(WebhookDelivery.objects.order_by("event_id"))
    assert [(r.event, r.subscription_id, r.status, r.attempts) for r in rows] == [
        ("check_in.missed", wants.pk, WebhookDeliveryStatus.PENDING, 0)
    ] * 3
    assert sorted(r.payload["data"]["check_in_id"] for r in rows) == sorted(c.pk for c in check_ins)
    for row in rows:
        check_in = CheckIn.objects.get(pk=row.payload["data"]["check_in_id"])
        assert row.event_id == f"check_in.missed:check_in:{check_in.pk}"
        assert row.payload["data"] == {
            "check_in_id": check_in.pk,
            "supervision_id": check_in.supervision_id,
            "violation_id": check_in.violations.get().pk,
        }
        assert check_in.status == CheckInStatus.MISSED
    # and one task after commit sends them (not one message per row from inside the sweep)
    no_broker.sweep.assert_called_once_with(0)


@pytest.mark.parametrize("due", [5, 200])
def test_the_sweep_with_subscribers_runs_the_same_number_of_queries_for_5_and_200(
    due, subscribe, django_assert_num_queries
):
    # given
    subscribe(events=["check_in.missed"])
    for _ in range(due // 5):
        supervision = SupervisionFactory()
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    supervision=supervision,
                    window_start=timezone.now() - datetime.timedelta(days=4 + i),
                    due_at=timezone.now() - datetime.timedelta(days=1 + i),
                )
                for i in range(5)
            ]
        )
    # when: the same five statements as without subscribers
    with django_assert_num_queries(5):
        check_ins_flag_missed()
    # then
    assert WebhookDelivery.objects.count() == due


# --- Retries ----------------------------------------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_then_failed_and_kept(receiver, subscribe, settings):
    # given a receiver that always fails, and three tries at most
    settings.CASELINE = {**settings.CASELINE, "WEBHOOK_MAX_ATTEMPTS": 3}
    receiver.statuses = [500] * 10
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=1, data={})
    now = timezone.now()
    waits = []
    # when it is tried whenever it is due, four times
    results = []
    for _ in range(4):
        results.append(webhook_delivery_deliver(delivery_id=delivery_id, now=now))
        row = WebhookDelivery.objects.get(pk=delivery_id)
        if row.next_attempt_at:
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    # then three tries, with growing waits, then failed for good, and the row is kept
    row = WebhookDelivery.objects.get(pk=delivery_id)
    assert results == [False, False, False, False]
    assert len(receiver.requests) == 3
    assert waits == [datetime.timedelta(seconds=30), datetime.timedelta(seconds=60)]
    assert (row.status, row.attempts, row.next_attempt_at, row.delivered_at) == (
        WebhookDeliveryStatus.FAILED,
        3,
        None,
        None,
    )
    assert row.last_error == f"{receiver.url} answered 500."
    assert AuditEvent.objects.filter(action="webhook_delivery.failed", object_id=str(delivery_id)).count() == 1


def test_a_delivery_is_not_tried_before_its_backoff(receiver, subscribe):
    # given a delivery whose first try failed
    receiver.statuses = [503]
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=2, data={})
    webhook_delivery_deliver(delivery_id=delivery_id)
    # when it is asked again at once
    tried = webhook_delivery_deliver(delivery_id=delivery_id)
    # then nothing is sent
    assert tried is False
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == 1


def test_fail_then_succeed_is_delivered_once(receiver, subscribe):
    # given a receiver that fails once
    receiver.statuses = [503]
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=3, data={})
    # when it is tried, then tried again when due, then once more
    first = webhook_delivery_deliver(delivery_id=delivery_id)
    due = WebhookDelivery.objects.get(pk=delivery_id).next_attempt_at
    second = webhook_delivery_deliver(delivery_id=delivery_id, now=due)
    third = webhook_delivery_deliver(delivery_id=delivery_id, now=due + LATER)
    # then
    row = WebhookDelivery.objects.get(pk=delivery_id)
    assert (first, second, third) == (False, True, False)
    assert (row.status, row.attempts, row.last_error, row.delivered_at) == (WebhookDeliveryStatus.DELIVERED, 2, "", due)
    assert [r["headers"]["X-Caseline-Delivery"] for r in receiver.requests] == [row.event_id] * 2
    assert [signature_valid(r) for r in receiver.requests] == [True, True]


def test_delivering_twice_posts_once(receiver, subscribe):
    # given
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=4, data={})
    # when
    results = [webhook_delivery_deliver(delivery_id=delivery_id) for _ in range(2)]
    # then
    assert results == [True, False]
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == 1


def test_the_sweep_delivers_what_a_down_broker_lost(receiver, subscribe, no_broker, django_capture_on_commit_callbacks):
    # given the broker is down when a violation is recorded
    subscribe(events=["violation.created"])
    no_broker.deliver.side_effect = OperationalError("Connection refused")
    with django_capture_on_commit_callbacks(execute=True):
        violation = violation_record(
            actor=OfficerFactory(),
            supervision=SupervisionFactory(),
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate(),
            description="Missed curfew.",
        )
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, len(receiver.requests)) == (WebhookDeliveryStatus.PENDING, 0, 0)
    # when the broker is back and the periodic sweep runs (a worker delivering what it queues)
    no_broker.deliver.side_effect = lambda pk: webhook_delivery_deliver(delivery_id=pk)
    early = webhook_deliveries_sweep()
    counts = webhook_deliveries_sweep(now=timezone.now() + LATER)
    # then: not while the row is fresh (its own task may still come), then delivered
    row.refresh_from_db()
    assert early == {"due": 0, "queued": 0}
    assert counts == {"due": 1, "queued": 1}
    assert (row.status, row.attempts) == (WebhookDeliveryStatus.DELIVERED, 1)
    assert [json.loads(r["body"])["object"] for r in receiver.requests] == [{"type": "violation", "id": violation.pk}]


def test_the_sweep_leaves_delivered_failed_and_backed_off_rows_alone(subscribe):
    # given
    subscription = subscribe(events=["violation.created"])
    now = timezone.now()
    for n, (status, next_at) in enumerate(
        [
            (WebhookDeliveryStatus.DELIVERED, None),
            (WebhookDeliveryStatus.FAILED, None),
            (WebhookDeliveryStatus.PENDING, now + datetime.timedelta(hours=1)),
        ]
    ):
        WebhookDelivery.objects.create(
            subscription=subscription,
            event="violation.created",
            event_id=f"violation.created:violation:{n}",
            payload={},
            status=status,
            next_attempt_at=next_at,
            created_at=now - datetime.timedelta(hours=1),
        )
    # when
    counts = webhook_deliveries_sweep(now=now)
    # then
    assert counts == {"due": 0, "queued": 0}


# --- The shared outbox: claims, errors, no lock held ------------------------------------------------------


def test_an_unexpected_error_is_a_failed_try_recorded_like_any_other(receiver, subscribe):
    # given an event whose body cannot be built (a bug)
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=5, data={})
    now = timezone.now()
    # when
    with mock.patch("agency.webhooks.webhook_body", side_effect=TypeError("not JSON serializable")):
        delivered = webhook_delivery_deliver(delivery_id=delivery_id, now=now)
    # then the try is counted and backs off, like a receiver's error; nothing was sent
    row = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivered is False
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (
        WebhookDeliveryStatus.PENDING,
        1,
        "TypeError: not JSON serializable",
        now + datetime.timedelta(seconds=30),
    )
    assert receiver.requests == []


def test_a_claimed_event_is_not_sent_again_until_its_claim_runs_out(receiver, subscribe):
    # given a worker that claimed an event and died before sending it
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=6, data={})
    now = timezone.now()
    assert WEBHOOK_OUTBOX.claim(delivery_id, now=now) is not None
    # when it is asked for before the claim runs out (five minutes), then after
    due_before = list(webhook_deliveries_due(now=now + LATER, min_age=datetime.timedelta(0)))
    before = webhook_delivery_deliver(delivery_id=delivery_id, now=now + LATER)
    after = webhook_delivery_deliver(delivery_id=delivery_id, now=now + datetime.timedelta(minutes=5, seconds=1))
    # then it is sent once, after the claim ran out; the dead worker's try counted
    row = WebhookDelivery.objects.get(pk=delivery_id)
    assert (due_before, before, after) == ([], False, True)
    assert (row.status, row.attempts, row.last_error) == (WebhookDeliveryStatus.DELIVERED, 2, "")
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_the_post_is_made_without_holding_the_rows_lock(receiver, subscribe):
    # given an event queued for a subscriber
    subscribe(events=["violation.created"])
    (delivery_id,) = webhook_event_emit(event="violation.created", obj_type="violation", obj_id=8, data={})
    real_post = webhook_outbox_post
    lockable = []

    def post(**kwargs):
        lockable.append(row_lockable("agency_webhookdelivery", delivery_id))
        return real_post(**kwargs)

    # when it is delivered
    with mock.patch("agency.webhooks.signed_post", side_effect=post):
        delivered = webhook_delivery_deliver(delivery_id=delivery_id)
    # then while the POST was on its way another session could lock the row
    assert (delivered, lockable) == (True, [True])
    assert len(receiver.requests) == 1


# --- Validation ---------------------------------------------------------------------------------------


def test_an_unknown_event_name_is_refused_with_a_clear_message():
    # given
    subscription = WebhookSubscription(
        name="Warehouse", url="https://warehouse.example/hook", secret="s", events=["check_in.missed", "case.eaten"]
    )
    # when
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    # then
    assert error.value.message_dict == {
        "events": [
            "Unknown event: case.eaten. Choose from: check_in.missed, violation.created, violation_report.routed, "
            "violation_report.disposed, supervision.closed, supervision.level_changed, supervision.status_changed, "
            "condition.changed."
        ]
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://warehouse.example/hook", "A webhook address starts with https:// (or http://)."),
        ("not a url", "Enter a valid URL."),
    ],
)
def test_a_webhook_url_must_be_http_or_https(url, message):
    # given
    subscription = WebhookSubscription(name="Warehouse", url=url, secret="s", events=["check_in.missed"])
    # when
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    # then
    assert message in error.value.message_dict["url"]


def test_no_events_is_refused():
    subscription = WebhookSubscription(name="Warehouse", url="https://w.example/", secret="s", events=[])
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    assert error.value.message_dict == {"events": ["This field cannot be blank."]}


def test_emitting_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError, match=r"Unknown webhook event 'case\.eaten'"):
        webhook_event_emit(event="case.eaten", obj_type="case", obj_id=1, data={})


# --- Admin --------------------------------------------------------------------------------------------


@pytest.fixture
def administrator(client):
    user = AdministratorFactory()
    client.force_login(user)
    return user


def test_admin_lists_subscriptions_without_their_secrets(client, administrator, subscribe):
    # given
    subscription = subscribe(secret="never-shown-in-lists")
    # when
    listing = client.get(reverse("admin:agency_webhooksubscription_changelist"))
    change = client.get(reverse("admin:agency_webhooksubscription_change", args=[subscription.pk]))
    # then
    assert (listing.status_code, change.status_code) == (200, 200)
    assert subscription.name in listing.content.decode()
    assert "never-shown-in-lists" not in listing.content.decode()


def test_admin_adds_a_subscription_and_audits_it(client, administrator):
    # when
    response = client.post(
        reverse("admin:agency_webhooksubscription_add"),
        {
            "name": "Data warehouse",
            "url": "https://warehouse.example/caseline",
            "secret": "s3cret",
            "events": ["check_in.missed", "supervision.closed"],
            "is_active": "on",
        },
    )
    # then
    subscription = WebhookSubscription.objects.get()
    assert response.status_code == 302
    assert (subscription.events, subscription.secret) == (["check_in.missed", "supervision.closed"], "s3cret")
    assert AuditEvent.objects.filter(action="webhooksubscription.admin_saved", actor=administrator).count() == 1


def test_admin_refuses_an_ftp_address_and_creates_nothing(client, administrator):
    # when
    response = client.post(
        reverse("admin:agency_webhooksubscription_add"),
        {"name": "Data warehouse", "url": "ftp://warehouse.example/", "secret": "s", "events": ["check_in.missed"]},
    )
    # then
    assert response.status_code == 200
    assert "A webhook address starts with https:// (or http://)." in response.content.decode()
    assert WebhookSubscription.objects.count() == 0


def test_admin_deliveries_are_read_only_and_retry_is_audited(
    client, administrator, subscribe, no_broker, django_capture_on_commit_callbacks
):
    # given one failed delivery and one delivered
    subscription = subscribe(events=["violation.created"])
    failed, delivered = (
        WebhookDelivery.objects.create(
            subscription=subscription,
            event="violation.created",
            event_id=f"violation.created:violation:{n}",
            payload={"event": "violation.created"},
            status=status,
            attempts=8,
            last_error="answered 500.",
        )
        for n, status in enumerate([WebhookDeliveryStatus.FAILED, WebhookDeliveryStatus.DELIVERED])
    )
    changelist = reverse("admin:agency_webhookdelivery_changelist")
    # when
    listing = client.get(changelist)
    detail = client.get(reverse("admin:agency_webhookdelivery_change", args=[failed.pk]))
    add = client.get(reverse("admin:agency_webhookdelivery_add"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_selected", "_selected_action": [str(failed.pk), str(delivered.pk)]}
        )
    # then
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert (listing.status_code, detail.status_code, add.status_code, response.status_code) == (200, 200, 403, 302)
    assert SECRET not in listing.content.decode() + detail.content.decode()
    assert (failed.status, failed.attempts, failed.last_error) == (WebhookDeliveryStatus.PENDING, 0, "answered 500.")
    assert (delivered.status, delivered.attempts) == (WebhookDeliveryStatus.DELIVERED, 8)
    no_broker.deliver.assert_called_once_with(failed.pk)
    audit = AuditEvent.objects.get(action="webhook_delivery.retried")
    assert (audit.actor, audit.object_id, audit.detail) == (administrator, str(failed.pk), {"previous_attempts": 8})


def test_a_revocation_closes_the_supervision_and_says_so_once(subscribe):
    # given a subscriber to supervision.closed only
    subscribe(events=["supervision.closed"])
    # when
    about = every_event_once()
    # then
    supervision = SupervisionFactory._meta.model.objects.get(pk=about["supervision.closed"])
    assert supervision.status == SupervisionStatus.CLOSED
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [
        f"supervision.closed:supervision:{supervision.pk}"
    ]


def test_the_migration_schedules_the_sweep_once_and_names_a_real_task():
    # given: the data migration, run again (as on a database where it already ran)
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from agency.celery import app

    migration = importlib.import_module("agency.migrations.0004_webhooks")
    app.loader.import_default_modules()
    # when
    migration.create_sweep(apps, None)
    migration.create_sweep(apps, None)
    # then
    task = PeriodicTask.objects.select_related("interval").get(name="Sweep webhook deliveries")
    assert (task.task, str(task.interval), task.enabled) == (
        "agency.tasks.webhook_deliveries_sweep_task",
        "every minute",
        True,
    )
    assert task.task in app.tasks


def test_admin_never_shows_a_secret_and_keeps_it_when_left_empty(client, administrator, subscribe):
    # given
    subscription = subscribe(secret="kept-secret-value")
    url = reverse("admin:agency_webhooksubscription_change", args=[subscription.pk])
    # when the change page is opened and saved with the secret left empty
    page = client.get(url)
    response = client.post(
        url,
        {"name": subscription.name, "url": subscription.url, "secret": "", "events": ["violation.created"]},
    )
    # then
    subscription.refresh_from_db()
    assert page.status_code == 200
    assert "kept-secret-value" not in page.content.decode()
    assert response.status_code == 302
    assert (subscription.secret, subscription.events, subscription.is_active) == (
        "kept-secret-value",
        ["violation.created"],
        False,
    )


def test_admin_requires_a_secret_for_a_new_subscription(client, administrator):
    # when
    response = client.post(
        reverse("admin:agency_webhooksubscription_add"),
        {"name": "Warehouse", "url": "https://warehouse.example/", "secret": "", "events": ["check_in.missed"]},
    )
    # then
    assert response.status_code == 200
    assert "Give the secret the subscriber uses to check the signature." in response.content.decode()
    assert WebhookSubscription.objects.count() == 0

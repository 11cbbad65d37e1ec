"""The missed check-in sweep: every scheduled check-in whose window has closed becomes *missed*.

Set-based: on PostgreSQL one SQL statement (data-modifying CTEs), whatever the number of cases, flags
the check-ins, opens one technical violation per check-in, writes the history rows, the in-app
notifications to the assigned officers, the audit rows and the possible-absconder alerts. After commit
a task emails each officer (and each supervisor with a new alert) once. Its cost grows with the number
of check-ins due (the partial index ``check_in_open_due_idx``), not with the size of the database.

Idempotent: the UPDATE only takes rows still ``scheduled`` (a second worker waiting on the same rows
re-checks them and skips them), and violations and notifications have unique keys
(``violation_one_per_check_in``, ``Notification.key``), inserted with ON CONFLICT DO NOTHING.
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import connection, transaction
from django.utils import timezone

from agency.choices import AuditOutcome
from agency.links import absolute_url
from agency.models import (
    AuditEvent,
    Unit,
    User,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookSubscription,
)
from agency.queueing import task_queue
from agency.webhooks import event_key
from supervision.choices import CheckInKind, CheckInStatus, ViolationKind, ViolationSeverity, ViolationStatus
from supervision.models import CheckIn, Notification, NotificationKind, Supervision, Violation
from supervision.services.notifications import notification_emailed_at_once

logger = logging.getLogger(__name__)

WEBHOOK_SWEEP_TASK = "agency.tasks.webhook_deliveries_sweep_task"
EMAILS_TASK = "supervision.tasks.check_ins_missed_emails_send_task"

SYSTEM_LABEL = "flag_missed_check_ins"
HISTORY_REASON = "Window closed without a check-in"
DEFAULT_ABSCONDER_MISSES = 3


@dataclass
class FlagMissedResult:
    """What one run of the sweep did."""

    flagged: int = 0
    violations: int = 0
    notifications: int = 0
    absconder_alerts: int = 0
    webhooks: int = field(default=0, repr=False)  # check_in.missed rows written to the webhook outbox
    recipients: int = 0  # officers and supervisors emailed after commit
    # recipient id -> number of missed check-ins (officers) or alerts (supervisors); not in as_dict.
    officer_counts: dict[int, int] = field(default_factory=dict, repr=False)
    supervisor_counts: dict[int, int] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, int]:
        data = asdict(self)
        data.pop("officer_counts")
        data.pop("supervisor_counts")
        data.pop("webhooks")
        return data


def absconder_threshold() -> int:
    return int(settings.CASELINE.get("ABSCONDER_CONSECUTIVE_MISSES", DEFAULT_ABSCONDER_MISSES))


def check_ins_flag_missed(*, now: datetime | None = None) -> FlagMissedResult:
    """Flag every scheduled check-in whose window closed before ``now`` as missed (see module doc).
    Emails each officer (and each supervisor with a new alert) once per run, after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        result = _flag_missed(now)
        if result.officer_counts or result.supervisor_counts:
            result.recipients = len(result.officer_counts) + len(result.supervisor_counts)
            officers, supervisors = sorted(result.officer_counts.items()), sorted(result.supervisor_counts.items())
            transaction.on_commit(lambda: _queue_emails(officers, supervisors))
        if result.webhooks:
            transaction.on_commit(_queue_webhooks)
    if result.flagged:
        logger.info("Flagged missed check-ins: %s", result.as_dict())
    return result


# --- One statement --------------------------------------------------------------------


def _history_insert(model: type[CheckIn | Violation], source: str, change_reason: str | None, history_type: str) -> str:
    """``INSERT INTO <historical table> (...) SELECT ... FROM <source>`` built from the model's fields,
    so that a field added to the model is carried into its history without touching this SQL.

    Hand-written rather than django-simple-history's ``bulk_create_with_history``/``bulk_update_with_history``
    (used elsewhere, e.g. ``violations_set_status``): those need the rows in Python, a read and a write of
    every flagged row, where the sweep writes its history in the same statement that flags the rows."""
    historical = model.history.model
    columns, values = [], []
    for f in historical._meta.concrete_fields:
        if f.attname == "history_id":
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname == "history_date":
            values.append("%(now)s")
        elif f.attname == "history_change_reason":
            values.append("%(history_reason)s" if change_reason else "NULL")
        elif f.attname == "history_type":
            values.append(f"'{history_type}'")
        elif f.attname == "history_user_id":
            values.append("NULL")
        else:
            values.append(f"{source}.{connection.ops.quote_name(f.column)}")
    table = historical._meta.db_table
    # Names from the models, no input:
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source} AS {source}"  # noqa: S608


def flag_missed_sql() -> str:
    """The sweep's one statement (PostgreSQL). Parameters: now, tz, threshold, history_reason.

    The UPDATE takes only rows still ``scheduled``: a second sweep waiting on the same rows re-checks
    them after the first commits and skips them. Everything else starts from the flagged rows and
    reaches other rows through LATERAL lookups by key, fenced with OFFSET 0 so that the planner runs
    them row by row (index lookups) whatever it guesses about the number of flagged rows: no table is
    ever scanned.
    """
    checkin = CheckIn._meta.db_table
    supervision = Supervision._meta.db_table
    violation = Violation._meta.db_table
    notification = Notification._meta.db_table
    audit = AuditEvent._meta.db_table
    unit = Unit._meta.db_table
    subscription = WebhookSubscription._meta.db_table
    webhook = WebhookDelivery._meta.db_table
    missed = WebhookEvent.CHECK_IN_MISSED.value
    missed_key = event_key(event=missed, obj_type="check_in", obj_id=0)[:-1]  # '<event>:check_in:' || id
    # The window's last day (supervision.windows.window_last_day): the local date of its last microsecond.
    due_day = "to_char((f.due_at - interval '1 microsecond') AT TIME ZONE %(tz)s, 'YYYY-MM-DD')"
    return f"""
WITH updated AS (
    UPDATE {checkin}
       SET status = '{CheckInStatus.MISSED}', updated_at = %(now)s
     WHERE status = '{CheckInStatus.SCHEDULED}' AND due_at < %(now)s
    RETURNING *
),
flagged AS (
    SELECT u.*, s.officer_id AS s_officer_id, s.offender_id AS s_offender_id, s.unit_id AS s_unit_id,
           s.docket_number AS s_docket_number
      FROM updated AS u
     CROSS JOIN LATERAL (
           SELECT officer_id, offender_id, unit_id, docket_number FROM {supervision} WHERE id = u.supervision_id
           OFFSET 0  -- a fence: looked up row by row, never pulled up into a join over the whole table
     ) AS s
),
new_violations AS (
    INSERT INTO {violation} (supervision_id, kind, severity, status, occurred_on, description, check_in_id,
                             drug_test_id, condition_id, response, recorded_by_id, created_at, updated_at)
    SELECT f.supervision_id, '{ViolationKind.TECHNICAL}', '{ViolationSeverity.MEDIUM}', '{ViolationStatus.OPEN}',
           (f.due_at AT TIME ZONE %(tz)s)::date, 'Missed check-in due ' || {due_day}, f.id,
           NULL, NULL, '', NULL, %(now)s, %(now)s
      FROM flagged AS f
     WHERE f.kind <> '{CheckInKind.RECORD_CHECK}'  -- the officer's task (an inactive case): no violation of the person
    ON CONFLICT DO NOTHING
    RETURNING *
),
check_in_history AS (
    {_history_insert(CheckIn, "flagged", HISTORY_REASON, "~")}
),
violation_history AS (
    {_history_insert(Violation, "new_violations", None, "+")}
),
officer_notifications AS (
    INSERT INTO {notification} (recipient_id, kind, message, supervision_id, check_in_id, report_id, key,
                                created_at, read_at)
    SELECT f.s_officer_id, '{NotificationKind.MISSED_CHECK_IN}',
           'Missed check-in due ' || {due_day} || ' (' || f.s_docket_number || ')',
           f.supervision_id, f.id, NULL, 'missed_check_in:' || f.id, %(now)s, NULL
      FROM flagged AS f
    ON CONFLICT DO NOTHING
    RETURNING recipient_id
),
audit_rows AS (
    INSERT INTO {audit} (occurred_at, actor_id, actor_label, action, object_type, object_id, offender_id,
                         outcome, source_ip, request_id, detail)
    SELECT %(now)s, NULL, 'system:{SYSTEM_LABEL}', 'check_in.missed', 'supervision.checkin', f.id::text,
           f.s_offender_id, '{AuditOutcome.ALLOWED}', NULL, '',
           CASE WHEN v.id IS NULL THEN '{{}}'::jsonb ELSE jsonb_build_object('violation_id', v.id) END
      FROM flagged AS f LEFT JOIN new_violations AS v ON v.check_in_id = f.id
),
webhook_rows AS (
    -- The webhook outbox: one check_in.missed delivery per flagged check-in and active subscriber to it
    -- (few rows, read once). It carries the id of the violation opened for the check-in: the sweep's
    -- violations do not emit violation.created separately.
    INSERT INTO {webhook} (subscription_id, event, event_id, payload, status, attempts, last_error,
                           next_attempt_at, delivered_at, created_at)
    SELECT ws.id, '{missed}', '{missed_key}' || f.id,
           jsonb_build_object(
               'event', '{missed}', 'event_id', '{missed_key}' || f.id, 'occurred_at', %(now_iso)s,
               'object', jsonb_build_object('type', 'check_in', 'id', f.id),
               'data', jsonb_build_object('check_in_id', f.id, 'supervision_id', f.supervision_id,
                                          'violation_id', v.id)),
           '{WebhookDeliveryStatus.PENDING}', 0, '', NULL, NULL, %(now)s
      FROM flagged AS f
      LEFT JOIN new_violations AS v ON v.check_in_id = f.id
     CROSS JOIN (SELECT id FROM {subscription} WHERE is_active AND events @> %(missed_events)s::jsonb) AS ws
    ON CONFLICT DO NOTHING
    RETURNING id
),
touched AS (
    SELECT DISTINCT supervision_id, s_unit_id, s_docket_number FROM flagged
),
streaks AS (
    -- Per touched case: the misses since its last completed check-in, read through the
    -- (supervision, due_at) index, so the cost is the streak's length, not the case's history. The
    -- statement sees the check-ins as they were before its UPDATE: a past-due scheduled one is one it
    -- flags now.
    SELECT t.supervision_id, m.misses, m.first_id
      FROM touched AS t
     CROSS JOIN LATERAL (
           SELECT count(*) AS misses, (array_agg(c.id ORDER BY c.due_at, c.id))[1] AS first_id
             FROM {checkin} AS c
            WHERE c.supervision_id = t.supervision_id
              AND c.status IN ('{CheckInStatus.MISSED}', '{CheckInStatus.SCHEDULED}')
              AND c.kind <> '{CheckInKind.RECORD_CHECK}'
              AND c.due_at < %(now)s
              AND c.due_at > COALESCE((
                      SELECT d.due_at FROM {checkin} AS d
                       WHERE d.supervision_id = t.supervision_id AND d.status = '{CheckInStatus.COMPLETED}'
                       ORDER BY d.due_at DESC LIMIT 1
                  ), '-infinity')
     ) AS m
     WHERE m.misses >= %(threshold)s
),
alerts AS (
    INSERT INTO {notification} (recipient_id, kind, message, supervision_id, check_in_id, report_id, key,
                                created_at, read_at)
    SELECT u.supervisor_id, '{NotificationKind.POSSIBLE_ABSCONDER}',
           'Possible absconder: ' || st.misses || ' consecutive missed check-ins (' || t.s_docket_number || ')',
           st.supervision_id, st.first_id, NULL, 'possible_absconder:' || st.first_id, %(now)s, NULL
      FROM streaks AS st
      JOIN touched AS t ON t.supervision_id = st.supervision_id
     CROSS JOIN LATERAL (SELECT supervisor_id FROM {unit} WHERE id = t.s_unit_id OFFSET 0) AS u
     WHERE u.supervisor_id IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING recipient_id
)
SELECT 'officer', s_officer_id, count(*) FROM flagged GROUP BY s_officer_id
UNION ALL SELECT 'supervisor', recipient_id, count(*) FROM alerts GROUP BY recipient_id
UNION ALL SELECT 'violations', NULL, count(*) FROM new_violations
UNION ALL SELECT 'notifications', NULL, count(*) FROM officer_notifications
UNION ALL SELECT 'webhooks', NULL, count(*) FROM webhook_rows
"""  # noqa: S608 (table names and constants from the models; every value is a parameter)


def _flag_missed(now: datetime) -> FlagMissedResult:
    params = {
        "now": now,
        "tz": settings.TIME_ZONE,
        "threshold": absconder_threshold(),
        "history_reason": HISTORY_REASON,
        "now_iso": now.isoformat(),
        "missed_events": f'["{WebhookEvent.CHECK_IN_MISSED.value}"]',
    }
    with connection.cursor() as cursor:
        # The partial index check_in_open_due_idx is the UPDATE's access path by design. The planner cannot
        # know that past-due rows are rare among scheduled ones (it multiplies the two selectivities), so
        # on a large table it could prefer a sequential scan: rule that out. The same overestimate makes
        # the statement look expensive enough for JIT compilation, which costs seconds and saves nothing
        # on a few thousand rows: off too. Both only for this statement.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        cursor.execute(flag_missed_sql(), params)
        rows = cursor.fetchall()
        cursor.execute("RESET enable_seqscan; RESET jit")
    result = FlagMissedResult()
    officer_notifications = 0
    for kind, recipient_id, count in rows:
        if kind == "officer":
            result.officer_counts[recipient_id] = count
            result.flagged += count
        elif kind == "supervisor":
            result.supervisor_counts[recipient_id] = count
            result.absconder_alerts += count
        elif kind == "violations":
            result.violations = count
        elif kind == "webhooks":
            result.webhooks = count
        else:
            officer_notifications = count
    result.notifications = officer_notifications + result.absconder_alerts
    return result


def _queue_webhooks() -> None:
    """After commit, one task sends the sweep's webhook rows (the periodic sweep would, a minute later)."""
    task_queue(WEBHOOK_SWEEP_TASK, 0, unavailable="the periodic webhook sweep will send the events.")


# --- Emails, after commit -----------------------------------------------------------------------------


def _queue_emails(officers: list[tuple[int, int]], supervisors: list[tuple[int, int]]) -> None:
    """After commit, hand the emails to a worker (ids and counts only): a slow mail server never holds
    the sweep. Without a broker they are sent here instead."""
    if not task_queue(EMAILS_TASK, officers, supervisors, unavailable="sending them now."):
        check_ins_missed_emails_send(officers=officers, supervisors=supervisors)


def check_ins_missed_emails_send(*, officers: list[tuple[int, int]], supervisors: list[tuple[int, int]]) -> int:
    """One email per officer (count of missed check-ins on the caseload) and per supervisor (count of new
    possible-absconder alerts) of one sweep. A mail server that is down loses the email, never the
    violation or the in-app notification. Returns the number of emails sent. Only to those who receive the
    kind by e-mail at once (their notification preferences; by default they do)."""
    officer_counts, supervisor_counts = dict(officers), dict(supervisors)
    by_email = notification_emailed_at_once(kind=NotificationKind.MISSED_CHECK_IN, user_ids=officer_counts)
    officer_counts = {user_id: count for user_id, count in officer_counts.items() if user_id in by_email}
    by_email = notification_emailed_at_once(kind=NotificationKind.POSSIBLE_ABSCONDER, user_ids=supervisor_counts)
    supervisor_counts = {user_id: count for user_id, count in supervisor_counts.items() if user_id in by_email}
    users = User.objects.filter(pk__in=set(officer_counts) | set(supervisor_counts)).only("pk", "email")
    emails = {user.pk: user.email for user in users if user.email}
    messages = []
    for officer_id, count in officer_counts.items():
        if officer_id in emails:
            noun = "check-in was" if count == 1 else "check-ins were"
            messages.append(
                (
                    f"Caseline: {count} missed check-in{'s' if count != 1 else ''} on your caseload",
                    f"{count} {noun} missed on your caseload: the window closed without a check-in.\n"
                    f"Each one opened a technical violation. Review them: {absolute_url('supervision:caseload')}\n",
                    None,
                    [emails[officer_id]],
                )
            )
    for supervisor_id, count in supervisor_counts.items():
        if supervisor_id in emails:
            messages.append(
                (
                    f"Caseline: possible absconder alert ({count} case{'s' if count != 1 else ''})",
                    f"{count} case{'s' if count != 1 else ''} in your unit reached {absconder_threshold()} "
                    f"consecutive missed check-ins. Review them: {absolute_url('dashboard:index')}\n",
                    None,
                    [emails[supervisor_id]],
                )
            )
    if not messages:
        return 0
    try:
        return send_mass_mail(messages, fail_silently=False, connection=get_connection())
    except Exception:
        logger.exception("Could not email %s missed check-in notices; the in-app notifications stand.", len(messages))
        return 0

"""What the service tests share: the clock they run at, row counts, audit lookups, check-in windows."""

import datetime
from zoneinfo import ZoneInfo

from agency.models import AuditEvent
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)

LOCAL = ZoneInfo("America/New_York")  # settings.TIME_ZONE
# A Monday in March, a week before the clocks change (8 March 2026).
NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=LOCAL)
TODAY = NOW.date()
DELAY = "supervision.tasks.report_delivery_deliver_task.delay"

COUNTED_MODELS = (
    Supervision,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    Violation,
    ViolationReport,
    ReportDelivery,
    CaseNote,
    Referral,
    CommunityServiceEntry,
    Condition,
    AuditEvent,
)


def _rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=LOCAL)


def _windows(supervision: Supervision) -> list[tuple[datetime.datetime, datetime.datetime]]:
    rows = CheckIn.objects.filter(supervision=supervision).order_by("window_start")
    return [(c.window_start.astimezone(LOCAL), c.due_at.astimezone(LOCAL)) for c in rows]


def _expected_windows(*days: datetime.date, window_days: int = 3):
    return [(_local_midnight(d), _local_midnight(d + datetime.timedelta(days=window_days))) for d in days]


def _days(start: datetime.date, *offsets: int) -> list[datetime.date]:
    return [start + datetime.timedelta(days=o) for o in offsets]


def _audit(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)

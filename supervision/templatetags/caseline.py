"""Small presentation helpers for the workspace templates."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from supervision.choices import (
    CheckInStatus,
    ComplianceStatus,
    DrugTestResult,
    ReferralStatus,
    ReportStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationStatus,
)
from supervision.lifecycle import ReportStep, authority_status_label, report_step_open
from supervision.windows import DAY_FORMAT, window_attention, window_due_text, window_last_day

register = template.Library()

# Bootstrap colour of a status badge, by the value of any of the domain's status choices (one value, one
# colour: a value shared by two choices, such as "completed", reads the same in both).
_TONES: dict[str, str] = {
    SupervisionStatus.ACTIVE: "success",
    SupervisionStatus.INACTIVE: "secondary",
    SupervisionStatus.ABSCONDED: "danger",
    SupervisionStatus.WARRANT: "danger",
    SupervisionStatus.IN_CUSTODY: "warning",
    SupervisionStatus.CLOSED: "dark",
    SupervisionLevel.HIGH: "danger",
    SupervisionLevel.MEDIUM: "warning",
    SupervisionLevel.LOW: "info",
    SupervisionLevel.ADMINISTRATIVE: "secondary",
    SupervisionType.PAROLE: "primary",
    SupervisionType.PROBATION: "info",
    ComplianceStatus.COMPLIANT: "success",
    ComplianceStatus.IN_PROGRESS: "info",
    ComplianceStatus.NON_COMPLIANT: "danger",
    ComplianceStatus.SATISFIED: "success",
    ComplianceStatus.WAIVED: "secondary",
    ComplianceStatus.VIOLATED: "danger",
    CheckInStatus.SCHEDULED: "primary",
    CheckInStatus.COMPLETED: "success",
    CheckInStatus.MISSED: "danger",
    CheckInStatus.EXCUSED: "secondary",
    DrugTestResult.NEGATIVE: "success",
    DrugTestResult.POSITIVE: "danger",
    DrugTestResult.DILUTE: "warning",
    DrugTestResult.ADULTERATED: "danger",
    DrugTestResult.REFUSED: "danger",
    DrugTestResult.NO_SHOW: "danger",
    ReferralStatus.REFERRED: "primary",
    ReferralStatus.ENROLLED: "info",
    ReferralStatus.DISCONTINUED: "secondary",
    ReferralStatus.DECLINED: "secondary",
    ViolationStatus.OPEN: "danger",
    ViolationStatus.SANCTIONED: "warning",
    ViolationStatus.REPORTED: "info",
    ViolationStatus.RESOLVED: "success",
    ViolationStatus.DISMISSED: "secondary",
    ViolationStatus.WITHDRAWN: "secondary",
    ReportStatus.DRAFT: "secondary",
    ReportStatus.SUBMITTED: "primary",
    ReportStatus.APPROVED: "success",
    ReportStatus.RETURNED: "warning",
    ReportStatus.ROUTED: "info",
    ReportStatus.RECEIVED: "info",
    ReportStatus.HEARING_SCHEDULED: "primary",
    ReportStatus.DISPOSED: "dark",
}

_ICONS = {
    "check_in": "bi-person-check",
    "drug_test": "bi-droplet-half",
    "note": "bi-journal-text",
    "referral": "bi-signpost-split",
    "community_service": "bi-people",
    "violation": "bi-exclamation-octagon",
    "report": "bi-file-earmark-text",
}


@register.filter
def open_to(report, step: str) -> bool:
    """Whether a lifecycle step is open for the report's status: ``{% if report|open_to:"edit" %}``
    (``supervision.lifecycle``; who may take it is the view's to say)."""
    return report_step_open(report.status, ReportStep(step))


@register.filter
def authority_status(status: str) -> str:
    """A report's status as the court's or the board's inbox names it ("Unread", "Acknowledged", …)."""
    return authority_status_label(status)


@register.filter
def tone(value) -> str:
    """The Bootstrap colour name for a status value (``text-bg-{{ value|tone }}``)."""
    return _TONES.get(str(value), "secondary")


@register.filter
def kind_icon(kind: str) -> str:
    return _ICONS.get(kind, "bi-dot")


@register.filter
def initials(person) -> str:
    return f"{(person.first_name or ' ')[0]}{(person.last_name or ' ')[0]}".upper().strip()


@register.filter
def age(born: date | None) -> int | str:
    if not born:
        return ""
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@register.filter
def percent(done, required) -> int:
    try:
        done, required = Decimal(done or 0), Decimal(required or 0)
    except (TypeError, ValueError, ArithmeticError):
        return 0
    if required <= 0:
        return 0
    return min(100, int(done * 100 / required))


@register.filter
def field_class(bound_field) -> str:
    widget = bound_field.field.widget
    name = type(widget).__name__
    if name in ("Select", "SelectMultiple", "NullBooleanSelect"):
        css = "form-select"
    elif name in ("CheckboxInput", "CheckboxSelectMultiple", "RadioSelect"):
        css = "form-check-input"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return css


@register.simple_tag
def render_widget(bound_field, extra_class: str = ""):
    """The field's widget with Bootstrap classes and the ARIA links to its help and errors."""
    attrs = {"class": f"{field_class(bound_field)} {extra_class}".strip()}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def hours(value) -> str:
    """Hours without trailing zeros: 26.5, 40, 0.25."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)
    return f"{number.normalize():f}"


# --- Check-in windows as people read them (the rule: supervision.windows) ---------------------------


@register.filter
def last_day(due_at: datetime | None) -> date | None:
    """The last day of a window closing at ``due_at``: ``{{ check_in.due_at|last_day|date:"M j" }}``."""
    return window_last_day(due_at) if due_at else None


@register.filter
def due_by(due_at: datetime | None, day_format: str = DAY_FORMAT) -> str:
    """ "Sun Nov 29" for a window closing at the end of that day, "Sun Nov 29, 5:00 PM EST" otherwise
    (``{{ check_in.due_at|due_by:"D M j, Y" }}`` for another day format)."""
    return window_due_text(due_at, day_format=day_format) if due_at else ""


@register.filter
def attention_at(check_in, now: datetime) -> int:
    """How urgent an open check-in is at ``now`` (supervision.choices.Attention, as the caseload sorts it)."""
    return int(window_attention(window_start=check_in.window_start, due_at=check_in.due_at, now=now))

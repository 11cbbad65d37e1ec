"""Small presentation helpers for the workspace templates."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

register = template.Library()

# Bootstrap colour of a status badge, by the value of any of the domain's status choices.
_TONES = {
    # supervision status and level
    "active": "success",
    "inactive": "secondary",
    "absconded": "danger",
    "warrant": "danger",
    "closed": "dark",
    "high": "danger",
    "medium": "warning",
    "low": "info",
    "administrative": "secondary",
    # compliance
    "compliant": "success",
    "in_progress": "info",
    "non_compliant": "danger",
    "satisfied": "success",
    "waived": "secondary",
    # check-ins
    "scheduled": "primary",
    "completed": "success",
    "missed": "danger",
    "excused": "secondary",
    # drug tests
    "negative": "success",
    "positive": "danger",
    "dilute": "warning",
    "adulterated": "danger",
    "refused": "danger",
    "no_show": "danger",
    # referrals
    "referred": "primary",
    "enrolled": "info",
    "discontinued": "secondary",
    "declined": "secondary",
    # violations and reports
    "open": "danger",
    "sanctioned": "warning",
    "reported": "info",
    "resolved": "success",
    "dismissed": "secondary",
    "draft": "secondary",
    "submitted": "primary",
    "approved": "success",
    "returned": "warning",
    "routed": "info",
    "received": "info",
    "hearing_scheduled": "primary",
    "disposed": "dark",
    "parole": "primary",
    "probation": "info",
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
def days_from_today(moment: datetime | date | None) -> int | None:
    """Whole days from today to ``moment`` (negative in the past)."""
    if moment is None:
        return None
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return (day - timezone.localdate()).days


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

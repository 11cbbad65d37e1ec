"""``{{ event.occurred_at|local }}`` / ``{{ value|local:"D M j, g:i A" }}``: a moment in the agency's zone
with the zone named (agency.dates)."""

from datetime import datetime

from django import template

from agency.dates import DATETIME_FORMAT, local_text

register = template.Library()


@register.filter
def local(moment: datetime | None, fmt: str = DATETIME_FORMAT) -> str:
    return local_text(moment, fmt) if moment else ""

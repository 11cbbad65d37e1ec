"""The audit viewer's words (agency.audit_labels): ``{{ event.action|audit_action }}`` ("Listed cases") and
``{% audit_object event %}`` ("Violation report #57"). Both read the row alone: no query per row."""

from django import template

from agency.audit_labels import action_label, object_label
from agency.models import AuditEvent

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.simple_tag
def audit_object(event: AuditEvent) -> str:
    return object_label(event.object_type, event.object_id)

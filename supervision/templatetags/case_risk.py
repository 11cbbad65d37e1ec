"""The case page's risk section: ``{% case_risk case %}`` (the latest assessment, when the next is due, the
override waiting for the supervisor)."""

from typing import Any

from django import template
from django.utils import timezone

from supervision.models import Supervision
from supervision.risk_selectors import case_risk as case_risk_get

register = template.Library()


@register.inclusion_tag("supervision/_case_risk.html")
def case_risk(case: Supervision) -> dict[str, Any]:
    return {"case": case, "risk": case_risk_get(supervision=case, today=timezone.localdate())}

"""Violations."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from agency.audit import audit_record
from agency.models import User
from agency.webhooks import webhook_event_emit
from supervision.choices import (
    ViolationSeverity,
)
from supervision.models import (
    CheckIn,
    Condition,
    DrugTest,
    Supervision,
    Violation,
    ViolationReport,
)

logger = logging.getLogger(__name__)


# --- Violations ------------------------------------------------------------------------------------


@transaction.atomic
def violation_record(
    *,
    actor: User | None,
    supervision: Supervision,
    kind: str,
    occurred_on: date,
    description: str,
    severity: str = ViolationSeverity.MEDIUM,
    check_in: CheckIn | None = None,
    drug_test: DrugTest | None = None,
    condition: Condition | None = None,
    system: str = "",
) -> Violation:
    """Record a violation. ``actor`` is None when a background job (``system``) opens it."""
    for name, source in (("check_in", check_in), ("drug_test", drug_test), ("condition", condition)):
        if source is not None and source.supervision_id != supervision.pk:
            raise ValidationError({name: f"That {name.replace('_', ' ')} belongs to another case."})
    violation = Violation(
        supervision=supervision,
        kind=kind,
        severity=severity,
        occurred_on=occurred_on,
        description=description,
        check_in=check_in,
        drug_test=drug_test,
        condition=condition,
        recorded_by=actor,
    )
    violation.full_clean()  # on or after the case began, not in the future (supervision.bounds)
    violation.save()
    audit_record(
        actor=actor, system=system, action="violation.recorded", obj=violation, offender_id=supervision.offender_id
    )
    webhook_event_emit(
        event="violation.created",
        obj_type="violation",
        obj_id=violation.pk,
        data={
            "violation_id": violation.pk,
            "supervision_id": supervision.pk,
            "check_in_id": violation.check_in_id,
            "drug_test_id": violation.drug_test_id,
            "condition_id": violation.condition_id,
        },
    )
    return violation


def violations_set_status(*, actor: User, report: ViolationReport, status: str) -> int:
    """Move every violation of a report to ``status``, keeping each one's change history."""
    now = timezone.now()
    violations = list(report.violations.all())
    for violation in violations:
        violation.status = status
        violation.updated_at = now
    bulk_update_with_history(violations, Violation, ["status", "updated_at"], default_user=actor)
    return len(violations)

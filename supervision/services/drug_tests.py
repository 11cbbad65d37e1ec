"""Drug tests and their per-substance results."""

import logging
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from supervision.choices import (
    NON_COMPLIANT_RESULTS,
    DrugTestResult,
    SubstanceResult,
    ViolationKind,
    ViolationSeverity,
)
from supervision.models import (
    DrugTest,
    DrugTestSubstanceResult,
    Supervision,
)
from supervision.services.violations import violation_record

logger = logging.getLogger(__name__)


# --- Drug tests ------------------------------------------------------------------------------------


@transaction.atomic
def drug_test_record(
    *,
    actor: User,
    supervision: Supervision,
    collected_at: datetime,
    result: str,
    substance_results: Mapping[str, str] | None = None,
    reason: str = "random",
    specimen: str = "urine",
    panel: str = "10-panel",
    lab_confirmation: str = "not_requested",
    lab_name: str = "",
    notes: str = "",
) -> DrugTest:
    """Record a drug test and its per-substance results. A non-compliant result (positive, dilute,
    adulterated, refused, no-show) opens a technical violation linked to the test."""
    substance_results = dict(substance_results or {})
    positives = sorted(s for s, r in substance_results.items() if r == SubstanceResult.POSITIVE)
    if positives and result == DrugTestResult.NEGATIVE:
        raise ValidationError({"result": f"The result cannot be negative when {', '.join(positives)} tested positive."})
    if result == DrugTestResult.POSITIVE and substance_results and not positives:
        raise ValidationError({"result": "A positive result needs at least one substance marked positive."})
    test = DrugTest(
        supervision=supervision,
        reason=reason,
        specimen=specimen,
        panel=panel,
        collected_at=collected_at,
        result=result,
        lab_confirmation=lab_confirmation,
        lab_name=lab_name,
        notes=notes,
        recorded_by=actor,
    )
    test.full_clean()  # the bounds of collected_at and of the notes (supervision.bounds)
    test.save()
    rows = [DrugTestSubstanceResult(drug_test=test, substance=s, result=r) for s, r in substance_results.items()]
    for row in rows:
        row.full_clean(exclude=["drug_test"])
    DrugTestSubstanceResult.objects.bulk_create(rows)
    audit_record(actor=actor, action="drug_test.recorded", obj=test, detail={"result": result})
    if result in NON_COMPLIANT_RESULTS:
        description = f"Drug test on {timezone.localdate(collected_at):%Y-%m-%d}: {test.get_result_display().lower()}"
        if positives:
            description += f" ({', '.join(positives)})"
        violation_record(
            actor=actor,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            severity=ViolationSeverity.MEDIUM,
            occurred_on=timezone.localdate(collected_at),
            description=description + ".",
            drug_test=test,
        )
    return test

"""What the document shows: the joins it needs, the violations and the conditions they break, its file name."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from supervision.compliance import conditions_with_compliance
from supervision.models import Condition, DrugTestSubstanceResult, Violation, ViolationReport

# --- What the document shows -------------------------------------------------------------------------


def report_document_queryset(queryset: QuerySet[ViolationReport]) -> QuerySet[ViolationReport]:
    """``queryset`` (already scoped by the caller) with everything the report page and the PDF show:
    five queries whatever the number of violations (the report, its violations with their evidence,
    the conditions they cite with their derived compliance (supervision.compliance), the drug tests'
    substance results, the people who wrote it)."""
    conditions = conditions_with_compliance(Condition.objects.select_related("condition_type"))
    violations = Violation.objects.select_related("check_in", "drug_test", "recorded_by").prefetch_related(
        Prefetch("condition", queryset=conditions),
        Prefetch("drug_test__substance_results", queryset=DrugTestSubstanceResult.objects.order_by("substance")),
    )
    return queryset.select_related(
        "supervision__offender",
        "supervision__officer",
        "supervision__unit",
        "author",
        "reviewed_by",
        "received_by",
        "court",
        "parole_board",
    ).prefetch_related(Prefetch("violations", queryset=violations.order_by("occurred_on", "id")), "editors")


@dataclass(frozen=True)
class ConditionViolated:
    condition: Condition
    numbers: list[int]  # the numbers of the violations (1-based, as in the document) that cite it


def report_violations(report: ViolationReport) -> list[Violation]:
    """The report's violations in the document's order (oldest first), as prefetched."""
    return sorted(report.violations.all(), key=lambda v: (v.occurred_on, v.pk))


def conditions_violated(violations: Iterable[Violation]) -> list[ConditionViolated]:
    """The conditions the violations cite, each with the numbers of the violations citing it."""
    cited: dict[int, ConditionViolated] = {}
    for number, violation in enumerate(violations, start=1):
        if violation.condition is None:
            continue
        entry = cited.setdefault(violation.condition.pk, ConditionViolated(violation.condition, []))
        entry.numbers.append(number)
    return sorted(cited.values(), key=lambda c: (c.condition.imposed_on, c.condition.pk))


def pdf_filename(report: ViolationReport) -> str:
    return f"violation-report-{report.pk}-{slugify(report.supervision.docket_number) or 'case'}.pdf"

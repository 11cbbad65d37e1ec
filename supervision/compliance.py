"""A condition's compliance as every reader shows it: the one place that derives it.

An officer records a condition's ``compliance_status`` by hand (in progress, satisfied, waived …). A condition
cited by a live violation (open, answered with a graduated response, or in a report: ``LIVE_VIOLATION_STATUSES``)
is *violated* whatever was recorded, until the violation is resolved, dismissed or withdrawn. The case page
(``supervision.workspace.selectors.case_get``), the authority's report page and the PDF
(``supervision.pdf.content.report_document_queryset``) and the API (``supervision.api.scoping``) read their
conditions through ``conditions_with_compliance``: one annotation (a correlated ``EXISTS``), so a list of any
length costs no extra query, and every reader shows the same state.
"""

from django.db.models import Case, CharField, Exists, F, OuterRef, QuerySet, Value, When

from supervision.choices import LIVE_VIOLATION_STATUSES, ComplianceStatus
from supervision.models import Condition, Violation

# The annotation's name; ``Condition.get_derived_compliance_display`` reads it.
DERIVED_COMPLIANCE = "derived_compliance"


def conditions_with_compliance(queryset: QuerySet[Condition]) -> QuerySet[Condition]:
    """``queryset`` with each condition's derived compliance (``derived_compliance``): *violated* while a live
    violation cites it, else the status recorded on it."""
    live = Violation.objects.filter(condition=OuterRef("pk"), status__in=sorted(LIVE_VIOLATION_STATUSES))
    return queryset.annotate(
        **{
            DERIVED_COMPLIANCE: Case(
                When(Exists(live), then=Value(ComplianceStatus.VIOLATED.value)),
                default=F("compliance_status"),
                output_field=CharField(),
            )
        }
    )

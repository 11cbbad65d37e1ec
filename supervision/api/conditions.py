"""Conditions as orders: the court's or board's order that imposes, modifies or ends a condition, through the
services of supervision/services/conditions.py; every condition answered with its derived compliance
(supervision/compliance.py). Its own module, beside serializers.py and views.py, for their length."""

from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from agency.api.serializers import StrictSerializer
from agency.api.viewsets import ScopedReadViewSet
from supervision import services
from supervision.api import filtersets
from supervision.api.scoping import api_case_records
from supervision.api.serializers import supervision_field, text_field, violation_report_field
from supervision.api.views import read_schema
from supervision.choices import ComplianceStatus
from supervision.compliance import DERIVED_COMPLIANCE, conditions_with_compliance
from supervision.models import Condition, ConditionType

# --- Serializers ----------------------------------------------------------------------------------------

CONDITION_FIELDS = [
    "id",
    "supervision",
    "condition_type",
    "condition_code",
    "condition_name",
    "category",
    "details",
    "compliance_status",
    "recorded_compliance_status",
    "hours_required",
    "hours_completed",
    "imposed_on",
    "ended_on",
    "order_date",
    "order_reference",
    "updated_at",
]


class ConditionSerializer(serializers.ModelSerializer):
    """A condition as its readers see it: ``compliance_status`` is the derived state (supervision.compliance),
    so a condition read from a queryset without ``conditions_with_compliance`` fails loudly."""

    condition_code = serializers.CharField(source="condition_type.code", read_only=True)
    condition_name = serializers.CharField(source="condition_type.name", read_only=True)
    category = serializers.CharField(source="condition_type.category", read_only=True)
    compliance_status = serializers.ChoiceField(
        choices=ComplianceStatus.choices,
        source=DERIVED_COMPLIANCE,
        read_only=True,
        help_text="`violated` while a live violation (open, answered or reported) cites the condition; otherwise "
        "the status the officer recorded (`recorded_compliance_status`).",
    )
    recorded_compliance_status = serializers.ChoiceField(
        choices=ComplianceStatus.choices,
        source="compliance_status",
        read_only=True,
        help_text="What the officer recorded (in progress, satisfied, waived …), whatever the violations.",
    )

    class Meta:
        model = Condition
        fields = CONDITION_FIELDS
        read_only_fields = CONDITION_FIELDS


class _OrderSerializer(StrictSerializer):
    order_date = serializers.DateField(help_text="The date of the court's or board's order.")
    order_reference = text_field(
        Condition, "order_reference", help_text="The order's reference, e.g. its docket entry."
    )
    report = violation_report_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The violation report whose decision (a disposition of `conditions_modified`) this order applies; "
        "the first change citing it sets the report's `conditions_applied_at`. It must be the same case's, and "
        "the order cannot be dated before the decision.",
    )


def _hours_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), allow_null=True, required=False, **kwargs
    )


class ConditionCreateSerializer(_OrderSerializer):
    """A condition the supervision's authority imposed by an order."""

    supervision = supervision_field()
    condition_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ConditionType.objects.all(), help_text="The condition's code in the catalogue."
    )
    details = text_field(
        Condition, "details", required=False, allow_blank=True, default="", help_text="The order's wording."
    )
    imposed_on = serializers.DateField(help_text="When the condition takes effect (not before the order).")
    hours_required = _hours_field(default=None, help_text="Community service: the hours ordered.")


class ConditionModifySerializer(_OrderSerializer):
    """An order that changes the condition's wording (and the hours ordered); the old wording stays in history."""

    details = text_field(Condition, "details", allow_blank=True, help_text="The new wording.")
    hours_required = _hours_field(help_text="Community service: the hours now ordered (left out: unchanged).")


class ConditionEndSerializer(_OrderSerializer):
    ended_on = serializers.DateField(help_text="The last day the condition applies (not before it was imposed).")


# --- The viewset ----------------------------------------------------------------------------------------

_ORDER = {"order_date": "2026-11-20", "order_reference": "CR-2025-00417, entry 31"}


@read_schema(
    "condition",
    "conditions",
    " `compliance_status` is derived: `violated` while a live violation cites the condition, otherwise what the "
    "officer recorded (`recorded_compliance_status`).",
)
class ConditionViewSet(ScopedReadViewSet):
    """Conditions of supervision, imposed, modified and ended by orders of the case's authority (the sentencing
    court or the parole board), with their derived compliance status."""

    queryset = Condition.objects.none()
    serializer_class = ConditionSerializer
    filterset_class = filtersets.ConditionFilterSet
    audit_name = "condition"
    ordering = ("imposed_on", "id")

    def get_scoped_queryset(self):
        return conditions_with_compliance(
            api_case_records(self.request, Condition.objects.select_related("condition_type"))
        )

    @extend_schema(
        summary="Impose a condition",
        description="Record a condition the case's court or board imposed by an order. Only the case's officer or "
        "a supervisor of its unit; a closed case's conditions do not change (409).",
        request=ConditionCreateSerializer,
        responses={201: ConditionSerializer},
        examples=[
            OpenApiExample(
                "Curfew",
                request_only=True,
                value={
                    "supervision": 41,
                    "condition_type": "curfew",
                    "details": "Home from 22:00 to 06:00.",
                    "imposed_on": "2026-11-21",
                    **_ORDER,
                },
            )
        ],
    )
    def create(self, request):
        data = self.validated(ConditionCreateSerializer)
        condition = services.condition_impose(actor=request.user, **data)
        return self.respond(condition, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modify a condition",
        description="Record an order that changes the condition's wording (and, for community service, the hours "
        "ordered). The earlier wording stays in the condition's history. An ended condition is not modified (409).",
        request=ConditionModifySerializer,
        responses={200: ConditionSerializer},
        examples=[
            OpenApiExample("Later curfew", request_only=True, value={"details": "Home from 23:00 to 06:00.", **_ORDER}),
            OpenApiExample(
                "Applying the court's decision on a violation report",
                request_only=True,
                value={"details": "Home from 21:00 to 06:00.", "report": 17, **_ORDER},
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def modify(self, request, pk=None):
        condition = self.get_object()
        data = self.validated(ConditionModifySerializer)
        condition = services.condition_modify(actor=request.user, condition=condition, **data)
        return self.respond(condition)

    @extend_schema(
        summary="End a condition",
        description="Record an order that ends the condition on `ended_on` (not before it was imposed).",
        request=ConditionEndSerializer,
        responses={200: ConditionSerializer},
        examples=[OpenApiExample("Ended", request_only=True, value={"ended_on": "2026-11-30", **_ORDER})],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        condition = self.get_object()
        data = self.validated(ConditionEndSerializer)
        condition = services.condition_end(actor=request.user, condition=condition, **data)
        return self.respond(condition)

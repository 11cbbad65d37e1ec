"""The case lifecycle's own records over the API: custody episodes (answered by the custody actions of
``supervisions``) and closure requests (``closure-requests``: list, read, ``approve/``, ``decline/``), through
``supervision.services.custody`` and ``supervision.services.closures``. Its own module beside cases.py."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from agency.api.serializers import StrictSerializer
from agency.api.viewsets import ScopedReadViewSet
from supervision import services
from supervision.api.scoping import api_case_records
from supervision.choices import SupervisionStatus
from supervision.models import ClosureRequest, CustodyEpisode
from supervision.models.custody import CUSTODY_TEXT_MAX_LENGTH
from supervision.services.history import HISTORY_REASON_MAX_LENGTH

# --- Serializers ------------------------------------------------------------------------------------------

CUSTODY_FIELDS = [
    "id",
    "supervision",
    "started_on",
    "facility",
    "reason",
    "released_on",
    "release_reason",
    "recorded_by",
    "released_by",
]
CLOSURE_REQUEST_FIELDS = [
    "id",
    "supervision",
    "closure_reason",
    "closed_on",
    "note",
    "status",
    "requested_by",
    "requested_at",
    "decided_by",
    "decided_at",
    "decision_reason",
]


class CustodyEpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyEpisode
        fields = CUSTODY_FIELDS
        read_only_fields = CUSTODY_FIELDS


class ClosureRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClosureRequest
        fields = CLOSURE_REQUEST_FIELDS
        read_only_fields = CLOSURE_REQUEST_FIELDS


class CustodyStartSerializer(StrictSerializer):
    started_on = serializers.DateField(required=False, help_text="Default today; never in the future.")
    facility = serializers.CharField(max_length=CUSTODY_TEXT_MAX_LENGTH, help_text="The jail or prison.")
    reason = serializers.CharField(
        max_length=CUSTODY_TEXT_MAX_LENGTH, help_text="The charge, a sanction, a hold for the authority."
    )


class CustodyReleaseSerializer(StrictSerializer):
    released_on = serializers.DateField(required=False, help_text="Default today; not before the custody began.")
    release_reason = serializers.CharField(
        max_length=HISTORY_REASON_MAX_LENGTH, help_text="Kept in the case's history."
    )
    status = serializers.ChoiceField(
        choices=[SupervisionStatus.ACTIVE.value, SupervisionStatus.INACTIVE.value],
        default=SupervisionStatus.ACTIVE.value,
        help_text="What the case is after the release: `active` (check-ins planned from today) or, for "
        "probation only, `inactive`.",
    )


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text="Why the closure is declined.")


# --- Examples ---------------------------------------------------------------------------------------------

CUSTODY_EXAMPLE = {
    "id": 5,
    "supervision": 41,
    "started_on": "2026-11-20",
    "facility": "Franklin County Jail",
    "reason": "New charge: burglary",
    "released_on": None,
    "release_reason": "",
    "recorded_by": 7,
    "released_by": None,
}
CLOSURE_REQUEST_EXAMPLE = {
    "id": 3,
    "supervision": 41,
    "closure_reason": "early_termination",
    "closed_on": "2026-11-27",
    "note": "Two years without a violation; fees paid.",
    "status": "pending",
    "requested_by": 7,
    "requested_at": "2026-11-27T10:15:00-05:00",
    "decided_by": None,
    "decided_at": None,
    "decision_reason": "",
}


def custody_example(**changes: object) -> OpenApiExample:
    return OpenApiExample("Custody episode", value={**CUSTODY_EXAMPLE, **changes}, response_only=True)


def closure_request_example(**changes: object) -> OpenApiExample:
    return OpenApiExample("Closure request", value={**CLOSURE_REQUEST_EXAMPLE, **changes}, response_only=True)


# --- Closure requests ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List closure requests",
        description="Closures asked for on the cases the caller may see (early termination, transfer out), "
        "oldest first; `status` is `pending`, `approved`, `declined` or `cancelled` (the case closed otherwise).",
        examples=[closure_request_example()],
    ),
    retrieve=extend_schema(
        summary="Get a closure request",
        description="One closure request; out of scope answers 404.",
        examples=[closure_request_example()],
    ),
)
class ClosureRequestViewSet(ScopedReadViewSet):
    """Closure requests: early termination and transfer out close a case only when a supervisor of its unit
    other than the person who asked approves (four eyes). Asked for with `POST /supervisions/{id}/close/`."""

    queryset = ClosureRequest.objects.none()
    serializer_class = ClosureRequestSerializer
    audit_name = "closure_request"
    ordering = ("requested_at", "id")

    def get_scoped_queryset(self):
        return api_case_records(self.request, ClosureRequest.objects.all())

    @extend_schema(
        summary="Approve a closure",
        description="A supervisor of the case's unit, not the person who asked, approves: the case is closed "
        "with the requested reason and date in the same transaction (its schedule stood down; emits "
        "`supervision.closed`). Anyone else 403; a request already decided 409.",
        request=None,
        responses={200: ClosureRequestSerializer},
        examples=[closure_request_example(status="approved", decided_by=5, decided_at="2026-11-28T09:02:00-05:00")],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        closure_request = self.get_object()
        return self.respond(services.closure_request_approve(actor=request.user, closure_request=closure_request))

    @extend_schema(
        summary="Decline a closure",
        description="A supervisor of the case's unit, not the person who asked, declines with a reason; the case "
        "stays open. A missing reason 400; anyone else 403; a request already decided 409.",
        request=DeclineSerializer,
        responses={200: ClosureRequestSerializer},
        examples=[
            OpenApiExample("Restitution owed", request_only=True, value={"reason": "Restitution still owed"}),
            closure_request_example(
                status="declined",
                decided_by=5,
                decided_at="2026-11-28T09:02:00-05:00",
                decision_reason="Restitution still owed",
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        closure_request = self.get_object()
        data = self.validated(DeclineSerializer)
        declined = services.closure_request_decline(actor=request.user, closure_request=closure_request, **data)
        return self.respond(declined)

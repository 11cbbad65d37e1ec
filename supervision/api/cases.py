"""The cases themselves over the API: read them, open one, and run its lifecycle (change the level, change the
status, close it, reassign it) through the same services as the case page
(``supervision.services.case_changes``, ``supervision.services.assignment``)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from agency.api.serializers import StrictSerializer
from agency.api.viewsets import ScopedReadViewSet
from agency.choices import Role
from agency.models import User
from supervision import services
from supervision.api import filtersets
from supervision.api import serializers as s
from supervision.api.scoping import api_supervisions
from supervision.api.views import read_schema
from supervision.choices import ClosureReason, SupervisionLevel
from supervision.models import Supervision
from supervision.services.case_changes import CHANGEABLE_STATUSES
from supervision.services.history import HISTORY_REASON_MAX_LENGTH

# --- The actions' bodies ----------------------------------------------------------------------------------


class LevelChangeSerializer(StrictSerializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices)
    reason = serializers.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text="Kept in the case's history.")


class StatusChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=[(status.value, status.label) for status in CHANGEABLE_STATUSES])
    reason = serializers.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text="Kept in the case's history.")
    effective_on = serializers.DateField(required=False, help_text="The day it took effect; default today.")


class CloseSerializer(StrictSerializer):
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices)
    closed_on = serializers.DateField(required=False, help_text="Default today; never in the future.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReassignSerializer(StrictSerializer):
    officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.OFFICER), help_text="An active officer of the caller's unit."
    )
    reason = serializers.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text="Kept in the case's history.")


# --- The viewset ------------------------------------------------------------------------------------------


@read_schema("supervision", "supervisions", " `type` is `parole` or `probation`.")
class SupervisionViewSet(ScopedReadViewSet):
    """Supervisions (cases): one term of parole (authority: a parole board) or probation (authority:
    the sentencing court)."""

    queryset = Supervision.objects.none()
    serializer_class = s.SupervisionSerializer
    filterset_class = filtersets.SupervisionFilterSet
    audit_name = "supervision"
    audit_person = "offender_id"
    ordering = ("-start_date", "-id")

    def get_scoped_queryset(self):
        return api_supervisions(self.request)

    @extend_schema(
        summary="Open a supervision",
        description="Open a case for a person and schedule its first check-ins from the contact standard. "
        "Probation needs `court`, parole needs `parole_board`.",
        request=s.SupervisionCreateSerializer,
        responses={201: s.SupervisionSerializer},
        examples=[
            OpenApiExample(
                "Probation",
                request_only=True,
                value={
                    "offender": 12,
                    "supervision_type": "probation",
                    "court": 3,
                    "docket_number": "CR-2026-00417",
                    "offense": "Theft",
                    "start_date": "2026-01-05",
                    "end_date": "2027-01-04",
                    "level": "medium",
                    "officer": 7,
                },
            )
        ],
    )
    def create(self, request):
        data = self.validated(s.SupervisionCreateSerializer)
        supervision = services.supervision_open(actor=request.user, **data)
        return self.respond(supervision, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the supervision level",
        description="The case's officer or a supervisor of its unit moves the case to another level, for a reason "
        "kept in its history; the check-ins are re-planned at once from the new level's contact standard. "
        "A closed case answers 409. Emits `supervision.level_changed`.",
        request=LevelChangeSerializer,
        responses={200: s.SupervisionSerializer},
        examples=[OpenApiExample("Raise", request_only=True, value={"level": "high", "reason": "New arrest"})],
    )
    @action(detail=True, methods=["post"], url_path="change-level")
    def change_level(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(LevelChangeSerializer)
        return self.respond(services.supervision_change_level(actor=request.user, supervision=supervision, **data))

    @extend_schema(
        summary="Change the status",
        description="Active, inactive (probation only: non-reporting), absconded or warrant, for a reason. A case "
        "that stops reporting has its scheduled check-ins excused (the open one included); one that reports "
        "again is planned from today. Close a case with `close`. Emits `supervision.status_changed`.",
        request=StatusChangeSerializer,
        responses={200: s.SupervisionSerializer},
        examples=[
            OpenApiExample(
                "Absconded",
                request_only=True,
                value={"status": "absconded", "reason": "Not at home for two weeks", "effective_on": "2026-11-20"},
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(StatusChangeSerializer)
        return self.respond(services.supervision_change_status(actor=request.user, supervision=supervision, **data))

    @extend_schema(
        summary="Close the case",
        description="With its reason and date; the schedule is stood down and the case stays, read-only. Early "
        "termination and transfer out are closed by a supervisor of the unit (403 for the officer). Closing "
        "twice answers 409. Emits `supervision.closed`.",
        request=CloseSerializer,
        responses={200: s.SupervisionSerializer},
        examples=[
            OpenApiExample(
                "Completed",
                request_only=True,
                value={"closure_reason": "completed", "closed_on": "2026-11-27", "note": "Term served in full."},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(CloseSerializer)
        return self.respond(services.supervision_close(actor=request.user, supervision=supervision, **data))

    @extend_schema(
        summary="Reassign the case",
        description="A supervisor moves the case to another active officer of their unit, for a reason kept in "
        "its history. The case's officer cannot reassign it (403).",
        request=ReassignSerializer,
        responses={200: s.SupervisionSerializer},
        examples=[OpenApiExample("Balance", request_only=True, value={"officer": 9, "reason": "Caseload balance"})],
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(ReassignSerializer)
        services.supervision_reassign(actor=request.user, supervisions=[supervision], **data)
        return self.respond(supervision)

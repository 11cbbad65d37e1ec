"""The cases themselves over the API: read them, open one, and run its lifecycle (change the level, change the
status, custody and release, close it or ask for its closure, reassign it) through the same services as the
case page (``supervision.services.case_changes``, ``custody``, ``closures``, ``assignment``)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from agency.api.serializers import StrictSerializer
from agency.api.viewsets import ScopedReadViewSet
from agency.choices import Role
from agency.models import User
from supervision import services
from supervision.api import filtersets
from supervision.api import serializers as s
from supervision.api.lifecycle import (
    ClosureRequestSerializer,
    CustodyEpisodeSerializer,
    CustodyReleaseSerializer,
    CustodyStartSerializer,
    closure_request_example,
    custody_example,
)
from supervision.api.scoping import api_supervisions
from supervision.api.views import read_schema
from supervision.choices import FOUR_EYES_CLOSURES, ClosureReason, SupervisionLevel
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
        description="With its reason and date; the schedule is stood down and the case stays, read-only (200, the "
        "case; emits `supervision.closed`). Early termination and transfer out wait for the approval of a "
        "supervisor of the unit other than the caller (four eyes): they answer 202 with the pending closure "
        "request (`closure-requests/{id}/approve/`), and the case stays open; a second request while one waits "
        "409. Closing twice answers 409.",
        request=CloseSerializer,
        responses={200: s.SupervisionSerializer, 202: ClosureRequestSerializer},
        examples=[
            OpenApiExample(
                "Completed",
                request_only=True,
                value={"closure_reason": "completed", "closed_on": "2026-11-27", "note": "Term served in full."},
            ),
            OpenApiExample(
                "Early termination (waits for approval)",
                request_only=True,
                value={"closure_reason": "early_termination", "closed_on": "2026-11-27", "note": "Fees paid."},
            ),
            closure_request_example(),
        ],
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(CloseSerializer)
        if data["closure_reason"] in FOUR_EYES_CLOSURES:
            closure_request = services.closure_request_submit(actor=request.user, supervision=supervision, **data)
            return Response(ClosureRequestSerializer(closure_request).data, status=status.HTTP_202_ACCEPTED)
        return self.respond(services.supervision_close(actor=request.user, supervision=supervision, **data))

    @extend_schema(
        summary="Record custody",
        description="The person was taken into custody (a jail or prison, for a charge, a sanction or a hold): "
        "the case is `in_custody` and its scheduled check-ins are excused, the open one included, so none "
        "becomes a missed check-in. 201 with the custody episode; emits `supervision.status_changed`. A case "
        "already in custody, or closed, answers 409.",
        request=CustodyStartSerializer,
        responses={201: CustodyEpisodeSerializer},
        examples=[
            OpenApiExample(
                "Arrested",
                request_only=True,
                value={"started_on": "2026-11-20", "facility": "Franklin County Jail", "reason": "New charge"},
            ),
            custody_example(),
        ],
    )
    @action(detail=True, methods=["post"], url_path="custody")
    def custody(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(CustodyStartSerializer)
        episode = services.custody_start(actor=request.user, supervision=supervision, **data)
        return Response(CustodyEpisodeSerializer(episode).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the release from custody",
        description="Ends the open custody episode: the case is `active` again (check-ins planned from today) "
        "or, for probation only, `inactive`. A release before the custody began is a 400 on `released_on`; a "
        "case not in custody answers 409. Emits `supervision.status_changed`.",
        request=CustodyReleaseSerializer,
        responses={200: CustodyEpisodeSerializer},
        examples=[
            OpenApiExample(
                "Charge dropped",
                request_only=True,
                value={"released_on": "2026-11-25", "release_reason": "Charge dropped", "status": "active"},
            ),
            custody_example(released_on="2026-11-25", release_reason="Charge dropped", released_by=7),
        ],
    )
    @action(detail=True, methods=["post"], url_path="custody/release", url_name="custody-release")
    def custody_release(self, request, pk=None):
        supervision = self.get_object()
        data = self.validated(CustodyReleaseSerializer)
        episode = services.custody_end(actor=request.user, supervision=supervision, **data)
        return Response(CustodyEpisodeSerializer(episode).data)

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

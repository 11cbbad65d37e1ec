"""Risk assessments over the API: list and read those recorded on the cases in scope, and record one through
the same service as the case page (``supervision.services.risk``): the answers by item, the score and the
suggested level computed, the case's level following it unless an override (with its reason) is asked of the
unit's supervisor."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from agency.api.serializers import StrictSerializer
from agency.api.viewsets import ScopedReadViewSet
from offenders.bounds import NOTE_MAX_LENGTH
from offenders.models import RiskAssessment
from offenders.risk import AssessmentInstrument, LevelOverride, RiskAssessmentAnswer
from supervision.api.scoping import api_case_records
from supervision.api.serializers import supervision_field
from supervision.choices import SupervisionLevel
from supervision.services.history import HISTORY_REASON_MAX_LENGTH
from supervision.services.risk import level_override_approve, level_override_decline, risk_assessment_record

MAX_ID = 2**31 - 1

ASSESSMENT_EXAMPLE = {
    "id": 7,
    "supervision": 41,
    "offender": 12,
    "instrument": "agency-screening-sample",
    "instrument_name": "Agency screening (sample)",
    "score": 6,
    "level": "high",
    "suggested_level": "high",
    "assessed_on": "2026-11-20",
    "assessor": 5,
    "notes": "",
    "answers": [{"item": 1, "answer": 3, "label": "Three or more", "score": 3}],
    "override": {"id": 2, "requested_level": "medium", "reason": "Stable job and housing", "status": "pending"},
}


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessmentAnswer
        fields = ("item", "answer", "label", "score")


class OverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelOverride
        fields = ("id", "requested_level", "reason", "status")


class RiskAssessmentSerializer(serializers.ModelSerializer):
    instrument: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="tool", slug_field="code", read_only=True
    )
    instrument_name = serializers.CharField(read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    override = OverrideSerializer(source="level_override", read_only=True, allow_null=True)

    class Meta:
        model = RiskAssessment
        fields = (
            "id",
            "supervision",
            "offender",
            "instrument",
            "instrument_name",
            "score",
            "level",
            "suggested_level",
            "assessed_on",
            "assessor",
            "notes",
            "answers",
            "override",
        )
        read_only_fields = fields


class AnswerInputSerializer(StrictSerializer):
    item = serializers.IntegerField(help_text="The item's id.", min_value=1, max_value=MAX_ID)
    answer = serializers.IntegerField(help_text="The id of one of the item's answers.", min_value=1, max_value=MAX_ID)


class OverrideDecisionSerializer(StrictSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH, help_text="Required to decline."
    )


class RiskAssessmentCreateSerializer(StrictSerializer):
    supervision = supervision_field()
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=AssessmentInstrument.objects.all(), help_text="The instrument's code."
    )
    answers = AnswerInputSerializer(many=True, help_text="Every item of the instrument answered once.")
    assessed_on = serializers.DateField(help_text="Today or before, not before the case began.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")
    override_level = serializers.ChoiceField(
        choices=SupervisionLevel.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Ask the unit's supervisor for this level instead of the one the assessment suggests.",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=HISTORY_REASON_MAX_LENGTH,
        help_text="Required with `override_level`; kept in the case's history.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List risk assessments",
        description="The assessments recorded on the cases the caller may see, newest first.",
        examples=[OpenApiExample("Assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a risk assessment",
        description="One assessment; out of scope answers 404.",
        examples=[OpenApiExample("Assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
)
class RiskAssessmentViewSet(ScopedReadViewSet):
    """Risk assessments on a configured instrument, recorded on a case."""

    queryset = RiskAssessment.objects.none()
    serializer_class = RiskAssessmentSerializer
    audit_name = "risk_assessment"
    audit_person = "offender_id"
    ordering = ("-assessed_on", "-id")

    def get_scoped_queryset(self):
        records = RiskAssessment.objects.filter(supervision__isnull=False)
        return (
            api_case_records(self.request, records)
            .select_related("tool", "level_override")
            .prefetch_related(Prefetch("answers", queryset=RiskAssessmentAnswer.objects.order_by("item__order")))
        )

    @extend_schema(
        summary="Record a risk assessment",
        description="Answer every item of an active instrument once; the score and the suggested level are "
        "computed from the answers and the instrument's cut-offs. The case's level follows the assessment "
        "unless `override_level` (with `override_reason`) asks the unit's supervisor for another: the level "
        "then changes only when a supervisor other than the caller approves it. 400: a field (a missing, "
        "repeated or foreign answer; an override without a reason); 409: the case is closed, or an override "
        "is already waiting.",
        request=RiskAssessmentCreateSerializer,
        responses={201: RiskAssessmentSerializer},
        examples=[
            OpenApiExample(
                "Follow the assessment",
                request_only=True,
                value={
                    "supervision": 41,
                    "instrument": "agency-screening-sample",
                    "answers": [{"item": 1, "answer": 3}, {"item": 2, "answer": 4}],
                    "assessed_on": "2026-11-20",
                },
            ),
            OpenApiExample(
                "With an override",
                request_only=True,
                value={
                    "supervision": 41,
                    "instrument": "agency-screening-sample",
                    "answers": [{"item": 1, "answer": 3}, {"item": 2, "answer": 4}],
                    "assessed_on": "2026-11-20",
                    "override_level": "medium",
                    "override_reason": "Stable job and housing",
                },
            ),
            OpenApiExample("Created", value=ASSESSMENT_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request):
        data = self.validated(RiskAssessmentCreateSerializer)
        assessment = risk_assessment_record(
            actor=request.user,
            supervision=data["supervision"],
            instrument=data["instrument"],
            answers=[(answer["item"], answer["answer"]) for answer in data["answers"]],
            assessed_on=data["assessed_on"],
            notes=data["notes"],
            override_level=data["override_level"],
            override_reason=data["override_reason"],
        )
        return self.respond(assessment, status.HTTP_201_CREATED)

    def _decide(self, request, decide):
        assessment = self.get_object()
        override = getattr(assessment, "level_override", None)
        if override is None:
            raise NotFound("This assessment asked for no override.")
        data = self.validated(OverrideDecisionSerializer)
        decide(actor=request.user, override=override, reason=data["reason"])
        return self.respond(assessment)

    @extend_schema(
        summary="Approve the assessment's level override",
        description="A supervisor of the case's unit, not the one who asked, approves the override: the case "
        "moves to the asked level, the history naming the assessment. 403: not a supervisor of the unit; "
        "409: the caller asked for it, or it was already decided.",
        request=OverrideDecisionSerializer,
        responses={200: RiskAssessmentSerializer},
        examples=[OpenApiExample("Approve", request_only=True, value={"reason": "Agreed at the case review."})],
    )
    @action(detail=True, methods=["post"], url_path="approve-override")
    def approve_override(self, request, pk=None):
        return self._decide(request, level_override_approve)

    @extend_schema(
        summary="Decline the assessment's level override",
        description="A supervisor of the case's unit, not the one who asked, declines the override with a "
        "reason: the case follows the assessment. 400: no reason; 403 and 409 as for approving.",
        request=OverrideDecisionSerializer,
        responses={200: RiskAssessmentSerializer},
        examples=[OpenApiExample("Decline", request_only=True, value={"reason": "The score stands."})],
    )
    @action(detail=True, methods=["post"], url_path="decline-override")
    def decline_override(self, request, pk=None):
        return self._decide(request, level_override_decline)

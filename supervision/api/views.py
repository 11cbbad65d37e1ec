"""The case resources. Reads come from the scoped querysets (with the joins a page needs, so a list
runs a constant number of queries); writes go input serializer → service → output serializer."""

from typing import cast

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from agency.access import CASE_ROLES
from agency.api.examples import example
from agency.api.viewsets import ScopedReadViewSet
from agency.choices import Role
from agency.models import User
from supervision import services
from supervision.api import filtersets
from supervision.api import serializers as s
from supervision.api.scoping import api_case_records, api_violation_reports
from supervision.models import CaseNote, CheckIn, DrugTest, Violation, ViolationReport

REPORT_ROLES = (*CASE_ROLES, Role.COURT_CLERK, Role.PAROLE_BOARD_STAFF)


def read_schema(noun: str, plural: str, extra: str = ""):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"The {plural} of the cases the caller may see, newest first. Filter with "
            f"`updated_since` for incremental sync.{extra}",
            examples=example(noun),
        ),
        retrieve=extend_schema(
            summary=f"Get a {noun}", description=f"One {noun}; out of scope answers 404.", examples=example(noun)
        ),
    )


@read_schema(
    "check-in", "check-ins", " `due_at` is when the window closes; uncompleted after it, a check-in is missed."
)
class CheckInViewSet(ScopedReadViewSet):
    """Check-ins: scheduled from the contact standard, or unscheduled contacts recorded by an officer."""

    queryset = CheckIn.objects.none()
    serializer_class = s.CheckInSerializer
    filterset_class = filtersets.CheckInFilterSet
    audit_name = "check_in"
    ordering = ("-due_at", "-id")

    def get_scoped_queryset(self):
        return api_case_records(self.request, CheckIn.objects.all())

    @extend_schema(
        summary="Record an unscheduled contact",
        description="A contact that took place outside the schedule (home visit, employer contact …); "
        "it is recorded as completed.",
        request=s.ContactCreateSerializer,
        responses={201: s.CheckInSerializer},
        examples=[
            OpenApiExample(
                "Home visit",
                request_only=True,
                value={"supervision": 41, "kind": "home_visit", "occurred_at": "2026-11-20T18:30:00Z"},
            )
        ],
    )
    def create(self, request):
        data = self.validated(s.ContactCreateSerializer)
        check_in = services.contact_record(actor=request.user, **data)
        return self.respond(check_in, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Complete a check-in",
        description="Record that a scheduled check-in took place. Only a scheduled one can be completed.",
        request=s.CheckInCompleteSerializer,
        responses={200: s.CheckInSerializer},
        examples=[OpenApiExample("At the office", request_only=True, value={"location": "Main office"})],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        check_in = self.get_object()
        data = self.validated(s.CheckInCompleteSerializer)
        check_in = services.check_in_complete(actor=request.user, check_in=check_in, **data)
        return self.respond(check_in)

    @extend_schema(
        summary="Excuse a check-in",
        description="Excuse a scheduled check-in with a reason (hospitalised, approved travel …).",
        request=s.CheckInExcuseSerializer,
        responses={200: s.CheckInSerializer},
        examples=[OpenApiExample("Hospital", request_only=True, value={"reason": "In hospital, letter on file."})],
    )
    @action(detail=True, methods=["post"])
    def excuse(self, request, pk=None):
        check_in = self.get_object()
        data = self.validated(s.CheckInExcuseSerializer)
        check_in = services.check_in_excuse(actor=request.user, check_in=check_in, **data)
        return self.respond(check_in)


@read_schema("drug test", "drug tests")
class DrugTestViewSet(ScopedReadViewSet):
    """Drug tests with their per-substance results. A non-compliant result opens a violation."""

    queryset = DrugTest.objects.none()
    serializer_class = s.DrugTestSerializer
    filterset_class = filtersets.DrugTestFilterSet
    audit_name = "drug_test"
    ordering = ("-collected_at", "-id")

    def get_scoped_queryset(self):
        return api_case_records(self.request, DrugTest.objects.prefetch_related("substance_results"))

    @extend_schema(
        summary="Record a drug test",
        description="Record a test and its per-substance results. Positive, dilute, adulterated, refused "
        "and no-show results open a technical violation linked to the test.",
        request=s.DrugTestCreateSerializer,
        responses={201: s.DrugTestSerializer},
        examples=[
            OpenApiExample(
                "Positive",
                request_only=True,
                value={
                    "supervision": 41,
                    "collected_at": "2026-11-20T09:15:00Z",
                    "result": "positive",
                    "substance_results": [{"substance": "cocaine", "result": "positive"}],
                },
            )
        ],
    )
    def create(self, request):
        data = self.validated(s.DrugTestCreateSerializer)
        test = services.drug_test_record(actor=request.user, **data)
        return self.respond(test, status.HTTP_201_CREATED)


@read_schema("case note", "case notes")
class CaseNoteViewSet(ScopedReadViewSet):
    """Case notes. Notes are never deleted: a wrong note is voided and stays on record."""

    queryset = CaseNote.objects.none()
    serializer_class = s.CaseNoteSerializer
    filterset_class = filtersets.CaseNoteFilterSet
    audit_name = "case_note"
    ordering = ("-created_at", "-id")

    def get_scoped_queryset(self):
        return api_case_records(self.request, CaseNote.objects.all())

    @extend_schema(
        summary="Add a case note",
        request=s.CaseNoteCreateSerializer,
        responses={201: s.CaseNoteSerializer},
        examples=[OpenApiExample("Note", request_only=True, value={"supervision": 41, "body": "Called employer."})],
    )
    def create(self, request):
        data = self.validated(s.CaseNoteCreateSerializer)
        note = services.case_note_add(actor=request.user, **data)
        return self.respond(note, status.HTTP_201_CREATED)


@read_schema("violation", "violations")
class ViolationViewSet(ScopedReadViewSet):
    """Violations: a missed check-in, a failed drug test, a broken condition or a new offence."""

    queryset = Violation.objects.none()
    serializer_class = s.ViolationSerializer
    filterset_class = filtersets.ViolationFilterSet
    audit_name = "violation"
    ordering = ("-occurred_on", "-id")

    def get_scoped_queryset(self):
        return api_case_records(self.request, Violation.objects.all())

    @extend_schema(
        summary="Record a violation",
        request=s.ViolationCreateSerializer,
        responses={201: s.ViolationSerializer},
        examples=[
            OpenApiExample(
                "New offence",
                request_only=True,
                value={
                    "supervision": 41,
                    "kind": "new_offence",
                    "severity": "high",
                    "occurred_on": "2026-11-18",
                    "description": "Arrested for shoplifting.",
                },
            )
        ],
    )
    def create(self, request):
        data = self.validated(s.ViolationCreateSerializer)
        violation = services.violation_record(actor=request.user, **data)
        return self.respond(violation, status.HTTP_201_CREATED)

    def _correct(self, service):
        violation = self.get_object()
        data = self.validated(s.ViolationCorrectionSerializer)
        violation = service(actor=self.request.user, violation=violation, **data)
        return self.respond(violation)

    @extend_schema(
        summary="Withdraw a violation",
        description="A violation recorded in error is withdrawn, with the reason; it stays on record. A violation "
        "held by a violation report (draft, submitted or filed) cannot be (409, naming the report in `report`).",
        request=s.ViolationCorrectionSerializer,
        responses={200: s.ViolationSerializer},
        examples=[OpenApiExample("Wrong case", request_only=True, value={"reason": "Entered on the wrong case."})],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._correct(services.violation_withdraw)

    @extend_schema(
        summary="Dismiss a violation",
        description="A violation that is not sustained is dismissed, with the reason; it stays on record. A "
        "violation held by a violation report cannot be (409, naming the report in `report`).",
        request=s.ViolationCorrectionSerializer,
        responses={200: s.ViolationSerializer},
        examples=[
            OpenApiExample("Not sustained", request_only=True, value={"reason": "The lab did not confirm the result."})
        ],
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._correct(services.violation_dismiss)

    @extend_schema(
        summary="Merge a violation into the one recorded for the same event",
        description="A violation recorded by hand about a missed check-in or a failed test that already has its "
        "automatic violation is withdrawn, pointing to the one kept (`merged_into`); the kept one takes the "
        "condition the merged one cited when it cites none. Answers the violation kept. 400: `into` is not a "
        "violation of the same case recorded for a check-in or test, or is no longer live, or this violation is "
        "itself the automatic one; 409: this violation is held by a violation report (`report`) or no longer "
        "open or answered, or the case is closed.",
        request=s.ViolationMergeSerializer,
        responses={200: s.ViolationSerializer},
        examples=[
            OpenApiExample(
                "Recorded twice",
                request_only=True,
                value={"into": 1207, "reason": "Same positive test as the automatic violation."},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        violation = self.get_object()
        data = self.validated(s.ViolationMergeSerializer)
        kept = services.violation_merge(actor=request.user, violation=violation, **data)
        return self.respond(kept)


@extend_schema_view(
    list=extend_schema(
        summary="List violation reports",
        description="Agency roles: the reports of their cases. Court clerks and parole board staff: only the "
        "reports routed to their court or board.",
        examples=example("violation report"),
    ),
    retrieve=extend_schema(
        summary="Get a violation report",
        description="One report; out of scope answers 404.",
        examples=example("violation report"),
    ),
)
class ViolationReportViewSet(ScopedReadViewSet):
    """Violation reports: drafted by the officer, approved by the supervisor, routed to the authority
    (sentencing court for probation, parole board for parole), acknowledged and disposed by it."""

    queryset = ViolationReport.objects.none()
    serializer_class = s.ViolationReportSerializer
    filterset_class = filtersets.ViolationReportFilterSet
    api_roles = REPORT_ROLES
    audit_name = "violation_report"
    ordering = ("-created_at", "-id")

    def get_scoped_queryset(self):
        return (
            api_violation_reports(self.request)
            .select_related("court", "parole_board", "supervision__court", "supervision__parole_board", "author")
            .prefetch_related("violations", "editors")
        )

    def _require_case_role(self) -> None:
        user = cast(User, self.request.user)  # IsAuthenticated, a default permission, let in signed-in users only
        if user.role not in CASE_ROLES:
            raise PermissionDenied(f"Your role ({user.get_role_display()}) may not write reports.")

    @extend_schema(
        summary="Draft a violation report",
        description="An officer drafts a report from open violations of one case.",
        request=s.ViolationReportCreateSerializer,
        responses={201: s.ViolationReportSerializer},
        examples=[
            OpenApiExample(
                "Draft",
                request_only=True,
                value={
                    "supervision": 41,
                    "violations": [88, 91],
                    "narrative": "Missed two check-ins and tested positive for cocaine.",
                    "recommendation": "modify_conditions",
                },
            )
        ],
    )
    def create(self, request):
        self._require_case_role()
        data = self.validated(s.ViolationReportCreateSerializer)
        report = services.violation_report_draft(actor=request.user, **data)
        return self.respond(report, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft or returned report",
        description="Only its author edits a report.",
        request=s.ViolationReportUpdateSerializer,
        responses={200: s.ViolationReportSerializer},
        examples=[OpenApiExample("Narrative", request_only=True, value={"narrative": "Revised narrative."})],
    )
    def partial_update(self, request, pk=None):
        self._require_case_role()
        report = self.get_object()
        data = self.validated(s.ViolationReportUpdateSerializer)
        report = services.violation_report_update(
            actor=request.user,
            report=report,
            narrative=data.get("narrative", report.narrative),
            recommendation=data.get("recommendation", report.recommendation),
            violations=data.get("violations"),
        )
        return self.respond(report)

    def _act(self, service, serializer_class=s.NoBodySerializer, **mapping):
        report = self.get_object()
        data = self.validated(serializer_class)
        report = service(actor=self.request.user, report=report, **{mapping.get(k, k): v for k, v in data.items()})
        return self.respond(report)

    @extend_schema(
        summary="Submit to the supervisor",
        description="Its author submits a draft (or a revised returned report) for approval. The body may carry "
        "the report as it is on the author's screen (`narrative`, `recommendation`, `violations`): it is saved "
        "and submitted in one step, or nothing is. A field left out keeps its saved value; an empty body "
        "submits the report as saved.",
        request=s.ViolationReportSubmitSerializer,
        responses={200: s.ViolationReportSerializer},
        examples=[
            OpenApiExample(
                "As on screen",
                request_only=True,
                value={
                    "violations": [88],
                    "narrative": "Missed two check-ins. He has reported daily since.",
                    "recommendation": "modify_conditions",
                },
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(services.violation_report_submit, s.ViolationReportSubmitSerializer)

    @extend_schema(
        summary="Approve",
        description="The unit supervisor approves a submitted report; it is then routed to its authority.",
        request=s.NoBodySerializer,
        responses={200: s.ViolationReportSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.violation_report_approve)

    @extend_schema(
        summary="Return to the officer",
        description="The unit supervisor returns a submitted report with a comment.",
        request=s.ReportReturnSerializer,
        responses={200: s.ViolationReportSerializer},
        examples=[OpenApiExample("Return", request_only=True, value={"comment": "Add the dates of the tests."})],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(services.violation_report_return, s.ReportReturnSerializer)

    @extend_schema(
        summary="Acknowledge receipt",
        description="The court clerk or parole board staff acknowledges a routed report.",
        request=s.NoBodySerializer,
        responses={200: s.ViolationReportSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(services.violation_report_acknowledge)

    @extend_schema(
        summary="Schedule the hearing",
        description="The authority records (or moves) the hearing of a received report.",
        request=s.ReportHearingSerializer,
        responses={200: s.ViolationReportSerializer},
        examples=[
            OpenApiExample(
                "Hearing", request_only=True, value={"hearing_at": "2026-12-03T14:00:00Z", "location": "Courtroom 4"}
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def hearing(self, request, pk=None):
        return self._act(services.violation_report_schedule_hearing, s.ReportHearingSerializer)

    @extend_schema(
        summary="Record the disposition",
        description="The authority's decision: continued, conditions_modified, revoked or dismissed. "
        "A revocation closes the supervision.",
        request=s.ReportDispositionSerializer,
        responses={200: s.ViolationReportSerializer},
        examples=[OpenApiExample("Continued", request_only=True, value={"disposition": "continued"})],
    )
    @action(detail=True, methods=["post"])
    def disposition(self, request, pk=None):
        return self._act(services.violation_report_dispose, s.ReportDispositionSerializer)

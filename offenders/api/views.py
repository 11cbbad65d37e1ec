from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from agency.api.examples import example
from agency.api.viewsets import ScopedReadViewSet
from agency.audit import audit_query, audit_record
from offenders import services
from offenders.api.filtersets import OffenderFilterSet
from offenders.api.serializers import (
    DuplicatesQuerySerializer,
    DuplicatesSerializer,
    OffenderCreateSerializer,
    OffenderSerializer,
)
from offenders.models import Offender
from offenders.selectors import Identity, offender_search, offenders_findable_at_intake
from supervision.api.scoping import api_offenders
from supervision.models import Supervision

_DUPLICATES_EXAMPLE = {
    "matches": [
        {
            "offender": 12,
            "agency_number": "CL-7K3M-9QXA",
            "first_name": "Dana",
            "middle_name": "",
            "last_name": "Reyes",
            "date_of_birth": "1990-04-12",
            "state_id": "OH1234567",
            "fbi_number": "",
            "aliases": [{"kind": "maiden", "first_name": "Dana", "last_name": "Kessler"}],
            "reasons": ["Same SID", "Same last name and date of birth"],
        }
    ],
    "elsewhere": 0,
}


@extend_schema_view(
    list=extend_schema(
        summary="List people under supervision",
        description="The people whose supervisions the caller may see. Filter with `updated_since` to sync.",
        examples=example("offender"),
    ),
    retrieve=extend_schema(
        summary="Get a person",
        description="One person under supervision (the read is audited).",
        examples=example("offender"),
    ),
)
class OffenderViewSet(ScopedReadViewSet):
    """People under supervision. Every read is audited."""

    queryset = Offender.objects.none()
    serializer_class = OffenderSerializer
    filterset_class = OffenderFilterSet
    audit_name = "offender"
    audit_person = "pk"
    ordering = ("last_name", "first_name", "id")

    def get_scoped_queryset(self):
        return api_offenders(self.request)

    @extend_schema(
        summary="Register a person",
        description="Register a person; the agency number is generated. Open a supervision to put them on a caseload.",
        request=OffenderCreateSerializer,
        responses={201: OffenderSerializer},
        examples=[
            OpenApiExample(
                "New person",
                value={"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1990-04-12", "state_id": "OH123"},
                request_only=True,
            )
        ],
    )
    def create(self, request):
        data = self.validated(OffenderCreateSerializer)
        offender = services.offender_create(actor=request.user, **data)
        # Registered without a case, the person is in no caseload yet: the caller gets what they registered.
        return self.respond(offender, status.HTTP_201_CREATED, new_record=True)

    @extend_schema(
        summary="Possible duplicates of a person",
        description=(
            "Before registering a person: the people already registered who may be the same, each with why it "
            "matches (same SID; same FBI number; same last name and date of birth; same date of birth and first "
            "name or initial; an alias matching the name; by name only, the same name). Case and spacing are "
            "ignored. Shown: the people the caller may see, and those with no case yet; `elsewhere` counts the "
            "others without naming them. Only identity fields are returned. The search is audited."
        ),
        parameters=[
            OpenApiParameter("first_name", str, description="First name (its initial is compared too)."),
            OpenApiParameter("last_name", str, description="Last name (compared with aliases too)."),
            OpenApiParameter("date_of_birth", str, description="YYYY-MM-DD."),
            OpenApiParameter("state_id", str, description="State identification number (SID)."),
            OpenApiParameter("fbi_number", str, description="FBI number."),
        ],
        responses={200: DuplicatesSerializer},
        examples=[OpenApiExample("Possible duplicates", value=_DUPLICATES_EXAMPLE, response_only=True)],
    )
    @action(detail=False, methods=["get"], url_path="duplicates", filterset_class=None, pagination_class=None)
    def duplicates(self, request):
        identity = Identity.of(**self.validated(DuplicatesQuerySerializer, data=request.query_params))
        # The caller's intake scope, narrowed like every API read to the token's unit (people with no case stay).
        no_case = ~Exists(Supervision.objects.filter(offender=OuterRef("pk")))
        among = offenders_findable_at_intake(request.user).filter(
            no_case | Q(pk__in=api_offenders(request).values("pk"))
        )
        result = offender_search(actor=request.user, identity=identity, among=among)
        audit_record(
            actor=request.user,
            action="offender.listed",
            offender_ids=[match.offender.pk for match in result.matches],
            detail={
                "via": "api",
                "search": "duplicates",
                "elsewhere": result.elsewhere,
                "query": audit_query(request.query_params),
            },
        )
        return Response(DuplicatesSerializer(result).data)

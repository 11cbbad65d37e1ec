from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status

from agency.api.examples import example
from agency.api.viewsets import ScopedReadViewSet
from offenders import services
from offenders.api.filtersets import OffenderFilterSet
from offenders.api.serializers import OffenderCreateSerializer, OffenderSerializer
from offenders.models import Offender
from supervision.api.scoping import api_offenders


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

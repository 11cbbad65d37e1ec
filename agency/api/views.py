"""Reference data (courts, parole boards, units, officers) and ``/me``."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agency.access import CASE_ROLES
from agency.api.examples import example
from agency.api.filtersets import UserFilterSet
from agency.api.permissions import TokenScopePermission, token_scope
from agency.api.scoping import api_officers, api_units
from agency.api.serializers import (
    CourtSerializer,
    MeSerializer,
    OfficerSerializer,
    ParoleBoardSerializer,
    UnitSerializer,
)
from agency.api.viewsets import ScopedReadViewSet
from agency.models import Court, ParoleBoard, Unit, User


@extend_schema_view(
    list=extend_schema(
        summary="List courts", description="The sentencing courts (reference data).", examples=example("court")
    ),
    retrieve=extend_schema(summary="Get a court", description="One sentencing court.", examples=example("court")),
)
class CourtViewSet(ScopedReadViewSet):
    """Sentencing courts: the authority over probation cases. Every signed-in role may read them."""

    queryset = Court.objects.none()
    serializer_class = CourtSerializer
    api_roles = None
    ordering = ("name", "id")
    filterset_fields = ["is_active"]

    def get_scoped_queryset(self):
        return Court.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="List parole boards",
        description="The parole boards (reference data).",
        examples=example("parole board"),
    ),
    retrieve=extend_schema(
        summary="Get a parole board", description="One parole board.", examples=example("parole board")
    ),
)
class ParoleBoardViewSet(ScopedReadViewSet):
    """Parole boards: the authority over parole cases. Every signed-in role may read them."""

    queryset = ParoleBoard.objects.none()
    serializer_class = ParoleBoardSerializer
    api_roles = None
    ordering = ("name", "id")
    filterset_fields = ["is_active"]

    def get_scoped_queryset(self):
        return ParoleBoard.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="List units", description="Units the caller may see: all, or their own.", examples=example("unit")
    ),
    retrieve=extend_schema(summary="Get a unit", description="One supervision unit.", examples=example("unit")),
)
class UnitViewSet(ScopedReadViewSet):
    """Supervision units. Officers, supervisors and unit-bound integrators see their own unit."""

    queryset = Unit.objects.none()
    serializer_class = UnitSerializer
    api_roles = CASE_ROLES
    ordering = ("name", "id")

    def get_scoped_queryset(self):
        return api_units(self.request)


@extend_schema_view(
    list=extend_schema(
        summary="List officers",
        description="Officers and supervisors of the units in scope.",
        examples=example("officer"),
    ),
    retrieve=extend_schema(
        summary="Get an officer", description="One officer or supervisor.", examples=example("officer")
    ),
)
class OfficerViewSet(ScopedReadViewSet):
    """Officers and supervisors of the units the caller may see (an officer sees only themself)."""

    queryset = User.objects.none()
    serializer_class = OfficerSerializer
    api_roles = CASE_ROLES
    ordering = ("last_name", "first_name", "id")
    filterset_class = UserFilterSet

    def get_scoped_queryset(self):
        return api_officers(self.request)


class MeView(GenericAPIView):
    """Who the caller is: the user behind the session or token, and the token's scope."""

    permission_classes = [IsAuthenticated, TokenScopePermission]
    serializer_class = MeSerializer
    queryset = User.objects.none()
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Who am I",
        description="The signed-in user or the token's user, and the token's scope (null in a browser session).",
        examples=[
            OpenApiExample(
                "Integrator token",
                response_only=True,
                value={
                    "id": 31,
                    "username": "court-cms",
                    "role": "integrator",
                    "unit": None,
                    "court": None,
                    "parole_board": None,
                    "first_name": "",
                    "last_name": "",
                    "token": {
                        "label": "County court case system",
                        "scope": "read",
                        "unit": 2,
                        "expires_at": "2027-11-23T10:00:00-05:00",
                        "token_key": "cl_5b6a5733215",
                    },
                },
            )
        ],
    )
    def get(self, request):
        serializer = MeSerializer(request.user, context={"request": request, "token_scope": token_scope(request)})
        return Response(serializer.data)

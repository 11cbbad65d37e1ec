"""The base of every API viewset: scoped querysets (pretix-style: the class-level queryset is empty),
coarse role gates, no DELETE, reads of case records audited, writes through services."""

from django.db.models import F, QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agency.access import CASE_ROLES
from agency.api.permissions import RolePermission, TokenScopePermission
from agency.audit import audit_query, audit_record

# The annotation that carries each listed row's person to the list's audit row (no query per row).
AUDITED_PERSON = "audited_offender_id"


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve, from ``get_scoped_queryset()`` only. Nothing is ever deleted via the API."""

    permission_classes = [IsAuthenticated, TokenScopePermission, RolePermission]
    api_roles: tuple[str, ...] | None = CASE_ROLES
    # Case records: every read is audited (one row per list page naming every person on it, one row per
    # object read naming its person).
    audit_name: str | None = None
    # The path from a listed row to its person (the person's own record: "pk").
    audit_person: str = "supervision__offender_id"
    ordering: tuple[str, ...] = ("-id",)

    def get_scoped_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        queryset = self.get_scoped_queryset().order_by(*self.ordering)
        if self.audit_name and self.action == "list":
            queryset = queryset.annotate(**{AUDITED_PERSON: F(self.audit_person)})
        return queryset

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        if self.audit_name:
            # Written before the answer is built: no row, no answer (fail closed).
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.listed",
                offender_ids=[getattr(row, AUDITED_PERSON) for row in rows],
                detail={"via": "api", "ids": [row.pk for row in rows], "query": audit_query(request.query_params)},
            )
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.audit_name:
            audit_record(actor=request.user, action=f"{self.audit_name}.viewed", obj=instance, detail={"via": "api"})
        return Response(self.get_serializer(instance).data)

    def respond(self, instance, status_code=status.HTTP_200_OK) -> Response:
        """The output of a write: the object re-read through the caller's scope when it is still in
        it (with the list's joins), else as the service returned it."""
        fresh = self.get_scoped_queryset().filter(pk=instance.pk).first() or instance
        return Response(self.get_serializer(fresh).data, status=status_code)

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

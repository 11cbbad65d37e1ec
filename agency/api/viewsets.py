"""The base of every API viewset: scoped querysets (pretix-style: the class-level queryset is empty),
coarse role gates, no DELETE, reads of case records audited, writes through services."""

from django.db.models import QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agency.access import CASE_ROLES
from agency.api.permissions import RolePermission, TokenScopePermission
from agency.audit import audit_record


def _query_for_audit(request) -> dict[str, str]:
    """The list's query parameters as the audit row keeps them (PostgreSQL's JSON refuses NUL; long
    values are cut)."""
    return {
        key.replace("\x00", "")[:100]: value.replace("\x00", "")[:200]
        for key, value in list(request.query_params.items())[:30]
    }


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve, from ``get_scoped_queryset()`` only. Nothing is ever deleted via the API."""

    permission_classes = [IsAuthenticated, TokenScopePermission, RolePermission]
    api_roles: tuple[str, ...] | None = CASE_ROLES
    # Case records: every read is audited (one row per list page, one per object read).
    audit_name: str | None = None
    ordering: tuple[str, ...] = ("-id",)

    def get_scoped_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.get_scoped_queryset().order_by(*self.ordering)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.audit_name and response.status_code == status.HTTP_200_OK:
            results = response.data.get("results", []) if isinstance(response.data, dict) else response.data
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.listed",
                detail={"via": "api", "ids": [row["id"] for row in results], "query": _query_for_audit(request)},
            )
        return response

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

"""The base of every API viewset: scoped querysets (pretix-style: the class-level queryset is empty),
coarse role gates, no DELETE, reads of case records audited, writes through services."""

from typing import cast

from django.db.models import F, QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnList

from agency.access import CASE_ROLES
from agency.api.pagination import PageNumberPagination, PageReader
from agency.api.permissions import RolePermission, TokenScopePermission
from agency.api.rows import page_plan
from agency.audit import audit_query, audit_record, audited_list_page
from agency.models import User

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
        # many=True makes a ListSerializer (BaseSerializer.__new__) whose child is the viewset's serializer.
        serializer = cast(serializers.ListSerializer, self.get_serializer(many=True))
        plan = page_plan(cast(serializers.Serializer, serializer.child))
        queryset = self.filter_queryset(self.get_queryset())
        audited = (AUDITED_PERSON,) if self.audit_name else ()
        if plan.columns is not None:  # every field a column: tuples, no model instances (agency/api/rows.py)
            queryset = queryset.values_list(*plan.columns, "pk", *audited)
            if self.audit_name and isinstance(self.paginator, PageNumberPagination):
                rows = self.paginator.paginate_with_count(queryset, request, self._audited_reader(queryset))
                if rows is not None:  # the page, its count and its audit row in one statement
                    data = ReturnList(plan.from_tuples(rows), serializer=serializer)
                    return self.get_paginated_response(data)
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        if self.audit_name:
            if plan.columns is not None:
                ids, people = [row[-2] for row in rows], [row[-1] for row in rows]
            else:
                ids, people = [row.pk for row in rows], [getattr(row, AUDITED_PERSON) for row in rows]
            # Written before the answer is built: no row, no answer (fail closed).
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.listed",
                offender_ids=people,
                detail={"via": "api", "ids": ids, "query": audit_query(request.query_params)},
            )
        data = ReturnList(
            plan.from_tuples(rows) if plan.columns is not None else plan.from_instances(rows), serializer=serializer
        )
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _audited_reader(self, queryset: QuerySet) -> PageReader:
        """The reader of an audited page of tuples: the page, the list's count and the list's audit row (the
        same row as below: ``offender_ids`` and ``detail.ids`` from the page) in one statement, which fails
        and answers nothing if the row cannot be written (agency.audit.audited_list_page)."""

        def read(offset: int, limit: int, first_page: bool) -> tuple[list, int]:
            return audited_list_page(
                queryset,
                offset=offset,
                limit=limit,
                write_when_empty=first_page,
                actor=cast(User, self.request.user),  # IsAuthenticated let in signed-in callers only
                action=f"{self.audit_name}.listed",
                detail={"via": "api", "query": audit_query(self.request.query_params)},
            )

        return read

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.audit_name:
            audit_record(actor=request.user, action=f"{self.audit_name}.viewed", obj=instance, detail={"via": "api"})
        return Response(self.get_serializer(instance).data)

    def respond(self, instance, status_code=status.HTTP_200_OK, *, new_record: bool = False) -> Response:
        """The output of a write: the object re-read through the caller's scope (with the list's joins). A
        write after which the caller no longer sees the object (a case handed to another unit) answers 404,
        as a read of it would: the write is done, and nothing out of scope is shown. ``new_record``: a record
        that is in no scope yet (a person registered before their case is opened) is answered to the caller
        who wrote it, as written."""
        fresh = self.get_scoped_queryset().filter(pk=instance.pk).first()
        if fresh is None and new_record:
            fresh = instance
        if fresh is None:
            raise NotFound()  # the same answer as a read of it
        return Response(self.get_serializer(fresh).data, status=status_code)

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

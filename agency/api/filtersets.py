import datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField, IsoDateTimeRangeField
from django_filters.rest_framework import DjangoFilterBackend

# The largest id PostgreSQL stores (bigint): a larger filter value is a 400, never a database error.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object's id as a query parameter: a whole number from 1 to MAX_ID. Anything else (a fraction, a
    huge or negative number, text) is a 400 naming the parameter; related objects are filtered by id, so a
    filter never reveals whether an object out of scope exists."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python
    accepts, and a filter value must never turn into a server error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError as exc:
                raise forms.ValidationError("Enter a date-time between the years 1 and 9999.") from exc
        return value


class UtcIsoDateTimeRangeField(IsoDateTimeRangeField):
    def __init__(self, *args, **kwargs):
        fields = (UtcIsoDateTimeField(), UtcIsoDateTimeField())
        super(IsoDateTimeRangeField, self).__init__(fields, *args, **kwargs)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class IsoDateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """``<name>_after`` / ``<name>_before`` (ISO 8601 date-times)."""

    field_class = UtcIsoDateTimeRangeField


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """``updated_since`` (ISO 8601 date-time): only what changed at or after it, for incremental sync."""

    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only records changed at or after this time (ISO 8601)."
    )


class UserFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", help_text="Only this unit's staff.")
    role = django_filters.CharFilter(field_name="role")


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates the whole filter form even when the query names
    no filter (a plain page: ``?page=2&page_size=100``), about a tenth of such a request. A query that names
    none of the filters (nor a range filter's ``<name>_…`` parameter) is answered unfiltered, as the form
    would have answered it: every django-filter filter leaves the queryset as it is for an empty value."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params
            for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

import django_filters


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """``updated_since`` (ISO 8601 date-time): only what changed at or after it, for incremental sync."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only records changed at or after this time (ISO 8601)."
    )


class UserFilterSet(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="unit_id")
    role = django_filters.CharFilter(field_name="role")

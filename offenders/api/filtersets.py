import django_filters

from agency.api.filtersets import UpdatedSinceFilterSet
from offenders.models import Offender


class OffenderFilterSet(UpdatedSinceFilterSet):
    last_name = django_filters.CharFilter(lookup_expr="iexact")
    agency_number = django_filters.CharFilter()
    state_id = django_filters.CharFilter()
    fbi_number = django_filters.CharFilter()

    class Meta:
        model = Offender
        fields = ["last_name", "agency_number", "state_id", "fbi_number", "updated_since"]

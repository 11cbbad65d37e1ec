import django_filters
from django.db.models import Model

from agency.api.filtersets import IdFilter, UpdatedSinceFilterSet
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone


class OffenderFilterSet(UpdatedSinceFilterSet):
    last_name = django_filters.CharFilter(lookup_expr="iexact")
    agency_number = django_filters.CharFilter()
    state_id = django_filters.CharFilter()
    fbi_number = django_filters.CharFilter()

    class Meta:
        model = Offender
        fields = ["last_name", "agency_number", "state_id", "fbi_number", "updated_since"]


class PersonRecordFilterSet(django_filters.FilterSet):
    """The parts of a person's record: ``offender`` (one person's), ``current`` (not ended, or ended)."""

    offender = IdFilter(field_name="offender_id", help_text="Only this person's.")
    current = django_filters.BooleanFilter(method="filter_current", help_text="true: not ended; false: ended.")
    end_field = "ended_on"

    def filter_current(self, queryset, name, value):
        return queryset.filter(**{f"{self.end_field}__isnull": value})


def person_record_filterset(record_model: type[Model], end_field: str = "ended_on") -> type[PersonRecordFilterSet]:
    meta = type("Meta", (), {"model": record_model, "fields": ["offender", "current"]})
    return type(
        f"{record_model.__name__}FilterSet",
        (PersonRecordFilterSet,),
        {"Meta": meta, "end_field": end_field, "__module__": __name__},
    )


AddressFilterSet = person_record_filterset(Address, "end_date")
EmploymentFilterSet = person_record_filterset(Employment, "end_date")
PhoneFilterSet = person_record_filterset(Phone)
EmergencyContactFilterSet = person_record_filterset(EmergencyContact)
AliasFilterSet = person_record_filterset(Alias)

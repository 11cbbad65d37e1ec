"""Query-parameter filters of the caseload: type, level, status, urgency, search and sort."""

import re
from datetime import date, datetime, timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.utils import timezone

from agency.choices import Role
from agency.models import User
from offenders.models import Alias
from supervision.choices import Attention, SupervisionLevel, SupervisionStatus, SupervisionType

STATUS_ALL = "all"
STATUS_CHOICES = [("", "Open cases"), *SupervisionStatus.choices, (STATUS_ALL, "All, including closed")]

DUE_CHOICES = [
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("open", "Window open or due"),
    ("week", "Due within 7 days"),
]

SORT_CHOICES = [
    ("attention", "Most urgent first"),
    ("name", "Name (A to Z)"),
    ("-name", "Name (Z to A)"),
    ("next_check_in", "Next check-in"),
    ("-last_contact", "Last contact, most recent"),
    ("last_contact", "Last contact, longest ago"),
    ("-open_violations", "Most open violations"),
    ("level", "Level (high first)"),
]

_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "attention": ("attention", F("next_check_in_due").asc(nulls_last=True)),
    "name": ("offender__last_name", "offender__first_name"),
    "-name": ("-offender__last_name", "-offender__first_name"),
    "next_check_in": (F("next_check_in_due").asc(nulls_last=True),),
    "-last_contact": (F("last_contact_at").desc(nulls_last=True),),
    "last_contact": (F("last_contact_at").asc(nulls_first=True),),
    "-open_violations": ("-open_violations",),
    "level": ("level_rank",),
}

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%d.%m.%Y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name, agency number or date of birth", "type": "search"}),
    )
    supervision_type = django_filters.ChoiceFilter(
        choices=SupervisionType.choices, label="Type", empty_label="Any type"
    )
    level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices, empty_label="Any level")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label="Check-ins", empty_label="Any")
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="sort_by", empty_label=None, label="Sort by")

    officer = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label="Officer", empty_label="All officers", field_name="officer"
    )

    def __init__(self, *args, actor: User | None = None, request_now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = request_now or timezone.now()
        if actor is not None and actor.role == Role.SUPERVISOR and actor.unit_id:
            # A supervisor narrows the unit's caseload to one of its officers.
            officers = User.objects.filter(unit_id=actor.unit_id, role=Role.OFFICER).order_by("last_name", "first_name")
            self.filters["officer"].queryset = officers
            self.form.fields["officer"].queryset = officers
            self.form.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username
        else:
            del self.filters["officer"]
            self.form.fields.pop("officer", None)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Open cases unless a status is asked for (a method filter is not called for an empty value).
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=SupervisionStatus.CLOSED)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == STATUS_ALL else queryset.filter(status=value)

    def filter_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "overdue":
            return queryset.filter(attention=Attention.OVERDUE)
        if value == "today":
            return queryset.filter(attention=Attention.DUE_TODAY)
        if value == "open":
            return queryset.filter(attention__in=(Attention.OVERDUE, Attention.DUE_TODAY, Attention.WINDOW_OPEN))
        if value == "week":
            return queryset.filter(next_check_in_due__lt=self.now + timedelta(days=7))
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = " ".join(value.split())[:100]
        if not text:
            return queryset
        day = _as_date(text)
        if day is not None:
            return queryset.filter(offender__date_of_birth=day)
        condition = Q(offender__agency_number__icontains=text.upper()) | Q(docket_number__iexact=text)
        words = [w for w in re.split(r"[\s,]+", text) if w]
        name_match = Q()
        for word in words:
            name_match &= (
                Q(offender__first_name__icontains=word)
                | Q(offender__last_name__icontains=word)
                | Q(offender__middle_name__icontains=word)
            )
        aliases = Alias.objects.filter(offender=OuterRef("offender"))
        for word in words:
            aliases = aliases.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset.filter(condition | name_match | Q(Exists(aliases)))

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*_SORTS.get(value, _SORTS["attention"]), "offender__last_name", "pk")

"""The Django admin for the people under supervision and their history: view only
(``supervision.admin.base.CaseRecordReadOnlyMixin``). A person's record is written on the case pages and
through the API, where the agency's rules apply; nothing is deleted."""

from typing import ClassVar

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin, AuditedInlineMixin, ReadOnlyAdmin
from offenders import risk_admin  # noqa: F401 (registers the risk instruments' admin)
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone, Photo, RiskAssessment
from supervision.admin.base import CaseRecordReadOnlyInlineMixin, CaseRecordReadOnlyMixin

_OFFENDER_SEARCH = ("offender__agency_number", "offender__last_name", "offender__first_name", "offender__state_id")


class AliasInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = Alias
    extra = 0


class AddressInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = Address
    extra = 0
    fields = ("kind", "line1", "line2", "city", "state", "postal_code", "start_date", "end_date", "verified_on")


class EmploymentInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.StackedInline):
    model = Employment
    extra = 0
    fields = (
        ("employer_name", "position"),
        ("employer_contact_name", "employer_phone"),
        "employer_address",
        ("start_date", "end_date", "last_verified_on"),
    )


class EmergencyContactInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = EmergencyContact
    extra = 0


class RiskAssessmentInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = RiskAssessment
    extra = 0
    autocomplete_fields = ("assessor",)


@admin.register(Offender)
class OffenderAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("agency_number", "last_name", "first_name", "date_of_birth", "state_id", "fbi_number", "updated_at")
    search_fields = ("=agency_number", "last_name", "first_name", "=state_id", "=fbi_number", "aliases__last_name")
    readonly_fields = ("agency_number", "created_at", "updated_at")
    date_hierarchy = "updated_at"
    show_full_result_count = False
    fieldsets = (
        (
            "Identity",
            {
                "fields": (
                    "agency_number",
                    ("first_name", "middle_name", "last_name"),
                    "date_of_birth",
                    ("state_id", "fbi_number"),
                ),
                "description": "The agency number is generated when the person is first recorded.",
            },
        ),
        ("Contact", {"fields": ("phone", "email", "primary_language")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    inlines = [AliasInline, AddressInline, EmploymentInline, EmergencyContactInline, RiskAssessmentInline]


class OffenderRecordAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    """One row of a person's history, shown with the person it belongs to."""

    # Annotated: each record's admin adds to them.
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("offender",)
    list_select_related: ClassVar[tuple[str, ...]] = ("offender",)
    search_fields: ClassVar[tuple[str, ...]] = _OFFENDER_SEARCH


@admin.register(Alias)
class AliasAdmin(OffenderRecordAdmin):
    list_display = ("last_name", "first_name", "kind", "offender")
    list_filter = ("kind",)
    search_fields = ("last_name", "first_name", *_OFFENDER_SEARCH)


@admin.register(Address)
class AddressAdmin(OffenderRecordAdmin):
    list_display = ("line1", "city", "state", "postal_code", "kind", "start_date", "end_date", "offender")
    list_filter = ("kind",)
    search_fields = ("line1", "city", "postal_code", *_OFFENDER_SEARCH)
    date_hierarchy = "start_date"


@admin.register(Employment)
class EmploymentAdmin(OffenderRecordAdmin):
    list_display = ("employer_name", "position", "start_date", "end_date", "last_verified_on", "offender")
    search_fields = ("employer_name", *_OFFENDER_SEARCH)
    date_hierarchy = "start_date"


@admin.register(EmergencyContact)
class EmergencyContactAdmin(OffenderRecordAdmin):
    list_display = ("name", "relationship", "phone", "offender")
    search_fields = ("name", *_OFFENDER_SEARCH)


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(OffenderRecordAdmin):
    list_display = ("offender", "instrument", "score", "level", "assessed_on", "assessor")
    list_filter = ("instrument", "level")
    list_select_related = ("offender", "assessor")
    autocomplete_fields = ("offender", "assessor")
    date_hierarchy = "assessed_on"


# --- Written by the person-record pages only (offenders.services): read-only here --------------------------


@admin.register(Phone)
class PhoneAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("number", "kind", "is_primary", "added_on", "ended_on", "offender")
    list_filter = ("kind", "is_primary")
    list_select_related = ("offender",)
    search_fields = ("number", *_OFFENDER_SEARCH)


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """The file itself is never linked here: a private file has no URL (the person-record page serves it)."""

    list_display = ("offender", "content_type", "size", "uploaded_at", "uploaded_by", "replaced_at")
    list_select_related = ("offender", "uploaded_by")
    search_fields = _OFFENDER_SEARCH
    fields = (
        "offender",
        "content_type",
        "size",
        "width",
        "height",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "replaced_at",
    )
    readonly_fields = fields

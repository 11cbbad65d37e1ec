"""Check-ins, drug tests and their substances, case notes, referrals: view only (``base.CaseRecordReadOnlyMixin``)."""

from django.contrib import admin

from agency.admin import AuditedAdminMixin, AuditedInlineMixin
from supervision.admin.base import (
    CASE_SEARCH,
    VIEW_ONLY,
    CaseRecordAdmin,
    CaseRecordReadOnlyInlineMixin,
    CaseRecordReadOnlyMixin,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
)

# --- Contacts, tests, notes, referrals ------------------------------------------------------------------


@admin.register(CheckIn)
class CheckInAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "kind", "origin", "window_start", "due_at", "status", "completed_at")
    list_filter = ("status", "kind", "origin")
    autocomplete_fields = ("supervision", "recorded_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "due_at"
    fieldsets = (
        (None, {"fields": ("supervision", "kind", "origin"), "description": VIEW_ONLY}),
        (
            "Window",
            {
                "fields": ("window_start", "due_at"),
                "description": "The person must check in between these times; after the close it is missed.",
            },
        ),
        (
            "Outcome",
            {
                "fields": ("status", "completed_at", "location", "notes", "excuse_reason", "recorded_by"),
                "description": "A completed check-in needs the time it happened; an excused one a reason.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class DrugTestSubstanceResultInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = DrugTestSubstanceResult
    extra = 0


@admin.register(DrugTest)
class DrugTestAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "collected_at", "reason", "specimen", "result", "lab_confirmation")
    list_filter = ("result", "reason", "specimen", "lab_confirmation")
    autocomplete_fields = ("supervision", "recorded_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "collected_at"
    inlines = [DrugTestSubstanceResultInline]
    fieldsets = (
        (
            None,
            {
                "fields": ("supervision", "collected_at", "reason", "specimen", "panel", "result", "recorded_by"),
                "description": VIEW_ONLY,
            },
        ),
        ("Laboratory", {"fields": ("lab_confirmation", "lab_name", "notes")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(DrugTestSubstanceResult)
class DrugTestSubstanceResultAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("drug_test", "substance", "result", "level_ng_ml")
    list_filter = ("substance", "result")
    list_select_related = ("drug_test",)
    search_fields = ("=drug_test__supervision__docket_number",)
    raw_id_fields = ("drug_test",)


@admin.register(CaseNote)
class CaseNoteAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "author", "created_at", "is_voided")
    list_filter = ("is_voided",)
    list_select_related = ("supervision__offender", "author")
    autocomplete_fields = ("supervision", "author")
    readonly_fields = ("updated_at",)
    date_hierarchy = "created_at"
    fields = ("supervision", "author", "body", "is_voided", "created_at", "updated_at")


@admin.register(Referral)
class ReferralAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "kind", "provider", "status", "referred_on", "status_changed_on")
    list_filter = ("kind", "status")
    autocomplete_fields = ("supervision", "referred_by")
    search_fields = ("provider", *CASE_SEARCH)
    date_hierarchy = "referred_on"

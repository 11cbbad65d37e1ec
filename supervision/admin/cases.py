"""Reference data (the condition catalogue, contact standards: editable), supervisions and their conditions (view
only, ``base.CaseRecordReadOnlyMixin``)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin, AuditedInlineMixin, deactivate_selected
from supervision.admin.base import (
    VIEW_ONLY,
    CaseRecordAdmin,
    CaseRecordReadOnlyInlineMixin,
    CaseRecordReadOnlyMixin,
)
from supervision.models import (
    CaseAccessGrant,
    CommunityServiceEntry,
    Condition,
    ConditionType,
    ContactStandard,
    Supervision,
)

# --- Reference data -----------------------------------------------------------------------------------


@admin.register(ConditionType)
class ConditionTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "category", "applies_to", "tracks_hours", "is_active")
    list_filter = ("category", "applies_to", "tracks_hours", "is_active")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}
    actions = [deactivate_selected]
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "code", "description", "category", "applies_to", "tracks_hours", "is_active"),
                "description": (
                    "The catalogue of conditions a court or parole board can order. A condition no longer "
                    "ordered is deactivated, not deleted: cases that carry it keep it."
                ),
            },
        ),
    )


@admin.register(ContactStandard)
class ContactStandardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "level",
        "supervision_type",
        "status",
        "check_in_kind",
        "check_in_interval_days",
        "window_days",
        "initial_contact_days",
        "home_visit_interval_days",
    )
    list_filter = ("supervision_type", "status", "level")
    fieldsets = (
        (
            "Which cases",
            {
                "fields": ("level", "supervision_type", "status"),
                "description": (
                    "One standard per level, supervision type and status. Only active and inactive "
                    "(non-reporting, probation only) cases are planned; absconded, wanted and closed cases "
                    "have no schedule. A case whose combination has no standard gets no new check-ins (the "
                    "scheduler logs it)."
                ),
            },
        ),
        (
            "Contacts",
            {
                "fields": (
                    "check_in_kind",
                    "check_in_interval_days",
                    "window_days",
                    "initial_contact_days",
                    "home_visit_interval_days",
                ),
                "description": (
                    "Check-ins are scheduled from it: the regular contact at its interval, the first one due "
                    "by the first-contact deadline, and home visits at their own interval besides them. One "
                    "whose window closes without being completed is missed. A change applies to the windows "
                    "planned after it; those already planned stay."
                ),
            },
        ),
    )


# --- Supervisions and conditions ----------------------------------------------------------------------


class ConditionInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = Condition
    extra = 0
    fields = (
        "condition_type",
        "details",
        "compliance_status",
        "hours_required",
        "hours_completed",
        "imposed_on",
        "ended_on",
    )


@admin.register(Supervision)
class SupervisionAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    """View only: a case is opened, assigned, re-levelled, its status changed and closed through its services
    (the case pages, the dashboard and the API), which re-plan its check-ins, keep the reason in its history,
    audit and emit the change."""

    list_display = (
        "docket_number",
        "offender",
        "supervision_type",
        "status",
        "level",
        "officer",
        "unit",
        "court",
        "parole_board",
        "start_date",
        "end_date",
    )
    list_filter = ("supervision_type", "status", "level", "unit", "court", "parole_board")
    list_select_related = ("offender", "officer", "unit", "court", "parole_board")
    search_fields = (
        "docket_number",
        "=offender__agency_number",
        "offender__last_name",
        "offender__first_name",
        "officer__username",
        "officer__last_name",
    )
    date_hierarchy = "start_date"
    show_full_result_count = False
    inlines = [ConditionInline]
    fieldsets = (
        ("Case", {"fields": ("offender", "supervision_type", "docket_number", "offense"), "description": VIEW_ONLY}),
        (
            "Authority",
            {
                "fields": ("court", "parole_board"),
                "description": (
                    "Probation: the sentencing court, and no parole board. Parole: the releasing parole "
                    "board, and no court. Violation reports are routed to this authority."
                ),
            },
        ),
        ("Term and status", {"fields": ("start_date", "end_date", "status", "closed_on", "closure_reason")}),
        ("Assignment", {"fields": ("level", "officer", "unit")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class CommunityServiceEntryInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = CommunityServiceEntry
    extra = 0
    autocomplete_fields = ("recorded_by",)
    fields = ("performed_on", "hours", "organisation", "recorded_by")


@admin.register(Condition)
class ConditionAdmin(CaseRecordAdmin):
    list_display = (
        "condition_type",
        "person",
        "supervision",
        "compliance_status",
        "hours_required",
        "hours_completed",
        "imposed_on",
        "ended_on",
    )
    list_filter = ("compliance_status", "condition_type")
    list_select_related = ("supervision__offender", "condition_type")
    inlines = [CommunityServiceEntryInline]


@admin.register(CommunityServiceEntry)
class CommunityServiceEntryAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("performed_on", "hours", "organisation", "condition", "recorded_by")
    list_select_related = ("condition__condition_type", "recorded_by")
    search_fields = ("organisation", "=condition__supervision__docket_number")
    raw_id_fields = ("condition",)
    autocomplete_fields = ("recorded_by",)
    date_hierarchy = "performed_on"


@admin.register(CaseAccessGrant)
class CaseAccessGrantAdmin(CaseRecordAdmin):
    """Who else may see a restricted case: granted and revoked on the case's "Restrict access" page."""

    list_display = ("person", "supervision", "user", "granted_by", "granted_at", "revoked_at")
    list_select_related = ("supervision__offender", "user", "granted_by")
    autocomplete_fields = ("supervision", "user", "granted_by", "revoked_by")
    date_hierarchy = "granted_at"

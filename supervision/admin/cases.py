"""Reference data (the condition catalogue, contact standards), supervisions and their conditions."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin, AuditedInlineMixin, deactivate_selected
from agency.choices import Role
from agency.http import signed_in_user
from supervision.admin.base import CaseRecordAdmin
from supervision.models import (
    CommunityServiceEntry,
    Condition,
    ConditionType,
    ContactStandard,
    Supervision,
)
from supervision.services import check_ins_schedule

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


class ConditionInline(AuditedInlineMixin, admin.TabularInline):
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


class SupervisionAdminForm(forms.ModelForm):
    """The case follows its officer: assigned to an officer, in the officer's unit (as when a case is
    opened on the case pages), so that the right supervisor sees it."""

    class Meta:
        model = Supervision
        fields = (
            "offender",
            "supervision_type",
            "docket_number",
            "offense",
            "court",
            "parole_board",
            "start_date",
            "end_date",
            "status",
            "closed_on",
            "closure_reason",
            "level",
            "officer",
            "unit",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        officer, unit = data.get("officer"), data.get("unit")
        if officer is not None and (officer.role != Role.OFFICER or not officer.unit_id):
            self.add_error("officer", "A case must be assigned to an officer who belongs to a unit.")
        elif officer is not None and unit is not None and unit.pk != officer.unit_id:
            self.add_error("unit", f"The case belongs to its officer's unit: {officer.unit}.")
        return data


@admin.register(Supervision)
class SupervisionAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    form = SupervisionAdminForm
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
    autocomplete_fields = ("offender", "officer")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "start_date"
    show_full_result_count = False
    inlines = [ConditionInline]
    fieldsets = (
        ("Case", {"fields": ("offender", "supervision_type", "docket_number", "offense")}),
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
        (
            "Term and status",
            {
                "fields": ("start_date", "end_date", "status", "closed_on", "closure_reason"),
                "description": (
                    "Parole is always active supervision, never inactive. A closed case needs its closure "
                    "date and reason; an open case has neither."
                ),
            },
        ),
        (
            "Assignment",
            {
                "fields": ("level", "officer", "unit"),
                "description": (
                    "The level's contact standard sets how often check-ins are scheduled. Once the case is "
                    "open, change its level, status or closure on the case page (or through the API) and "
                    "reassign it from the dashboard: those keep the reason and re-plan the check-ins."
                ),
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    # An open case's lifecycle goes through its services (the case page's level, status and close forms,
    # the API's actions, the dashboard's reassignment), which re-plan its check-ins, keep the reason in its
    # history, audit and emit the change: here those fields are shown, not edited.
    LIFECYCLE_FIELDS = ("status", "closed_on", "closure_reason", "level", "officer", "unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Supervision | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, *self.LIFECYCLE_FIELDS) if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Supervision, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The same rule as opening a case on the case pages: schedule its first check-ins.
            check_ins_schedule(supervision=obj, actor=signed_in_user(request))


class CommunityServiceEntryInline(AuditedInlineMixin, admin.TabularInline):
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
class CommunityServiceEntryAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("performed_on", "hours", "organisation", "condition", "recorded_by")
    list_select_related = ("condition__condition_type", "recorded_by")
    search_fields = ("organisation", "=condition__supervision__docket_number")
    raw_id_fields = ("condition",)
    autocomplete_fields = ("recorded_by",)
    date_hierarchy = "performed_on"

"""The Django admin for the cases: reference data (condition catalogue, contact standards) and every
case record for corrections. Nothing is deleted here and every save is audited (see
``agency.admin.AuditedAdminMixin``). Day-to-day work (recording a check-in or a drug test, moving a
violation report through its lifecycle) happens on the case pages and the API, which apply the rules
of ``supervision.services``."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin, ReadOnlyAdmin, deactivate_selected
from agency.choices import Role
from offenders.models import Offender
from supervision.models import (
    CaseNote,
    CheckIn,
    CheckInPlan,
    CommunityServiceEntry,
    Condition,
    ConditionType,
    ContactStandard,
    DigestDelivery,
    DrugTest,
    DrugTestSubstanceResult,
    Notification,
    Referral,
    ReminderDelivery,
    ReportDelivery,
    ReportViolation,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services import check_ins_schedule

_CASE_SEARCH = (
    "supervision__docket_number",
    "=supervision__offender__agency_number",
    "supervision__offender__last_name",
)
_CORRECTIONS_ONLY = (
    "Record new ones on the case page or through the API, where the agency's rules apply "
    "(for example, a failed drug test opens its violation). Use the admin to correct a record."
)


class CaseRecordAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """A record that belongs to one supervision: shown with the person, found by docket or person."""

    autocomplete_fields = ("supervision",)
    list_select_related = ("supervision__offender",)
    search_fields = _CASE_SEARCH
    show_full_result_count = False

    @admin.display(description="person", ordering="supervision__offender__last_name")
    def person(self, obj) -> Offender:
        return obj.supervision.offender


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
    list_display = ("level", "check_in_interval_days", "window_days", "check_in_kind", "home_visit_interval_days")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "level",
                    "check_in_interval_days",
                    "window_days",
                    "check_in_kind",
                    "home_visit_interval_days",
                ),
                "description": (
                    "How often a person at this supervision level must check in. Check-ins are scheduled "
                    "from it; one whose window closes without being completed is missed."
                ),
            },
        ),
    )


# --- Supervisions and conditions ----------------------------------------------------------------------


class ConditionInline(AuditedAdminMixin, admin.TabularInline):
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

    def clean(self):
        data = super().clean()
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
                "description": "The level's contact standard sets how often check-ins are scheduled.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Supervision, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The same rule as opening a case on the case pages: schedule its first check-ins.
            check_ins_schedule(supervision=obj, actor=request.user)


class CommunityServiceEntryInline(AuditedAdminMixin, admin.TabularInline):
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


# --- Contacts, tests, notes, referrals ------------------------------------------------------------------


@admin.register(CheckIn)
class CheckInAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "kind", "origin", "window_start", "due_at", "status", "completed_at")
    list_filter = ("status", "kind", "origin")
    autocomplete_fields = ("supervision", "recorded_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "due_at"
    fieldsets = (
        (None, {"fields": ("supervision", "kind", "origin"), "description": _CORRECTIONS_ONLY}),
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


class DrugTestSubstanceResultInline(AuditedAdminMixin, admin.TabularInline):
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
                "description": _CORRECTIONS_ONLY,
            },
        ),
        ("Laboratory", {"fields": ("lab_confirmation", "lab_name", "notes")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(DrugTestSubstanceResult)
class DrugTestSubstanceResultAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
    search_fields = ("provider", *_CASE_SEARCH)
    date_hierarchy = "referred_on"


# --- Violations and violation reports --------------------------------------------------------------------


@admin.register(Violation)
class ViolationAdmin(CaseRecordAdmin):
    list_display = ("person", "supervision", "kind", "severity", "status", "occurred_on")
    list_filter = ("kind", "severity", "status")
    autocomplete_fields = ("supervision", "recorded_by")
    raw_id_fields = ("check_in", "drug_test", "condition")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "occurred_on"
    fieldsets = (
        (None, {"fields": ("supervision", "kind", "severity", "status", "occurred_on", "description")}),
        (
            "Where it came from",
            {
                "fields": ("check_in", "drug_test", "condition"),
                "description": "The missed check-in, failed drug test or broken condition, where there is one.",
            },
        ),
        ("Response", {"fields": ("response", "recorded_by", "created_at", "updated_at")}),
    )


class ReportDeliveryInline(AuditedAdminMixin, admin.TabularInline):
    model = ReportDelivery
    extra = 0
    fields = ("court", "parole_board", "status", "attempts", "last_error", "created_at", "delivered_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ViolationReport)
class ViolationReportAdmin(CaseRecordAdmin):
    """View only. A report is written by its author and moves through its lifecycle on the case pages, the
    review pages, the inbox and the API, whose services keep the four eyes and route it to the authority of
    its supervision; from its submission on its content never changes (the model and the database refuse
    it), so a correction is a new report, not an edit here. Nothing here is added, changed or reverted."""

    list_display = (
        "__str__",
        "person",
        "supervision",
        "status",
        "recommendation",
        "court",
        "parole_board",
        "submitted_at",
        "disposition",
    )
    list_filter = ("status", "recommendation", "disposition", "court", "parole_board")
    list_select_related = ("supervision__offender", "court", "parole_board")
    _LIFECYCLE = (
        "status",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "court",
        "parole_board",
        "received_at",
        "received_by",
        "disposition",
        "disposition_on",
    )
    _CONTENT = ("supervision", "report_violations", "narrative", "recommendation", "author", "report_editors")
    readonly_fields = (*_CONTENT, *_LIFECYCLE, "hearing_at", "hearing_location", "disposition_note")
    readonly_fields += ("created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [ReportDeliveryInline]
    fieldsets = (
        (
            "Report",
            {
                "fields": _CONTENT,
                "description": (
                    "Written by its author while it is a draft (or returned to them); from its submission on "
                    "it never changes. A correction is a new report."
                ),
            },
        ),
        (
            "Lifecycle",
            {
                "fields": _LIFECYCLE,
                "description": (
                    "A report moves through its lifecycle (submit, approve or return, route, receive, "
                    "dispose) only on the case pages and the API, so that it always goes to the authority "
                    "of its supervision: the sentencing court for probation, the parole board for parole."
                ),
            },
        ),
        ("Hearing", {"fields": ("hearing_at", "hearing_location", "disposition_note")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest):
        # The changelist applies list_select_related only to a queryset that selects nothing yet: both here.
        return super().get_queryset(request).select_related("author", *self.list_select_related)

    @admin.display(description="violations")
    def report_violations(self, obj: ViolationReport) -> str:
        links = obj.violation_links.select_related("violation").order_by("violation__occurred_on", "violation_id")
        return "; ".join(
            f"#{link.violation_id} {link.violation}" + ("" if link.live else " (held by another report)")
            for link in links
        )

    @admin.display(description="written or edited by")
    def report_editors(self, obj: ViolationReport) -> str:
        return ", ".join(user.get_full_name() or user.username for user in obj.editors.order_by("pk"))

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # django-simple-history saves a POST to a past version's page (a "revert") without asking for the
        # change permission: a past version of a report is shown, never written back.
        if request.method == "POST":
            raise PermissionDenied("A violation report is not reverted: its history is shown as it was.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        raise PermissionDenied("Violation reports are written on the case pages and through the API.")


@admin.register(ReportViolation)
class ReportViolationAdmin(ReadOnlyAdmin):
    """Which report holds which violation (written with the report by its services): view only."""

    list_display = ("report", "violation", "live")
    list_filter = ("live",)
    list_select_related = ("report", "violation")
    search_fields = ("=report__id", "=violation__id", "=report__supervision__docket_number")
    raw_id_fields = ("report", "violation")
    show_full_result_count = False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    """Deliveries are recorded with an approval and carried out by a background job: view only."""

    list_display = ("report", "court", "parole_board", "status", "attempts", "created_at", "delivered_at")
    list_filter = ("status",)
    list_select_related = ("report", "court", "parole_board")
    search_fields = ("=report__supervision__docket_number",)
    raw_id_fields = ("report",)
    date_hierarchy = "created_at"


# --- What the background jobs record (view only) ----------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "message", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("=recipient__username", "=key")
    raw_id_fields = ("recipient", "supervision", "check_in", "report")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(CheckInPlan)
class CheckInPlanAdmin(ReadOnlyAdmin):
    list_display = ("supervision", "level", "planned_at")
    list_filter = ("level",)
    list_select_related = ("supervision",)
    search_fields = ("supervision__docket_number",)
    raw_id_fields = ("supervision",)
    show_full_result_count = False


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "check_in", "channel", "status")
    list_filter = ("status",)
    list_select_related = ("check_in",)
    raw_id_fields = ("check_in",)
    date_hierarchy = "sent_at"
    show_full_result_count = False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("day", "supervisor", "unit", "sent_at")
    list_filter = ("unit",)
    list_select_related = ("supervisor", "unit")
    search_fields = ("=supervisor__username",)
    raw_id_fields = ("supervisor", "unit")
    date_hierarchy = "day"

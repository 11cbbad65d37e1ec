"""Violations, violation reports, their violations and deliveries: view only."""

from typing import ClassVar

from django.contrib import admin
from django.http import HttpRequest

from agency.admin import AuditedInlineMixin, ReadOnlyAdmin
from supervision.admin.base import CaseRecordAdmin, CaseRecordReadOnlyInlineMixin, CaseRecordReadOnlyMixin
from supervision.models import (
    ReportDelivery,
    ReportViolation,
    Violation,
    ViolationReport,
)

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


class ReportDeliveryInline(CaseRecordReadOnlyInlineMixin, AuditedInlineMixin, admin.TabularInline):
    model = ReportDelivery
    extra = 0
    fields = ("court", "parole_board", "status", "attempts", "last_error", "created_at", "delivered_at")
    readonly_fields = fields


@admin.register(ViolationReport)
class ViolationReportAdmin(CaseRecordAdmin):
    """View only. A report is written by its author and moves through its lifecycle on the case pages, the
    review pages, the inbox and the API, whose services keep the four eyes and route it to the authority of
    its supervision; from its submission on its content never changes (the model and the database refuse
    it), so a correction is a new report, not an edit here. Nothing here is added, changed or reverted
    (``CaseRecordAdmin`` is view only)."""

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
    readonly_fields: ClassVar[tuple[str, ...]] = (
        *_CONTENT,
        *_LIFECYCLE,
        "hearing_at",
        "hearing_location",
        "disposition_note",
    )
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


@admin.register(ReportViolation)
class ReportViolationAdmin(CaseRecordReadOnlyMixin, ReadOnlyAdmin):
    """Which report holds which violation (written with the report by its services): view only."""

    list_display = ("report", "violation", "live")
    list_filter = ("live",)
    list_select_related = ("report", "violation")
    search_fields = ("=report__id", "=violation__id", "=report__supervision__docket_number")
    raw_id_fields = ("report", "violation")
    show_full_result_count = False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(CaseRecordReadOnlyMixin, ReadOnlyAdmin):
    """Deliveries are recorded with an approval and carried out by a background job: view only."""

    list_display = ("report", "court", "parole_board", "status", "attempts", "created_at", "delivered_at")
    list_filter = ("status",)
    list_select_related = ("report", "court", "parole_board")
    search_fields = ("=report__supervision__docket_number",)
    raw_id_fields = ("report",)
    date_hierarchy = "created_at"

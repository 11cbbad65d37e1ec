"""The risk instruments in the Django admin: reference data an administrator configures (items, answers with
their scores, cut-offs, the reassessment interval), switched off rather than deleted, every save audited. The
answers an assessment gave and the level overrides are written by ``supervision.services.risk`` only: view
only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin, AuditedInlineMixin, ReadOnlyAdmin, deactivate_selected
from offenders.risk import (
    AssessmentInstrument,
    InstrumentAnswer,
    InstrumentCutoff,
    InstrumentItem,
    LevelOverride,
    RiskAssessmentAnswer,
)


class InstrumentItemInline(AuditedInlineMixin, admin.TabularInline):
    model = InstrumentItem
    extra = 0
    fields = ("order", "text")
    show_change_link = True


class InstrumentCutoffInline(AuditedInlineMixin, admin.TabularInline):
    model = InstrumentCutoff
    extra = 0
    fields = ("min_score", "risk_level", "supervision_level")


class InstrumentAnswerInline(AuditedInlineMixin, admin.TabularInline):
    model = InstrumentAnswer
    extra = 0
    fields = ("order", "label", "score")


@admin.register(AssessmentInstrument)
class AssessmentInstrumentAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "reassessment_interval_days", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    actions = [deactivate_selected]
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "code", "reassessment_interval_days", "is_active"),
                "description": "Items are answered once each; the answers' scores add up to the total, and the "
                "highest cut-off at or below the total gives the risk level and the supervision level the "
                "case follows. Each item's answers are edited on the item's page.",
            },
        ),
    )
    inlines = [InstrumentItemInline, InstrumentCutoffInline]


@admin.register(InstrumentItem)
class InstrumentItemAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("instrument", "order", "text")
    list_filter = ("instrument",)
    list_select_related = ("instrument",)
    search_fields = ("text",)
    inlines = [InstrumentAnswerInline]


@admin.register(InstrumentAnswer)
class InstrumentAnswerAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("item", "order", "label", "score")
    list_select_related = ("item",)
    search_fields = ("label",)


@admin.register(InstrumentCutoff)
class InstrumentCutoffAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("instrument", "min_score", "risk_level", "supervision_level")
    list_filter = ("instrument",)
    list_select_related = ("instrument",)


@admin.register(RiskAssessmentAnswer)
class RiskAssessmentAnswerAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "item", "label", "score")
    list_select_related = ("assessment__tool", "item")


@admin.register(LevelOverride)
class LevelOverrideAdmin(ReadOnlyAdmin):
    list_display = ("supervision", "requested_level", "suggested_level", "status", "requested_by", "decided_by")
    list_filter = ("status",)
    list_select_related = ("supervision__offender", "requested_by", "decided_by")

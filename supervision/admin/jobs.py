"""What the background jobs record (view only)."""

from django.contrib import admin

from agency.admin import ReadOnlyAdmin
from supervision.models import (
    CheckInPlan,
    DigestDelivery,
    Notification,
    NotificationPreference,
    ReminderDelivery,
)

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


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    """Each member of staff sets their own on /notifications/preferences/ (audited there)."""

    list_display = ("user", "kind", "channel", "updated_at")
    list_filter = ("kind", "channel")
    list_select_related = ("user",)
    search_fields = ("=user__username",)
    raw_id_fields = ("user",)
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

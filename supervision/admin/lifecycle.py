"""The case lifecycle's records (view only): custody episodes and closure requests are written by the services
(``supervision.services.custody``, ``supervision.services.closures``) from the case pages and the API, never
here."""

from django.contrib import admin

from agency.admin import ReadOnlyAdmin
from supervision.models import ClosureRequest, CustodyEpisode


@admin.register(CustodyEpisode)
class CustodyEpisodeAdmin(ReadOnlyAdmin):
    list_display = ("supervision", "facility", "started_on", "released_on")
    list_select_related = ("supervision",)
    search_fields = ("supervision__docket_number", "facility")
    raw_id_fields = ("supervision", "recorded_by", "released_by")
    show_full_result_count = False


@admin.register(ClosureRequest)
class ClosureRequestAdmin(ReadOnlyAdmin):
    list_display = ("supervision", "closure_reason", "closed_on", "status", "requested_by", "decided_by")
    list_filter = ("status", "closure_reason")
    list_select_related = ("supervision", "requested_by", "decided_by")
    search_fields = ("supervision__docket_number",)
    raw_id_fields = ("supervision", "requested_by", "decided_by")
    show_full_result_count = False

"""What every case record's admin page shares: search by person and docket, corrections only, history."""

from typing import ClassVar

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin
from offenders.models import Offender

CASE_SEARCH = (
    "supervision__docket_number",
    "=supervision__offender__agency_number",
    "supervision__offender__last_name",
)
CORRECTIONS_ONLY = (
    "Record new ones on the case page or through the API, where the agency's rules apply "
    "(for example, a failed drug test opens its violation). Use the admin to correct a record."
)


class CaseRecordAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """A record that belongs to one supervision: shown with the person, found by docket or person."""

    # Annotated: each record's admin adds to them.
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("supervision",)
    list_select_related: ClassVar[tuple[str, ...]] = ("supervision__offender",)
    search_fields: ClassVar[tuple[str, ...]] = CASE_SEARCH
    show_full_result_count = False

    @admin.display(description="person", ordering="supervision__offender__last_name")
    def person(self, obj) -> Offender:
        return obj.supervision.offender

"""What every case record's admin page shares: search by person and docket, view only, history.

A person's record and everything that happens on a case (people and their history, supervisions, conditions,
check-ins, drug tests, notes, referrals, community service, violations, reports) is written only through the
services, on the case pages and the API, where the agency's rules, the history reason and the audit action
apply. In the admin such a model is shown, never added, changed, reverted or deleted: its admin takes
``CaseRecordReadOnlyMixin`` (and its inlines ``CaseRecordReadOnlyInlineMixin``). Reference data (courts,
boards, units, the condition catalogue, contact standards, users, tokens) stays editable."""

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from agency.admin import AuditedAdminMixin
from offenders.models import Offender

CASE_SEARCH = (
    "supervision__docket_number",
    "=supervision__offender__agency_number",
    "supervision__offender__last_name",
)
VIEW_ONLY = (
    "Shown here, never changed here: record and correct it on the case page or through the API, where the "
    "agency's rules apply and the change keeps its reason in the history and the audit trail."
)
_REFUSAL = "A person's record and a case's records are written on the case pages and through the API, not here."


class CaseRecordReadOnlyMixin(admin.ModelAdmin):
    """The admin of a case record (or a person's): view only. Put it first among the bases, e.g.
    ``class PhoneAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin)``.

    No add, change or delete permission (the pages show no save button and a POST is a 403), no actions, and
    no "revert" from a past version (django-simple-history saves that POST without asking for the change
    permission). A save reaching the admin anyway is refused."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> tuple[str, ...]:
        # Every field shown as text, on the change page and on a past version's page alike.
        opts = self.model._meta
        return (*super().get_readonly_fields(request, obj), *(f.name for f in (*opts.fields, *opts.many_to_many)))

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("A past version is shown as it was, never written back.")
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise PermissionDenied(_REFUSAL)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        raise PermissionDenied(_REFUSAL)


class CaseRecordReadOnlyInlineMixin(InlineModelAdmin):
    """An inline of case records: shown, with no row to add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class CaseRecordAdmin(CaseRecordReadOnlyMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    """A record that belongs to one supervision: shown with the person, found by docket or person."""

    # Annotated: each record's admin adds to them.
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("supervision",)
    list_select_related: ClassVar[tuple[str, ...]] = ("supervision__offender",)
    search_fields: ClassVar[tuple[str, ...]] = CASE_SEARCH
    show_full_result_count = False

    @admin.display(description="person", ordering="supervision__offender__last_name")
    def person(self, obj) -> Offender:
        return obj.supervision.offender

"""The Django admin for the organisation: staff and their roles, units, courts, parole boards, and the
audit trail (read-only). The behaviour every Caseline admin shares lives in ``AuditedAdminMixin``."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from agency.api.admin import ApiTokenIssueMixin
from agency.api.tokens import api_token_revoke
from agency.audit import audit_record
from agency.form_fields import LocalSplitDateTimeField
from agency.http import signed_in_user
from agency.models import (
    ApiTokenScope,
    AuditEvent,
    Court,
    ParoleBoard,
    Unit,
    User,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from agency.sign_in import sign_in_lockouts, user_two_factor_reset, user_unlock
from agency.webhooks import webhook_deliveries_retry

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts  # the stubs' type of a fieldset's options

NEVER_DELETED = (
    "Nothing in Caseline is ever deleted: close, void or correct a record instead; "
    "deactivate reference data with “active”."
)


# Django admin options shared by Caseline's model admins and inlines (see AuditedAdminMixin).
# Quoted: Field is generic for the type checker only.
FORMFIELD_OVERRIDES: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.URLField: {"assume_scheme": "https"},
    models.DateTimeField: {"form_class": LocalSplitDateTimeField},  # the admin's widget stays
}


class AuditedAdminMixin(admin.ModelAdmin):
    """Shared by every Caseline ModelAdmin (an inline takes ``AuditedInlineMixin``).

    - Nothing is hard-deleted: no delete permission, no bulk delete action (reference data is
      deactivated with ``is_active``; case records are closed, voided or corrected).
    - Every save made through the admin, of the object and of its inline rows, writes an audit row
      in the same transaction as the change.
    - Web addresses typed without a scheme are taken as https (webhooks must be).
    - A date and time typed for the night the clocks change is taken, not refused (agency.form_fields).
    """

    formfield_overrides = FORMFIELD_OVERRIDES

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The admin's change form is already atomic; the history "revert" view is not, so make sure.
        with transaction.atomic(using=router.db_for_write(obj.__class__)):
            super().save_model(request, obj, form, change)
            _audit_admin_save(request, obj, created=not change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic(using=router.db_for_write(formset.model)):
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                _audit_admin_save(request, obj, created=True)
            for obj, _changed_fields in formset.changed_objects:
                _audit_admin_save(request, obj, created=False)


class AuditedInlineMixin(InlineModelAdmin):
    """Shared by every Caseline inline: no delete permission and the same form fields as the model admins.
    Its rows are audited by the model admin it sits in (``AuditedAdminMixin.save_formset``)."""

    formfield_overrides = FORMFIELD_OVERRIDES

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Records only the application writes (the audit trail, deliveries, job records): view only."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def _audit_admin_save(request: HttpRequest, obj: models.Model, *, created: bool) -> None:
    audit_record(
        actor=signed_in_user(request),
        action=f"{obj._meta.model_name}.admin_saved",
        obj=obj,
        detail={"created": created},
    )


@admin.action(description="Deactivate the selected entries (they stay on record)")
def deactivate_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Reference data is never deleted: it is switched off, and the switch is audited."""
    count = 0
    with transaction.atomic(using=router.db_for_write(queryset.model)):
        for obj in queryset.filter(is_active=True):
            obj.is_active = False
            obj.save(update_fields=["is_active"])
            audit_record(actor=signed_in_user(request), action=f"{obj._meta.model_name}.admin_deactivated", obj=obj)
            count += 1
    modeladmin.message_user(request, f"{count} deactivated.", messages.SUCCESS)


@admin.register(Court)
class CourtAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "jurisdiction", "clerk_name", "clerk_email", "clerk_phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "jurisdiction", "clerk_name", "clerk_email")
    actions = [deactivate_selected]
    fieldsets = (
        (None, {"fields": ("name", "jurisdiction", "is_active")}),
        (
            "Clerk's office",
            {
                "fields": ("clerk_name", "clerk_email", "clerk_phone"),
                "description": "Approved violation reports of this court's probation cases are sent here.",
            },
        ),
        (
            "Electronic delivery",
            {
                "fields": ("webhook_url", "webhook_secret"),
                "description": "Optional. Reports are also POSTed to the URL, signed with the secret.",
            },
        ),
    )


@admin.register(ParoleBoard)
class ParoleBoardAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "jurisdiction", "email", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "jurisdiction", "email")
    actions = [deactivate_selected]
    fieldsets = (
        (None, {"fields": ("name", "jurisdiction", "is_active")}),
        (
            "Contact",
            {
                "fields": ("email", "phone"),
                "description": "Approved violation reports of this board's parole cases are sent here.",
            },
        ),
        (
            "Electronic delivery",
            {
                "fields": ("webhook_url", "webhook_secret"),
                "description": "Optional. Reports are also POSTed to the URL, signed with the secret.",
            },
        ),
    )


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "office", "supervisor")
    list_select_related = ("supervisor",)
    search_fields = ("code", "name", "office")
    autocomplete_fields = ("supervisor",)
    prepopulated_fields = {"code": ("name",)}


@admin.action(description="Unlock sign-in for the selected users (after too many failed attempts)")
def unlock_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    users = list(queryset)
    for user in users:
        user_unlock(actor=signed_in_user(request), user=user)
    modeladmin.message_user(request, f"Sign-in unlocked for {len(users)} user(s).", messages.SUCCESS)


@admin.action(description="Reset two-factor sign-in for the selected users (they enroll again)")
def reset_two_factor_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    users = list(queryset)
    for user in users:
        user_two_factor_reset(actor=signed_in_user(request), user=user)
    modeladmin.message_user(request, f"Two-factor sign-in reset for {len(users)} user(s).", messages.SUCCESS)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    """Staff and integration accounts. The role decides what a user may see; the organisation fields
    tie the user to the unit, court or parole board whose work they see. Deactivate, never delete."""

    list_display = ("username", "first_name", "last_name", "role", "unit", "court", "parole_board", "is_active")
    list_filter = ("role", "is_active", "is_staff", "unit", "court", "parole_board")
    list_select_related = ("unit", "court", "parole_board")
    search_fields = ("username", "first_name", "last_name", "email", "badge_number")
    ordering = ("last_name", "first_name", "username")
    actions = [unlock_selected, reset_two_factor_selected]
    # A change of role, organisation or status, saved here or by a history "revert", ends the user's
    # sessions and revokes their tokens, audited: User.save does it, for every path.
    readonly_fields = ("sign_in_lock", "access_changed_at")

    @admin.display(description="Sign-in")
    def sign_in_lock(self, obj: User) -> str:
        """Whether django-axes locked the account (from which addresses, until when), with a one-click
        unlock (audited) when it did."""
        from django.conf import settings

        if obj.pk is None:
            return "—"
        locks = sign_in_lockouts(obj)
        if not locks:
            return "Not locked"
        until = timezone.localtime(max(lock["until"] for lock in locks))
        addresses = ", ".join(lock["address"] for lock in locks)
        url = reverse("admin:agency_user_unlock", args=[obj.pk])
        return format_html(
            "Locked after {} failed attempts. From {} ({}) until {}, or until unlocked here. "
            '<button type="submit" formaction="{}" formnovalidate class="button" name="_unlock">'
            "Unlock sign-in</button>",
            settings.AXES_FAILURE_LIMIT,
            "1 address" if len(locks) == 1 else f"{len(locks)} addresses",
            addresses,
            date_format(until, "DATETIME_FORMAT"),
            url,
        )

    def get_urls(self):
        extra = [
            path(
                "<path:object_id>/unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name="agency_user_unlock",
            )
        ]
        return extra + super().get_urls()

    def unlock_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's “Unlock sign-in” button posts here (one click, audited)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = self.get_object(request, unquote(object_id))
        if user is None or not self.has_change_permission(request, user):
            raise PermissionDenied
        user_unlock(actor=signed_in_user(request), user=user)
        self.message_user(request, f"Sign-in unlocked for {user.username}.", messages.SUCCESS)
        return redirect(reverse("admin:agency_user_change", args=[user.pk]))

    _ORGANISATION: ClassVar["tuple[str, _FieldOpts]"] = (
        "Role and organisation",
        {
            "fields": ("role", "unit", "court", "parole_board", "phone", "badge_number"),
            "description": (
                "Officers and supervisors belong to a unit (integrators may be limited to one); "
                "a court clerk to exactly one court; parole board staff to exactly one board. "
                "Leave the others empty."
            ),
        },
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        _ORGANISATION,
        (
            "Access",
            {
                "fields": (
                    "is_active",
                    "sign_in_lock",
                    "access_changed_at",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
                "description": (
                    "Untick “active” to end someone's access; accounts are never deleted. Changing the role, "
                    "organisation or status signs the user out everywhere and revokes their API tokens. "
                    "“Staff status” opens this admin site: give it to administrators only."
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        _ORGANISATION,
    )

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Setting a password through the admin is audited too (it does not go through save_model)."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                audit_record(actor=signed_in_user(request), action="user.admin_password_set", obj=user)
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only: it is written only by ``agency.audit.audit_record``."""

    list_display = (
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "offender_id",
        "outcome",
        "source_ip",
    )
    list_filter = ("outcome",)
    search_fields = ("=actor_label", "action", "=object_type", "=object_id", "=request_id")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("actor",)
    show_full_result_count = False  # the trail grows without end: skip the second COUNT(*)


# Integrator tokens are issued (with their scope) and revoked through ApiTokenScope below, or with
# ``manage.py create_api_token``; knox's own admin would issue tokens without a scope and delete them
# without an audit row.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)

# Two-factor devices are managed by their users (enrollment) and reset by the audited user action above,
# not edited or deleted row by row.
for _otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)


@admin.action(description="Revoke the selected tokens (they stop working at once)", permissions=["revoke"])
def revoke_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    records = list(queryset.filter(revoked_at__isnull=True))
    for record in records:
        api_token_revoke(actor=signed_in_user(request), record=record)
    modeladmin.message_user(request, f"{len(records)} revoked.", messages.SUCCESS)


@admin.register(ApiTokenScope)
class ApiTokenScopeAdmin(ApiTokenIssueMixin, ReadOnlyAdmin):
    """Integrator tokens: who they act as, what they may do, whether they still work. "Add" issues one
    through ``agency.api.tokens`` and shows it once (it is stored hashed by knox); an issued token is
    never edited, only revoked."""

    list_display = (
        "label",
        "user",
        "scope",
        "unit",
        "token_key",
        "created_at",
        "expires_at",
        "revoked_at",
        "works",
    )
    list_filter = ("scope", "unit")
    list_select_related = ("user", "unit", "created_by")
    search_fields = ("label", "user__username", "=token_key")
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    actions = [revoke_selected]

    @admin.display(boolean=True, description="works")
    def works(self, obj: ApiTokenScope) -> bool:
        return obj.is_active

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


# --- Webhooks -----------------------------------------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", help_text="Where events are POSTed (https://…).")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this subscriber receives.",
    )
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
        required=False,
        help_text=(
            "Shared secret for the HMAC-SHA256 signature (X-Caseline-Signature: sha256=…). Never shown again: "
            "leave empty to keep the current one."
        ),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "secret", "events", "is_active")

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if secret:
            return secret
        if self.instance.pk:
            return self.instance.secret
        raise forms.ValidationError("Give the secret the subscriber uses to check the signature.")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Systems that receive events, signed. The secret is never shown in the list."""

    form = WebhookSubscriptionForm
    list_display = ("name", "url", "event_list", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    actions = [deactivate_selected]

    @admin.display(description="events")
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events or [])


@admin.action(description="Retry the selected failed deliveries", permissions=["retry"])
def retry_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    retried = webhook_deliveries_retry(actor=signed_in_user(request), deliveries=queryset)
    modeladmin.message_user(request, f"{retried} re-queued.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The webhook outbox, read-only: written by ``agency.webhooks``; failed rows are re-queued with the
    audited "retry" action."""

    list_display = ("event_id", "subscription", "event", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event", "subscription")
    list_select_related = ("subscription",)
    search_fields = ("=event_id",)
    date_hierarchy = "created_at"
    actions = [retry_selected]
    show_full_result_count = False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

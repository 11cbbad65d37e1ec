"""Issuing an integrator token from the admin: the administrator picks the user, the scope (read or
write) and optionally one unit; the token is created hashed (knox) and shown once in a message.

Mixed into the ApiTokenScope admin at the end of agency/admin.py."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html

from agency.api.tokens import api_token_check, api_token_issue
from agency.http import signed_in_user
from agency.models import ApiTokenScope

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups, _FieldsetSpec
    from django.utils.datastructures import _ListOrTuple

ADD_FIELDS = ["user", "label", "scope", "unit", "expires_days"]
# A timedelta (agency/settings.py); REST_KNOX mixes value types, so the type checker sees only ``object``.
TOKEN_TTL = cast(timedelta, settings.REST_KNOX["TOKEN_TTL"])


class ApiTokenIssueForm(forms.ModelForm):
    expires_days = forms.IntegerField(
        min_value=1,
        required=False,
        help_text=f"Days until the token expires. Empty: the default ({TOKEN_TTL.days} days, API_TOKEN_TTL_DAYS).",
    )

    class Meta:
        model = ApiTokenScope
        fields = ["user", "label", "scope", "unit"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("user") and data.get("scope"):
            try:
                api_token_check(
                    user=data["user"], scope=data["scope"], unit=data.get("unit"), expires_days=data.get("expires_days")
                )
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from exc
        return data


class ApiTokenIssueMixin(admin.ModelAdmin):
    """Adds an "issue" form to a read-only ApiTokenScope admin; existing tokens stay read-only."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.has_perm("agency.add_apitokenscope")

    def get_form(
        self, request: HttpRequest, obj: ApiTokenScope | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
            kwargs["fields"] = ADD_FIELDS
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiTokenScope | None = None) -> "_FieldGroups":
        return [*ADD_FIELDS] if obj is None else super().get_fields(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: ApiTokenScope | None = None) -> "_FieldsetSpec":
        return [(None, {"fields": [*ADD_FIELDS]})] if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiTokenScope | None = None) -> "_ListOrTuple[str]":
        return () if obj is None else super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiTokenScope, form: forms.ModelForm, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        record, token = api_token_issue(
            actor=signed_in_user(request),  # the admin site lets in signed-in staff only
            user=data["user"],
            scope=data["scope"],
            unit=data.get("unit"),
            label=data.get("label", ""),
            expires_days=data.get("expires_days"),
        )
        for model_field in record._meta.concrete_fields:  # the admin's own messages and log name the record
            setattr(obj, model_field.attname, getattr(record, model_field.attname))
        obj._state.adding = False
        self.message_user(
            request,
            format_html(
                "Token for {}: <code>{}</code> — copy it now. It is stored hashed and will not be shown again.",
                record.user.username,
                token,
            ),
            messages.WARNING,
        )
        return None

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

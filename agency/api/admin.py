"""Issuing an integrator token from the admin: the administrator picks the user, the scope (read or
write) and optionally one unit; the token is created hashed (knox) and shown once in a message.

Mixed into the ApiTokenScope admin at the end of agency/admin.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html

from agency.api.tokens import api_token_check, api_token_issue
from agency.models import ApiTokenScope

ADD_FIELDS = ["user", "label", "scope", "unit", "expires_days"]


class ApiTokenIssueForm(forms.ModelForm):
    expires_days = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Days until the token expires. Empty: the default "
        f"({settings.REST_KNOX['TOKEN_TTL'].days} days, API_TOKEN_TTL_DAYS).",
    )

    class Meta:
        model = ApiTokenScope
        fields = ["user", "label", "scope", "unit"]

    def clean(self):
        data = super().clean()
        if data.get("user") and data.get("scope"):
            try:
                api_token_check(
                    user=data["user"], scope=data["scope"], unit=data.get("unit"), expires_days=data.get("expires_days")
                )
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from exc
        return data


class ApiTokenIssueMixin:
    """Adds an "issue" form to a read-only ApiTokenScope admin; existing tokens stay read-only."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("agency.add_apitokenscope")

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
            kwargs["fields"] = ADD_FIELDS
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        return ADD_FIELDS if obj is None else super().get_fields(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        return [(None, {"fields": ADD_FIELDS})] if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return () if obj is None else super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        record, token = api_token_issue(
            actor=request.user,
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

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

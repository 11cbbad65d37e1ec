"""Serializers shared by the API: strict input, scoped relations, and the organisation's resources."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from agency.models import ApiTokenScope, Court, ParoleBoard, Unit, User


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know (a typo must not be silently ignored)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: remove it or check its spelling."] for name in unknown}
                )
        return super().to_internal_value(data)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id, among only those the caller may see: an id out of scope is
    answered exactly like one that does not exist."""

    def __init__(self, *, model: type[Model], scope: Callable[[Request], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        self.out_of_request: QuerySet[Any] = model._default_manager.none()  # no request, no scope: nothing
        kwargs["queryset"] = self.out_of_request
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        if request is None:
            return self.out_of_request
        return self.scope(request)


class CourtSerializer(serializers.ModelSerializer):
    clerk_email = serializers.CharField(read_only=True, help_text="An email address, or empty.")

    class Meta:
        model = Court
        fields = ["id", "name", "jurisdiction", "clerk_name", "clerk_email", "clerk_phone", "is_active"]
        read_only_fields = fields


class ParoleBoardSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An email address, or empty.")

    class Meta:
        model = ParoleBoard
        fields = ["id", "name", "jurisdiction", "email", "phone", "is_active"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "office", "supervisor"]
        read_only_fields = fields


class OfficerSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An email address, or empty.")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "unit", "badge_number", "phone"]
        read_only_fields = fields


class TokenScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiTokenScope
        fields = ["label", "scope", "unit", "expires_at", "token_key"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    token = serializers.SerializerMethodField(help_text="The token's scope, or null in a browser session.")

    class Meta:
        model = User
        fields = ["id", "username", "role", "unit", "court", "parole_board", "first_name", "last_name", "token"]
        read_only_fields = fields

    @extend_schema_field(TokenScopeSerializer(allow_null=True))
    def get_token(self, user) -> dict | None:
        scope = self.context.get("token_scope")
        return TokenScopeSerializer(scope).data if scope is not None else None

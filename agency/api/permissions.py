"""Coarse gates. Object access comes from the scoped querysets (supervision/api/scoping.py and
agency/api/scoping.py), not from here."""

from knox.models import AuthToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

from agency.models import ApiScope


def token_scope(request):
    """The ApiTokenScope of the request's token, or None for a browser session."""
    if not isinstance(request.auth, AuthToken):
        return None
    if not hasattr(request, "_caseline_token_scope"):
        request._caseline_token_scope = getattr(request.auth, "api_scope", None)
    return request._caseline_token_scope


def token_unit_id(request) -> int | None:
    """The unit a token is limited to, if any."""
    scope = token_scope(request)
    return scope.unit_id if scope is not None else None


class TokenScopePermission(BasePermission):
    """A read token (or a token without a recorded scope) may only read."""

    message = "This API token is read-only: ask an administrator for a token with the write scope."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, AuthToken):
            return True
        scope = token_scope(request)
        if scope is None:
            self.message = "This token has no scope: ask an administrator to issue one with create_api_token."
            return False
        return request.method in SAFE_METHODS or scope.scope == ApiScope.WRITE


class RolePermission(BasePermission):
    """The view's ``api_roles`` may use it at all; ``api_write_roles`` (default: the same) may write."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        roles = getattr(view, "api_roles", None)
        if roles is None:
            return True
        if request.method not in SAFE_METHODS:
            roles = getattr(view, "api_write_roles", roles)
        if user.role in roles:
            return True
        self.message = f"Your role ({user.get_role_display()}) has no access to this resource."
        return False

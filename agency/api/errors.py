"""One error shape for the whole API: ``{"detail": "<what to do>", "errors": {field: [messages]}}``."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from agency.errors import ApplicationError


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [message, ...]} (nested fields joined with dots)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    flat[f"{key}.{sub}" if sub != "non_field_errors" else key] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict | list):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        flat[f"{key}.{index}.{sub}" if sub != "non_field_errors" else f"{key}.{index}"] = messages
            else:
                flat[key] = [str(message) for message in (value if isinstance(value, list) else [value])]
        return flat
    if isinstance(detail, list):
        return {"non_field_errors": [str(message) for message in detail]}
    return {"non_field_errors": [str(detail)]}


def _summary(errors: dict[str, list[str]]) -> str:
    parts = []
    for field, messages in errors.items():
        label = "" if field == "non_field_errors" else f"{field}: "
        parts.append(label + " ".join(messages))
    return "Please correct the request: " + "; ".join(parts) if parts else "The request is not valid."


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        extra = dict(exc.extra)
        errors = extra.pop("errors", {})
        return Response({"detail": exc.message, "errors": errors, **extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        response.data = {"detail": _summary(errors), "errors": errors}
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    if isinstance(exc, exceptions.NotFound) and str(detail) == str(exceptions.NotFound.default_detail):
        detail = "Not found: it does not exist, or it is not in your caseload or your token's scope."
    elif isinstance(exc, exceptions.NotFound):
        detail = f"{detail} Follow the “next” and “previous” links of the list."
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = "Sign in, or send an API token as “Authorization: Token <token>”."
    elif isinstance(exc, exceptions.AuthenticationFailed):
        detail = f"{detail} Check the token; it may have expired or been revoked."
    response.data = {"detail": str(detail or exc), "errors": {}}
    return response

"""What the forms of every page share: the date and time widgets, a text's maximum length taken from its
model, the unsaved-changes warning of a long text, and ``form_add_service_error``, which puts a service's
error next to the field it is about."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Field, Model, QuerySet

from agency.errors import ApplicationError

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# A long text a person writes: leaving its page with changes asks first (static/js/unsaved.js).
UNSAVED_WARNING = {"data-unsaved-warning": ""}


def max_length(model: type[Model], field: str) -> int:
    """The maximum length a model declares for one of its fields: the forms take it from there."""
    declared = model._meta.get_field(field)
    assert isinstance(declared, Field) and declared.max_length is not None, f"{model.__name__}.{field}: no max_length"
    return declared.max_length


def choices_set(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer ``queryset`` in ``form``'s model choice field ``name`` (``Form.fields`` holds plain ``Field``s to
    the type checker, which cannot know the declared one is a ``ModelChoiceField``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    field.queryset = queryset


def form_add_service_error(form: forms.Form, error: Exception, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError next to its fields (or at the top), an ApplicationError at the top."""
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
        return
    assert isinstance(error, ValidationError)
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        target = field_map.get(name, name)
        if target == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        elif target in form.fields:
            form.add_error(target, errors)
        else:
            form.add_error(None, [f"{name.replace('_', ' ').capitalize()}: {message}" for message in errors])

"""Rows of a list page, written the way DRF writes them, with the per-value detours taken once per page.

DRF's ``Serializer.to_representation`` asks every field of every row to find its value
(``Field.get_attribute``: a walk over ``source_attrs`` with exception handling for callables, mappings and
missing attributes; for a foreign key, a ``PKOnlyObject`` made and unwrapped), which on a 100-row page of a
17-field record cost more than the query and the audit row together. Most fields of Caseline's records are
a model's own column or foreign key read as is, so a :class:`RowPlan` decides once how each field is
written:

- a column whose value DRF would give back unchanged (text, a text choice, a whole number, a boolean, a
  foreign key's id) is the column's value;
- a date, a date-time (in the current time zone, ``Z`` for UTC), a decimal, a UUID is the column's value
  through that conversion;
- anything else (a nested serializer, a method field, an annotation, a dotted source, a serializer that
  writes its own ``to_representation``) goes through DRF's own path, unchanged.

When every field is a column the page is read from the database as tuples (``values_list``), as a bare
view would, and no model instance is made. Such a plan depends on nothing but the serializer's class and
the current time zone, so :func:`page_plan` makes it once per process (building a ``ModelSerializer``'s
fields from the model, which the plan needs, cost about half a millisecond on every request). The output
is DRF's, value for value and key for key (tests/api/test_page_rows.py compares them on every list of the
API). Hand-written because no maintained
library does this for DRF: the fast-serializer packages (serpy, drf-turbo) replace the serializers, and the
OpenAPI schema drf-spectacular draws from them, with their own.
"""

import datetime
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.settings import api_settings

Convert = Callable[[Any], Any]
SKIP = object()  # the field is left out of the row (a SkipField on DRF's path)

TEXT_COLUMNS = (models.CharField, models.TextField)
WHOLE_NUMBER_COLUMNS = (models.IntegerField, models.AutoField)  # the small, big and positive ones included


class Column:
    """A field read from one column of the row: ``convert`` (if any) applied to a value that is not None."""

    def __init__(self, attname: str, convert: Convert | None = None):
        self.attname = attname
        self.convert = convert


def _drf_reader(field: serializers.Field) -> Callable[[Any], Any]:
    """DRF's own path for one field of a model instance (``Serializer.to_representation``'s loop body)."""

    def read(row):
        try:
            attribute = field.get_attribute(row)
        except SkipField:
            return SKIP
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else field.to_representation(attribute)

    return read


def _datetime_convert(field: serializers.DateTimeField) -> Convert:
    """DRF's ``DateTimeField.to_representation`` for an aware value, with the field's time zone found once per
    page instead of once per value (the current time zone is a context-local lookup)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if output_format is None or output_format.lower() != ISO_8601 or zone is None:
        return field.to_representation

    def convert(value):
        if timezone.is_naive(value):
            return field.to_representation(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            field.fail("overflow")
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _column(field: serializers.Field, model_field: models.Field) -> Column | None:
    """How ``field`` is written from ``model_field``'s column, or None if only DRF's path will do. (Each
    ``kind is X`` is paired with ``isinstance``: exactly that class for the reader, its type for mypy.)"""
    kind = type(field)
    if model_field.is_relation:
        # DRF writes a foreign key as PKOnlyObject(instance.serializable_value(name)).pk: the column's value.
        if (
            kind is PrimaryKeyRelatedField
            and isinstance(field, PrimaryKeyRelatedField)
            and field.pk_field is None
            and field.use_pk_only_optimization()
        ):
            return Column(model_field.attname)
        return None
    identity = (
        (kind is serializers.CharField and isinstance(model_field, TEXT_COLUMNS))  # str(text) is the text
        or (
            kind is serializers.ChoiceField  # a text choice is written as its own key
            and isinstance(field, serializers.ChoiceField)
            and isinstance(model_field, TEXT_COLUMNS)
            and all(isinstance(key, str) for key in field.choice_strings_to_values.values())
        )
        or (
            kind in (serializers.IntegerField, serializers.BigIntegerField)
            and isinstance(model_field, WHOLE_NUMBER_COLUMNS)
            and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        )
        or (kind is serializers.BooleanField and isinstance(model_field, models.BooleanField))
    )
    if identity:
        return Column(model_field.attname)
    if (
        kind is serializers.DateTimeField
        and isinstance(field, serializers.DateTimeField)
        and isinstance(model_field, models.DateTimeField)
    ):
        return Column(model_field.attname, _datetime_convert(field))
    if (
        kind is serializers.DateField
        and type(model_field) is models.DateField
        and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601
    ):
        return Column(model_field.attname, datetime.date.isoformat)
    if kind in (serializers.DecimalField, serializers.UUIDField, serializers.TimeField):
        return Column(model_field.attname, field.to_representation)
    return None


class RowPlan:
    """How each field of a serializer is written for a page of rows (see the module's docstring)."""

    def __init__(self, serializer: serializers.Serializer):
        self.names: list[str] = []
        self.parts: list[Column | Callable[[Any], Any]] = []
        own_representation = type(serializer).to_representation is not serializers.Serializer.to_representation
        self.serializer = serializer if own_representation else None
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        for field in serializer._readable_fields:
            assert field.field_name is not None, field  # a serializer's fields are bound: each has its name
            self.names.append(field.field_name)
            self.parts.append(self._part(field, model))
        columns = [part for part in self.parts if isinstance(part, Column)]
        # Every field a column: the page can be read as tuples of these columns (``values_list``).
        self.columns: tuple[str, ...] | None = (
            tuple(part.attname for part in columns)
            if self.serializer is None and len(columns) == len(self.parts)
            else None
        )
        self._converts = [(index, part.convert) for index, part in enumerate(columns) if part.convert is not None]

    @staticmethod
    def _part(field: serializers.Field, model) -> Column | Callable[[Any], Any]:
        if model is None or len(field.source_attrs) != 1:
            return _drf_reader(field)
        try:
            model_field = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            return _drf_reader(field)
        if not model_field.concrete or isinstance(model_field, models.ManyToManyField):
            return _drf_reader(field)
        return _column(field, model_field) or _drf_reader(field)

    def _converted(self, values: list) -> list:
        for index, convert in self._converts:
            if values[index] is not None:
                values[index] = convert(values[index])
        return values

    def from_tuples(self, rows: Iterable[Sequence]) -> list[dict[str, Any]]:
        """Rows read as ``values_list(*self.columns, …)`` (further values after the columns are ignored)."""
        width, names = len(self.names), self.names
        return [dict(zip(names, self._converted(list(row[:width])), strict=True)) for row in rows]

    def from_instances(self, rows: Iterable[models.Model]) -> list[dict[str, Any]]:
        if self.serializer is not None:
            return [self.serializer.to_representation(row) for row in rows]
        page = []
        for row in rows:
            values = {}
            for name, part in zip(self.names, self.parts, strict=True):
                if isinstance(part, Column):
                    value = getattr(row, part.attname)
                    values[name] = value if value is None or part.convert is None else part.convert(value)
                else:
                    value = part(row)
                    if value is not SKIP:
                        values[name] = value
            page.append(values)
        return page


_PLANS: dict[tuple[type, str], RowPlan] = {}
_PLANS_LOCK = threading.Lock()


def _fields_fixed(serializer_class: type) -> bool:
    """Whether the class's fields are DRF's for its declaration, the same for every request: it changes
    none of the ways DRF builds and reads them (a serializer that drops fields by role, or sets them up
    from its context, is planned again for every page)."""
    return all(
        getattr(serializer_class, name) is getattr(serializers.ModelSerializer, name)
        for name in ("__init__", "get_fields", "fields", "_readable_fields", "to_representation")
    )


def page_plan(serializer: serializers.Serializer) -> RowPlan:
    """The plan of a list page: kept per serializer class and time zone when every field is a column of a
    ``ModelSerializer`` whose fields are fixed (nothing then refers to this request's serializer or its
    context), else made for this page."""
    if not _fields_fixed(type(serializer)):
        return RowPlan(serializer)
    key = (type(serializer), timezone.get_current_timezone_name())
    plan = _PLANS.get(key)
    if plan is None:
        plan = RowPlan(type(serializer)())  # a serializer of its own: the kept plan holds no request
        if plan.columns is None:
            return RowPlan(serializer)
        with _PLANS_LOCK:
            plan = _PLANS.setdefault(key, plan)
    return plan

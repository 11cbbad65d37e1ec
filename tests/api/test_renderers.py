"""The API's JSON (agency/api/renderers.py) is DRF's JSON, byte for byte: on every list and object of the
API, and on the values DRF's encoder writes its own way."""

import datetime
import decimal
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils.functional import lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from agency.api.renderers import JSONRenderer

LISTS = (
    "courts",
    "parole-boards",
    "units",
    "officers",
    "offenders",
    "supervisions",
    "conditions",
    "check-ins",
    "drug-tests",
    "case-notes",
    "violations",
    "violation-reports",
    "me",
)


def _drf(data, media_type=None) -> bytes:
    return renderers.JSONRenderer().render(data, media_type, {})


@pytest.mark.django_db
@pytest.mark.parametrize("resource", LISTS)
def test_every_list_and_object_is_drfs_json(world, client_for, resource):
    # given the integrator's view of the agency (every case)
    client = client_for("integrator", token="read")
    # when a list is read, then the first object on it
    listed = client.get(f"/api/v1/{resource}/", {"page_size": 100})
    results = listed.data.get("results") if isinstance(listed.data, dict) else None
    read = client.get(f"/api/v1/{resource}/{results[0]['id']}/") if results else None
    # then each answer is what DRF's renderer writes for the same data
    assert listed.status_code == 200
    assert listed.content == _drf(listed.data)
    if read is not None:
        assert read.status_code == 200
        assert read.content == _drf(read.data)


def test_values_written_by_drfs_encoder_are_written_the_same():
    data = ReturnDict(
        {
            "utc": datetime.datetime(2027, 3, 2, 14, 0, 0, 123456, tzinfo=datetime.UTC),
            "local": datetime.datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("America/New_York")),
            "naive": datetime.datetime(2027, 3, 2, 9, 0),
            "date": datetime.date(2027, 3, 2),
            "time": datetime.time(9, 30, 15),
            "duration": datetime.timedelta(minutes=90),
            "amount": decimal.Decimal("12.50"),
            "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "lazy": lazy(lambda: "translated later", str)(),
            "text": "line\u2028separator\u2029paragraph, non-ASCII: é 中",
            "numbers": {1: "one", 2: [True, False, None, 0, -7, 2**63 - 1]},
            "rows": ReturnList([{"a": ()}, {"b": []}], serializer=None),
        },
        serializer=None,
    )
    assert JSONRenderer().render(data) == _drf(data)


def test_what_orjson_refuses_or_indents_is_drfs_own_output():
    huge = {"id": 2**70, "nested": [[[[1]]]]}
    assert JSONRenderer().render(huge) == _drf(huge)
    indented = {"a": [1, {"b": "c"}]}
    media_type = "application/json; indent=2"
    assert JSONRenderer().render(indented, media_type, {}) == _drf(indented, media_type)
    assert JSONRenderer().render(indented, media_type, {}).startswith(b"{\n  ")
    assert JSONRenderer().render(None) == b""

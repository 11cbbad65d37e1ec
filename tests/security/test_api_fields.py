"""The API exposes only fields chosen one by one, and a write cannot change what the caller may not
change: a PATCH carrying status, officer, court or parole_board changes nothing."""

import importlib
import inspect
import pkgutil

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from supervision.models import CheckIn, Supervision, ViolationReport

PROJECT_PACKAGES = ("agency", "offenders", "supervision")


def _project_serializers() -> list[type[serializers.ModelSerializer]]:
    found = set()
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in module_info.name or ".demo" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, serializers.ModelSerializer) and obj.__module__.startswith(PROJECT_PACKAGES):
                    found.add(obj)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_the_api_has_model_serializers_to_check():
    assert len(_project_serializers()) >= 10


@pytest.mark.parametrize("serializer", _project_serializers(), ids=lambda cls: cls.__qualname__)
def test_no_serializer_exposes_all_fields(serializer):
    meta = getattr(serializer, "Meta", None)
    assert getattr(meta, "fields", None) != serializers.ALL_FIELDS
    assert getattr(meta, "exclude", None) is None, "list the fields to expose; never exclude from all"


PROTECTED = {"status": "closed", "officer": None, "court": None, "parole_board": None}


def _writer(world, who: str) -> APIClient:
    _record, token = api_token_issue(actor=None, system="tests", user=world.users[who], scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _state(obj) -> tuple:
    obj.refresh_from_db()
    return tuple(getattr(obj, f"{name}_id", getattr(obj, name, None)) for name in PROTECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "integrator", "supervisor"])
@pytest.mark.parametrize(
    ("resource", "record"),
    [("supervisions", "supervisions"), ("check-ins", "check-ins"), ("violation-reports", "draft-reports")],
)
def test_a_patch_of_protected_fields_changes_nothing(world, who, resource, record):
    # given a record of the officer's own case, and another officer and court to move it to
    obj = world.records[(record, "mine")]
    before = _state(obj)
    payload = {
        "status": "closed",
        "officer": world.users["south_officer"].pk,
        "court": world.court.pk,
        "parole_board": world.board.pk,
    }
    # when a caller who may not change them PATCHes them
    response = _writer(world, who).patch(f"/api/v1/{resource}/{obj.pk}/", payload, format="json")
    # then the answer is a refusal (unknown or read-only fields, or no such method), and nothing changed
    assert response.status_code in (400, 403, 405)
    assert _state(obj) == before


@pytest.mark.django_db
def test_a_report_edit_cannot_slip_in_a_status(world):
    # given the officer's draft report
    report = world.records[("draft-reports", "mine")]
    # when they PATCH its narrative together with a status
    response = _writer(world, "officer").patch(
        f"/api/v1/violation-reports/{report.pk}/", {"narrative": "Revised.", "status": "approved"}, format="json"
    )
    # then the whole request is refused and the report is as it was
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "draft"
    assert report.narrative != "Revised."


def test_models_checked_have_the_protected_fields():
    for model in (Supervision, CheckIn, ViolationReport):
        assert {"status"} <= {field.name for field in model._meta.get_fields()}

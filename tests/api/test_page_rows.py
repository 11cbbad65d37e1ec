"""A list page's rows (agency/api/rows.py) are DRF's rows, value for value, on every list of the API.

Each list is read twice by the same caller: as Caseline answers it, and with ``page_rows`` replaced by DRF's
own ``Serializer.to_representation`` per row. The bodies must be equal, key order included. The agency
has every kind of record with empty and filled optional values (a closed case, a disposed report, a
drug test with its substances)."""

import datetime
import json

import pytest
from django.utils import timezone

from agency.api import viewsets
from agency.api.rows import Column, RowPlan
from supervision.choices import ClosureReason, Disposition, ReportStatus, SupervisionStatus
from tests.supervision.factories import DrugTestFactory, SupervisionFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

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
)
# A caller who sees each list's rows (the officer's unit, or the whole agency for the integrator).
CALLERS = ("officer", "integrator", "clerk")


class DrfRows:
    """DRF's own way: each row an instance, through ``Serializer.to_representation``."""

    columns = None

    def __init__(self, serializer):
        self.serializer = serializer

    def from_instances(self, rows):
        return [self.serializer.to_representation(row) for row in rows]


def _more_values(world) -> None:
    """Optional values filled in where the conftest's agency leaves them empty."""
    case = world.cases["mine"]
    closed = SupervisionFactory(officer=case.officer, court=world.court)
    closed.status = SupervisionStatus.CLOSED
    closed.closed_on = closed.start_date + datetime.timedelta(days=10)
    closed.closure_reason = ClosureReason.COMPLETED
    closed.save(update_fields=["status", "closed_on", "closure_reason"])
    DrugTestFactory(supervision=case, result="positive")
    ViolationReportFactory(
        supervision=case,
        court=case.court,
        status=ReportStatus.DISPOSED,
        hearing_at=timezone.now() - datetime.timedelta(days=3),
        hearing_location="Courtroom 2",
        disposition=Disposition.CONTINUED,
        disposition_on=datetime.date(2026, 5, 6),
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("resource", LISTS)
def test_page_rows_are_drf_rows(world, client_for, monkeypatch, resource, caller):
    _more_values(world)
    client = client_for(caller, token="read")
    url = f"/api/v1/{resource}/"
    answered = client.get(url, {"page_size": 100})
    monkeypatch.setattr(viewsets, "RowPlan", DrfRows)
    expected = client.get(url, {"page_size": 100})
    assert answered.status_code == expected.status_code
    if answered.status_code != 200:
        assert answered.status_code == 403  # a list this caller's role may not use: nothing to compare
        return
    body, drf_body = json.loads(answered.content), json.loads(expected.content)
    assert body == drf_body
    assert [list(row) for row in body["results"]] == [list(row) for row in drf_body["results"]]


def test_the_fast_paths_are_taken():
    """The supervisions list is read as tuples of its columns; a drug test's nested substances go DRF's way
    while its own columns do not. (The test above would pass on DRF's path alone; this one would not.)"""
    from supervision.api.serializers import DrugTestSerializer, SupervisionSerializer

    assert RowPlan(SupervisionSerializer()).columns == (
        *("id", "offender_id", "supervision_type", "status", "level", "officer_id", "court_id", "parole_board_id"),
        *("start_date", "end_date", "unit_id", "docket_number", "offense", "closed_on", "closure_reason"),
        *("created_at", "updated_at"),
    )
    drug_test = RowPlan(DrugTestSerializer())
    assert drug_test.columns is None
    kinds = {name: isinstance(part, Column) for name, part in zip(drug_test.names, drug_test.parts, strict=True)}
    assert kinds["id"] and kinds["supervision"] and not kinds["substance_results"], kinds

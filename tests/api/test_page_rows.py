"""A list page's rows (agency/api/rows.py) are DRF's rows, value for value, on every list of the API.

Each list is read twice by the same caller: as Caseline answers it, and with ``page_plan`` replaced by DRF's
own ``Serializer.to_representation`` per row. The bodies must be equal, key order included. The agency
has every kind of record with empty and filled optional values (a closed case, a disposed report, a
drug test with its substances)."""

import datetime
import json

import pytest
from django.utils import timezone

from agency.api import viewsets
from agency.api.rows import Column, RowPlan, page_plan
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
    monkeypatch.setattr(viewsets, "page_plan", DrfRows)
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


def test_a_columns_plan_is_made_once_per_serializer_and_time_zone():
    from supervision.api.serializers import DrugTestSerializer, SupervisionSerializer

    # given the plan of one supervisions page
    plan = page_plan(SupervisionSerializer(context={"request": object()}))
    # then the next page of the same class reuses it, and it holds nothing of the first page's serializer
    assert page_plan(SupervisionSerializer()) is plan
    assert plan.serializer is None
    # but another time zone has its own (date-times are written in the current one)
    with timezone.override("Europe/Paris"):
        paris = page_plan(SupervisionSerializer())
    assert paris is not plan
    assert paris.columns == plan.columns
    # and a plan with a field DRF writes (the drug test's substances) is made for each page
    assert page_plan(DrugTestSerializer()) is not page_plan(DrugTestSerializer())


def test_a_serializer_whose_fields_depend_on_the_request_is_planned_for_each_page():
    from supervision.api.serializers import SupervisionSerializer

    class ByCaller(SupervisionSerializer):
        """Drops the docket number for callers without a flag in the context."""

        def get_fields(self):
            fields = super().get_fields()
            if not self.context.get("dockets"):
                fields.pop("docket_number")
            return fields

    # when one page is planned for a caller who sees dockets and one for a caller who does not
    seen = page_plan(ByCaller(context={"dockets": True}))
    hidden = page_plan(ByCaller(context={}))
    # then each page has its own caller's fields
    assert "docket_number" in seen.names
    assert "docket_number" not in hidden.names

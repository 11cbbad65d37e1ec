"""CSV export of every dashboard table: content, filters, audit, spreadsheet-formula safety."""

import csv
import io

import pytest

from agency.models import AuditEvent
from supervision.dashboard.exports import EXPORT_TABLES

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_caseload_export_has_one_row_per_officer(client, supervisor, known_unit, ann, ben, cy):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/export/caseload.csv")

    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="caseline-caseload-')
    assert _rows(response) == [
        ["officer_id", "officer", "open_cases", "parole", "probation", "high", "medium", "low", "administrative",
         "inactive", "weighted", "percent_of_standard"],
        [str(ann.pk), "Ann Able", "4", "1", "3", "1", "2", "1", "0", "1", "4.1", "6.1"],
        [str(ben.pk), "Ben Baker", "2", "1", "1", "1", "1", "0", "0", "0", "3.0", "4.0"],
        [str(cy.pk), "Cy Cole", "0", "0", "0", "0", "0", "0", "0", "0", "0.0", "0.0"],
    ]  # fmt: skip


def test_the_compliance_and_violation_exports(client, supervisor, known_unit):
    # given
    client.force_login(supervisor)

    # when
    compliance = _rows(client.get("/dashboard/export/compliance.csv"))
    violations = _rows(client.get("/dashboard/export/violations.csv"))

    # then
    assert compliance[1:] == [
        ["30", "2", "1", "1", "66.7", "3", "1", "1", "33.3"],
        ["90", "3", "2", "1", "60.0", "4", "2", "1", "50.0"],
    ]
    assert violations == [["kind", "open_violations", "cases"], ["technical", "3", "2"], ["new_offence", "0", "0"],
                          ["absconding", "1", "1"]]  # fmt: skip


def test_the_cases_export_follows_the_figure_and_filters_and_is_audited(client, supervisor, known_unit, ann):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/export/cases.csv", {"figure": "overdue", "officer": ann.pk})

    # then
    rows = _rows(response)
    assert [(r[0], r[2], r[7]) for r in rows[1:]] == [(str(known_unit["a1"].pk), "Adams", "Ann Able")]
    audit = AuditEvent.objects.get(action="dashboard.exported")
    assert (audit.actor, audit.detail) == (
        supervisor,
        {"table": "cases", "figure": "overdue", "rows": 1,
         "filters": {"officer": ann.pk, "supervision_type": "", "level": ""}},
    )  # fmt: skip


def test_every_table_exports_and_each_export_is_audited(client, supervisor, known_unit):
    # given
    client.force_login(supervisor)

    # when
    responses = {table: client.get(f"/dashboard/export/{table}.csv") for table in EXPORT_TABLES}

    # then
    assert {table: r.status_code for table, r in responses.items()} == {table: 200 for table in EXPORT_TABLES}
    assert len(_rows(responses["trend-check-ins"])) == 13
    assert _rows(responses["reviews"])[1][0] == str(known_unit["r1"].pk)
    assert sorted(
        AuditEvent.objects.filter(action="dashboard.exported").values_list("detail__table", flat=True)
    ) == sorted(EXPORT_TABLES)


def test_an_unknown_table_is_404(client, supervisor):
    # given
    client.force_login(supervisor)

    # when / then
    assert client.get("/dashboard/export/passwords.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="dashboard.exported").exists()


def test_a_cell_that_looks_like_a_formula_is_quoted(client, supervisor, known_unit):
    # given
    offender = known_unit["a1"].offender
    offender.last_name = "=HYPERLINK(1)"
    offender.save()
    client.force_login(supervisor)

    # when
    rows = _rows(client.get("/dashboard/export/cases.csv", {"figure": "overdue"}))

    # then
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_an_officer_exports_only_their_own_cases(client, ann, known_unit):
    # given
    client.force_login(ann)

    # when
    rows = _rows(client.get("/dashboard/export/cases.csv", {"figure": "all"}))

    # then
    assert sorted(r[2] for r in rows[1:]) == ["Adams", "Brown", "Clark", "Davis", "Evans"]

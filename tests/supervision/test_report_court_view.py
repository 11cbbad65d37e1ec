"""Issue 16, item 6 — see what the court will see: the officer's report page and the supervisor's review page show
each violation with its evidence (as the court's page does) and link to a preview of the exact PDF the court or
board receives, before submit and before approval. The preview is the report's document, audited, never cached,
for those who may see the case only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agency.models import AuditEvent
from supervision.choices import CheckInStatus
from supervision.models import DrugTestSubstanceResult, ViolationReport
from supervision.services import violation_report_draft, violation_report_submit
from tests.agency.factories import OfficerFactory, SupervisorFactory
from tests.supervision.factories import CheckInFactory, DrugTestFactory, SupervisionFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def _evidence(case, number: int) -> list:
    """``number`` violations, a missed check-in and a positive drug test in turn, each with its evidence."""
    now = timezone.now()
    violations = []
    for index in range(number):
        if index % 2 == 0:
            check_in = CheckInFactory(
                supervision=case,
                window_start=now - datetime.timedelta(days=9 + index),
                due_at=now - datetime.timedelta(days=8 + index),
                status=CheckInStatus.MISSED,
                location=f"Office room {index + 1}",
            )
            violations.append(
                ViolationFactory(supervision=case, check_in=check_in, description=f"Missed office visit {index + 1}.")
            )
        else:
            test = DrugTestFactory(supervision=case, result="positive", notes=f"Admitted use, test {index + 1}.")
            DrugTestSubstanceResult.objects.create(
                drug_test=test, substance="cocaine", result="positive", level_ng_ml=Decimal("412.5")
            )
            violations.append(
                ViolationFactory(supervision=case, drug_test=test, description=f"Positive for cocaine {index + 1}.")
            )
    return violations


def _draft(case, violations) -> ViolationReport:
    return violation_report_draft(
        actor=case.officer,
        supervision=case,
        violations=violations,
        narrative="Two violations in a week.",
        recommendation="continue",
    )


def _preview(report: ViolationReport) -> str:
    return reverse("supervision:report_preview", args=[report.supervision_id, report.pk])


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_officers_draft_shows_each_violation_with_its_evidence_and_the_preview(client):
    # given the officer's draft citing a missed check-in and a positive test
    case = SupervisionFactory()
    report = _draft(case, _evidence(case, 2))
    client.force_login(case.officer)
    # when they open it
    page = client.get(reverse("supervision:report_detail", args=[case.pk, report.pk])).content.decode()
    # then the evidence the court will read is on the page, with the link to the document
    assert 'id="court-view"' in page
    assert "Missed office visit 1." in page and "Office room 1" in page
    assert "Positive for cocaine 2." in page and "Cocaine: positive, 412.5 ng/mL" in page
    assert "Admitted use, test 2." in page
    assert f'href="{_preview(report)}"' in page


def test_the_supervisor_reviewing_sees_the_evidence_and_the_preview(client):
    # given a submitted report on a case of the supervisor's unit
    case = SupervisionFactory()
    report = violation_report_submit(actor=case.officer, report=_draft(case, _evidence(case, 2)))
    supervisor = SupervisorFactory(unit=case.unit)
    client.force_login(supervisor)
    # when they open it for review
    page = client.get(reverse("dashboard:review_detail", args=[report.pk])).content.decode()
    # then
    assert "Missed office visit 1." in page and "Cocaine: positive, 412.5 ng/mL" in page
    assert f'href="{_preview(report)}"' in page
    assert "its approval block is filled in when a supervisor approves the report" in page


@pytest.mark.parametrize("viewer", ["officer", "supervisor"])
def test_the_preview_is_the_court_document_shown_in_the_browser_and_audited(client, viewer):
    # given a draft
    case = SupervisionFactory()
    report = _draft(case, _evidence(case, 2))
    user = case.officer if viewer == "officer" else SupervisorFactory(unit=case.unit)
    client.force_login(user)
    # when the officer or the unit's supervisor previews it
    response = client.get(_preview(report))
    # then it is the PDF, inline, never stored, its reading recorded against the person
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert "no-store" in response["Cache-Control"]
    text = _text(response.content)
    assert case.docket_number in text and "Missed office visit 1." in text and "Not yet approved." in text
    (row,) = AuditEvent.objects.filter(action="violation_report.pdf_previewed")
    assert (row.actor, row.object_id, row.offender_id) == (user, str(report.pk), case.offender_id)


def test_nobody_outside_the_case_previews_it(client):
    # given another officer and a supervisor of another unit
    case = SupervisionFactory()
    report = _draft(case, _evidence(case, 1))
    outsiders = [OfficerFactory(unit=case.unit), SupervisorFactory()]
    # when they ask for the preview
    statuses = []
    for outsider in outsiders:
        client.force_login(outsider)
        statuses.append(client.get(_preview(report)).status_code)
    # then no such case for them, and nothing was read
    assert statuses == [404, 404]
    assert not AuditEvent.objects.filter(action="violation_report.pdf_previewed").exists()


def test_the_report_page_costs_the_same_queries_for_two_violations_or_eight(client):
    # given two drafts, one citing two violations (a missed check-in, a test), one citing eight
    small_case, large_case = SupervisionFactory(), SupervisionFactory()
    small, large = _draft(small_case, _evidence(small_case, 2)), _draft(large_case, _evidence(large_case, 8))
    client.force_login(small_case.officer)
    client.get(reverse("supervision:report_detail", args=[small_case.pk, small.pk]))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:report_detail", args=[small_case.pk, small.pk]))
    client.force_login(large_case.officer)
    client.get(reverse("supervision:report_detail", args=[large_case.pk, large.pk]))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("supervision:report_detail", args=[large_case.pk, large.pk])).content.decode()
    # then the same number of queries, all eight shown
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count('class="cl-entry cl-entry-violation"') == 8

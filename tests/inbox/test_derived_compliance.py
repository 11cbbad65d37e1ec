"""A condition's compliance follows its violations, and every reader shows the same state (issue 15, item 3):
the officer's case page, the authority's report page and the PDF all read it from
supervision.compliance.conditions_with_compliance."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from supervision.choices import ComplianceStatus, DrugTestResult, ReportStatus, ViolationStatus
from supervision.models import Violation
from supervision.pdf import violation_report_pdf
from tests.agency.factories import CourtClerkFactory
from tests.inbox.conftest import make_report
from tests.supervision.factories import (
    ConditionFactory,
    ConditionTypeFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _badge(html: str, condition_name: str) -> str:
    """The compliance badge shown after the condition's name (and its category) on the report page."""
    found = re.search(
        re.escape(condition_name) + r".*?<span class=\"badge text-bg-(\w+) cl-badge-soft\">([^<]+)</span>", html, re.S
    )
    assert found, condition_name
    return f"{found.group(2)} ({found.group(1)})"


def _three_readers(client, case, report, condition_name: str) -> tuple[str, str, str]:
    client.force_login(case.officer)
    case_page = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    client.force_login(CourtClerkFactory(court=case.court))
    report_page = client.get(reverse("inbox:report_detail", args=[report.pk])).content.decode()
    pdf = _pdf_text(violation_report_pdf(report))
    found = re.search(r"Compliance: ([\w-]+)\.", pdf)
    assert found
    # the case page shows other badges (the case's status, the level): the condition's follows its name
    case_badge = re.search(
        r"<span class=\"fw-semibold\">" + re.escape(condition_name) + r"</span>.*?<td><span class=\"badge "
        r"text-bg-(\w+)\">([^<]+)</span>",
        case_page,
        re.S,
    )
    assert case_badge
    return (
        f"{case_badge.group(2)} ({case_badge.group(1)})",
        _badge(report_page, condition_name),
        found.group(1),
    )


def _case_with_a_positive_test():
    case = SupervisionFactory()
    drugs = ConditionFactory(
        supervision=case,
        condition_type=ConditionTypeFactory(name="No illegal drugs"),
        compliance_status=ComplianceStatus.COMPLIANT,
    )
    test = DrugTestFactory(supervision=case, result=DrugTestResult.POSITIVE)
    violation = ViolationFactory(
        supervision=case,
        drug_test=test,
        condition=drugs,
        status=ViolationStatus.REPORTED,
        occurred_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    report = make_report(case, ReportStatus.ROUTED, violations=[violation])
    return case, drugs, violation, report


def test_a_condition_with_a_reported_violation_shows_violated_on_the_case_page_the_report_page_and_the_pdf(client):
    # given a positive test's violation, in a routed report, citing "No illegal drugs" recorded as compliant
    case, drugs, _violation, report = _case_with_a_positive_test()
    # when
    readers = _three_readers(client, case, report, "No illegal drugs")
    # then
    assert readers == ("Violated (danger)", "Violated (danger)", "violated")
    drugs.refresh_from_db()
    assert drugs.compliance_status == ComplianceStatus.COMPLIANT  # what the officer recorded is kept


@pytest.mark.parametrize("resolved", [ViolationStatus.RESOLVED, ViolationStatus.DISMISSED])
def test_once_the_violation_is_resolved_every_reader_shows_the_recorded_state_again(client, resolved):
    # given
    case, _drugs, violation, report = _case_with_a_positive_test()
    # when the authority's disposition closes the violation
    Violation.objects.filter(pk=violation.pk).update(status=resolved)
    # then
    assert _three_readers(client, case, report, "No illegal drugs") == (
        "Compliant (success)",
        "Compliant (success)",
        "compliant",
    )

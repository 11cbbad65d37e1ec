"""The violation report as a PDF court document: its text (read back with pypdf), the download, and the
same file attached to the email the routing job sends the authority."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from supervision import tasks
from supervision.choices import CheckInStatus, ReportStatus
from supervision.models import DrugTestSubstanceResult
from supervision.pdf import document_fonts, violation_report_pdf
from supervision.services import report_delivery_deliver, violation_report_approve
from tests.agency.factories import CourtClerkFactory, SupervisorFactory
from tests.inbox.conftest import make_report
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    """The document's text with runs of whitespace (line and page breaks) made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _many_violations(case, n: int = 12) -> list:
    """Missed check-ins, failed drug tests with substance results, and broken conditions, in turn."""
    now = timezone.now()
    curfew = ConditionFactory(
        supervision=case, condition_type=ConditionTypeFactory(name="Curfew"), details="Home from 22:00 to 06:00."
    )
    violations = []
    for i in range(n):
        day = timezone.localdate() - datetime.timedelta(days=60 - 4 * i)
        if i % 3 == 0:
            check_in = CheckInFactory(
                supervision=case,
                window_start=now - datetime.timedelta(days=64 - 4 * i),
                due_at=now - datetime.timedelta(days=61 - 4 * i),
                status=CheckInStatus.MISSED,
            )
            violations.append(
                ViolationFactory(
                    supervision=case,
                    check_in=check_in,
                    occurred_on=day,
                    description=f"Missed office visit number {i + 1}; no call, no contact.",
                    recorded_by=None,
                )
            )
        elif i % 3 == 1:
            test = DrugTestFactory(supervision=case, result="positive", notes=f"Admitted use, test {i + 1}.")
            DrugTestSubstanceResult.objects.create(
                drug_test=test, substance="cocaine", result="positive", level_ng_ml=Decimal("412.5")
            )
            DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="negative")
            violations.append(
                ViolationFactory(
                    supervision=case,
                    drug_test=test,
                    occurred_on=day,
                    description=f"Urine specimen {i + 1} positive for cocaine.",
                )
            )
        else:
            violations.append(
                ViolationFactory(
                    supervision=case,
                    condition=curfew,
                    occurred_on=day,
                    severity="high",
                    description=f"Out after curfew on night {i + 1} (23:40) & <b>not</b> at home.",
                    response="Verbal warning and curfew check.",
                )
            )
    return violations


def test_the_pdf_of_a_report_with_12_violations_holds_the_docket_the_name_and_each_violation():
    # given
    offender = OffenderFactory(
        first_name="Marcus", middle_name="J", last_name="Reyes", state_id="OH1234567", fbi_number="FBI-889900"
    )
    case = SupervisionFactory(offender=offender, docket_number="CR-2025-00042", offense="Burglary (F3)")
    case.court.name = "Franklin County Court of Common Pleas"
    case.court.save()
    violations = _many_violations(case)
    report = make_report(
        case,
        ReportStatus.ROUTED,
        violations=violations,
        narrative="Mr. Reyes stopped reporting in March.\n\nHe tested positive four times.",
        recommendation="revoke",
    )

    # when
    content = violation_report_pdf(report)

    # then
    text = _text(content)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert content.startswith(b"%PDF-")
    assert pages >= 3
    assert "IN THE FRANKLIN COUNTY COURT OF COMMON PLEAS" in text
    assert "In the matter of MARCUS J REYES" in text
    assert "Docket No. CR-2025-00042" in text
    assert "REPORT OF VIOLATION OF PROBATION" in text
    for identifier in ("Marcus J Reyes", "OH1234567", "FBI-889900", offender.agency_number, "Burglary (F3)"):
        assert identifier in text
    for violation in violations:
        assert violation.description in text
    for number in range(1, 13):
        assert f"4.{number} " in text
    assert "Violations and evidence (12)".upper() in text
    assert "Cocaine: positive, 412.5 ng/mL" in text
    assert "Curfew, imposed" in text
    assert "Mr. Reyes stopped reporting in March. He tested positive four times." in text
    assert "The supervising officer respectfully recommends: Revoke." in text
    assert f"/s/ {report.author.get_full_name()}" in text
    assert f"/s/ {report.reviewed_by.get_full_name()}" in text
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text


def test_a_parole_report_is_addressed_to_the_board():
    # given
    case = ParoleSupervisionFactory(docket_number="P-104233")
    report = make_report(case, ReportStatus.DISPOSED, disposition_note="Warned; continue on parole.")

    # when
    text = _text(violation_report_pdf(report))

    # then
    assert f"BEFORE THE {case.parole_board.name.upper()}" in text
    assert "Parole No. P-104233" in text
    assert "REPORT OF VIOLATION OF PAROLE" in text
    assert "PROCEEDINGS BEFORE THE AUTHORITY" in text
    assert "Continued, order of" in text
    assert "Warned; continue on parole." in text


def test_the_download_is_a_pdf_attachment_named_after_the_report(client):
    # given
    case = SupervisionFactory(docket_number="CR-2025-00042")
    report = make_report(case)
    client.force_login(CourtClerkFactory(court=case.court))

    # when
    response = client.get(reverse("inbox:report_pdf", args=[report.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="violation-report-{report.pk}-cr-2025-00042.pdf"'
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert "CR-2025-00042" in _text(response.content)


def test_the_routing_email_carries_the_same_pdf(django_capture_on_commit_callbacks):
    # given: a submitted report, approved by the unit's supervisor
    case = SupervisionFactory(docket_number="CR-2025-00042")
    violation = ViolationFactory(supervision=case, description="Missed the office visit of the 3rd.")
    report = ViolationReportFactory(
        supervision=case,
        violations=[violation],
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
    )
    with (
        mock.patch.object(tasks.report_delivery_deliver_task, "delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = violation_report_approve(actor=SupervisorFactory(unit=case.unit), report=report)

    # when
    report_delivery_deliver(delivery_id=report.deliveries.get().pk)

    # then
    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    assert message.to == [case.court.clerk_email]
    assert (filename, mimetype) == (f"violation-report-{report.pk}-cr-2025-00042.pdf", "application/pdf")
    text = _text(content)
    assert "Docket No. CR-2025-00042" in text
    assert "Missed the office visit of the 3rd." in text
    assert case.offender.full_name.upper() in text


def test_names_beyond_latin_1_print_as_written():
    # given: a serif family with the whole of Latin (Debian: fonts-liberation or fonts-dejavu-core)
    fonts = document_fonts()
    assert fonts.regular == "CaselineSerif", (
        "No Unicode serif font found: install fonts-dejavu-core or fonts-liberation "
        "(without them the PDF falls back to Times, which prints only Latin-1)."
    )
    offender = OffenderFactory(first_name="Łukasz", last_name="Nguyễn")
    report = make_report(SupervisionFactory(offender=offender))

    # when
    text = _text(violation_report_pdf(report))

    # then
    assert "In the matter of ŁUKASZ NGUYỄN" in text
    assert "Łukasz Nguyễn" in text

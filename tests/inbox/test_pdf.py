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
from tests.agency.factories import CourtClerkFactory, OfficerFactory, SupervisorFactory
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


def _long_text(words: int, last: str) -> str:
    """Ordinary words, a line break now and then, and a last sentence to look for at the very end."""
    text = " ".join(f"word{n % 97}" + ("\n" if n % 400 == 399 else "") for n in range(words))
    return f"{text} {last}"


def test_a_report_with_a_90000_character_test_note_and_a_10000_character_disposition_note_renders_whole():
    # given a failed drug test whose note runs to 90,000 characters, and a disposition note of 10,000
    # (the inbox form's maximum): each far taller than a page
    case = SupervisionFactory(docket_number="CR-2025-00777")
    test_note = _long_text(13_050, "End of the laboratory's note.")
    disposition_note = _long_text(1_450, "End of the court's order.")
    assert (len(test_note) >= 90_000, len(disposition_note) >= 10_000) == (True, True)
    test = DrugTestFactory(supervision=case, result="positive", notes=test_note)
    violation = ViolationFactory(supervision=case, drug_test=test, description="Positive for cocaine.")
    report = make_report(case, ReportStatus.DISPOSED, violations=[violation], disposition_note=disposition_note)

    # when
    content = violation_report_pdf(report)

    # then every word is there, up to the end of each text, and the pages are numbered to the last
    text = _text(content)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert pages > 20
    assert "word51 End of the laboratory's note." in text
    assert "word91 End of the court's order." in text
    assert text.count("word96") == (13_050 // 97) + (1_450 // 97)
    assert "Positive for cocaine." in text
    assert f"Page {pages} of {pages}" in text


@pytest.mark.parametrize(
    ("author_factory", "author_role"), [(OfficerFactory, "Supervision officer"), (SupervisorFactory, "Unit supervisor")]
)
def test_the_pdf_says_who_wrote_the_report_and_who_approved_it_with_their_roles_and_times(author_factory, author_role):
    # given a report written by one person (an officer, or a supervisor) and approved by the unit's supervisor
    case = SupervisionFactory()
    author = author_factory(first_name="Dana", last_name="Whitfield", unit=case.unit)
    reviewer = SupervisorFactory(first_name="Robert", last_name="Ames", unit=case.unit)
    report = make_report(
        case,
        ReportStatus.ROUTED,
        author=author,
        reviewed_by=reviewer,
        submitted_at=datetime.datetime(2026, 3, 3, 19, 5, tzinfo=datetime.UTC),
        reviewed_at=datetime.datetime(2026, 3, 4, 14, 0, tzinfo=datetime.UTC),
    )

    # when
    text = _text(violation_report_pdf(report))

    # then (the agency's time zone: America/New_York)
    assert f"Written by Dana Whitfield, {author_role}" in text
    assert "Submitted March 3, 2026, 2:05 PM" in text
    assert "Approved by Robert Ames, Unit supervisor" in text
    assert "Approved March 4, 2026, 9:00 AM" in text


def test_a_report_not_yet_approved_names_no_approver():
    # given a report returned to its officer by a supervisor
    case = SupervisionFactory()
    report = make_report(case, ReportStatus.RETURNED)

    # when
    text = _text(violation_report_pdf(report))

    # then
    assert f"Written by {report.author.get_full_name()}, Supervision officer" in text
    assert "Not yet approved." in text
    assert "Approved by" not in text

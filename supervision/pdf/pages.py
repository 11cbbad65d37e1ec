"""The pages: numbered "Page N of M", and the one function that makes the file."""

from io import BytesIO

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    SimpleDocTemplate,
)

from supervision.authority import report_authority
from supervision.models import ViolationReport
from supervision.pdf.content import (
    ConditionViolated,
    conditions_violated,
    pdf_filename,
    report_document_queryset,
    report_violations,
)
from supervision.pdf.layout import (
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    _person,
    document_fonts,
)
from supervision.pdf.sections import (
    _is_probation,
    _story,
)

# --- Pages ---------------------------------------------------------------------------------------------


class _NumberedCanvas(canvas.Canvas):
    """Draws 'Page N of M' and the running footer once the number of pages is known."""

    footer_left = ""
    running_head = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        number = self.getPageNumber()
        fonts = document_fonts()
        self.saveState()
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        if number > 1:
            self.setFont(fonts.italic, 9 * fonts.scale)
            self.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 0.6 * inch, self.running_head)
            self.line(MARGIN, PAGE_HEIGHT - 0.66 * inch, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 0.66 * inch)
        self.line(MARGIN, 0.72 * inch, PAGE_WIDTH - MARGIN, 0.72 * inch)
        self.setFont(fonts.regular, 8.5 * fonts.scale)
        self.drawString(MARGIN, 0.55 * inch, self.footer_left)
        self.drawRightString(PAGE_WIDTH - MARGIN, 0.55 * inch, f"Page {number} of {total}")
        self.setFont(fonts.italic, 7.5 * fonts.scale)
        self.drawString(
            MARGIN,
            0.4 * inch,
            "Confidential criminal justice information: for the court or parole board and the parties only.",
        )
        self.restoreState()


def violation_report_pdf(report: ViolationReport) -> bytes:
    """The report as a PDF court document (bytes). ``report`` is reloaded with its joins, so any
    instance will do (the inbox's, or the delivery job's locked one)."""
    report = report_document_queryset(ViolationReport.objects.filter(pk=report.pk)).get()
    supervision = report.supervision
    offender = supervision.offender
    authority = report_authority(report)

    class Canvas(_NumberedCanvas):
        footer_left = (
            f"Violation report No. {report.pk} · {'Docket' if _is_probation(report) else 'Parole'} No. "
            f"{supervision.docket_number} · {authority.name}"
        )
        running_head = f"In the matter of {offender.full_name} · No. {supervision.docket_number}"

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=0.9 * inch,
        bottomMargin=1 * inch,
        title=f"Violation report No. {report.pk}: {offender.full_name}, {supervision.docket_number}",
        author=_person(report.author),
        subject=f"Report of violation of {supervision.get_supervision_type_display().lower()} to {authority.name}",
        creator="Caseline",
        invariant=True,
    )
    document.build(_story(report), canvasmaker=Canvas)
    return buffer.getvalue()


__all__ = [
    "ConditionViolated",
    "conditions_violated",
    "pdf_filename",
    "report_document_queryset",
    "report_violations",
    "violation_report_pdf",
]

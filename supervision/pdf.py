"""The violation report as a court document: a PDF generated on the server with ReportLab.

One function, ``violation_report_pdf``, makes the file that the court clerk or parole board downloads
from the inbox and that the delivery job attaches to the email it sends the authority. It is laid out
like a filing: the court or board in the header, the case caption, numbered sections (the supervisee,
the supervision, the conditions violated, each violation with its evidence, the officer's narrative,
the recommendation), then the signature block of the officer and the approving supervisor.

``report_document_queryset`` owns the joins the document needs (the inbox's report page uses it too),
so a report with any number of violations loads in a fixed number of queries.
"""

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from supervision.choices import REPORT_STATUSES_WITH_AUTHORITY, SupervisionType
from supervision.models import Condition, DrugTestSubstanceResult, Violation, ViolationReport

logger = logging.getLogger(__name__)

# --- What the document shows -------------------------------------------------------------------------


def report_document_queryset(queryset: QuerySet[ViolationReport]) -> QuerySet[ViolationReport]:
    """``queryset`` (already scoped by the caller) with everything the report page and the PDF show:
    four queries whatever the number of violations (the report, its violations with their evidence,
    the drug tests' substance results, the people who wrote it)."""
    violations = Violation.objects.select_related(
        "check_in", "drug_test", "condition__condition_type", "recorded_by"
    ).prefetch_related(
        Prefetch("drug_test__substance_results", queryset=DrugTestSubstanceResult.objects.order_by("substance"))
    )
    return queryset.select_related(
        "supervision__offender",
        "supervision__officer",
        "supervision__unit",
        "author",
        "reviewed_by",
        "received_by",
        "court",
        "parole_board",
    ).prefetch_related(Prefetch("violations", queryset=violations.order_by("occurred_on", "id")), "editors")


@dataclass(frozen=True)
class ConditionViolated:
    condition: Condition
    numbers: list[int]  # the numbers of the violations (1-based, as in the document) that cite it


def report_violations(report: ViolationReport) -> list[Violation]:
    """The report's violations in the document's order (oldest first), as prefetched."""
    return sorted(report.violations.all(), key=lambda v: (v.occurred_on, v.pk))


def conditions_violated(violations: Iterable[Violation]) -> list[ConditionViolated]:
    """The conditions the violations cite, each with the numbers of the violations citing it."""
    cited: dict[int, ConditionViolated] = {}
    for number, violation in enumerate(violations, start=1):
        if violation.condition is None:
            continue
        entry = cited.setdefault(violation.condition.pk, ConditionViolated(violation.condition, []))
        entry.numbers.append(number)
    return sorted(cited.values(), key=lambda c: (c.condition.imposed_on, c.condition.pk))


def pdf_filename(report: ViolationReport) -> str:
    return f"violation-report-{report.pk}-{slugify(report.supervision.docket_number) or 'case'}.pdf"


# --- Layout ------------------------------------------------------------------------------------------

INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")

# A serif face that prints people's names as written (Nguyễn, Łukasz, Şahin …), where the system has
# one: DejaVu Serif (Debian's fonts-dejavu-core: Latin, Greek, Cyrillic in full), else Liberation Serif
# (fonts-liberation: less of Latin). Without either, ReportLab's built-in Times (Latin-1 only) is used.
FONT_FAMILIES = (
    (
        "/usr/share/fonts/truetype/dejavu",
        ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
        0.9,  # DejaVu is wide: a little smaller reads like Times at the nominal size
    ),
    (
        "/usr/share/fonts/truetype/liberation",
        (
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSerif-BoldItalic.ttf",
        ),
        1.0,
    ),
)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    scale: float = 1.0


@functools.cache
def document_fonts() -> Fonts:
    """Registers the first complete serif family found (once per process) and names its faces."""
    names = ("CaselineSerif", "CaselineSerif-Bold", "CaselineSerif-Italic", "CaselineSerif-BoldItalic")
    for directory, files, scale in FONT_FAMILIES:
        paths = [Path(directory) / name for name in files]
        if not all(path.is_file() for path in paths):
            continue
        try:
            for name, path in zip(names, paths, strict=True):
                pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError):
            logger.warning("Could not load the fonts in %s; trying the next family.", directory, exc_info=True)
            continue
        # <b> and <i> in a paragraph pick the family's bold and italic faces.
        for bold, italic, face in ((0, 0, names[0]), (1, 0, names[1]), (0, 1, names[2]), (1, 1, names[3])):
            addMapping(names[0], bold, italic, face)
        return Fonts(regular=names[0], bold=names[1], italic=names[2], scale=scale)
    return Fonts(regular="Times-Roman", bold="Times-Bold", italic="Times-Italic")


@functools.cache
def _build_styles() -> dict[str, ParagraphStyle]:
    fonts = document_fonts()
    k = fonts.scale
    body = ParagraphStyle(
        "body", fontName=fonts.regular, fontSize=11 * k, leading=14.5 * k, textColor=INK, alignment=TA_JUSTIFY
    )
    plain = ParagraphStyle("plain", parent=body, alignment=0)
    small = ParagraphStyle("small", parent=plain, fontSize=9.5 * k, leading=12 * k)
    center = ParagraphStyle("center", parent=plain, alignment=TA_CENTER)
    return {
        "BODY": body,
        "PLAIN": plain,
        "SMALL": small,
        "CENTER": center,
        "LABEL": ParagraphStyle("label", parent=small, fontName=fonts.bold, textColor=MUTED),
        "COURT": ParagraphStyle("court", parent=center, fontName=fonts.bold, fontSize=13 * k, leading=16 * k),
        "TITLE": ParagraphStyle(
            "title", parent=center, fontName=fonts.bold, fontSize=12.5 * k, leading=16 * k, spaceBefore=14
        ),
        "SECTION": ParagraphStyle(
            "section",
            parent=plain,
            fontName=fonts.bold,
            fontSize=11.5 * k,
            leading=15 * k,
            spaceBefore=12,
            spaceAfter=5,
            keepWithNext=1,  # never a heading alone at the foot of a page
        ),
        "SUBSECTION": ParagraphStyle(
            "subsection", parent=plain, fontName=fonts.bold, spaceBefore=8, spaceAfter=3, keepWithNext=1
        ),
        "NARRATIVE": ParagraphStyle("narrative", parent=body, spaceAfter=7, firstLineIndent=0.3 * inch),
        "INDENTED": ParagraphStyle("indented", parent=body, leftIndent=0.3 * inch),
    }


class _Styles:
    """The document's paragraph styles, built on first use: loading the fonts is left to the first PDF."""

    def __getattr__(self, name: str) -> ParagraphStyle:
        try:
            return _build_styles()[name]
        except KeyError:
            raise AttributeError(name) from None


STYLE = _Styles()

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 1 * inch
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN


def _text(value) -> str:
    """Escape a person's text for ReportLab's paragraph markup; keep line breaks."""
    return escape(str(value or "")).replace("\r\n", "\n").replace("\n", "<br/>")


def _date(value) -> str:
    return date_format(value, "F j, Y") if value else "—"


def _datetime(value) -> str:
    return date_format(timezone.localtime(value), "F j, Y, g:i A") if value else "—"


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


# --- Text of any length ---------------------------------------------------------------------------------
# A person's text (a note, a description, an order) can run to any length. ReportLab cannot break a table
# row across pages unless told to, and a row taller than the page stops the whole document (LayoutError);
# one very long paragraph is re-wrapped from the start at every page it spills onto (quadratic). So such
# text is laid out in pieces of at most PIECE_CHARS characters and PIECE_LINES lines, cut at a line break
# where it can, else at a space, else anywhere: one table row, or one paragraph, per piece. Each piece is
# wrapped once, and a row of the label/value tables may still break across a page (splitInRow), so the
# pages fill as with ordinary text.

PIECE_CHARS = 1000
PIECE_LINES = 20
PIECE_MAX_HEIGHT = 5 * inch  # a page's frame is about 8.9 in: no cell is ever taller than a page


def _pieces(value) -> list[str]:
    """``value`` cut into pieces (see above), each escaped for paragraph markup with its line breaks."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for line in text.split("\n"):
        while len(line) > PIECE_CHARS:
            cut = line.rfind(" ", 0, PIECE_CHARS + 1)
            cut = cut if cut > 0 else PIECE_CHARS
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    pieces: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if pieces[-1] and (size + len(line) > PIECE_CHARS or len(pieces[-1]) >= PIECE_LINES):
            pieces.append([])
            size = 0
        pieces[-1].append(line)
        size += len(line)
    return ["<br/>".join(escape(line) for line in piece) for piece in pieces]


def _joined(head: str, pieces: list[str], tail: str = "") -> list[str]:
    """``head`` before the first piece and ``tail`` after the last (markup)."""
    if not pieces:
        return [head + tail]
    joined = list(pieces)
    joined[0] = f"{head} {joined[0]}" if head else joined[0]
    joined[-1] += tail
    return joined


@functools.cache
def _continued(style: ParagraphStyle, position: str) -> ParagraphStyle:
    """``style`` for a piece of a paragraph: no space between its pieces, the first line indented once."""
    if position == "first":
        return ParagraphStyle(f"{style.name}-first", parent=style, spaceAfter=0)
    if position == "middle":
        return ParagraphStyle(f"{style.name}-middle", parent=style, spaceBefore=0, spaceAfter=0, firstLineIndent=0)
    return ParagraphStyle(f"{style.name}-last", parent=style, spaceBefore=0, firstLineIndent=0)


def _flowing(pieces: list[str], style: ParagraphStyle) -> list[Paragraph]:
    """The pieces of one paragraph (markup), read as one paragraph."""
    if len(pieces) == 1:
        return [Paragraph(pieces[0], style)]
    positions = ["first", *["middle"] * (len(pieces) - 2), "last"]
    return [Paragraph(piece, _continued(style, position)) for piece, position in zip(pieces, positions, strict=True)]


def _fitted(paragraph: Paragraph, width: float) -> list[Paragraph]:
    """``paragraph`` in parts none taller than PIECE_MAX_HEIGHT at ``width`` (wide letters can make a
    piece taller than its characters suggest)."""
    parts: list[Paragraph] = []
    while paragraph.wrap(width, PIECE_MAX_HEIGHT)[1] > PIECE_MAX_HEIGHT:
        split = paragraph.split(width, PIECE_MAX_HEIGHT)
        if len(split) < 2:
            break
        parts.append(split[0])
        paragraph = split[1]
    return [*parts, paragraph]


def _rows_table(rows: list[tuple[str, str | list[str]]], label_width: float = 1.9 * inch) -> Table:
    """Label / value rows, the way a filing lists identifiers. A value is markup, or a list of pieces of
    markup (a person's text: ``_pieces``), each its own row under the one label, so a value of any length
    flows over as many pages as it needs."""
    value_width = FRAME_WIDTH - label_width - 0.3 * inch
    data: list[list] = []
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for label, value in rows:
        pieces = [value] if isinstance(value, str) else value or [""]
        paragraphs = [part for piece in pieces for part in _fitted(Paragraph(piece, STYLE.PLAIN), value_width - 6)]
        for number, paragraph in enumerate(paragraphs):
            if number:  # a continuation: no gap between it and the row above
                commands += [("TOPPADDING", (0, len(data)), (-1, len(data)), 0)]
                commands += [("BOTTOMPADDING", (0, len(data) - 1), (-1, len(data) - 1), 0)]
            data.append([Paragraph(_text(label), STYLE.LABEL) if number == 0 else "", paragraph])
    table = Table(data, colWidths=[label_width, value_width], hAlign="RIGHT", splitInRow=1)
    table.setStyle(TableStyle(commands))
    return table


class _Rule(Flowable):
    """A horizontal rule across the frame."""

    def __init__(self, width: float, thickness: float = 0.6, space: float = 4):
        super().__init__()
        self.width, self.thickness, self.space = width, thickness, space

    def wrap(self, available_width, available_height):
        return self.width, self.thickness + 2 * self.space

    def draw(self):
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.space, self.width, self.space)


def _authority(report: ViolationReport):
    return report.court or report.parole_board or report.supervision.court or report.supervision.parole_board


def _is_probation(report: ViolationReport) -> bool:
    return report.supervision.supervision_type == SupervisionType.PROBATION


def _header(report: ViolationReport) -> list[Flowable]:
    authority = _authority(report)
    supervision = report.supervision
    offender = supervision.offender
    court_line = f"IN THE {authority.name.upper()}" if report.court_id or _is_probation(report) else None
    heading = court_line or f"BEFORE THE {authority.name.upper()}"
    number_label = "Docket No." if _is_probation(report) else "Parole No."
    caption_left = Paragraph(
        f"In the matter of<br/><br/><b>{_text(offender.full_name.upper())}</b>,<br/>"
        f"born {_text(_date(offender.date_of_birth))},<br/><br/>"
        f"<i>{'Probationer' if _is_probation(report) else 'Parolee'}.</i>",
        STYLE.PLAIN,
    )
    caption_right = Paragraph(
        f"{number_label} <b>{_text(supervision.docket_number)}</b><br/><br/>"
        f"Violation report No. {report.pk}<br/>"
        f"Agency number {_text(offender.agency_number)}",
        STYLE.PLAIN,
    )
    brackets = Paragraph("<br/>".join([")"] * 7), STYLE.CENTER)
    caption = Table(
        [[caption_left, brackets, caption_right]],
        colWidths=[FRAME_WIDTH * 0.52, 0.3 * inch, FRAME_WIDTH * 0.48 - 0.3 * inch],
    )
    caption.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (0, 0), 0.6, INK),
            ]
        )
    )
    kind = "probation" if _is_probation(report) else "parole"
    addressee = "the Court" if _is_probation(report) else "the Board"
    return [
        Paragraph(_text(heading), STYLE.COURT),
        Paragraph(_text(authority.jurisdiction), STYLE.CENTER),
        Spacer(1, 16),
        caption,
        Paragraph(f"REPORT OF VIOLATION OF {kind.upper()}", STYLE.TITLE),
        Spacer(1, 8),
        Paragraph(
            f"The undersigned supervision officer of the {_text(supervision.unit.name)} unit reports to "
            f"{addressee} that the {'probationer' if _is_probation(report) else 'parolee'} named above has "
            f"violated the conditions of {kind}, as set out below, and submits the following for "
            f"{addressee}'s consideration.",
            STYLE.BODY,
        ),
    ]


def _section(number: int, title: str) -> Paragraph:
    return Paragraph(f"{number}.&nbsp;&nbsp;{_text(title.upper())}", STYLE.SECTION)


def _supervisee(report: ViolationReport) -> list[Flowable]:
    offender = report.supervision.offender
    return [
        _rows_table(
            [
                ("Name", _text(offender.full_name)),
                ("Date of birth", _text(_date(offender.date_of_birth))),
                ("Agency number", _text(offender.agency_number)),
                ("State identification (SID)", _text(offender.state_id or "—")),
                ("FBI number", _text(offender.fbi_number or "—")),
            ]
        )
    ]


def _supervision(report: ViolationReport) -> list[Flowable]:
    supervision = report.supervision
    officer = supervision.officer
    officer_parts = [_person(officer)]
    if officer.badge_number:
        officer_parts.append(f"badge {officer.badge_number}")
    officer_parts.append(supervision.unit.name)
    contact = " · ".join(part for part in (officer.phone, officer.email) if part)
    return [
        _rows_table(
            [
                ("Type", _text(supervision.get_supervision_type_display())),
                (
                    "Docket number" if _is_probation(report) else "Parole number",
                    _text(supervision.docket_number),
                ),
                ("Offence", _text(supervision.offense)),
                ("Term", f"{_text(_date(supervision.start_date))} to {_text(_date(supervision.end_date))} (expected)"),
                ("Status", _text(supervision.get_status_display())),
                (
                    "Supervising officer",
                    _text(", ".join(officer_parts)) + (f"<br/>{_text(contact)}" if contact else ""),
                ),
            ]
        )
    ]


def _conditions(violations: list[Violation]) -> list[Flowable]:
    cited = conditions_violated(violations)
    if not cited:
        return [Paragraph("The violations set out in section 4 do not cite a specific condition.", STYLE.INDENTED)]
    flowables: list[Flowable] = []
    for letter, entry in zip("abcdefghijklmnopqrstuvwxyz", cited, strict=False):
        condition = entry.condition
        numbers = ", ".join(f"4.{n}" for n in entry.numbers)
        head = (
            f"({letter})&nbsp;&nbsp;<b>{_text(condition.condition_type.name)}</b>, imposed "
            f"{_text(_date(condition.imposed_on))}."
        )
        details = [f"<i>{piece}</i>" for piece in _pieces(condition.details)] if condition.details else []
        tail = f" Compliance: {_text(condition.get_compliance_status_display().lower())}. Violated: see {numbers}."
        flowables += _flowing(_joined(head, details, tail), STYLE.INDENTED)
    return flowables


def _evidence_rows(violation: Violation) -> list[tuple[str, str | list[str]]]:
    rows: list[tuple[str, str | list[str]]] = []
    check_in = violation.check_in
    if check_in is not None:
        text = (
            f"{_text(check_in.get_kind_display())}, window {_text(_datetime(check_in.window_start))} to "
            f"{_text(_datetime(check_in.due_at))}: {_text(check_in.get_status_display().lower())}."
        )
        if check_in.location:
            text += f" Place: {_text(check_in.location)}."
        rows.append(("Check-in", text))
        if check_in.notes:
            rows.append(("Check-in notes", _pieces(check_in.notes)))
    test = violation.drug_test
    if test is not None:
        text = (
            f"{_text(test.get_reason_display())} test, {_text(test.get_specimen_display().lower())} specimen, "
            f"{_text(test.panel)}, collected {_text(_datetime(test.collected_at))}. "
            f"Result: <b>{_text(test.get_result_display().lower())}</b>."
        )
        if test.lab_confirmation != "not_requested":
            text += f" {_text(test.get_lab_confirmation_display())}"
            text += f" ({_text(test.lab_name)})." if test.lab_name else "."
        rows.append(("Drug test", text))
        results = list(test.substance_results.all())
        if results:
            parts = []
            for row in results:
                level = f", {row.level_ng_ml.normalize():f} ng/mL" if row.level_ng_ml is not None else ""
                part = f"{_text(row.get_substance_display())}: {_text(row.get_result_display().lower())}{level}"
                parts.append(f"<b>{part}</b>" if row.result == "positive" else part)
            rows.append(("Substances", "; ".join(parts) + "."))
        if test.notes:
            rows.append(("Test notes", _pieces(test.notes)))
    if violation.condition is not None:
        rows.append(("Condition", _text(violation.condition.condition_type.name)))
    if violation.response:
        rows.append(("Graduated response", _pieces(violation.response)))
    return rows


def _violations(violations: list[Violation], heading: Flowable) -> list[Flowable]:
    """Each violation kept on one page; the section's heading stays with the first one."""
    flowables: list[Flowable] = []
    for number, violation in enumerate(violations, start=1):
        title = (
            f"4.{number}&nbsp;&nbsp;{_text(_date(violation.occurred_on))}: "
            f"{_text(violation.get_kind_display())} violation ({_text(violation.get_severity_display().lower())} "
            "severity)"
        )
        block: list[Flowable] = [
            Paragraph(title, STYLE.SUBSECTION),
            *_flowing(_pieces(violation.description), STYLE.INDENTED),
        ]
        rows = _evidence_rows(violation)
        if rows:
            block.append(Spacer(1, 3))
            block.append(_rows_table(rows, label_width=1.35 * inch))
        if not violation.recorded_by_id:
            block.append(Paragraph("Opened automatically by the agency's missed check-in check.", STYLE.INDENTED))
        flowables.append(KeepTogether([heading, *block] if number == 1 else block))
    return flowables or [heading]


def _proceedings(report: ViolationReport) -> list[Flowable]:
    rows: list[tuple[str, str | list[str]]] = []
    if report.received_at:
        rows.append(("Received", f"{_text(_datetime(report.received_at))} by {_text(_person(report.received_by))}"))
    if report.hearing_at:
        where = f", {_text(report.hearing_location)}" if report.hearing_location else ""
        rows.append(("Hearing", f"{_text(_datetime(report.hearing_at))}{where}"))
    if report.disposition:
        text = f"<b>{_text(report.get_disposition_display())}</b>, order of {_text(_date(report.disposition_on))}"
        rows.append(("Disposition", [text, *(_pieces(report.disposition_note) if report.disposition_note else [])]))
    return [_rows_table(rows)] if rows else []


def _role(user) -> str:
    return user.get_role_display() if user else ""


def _signatures(report: ViolationReport) -> Flowable:
    """Who wrote the report and who approved it, each with their role and the time they did it: the
    ``author`` who submitted it (and anyone else who edited its content, from its ``editors``) and the
    ``reviewed_by`` who approved it, as recorded (never assumed)."""
    author = report.author
    edited_by = "; ".join(f"{_person(user)}, {_role(user)}" for user in report.editors_besides_author())
    reviewer = report.reviewed_by
    unit = report.supervision.unit.name

    def block(intro: str, user, did: str, details: list[str]) -> list[Flowable]:
        return [
            Paragraph(intro, STYLE.PLAIN),
            Spacer(1, 22),
            Paragraph(f"<i>/s/ {_text(_person(user))}</i>", STYLE.PLAIN),
            _Rule(FRAME_WIDTH / 2 - 0.35 * inch, 0.5, 2),
            Paragraph(f"{did} <b>{_text(_person(user))}</b>, {_text(_role(user))}", STYLE.SMALL),
            *[Paragraph(_text(line), STYLE.SMALL) for line in details if line],
        ]

    left = block(
        "Respectfully submitted,",
        author,
        "Written by",
        [
            f"Badge {author.badge_number}" if author and author.badge_number else "",
            f"Edited by {edited_by}" if edited_by else "",
            unit,
            f"Submitted {_datetime(report.submitted_at)}" if report.submitted_at else "Not yet submitted",
        ],
    )
    if reviewer and report.reviewed_at and report.status in REPORT_STATUSES_WITH_AUTHORITY:  # approved, or later
        right = block(
            "Reviewed and approved,", reviewer, "Approved by", [unit, f"Approved {_datetime(report.reviewed_at)}"]
        )
    else:
        right = [Paragraph("Not yet approved.", STYLE.PLAIN)]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 18), table])


def _story(report: ViolationReport) -> list[Flowable]:
    violations = report_violations(report)
    recommendation = report.get_recommendation_display()
    story: list[Flowable] = [*_header(report)]
    story += [_section(1, "The supervisee"), *_supervisee(report)]
    story += [_section(2, "The supervision"), *_supervision(report)]
    story += [_section(3, "Conditions violated"), *_conditions(violations)]
    story += _violations(violations, heading=_section(4, f"Violations and evidence ({len(violations)})"))
    story += [CondPageBreak(1.2 * inch), _section(5, "Narrative of the supervising officer")]
    story += [
        piece for paragraph in _paragraphs(report.narrative) for piece in _flowing(_pieces(paragraph), STYLE.NARRATIVE)
    ]
    story += [
        _section(6, "Recommendation"),
        Paragraph(
            f"The supervising officer respectfully recommends: <b>{_text(recommendation)}</b>.",
            STYLE.BODY,
        ),
    ]
    proceedings = _proceedings(report)
    if proceedings:
        story += [_section(7, "Proceedings before the authority"), *proceedings]
    story.append(_signatures(report))
    return story


def _paragraphs(text: str) -> list[str]:
    """The narrative's paragraphs (blank lines separate them), each shown as one paragraph."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part] or ["—"]


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
    authority = _authority(report)

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

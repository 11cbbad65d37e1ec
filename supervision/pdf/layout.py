"""The document's look: fonts (with every Latin letter), styles, and text of any length cut into pieces that
flow across pages."""

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.dateformat import format as date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

logger = logging.getLogger(__name__)


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
    return date_format(timezone.localtime(value), "F j, Y, g:i A T") if value else "—"


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

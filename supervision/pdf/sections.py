"""The document's sections, from the court's header to the signature block."""


from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from supervision.authority import report_authority
from supervision.choices import SupervisionType
from supervision.lifecycle import REPORT_STATUSES_WITH_AUTHORITY
from supervision.models import Violation, ViolationReport
from supervision.pdf.content import conditions_violated, report_violations
from supervision.pdf.layout import (
    FRAME_WIDTH,
    INK,
    STYLE,
    _date,
    _datetime,
    _flowing,
    _joined,
    _person,
    _pieces,
    _rows_table,
    _Rule,
    _text,
)


def _is_probation(report: ViolationReport) -> bool:
    return report.supervision.supervision_type == SupervisionType.PROBATION


def _header(report: ViolationReport) -> list[Flowable]:
    authority = report_authority(report)
    supervision = report.supervision
    offender = supervision.offender
    heading = f"IN THE {authority.name.upper()}" if authority.is_court else f"BEFORE THE {authority.name.upper()}"
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
        Paragraph(_text(authority.body.jurisdiction), STYLE.CENTER),
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
        tail = f" Compliance: {_text(condition.get_derived_compliance_display().lower())}. Violated: see {numbers}."
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

"""Issue 12 on the officer's report page and in the PDF: *Submit to supervisor* submits the form as it is on
the screen (finding 14), only the author changes a report (finding 4: a 403, audited, nothing changed), and
the page and the court's document say who wrote what."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agency.models import AuditEvent
from supervision.choices import ReportStatus
from supervision.models import ReportViolation, ViolationReport
from supervision.pdf import violation_report_pdf
from supervision.services import violation_report_draft
from tests.agency.factories import SupervisorFactory
from tests.inbox.conftest import make_report
from tests.supervision.factories import SupervisionFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    supervision = SupervisionFactory()
    supervision.open_violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    return supervision


@pytest.fixture
def draft(case) -> ViolationReport:
    return violation_report_draft(
        actor=case.officer,
        supervision=case,
        violations=case.open_violations,
        narrative="Missed two check-ins.",
        recommendation="continue",
    )


def _url(name: str, report: ViolationReport) -> str:
    return reverse(f"supervision:{name}", args=[report.supervision_id, report.pk])


def _state(report: ViolationReport) -> tuple:
    return (
        ViolationReport.objects.values("status", "narrative", "recommendation", "updated_at").get(pk=report.pk),
        sorted(ReportViolation.objects.filter(report=report).values_list("violation_id", "live")),
    )


def test_the_finding_submit_sends_what_is_on_the_screen(client, case, draft):
    # given the officer on the draft's page
    client.force_login(case.officer)
    page = client.get(_url("report_detail", draft)).content.decode()
    # the submit button belongs to the report's form (it sends its fields), which asks before leaving unsaved
    assert 'id="report-form" data-unsaved-warning' in page
    assert f'formaction="{_url("report_submit", draft)}"' in page
    assert page.index('formaction="') < page.index("</form>", page.index('id="report-form"'))
    # when they untick a violation, add a sentence and press "Submit to supervisor" without saving first
    response = client.post(
        _url("report_submit", draft),
        {
            "violations": [case.open_violations[0].pk],
            "narrative": "Missed two check-ins. He reports daily since.",
            "recommendation": "modify_conditions",
        },
    )
    # then the report submitted is the one on the screen
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.narrative, draft.recommendation) == (
        ReportStatus.SUBMITTED,
        "Missed two check-ins. He reports daily since.",
        "modify_conditions",
    )
    assert list(draft.violations.all()) == case.open_violations[:1]


def test_a_submit_with_a_mistake_shows_the_form_again_with_what_was_typed_and_saves_nothing(client, case, draft):
    client.force_login(case.officer)
    state = _state(draft)
    # when the officer submits with no violation ticked
    response = client.post(
        _url("report_submit", draft), {"violations": [], "narrative": "Typed, not saved.", "recommendation": "revoke"}
    )
    # then the form comes back with the text and the reason, and the draft is as it was
    assert response.status_code == 200
    assert response.context["form"].errors == {"violations": ["Select at least one violation for the report."]}
    assert "Typed, not saved." in response.content.decode()
    assert _state(draft) == state


def test_a_submit_the_service_refuses_shows_the_form_again_with_its_reason(client, case, draft):
    # given a second draft that took one of the violations the officer is about to tick again
    client.force_login(case.officer)
    other = ViolationFactory(supervision=case)
    second = violation_report_draft(
        actor=case.officer, supervision=case, violations=[other], narrative="Other.", recommendation="continue"
    )
    state = _state(second)
    # when they submit the second with a violation the first holds (posted by hand: the page does not offer it)
    response = client.post(
        _url("report_submit", second),
        {"violations": [other.pk, case.open_violations[0].pk], "narrative": "Both.", "recommendation": "continue"},
    )
    # then the form says which report holds it, and nothing changed
    assert response.status_code == 200
    assert response.context["form"].errors["violations"]
    assert _state(second) == state


@pytest.mark.parametrize("name", ["report_detail", "report_submit"])
def test_the_finding_a_supervisor_cannot_change_or_submit_an_officers_draft_on_the_web(client, case, draft, name):
    # given the unit's supervisor
    supervisor = SupervisorFactory(unit=case.unit)
    client.force_login(supervisor)
    state = _state(draft)
    denied = AuditEvent.objects.filter(actor=supervisor, action="access.denied").count()
    # when they post the officer's draft, rewritten, to its page or to its submission
    response = client.post(
        _url(name, draft),
        {"violations": [v.pk for v in case.open_violations], "narrative": "Revoke.", "recommendation": "revoke"},
    )
    # then it is refused (403, audited) and nothing changed
    assert response.status_code == 403
    assert _state(draft) == state
    assert AuditEvent.objects.filter(actor=supervisor, action="access.denied").count() == denied + 1


def test_a_supervisor_sees_an_officers_draft_read_only(client, case, draft):
    client.force_login(SupervisorFactory(unit=case.unit))
    response = client.get(_url("report_detail", draft))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'name="narrative"' not in html
    assert f"Only its author, {case.officer.get_full_name()}, edits and submits this report." in html


def test_the_page_says_who_wrote_and_who_edited_the_report(client, case, draft):
    # given a draft a supervisor edited (as the API let them before issue 12, finding 4)
    editor = SupervisorFactory(unit=case.unit, first_name="Robert", last_name="Ames")
    draft.editors.add(editor)
    client.force_login(case.officer)
    html = client.get(_url("report_detail", draft)).content.decode()
    assert f"Written by {case.officer.get_full_name()}; edited by Robert Ames ·" in html


def test_the_pdf_says_who_edited_the_report_beside_its_author():
    # given a routed report its author wrote and a supervisor edited
    case = SupervisionFactory()
    report = make_report(case, ReportStatus.ROUTED)
    editor = SupervisorFactory(unit=case.unit, first_name="Robert", last_name="Ames")
    report.editors.add(editor)
    # when the court's document is made
    reader = PdfReader(io.BytesIO(violation_report_pdf(report)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # then it names the editor, with their role, under the author
    assert f"Written by {report.author.get_full_name()}, Supervision officer" in text
    assert "Edited by Robert Ames, Unit supervisor" in text


def test_the_pdf_of_a_report_nobody_else_edited_names_no_editor():
    case = SupervisionFactory()
    report = make_report(case, ReportStatus.ROUTED)
    reader = PdfReader(io.BytesIO(violation_report_pdf(report)))
    assert "Edited by" not in " ".join(page.extract_text() for page in reader.pages)


def test_the_long_text_forms_ask_before_their_page_is_left_with_changes(client, case, draft):
    # given the officer on the report's page and on the case note page
    client.force_login(case.officer)
    report_page = client.get(_url("report_detail", draft)).content.decode()
    note_page = client.get(reverse("supervision:note_new", args=[case.pk])).content.decode()
    # then the narrative and the note carry the mark static/js/unsaved.js watches, and the page loads it
    assert 'name="narrative"' in report_page and "data-unsaved-warning" in report_page
    assert 'name="body"' in note_page
    assert note_page.count("data-unsaved-warning") == 1
    assert "/static/js/unsaved.js" in note_page

"""The rules that keep a court filing true (issue 12, findings 4, 5, 11 and 14), in the services and in the
database, whatever path writes:

- four eyes: only the author edits and submits a report; nobody approves a report they wrote or edited;
- one violation, one live report: a violation is in at most one report that holds it (the database's
  partial unique constraint), re-checked at submission and approval;
- from submission on, a report's content (case, author, narrative, recommendation, violations) never
  changes: the model refuses it, and so does the database (triggers), whatever path writes;
- submitting submits the content given with it, in the same transaction.

A refused call changes nothing: the same rows, the same report, no audit row."""

import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import ReportStatus, ViolationStatus
from supervision.models import ReportDelivery, ReportViolation, Violation, ViolationReport
from supervision.services import (
    violation_report_acknowledge,
    violation_report_approve,
    violation_report_dispose,
    violation_report_draft,
    violation_report_return,
    violation_report_schedule_hearing,
    violation_report_submit,
    violation_report_update,
)
from tests.agency.factories import CourtClerkFactory, OfficerFactory, SupervisorFactory
from tests.supervision.factories import SupervisionFactory, ViolationFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

DELAY = "supervision.tasks.report_delivery_deliver_task.delay"
COUNTED = (ViolationReport, ReportViolation, ReportDelivery, Violation, AuditEvent)


def _rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _snapshot(report: ViolationReport) -> dict:
    """Everything about the report that a refused call must leave alone."""
    return {
        "row": ViolationReport.objects.values().get(pk=report.pk),
        "links": sorted(ReportViolation.objects.filter(report=report).values_list("violation_id", "live")),
        "editors": sorted(report.editors.values_list("pk", flat=True)),
        "violations": sorted(Violation.objects.filter(supervision=report.supervision).values_list("pk", "status")),
    }


@pytest.fixture
def case():
    """A probation case, its officer, the unit's two supervisors, and two open violations."""
    supervision = SupervisionFactory()
    supervision.supervisors = [SupervisorFactory(unit=supervision.unit), SupervisorFactory(unit=supervision.unit)]
    supervision.open_violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    return supervision


def _draft(case, violations=None, actor=None) -> ViolationReport:
    return violation_report_draft(
        actor=actor or case.officer,
        supervision=case,
        violations=violations if violations is not None else case.open_violations,
        narrative="Missed two check-ins.",
        recommendation="continue",
    )


# --- Finding 4: four eyes are two people ------------------------------------------------------------------


def test_a_supervisor_cannot_rewrite_an_officers_draft(case):
    # given the officer's draft
    report = _draft(case)
    supervisor = case.supervisors[0]
    snapshot, before = _snapshot(report), _rows()
    # when the unit's supervisor rewrites it / then it is refused: only its author edits a report
    with pytest.raises(ApplicationError) as refused:
        violation_report_update(actor=supervisor, report=report, narrative="Rewritten.", recommendation="revoke")
    assert refused.value.status_code == 403
    assert refused.value.message == (
        f"Only the report's author ({case.officer.get_full_name()}) may edit it: ask them, or write a report of "
        "your own."
    )
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_a_supervisor_cannot_submit_an_officers_draft(case):
    report = _draft(case)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError) as refused:
        violation_report_submit(actor=case.supervisors[0], report=report)
    assert refused.value.status_code == 403
    assert refused.value.message.startswith("Only the report's author")
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_another_officer_cannot_edit_or_submit_a_draft_or_a_returned_report(case):
    # given a draft, and a report returned to its author
    colleague = OfficerFactory(unit=case.unit)
    draft = _draft(case, case.open_violations[:1])
    returned = ViolationReportFactory(
        supervision=case, status=ReportStatus.RETURNED, violations=case.open_violations[1:]
    )
    for report in (draft, returned):
        snapshot, before = _snapshot(report), _rows()
        # when another officer edits or submits it / then both are refused
        with pytest.raises(ApplicationError, match="Only the report's author"):
            violation_report_update(actor=colleague, report=report, narrative="Mine now.", recommendation="revoke")
        with pytest.raises(ApplicationError, match="Only the report's author"):
            violation_report_submit(actor=colleague, report=report)
        assert _snapshot(report) == snapshot
        assert _rows() == before


def test_the_author_edits_and_resubmits_a_returned_report(case):
    # given a report its supervisor returned
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    violation_report_return(actor=case.supervisors[0], report=report, comment="Add the dates.")
    # when its author revises and resubmits it
    violation_report_update(actor=case.officer, report=report, narrative="On May 2 and 9.", recommendation="continue")
    violation_report_submit(actor=case.officer, report=report)
    # then it waits for review again, with the revision, holding its violations again
    report.refresh_from_db()
    assert (report.status, report.narrative) == (ReportStatus.SUBMITTED, "On May 2 and 9.")
    assert sorted(ReportViolation.objects.filter(report=report).values_list("violation_id", "live")) == [
        (violation.pk, True) for violation in case.open_violations
    ]


def test_the_finding_a_supervisor_edits_submits_and_approves_is_refused_at_the_first_step(case):
    # given the officer's draft and the unit's supervisor
    report = _draft(case)
    supervisor = case.supervisors[0]
    before = _rows()
    # when the supervisor tries all three steps
    outcomes = []
    for step in (
        lambda: violation_report_update(actor=supervisor, report=report, narrative="Revoke.", recommendation="revoke"),
        lambda: violation_report_submit(actor=supervisor, report=report),
        lambda: violation_report_approve(actor=supervisor, report=report),
    ):
        try:
            step()
        except ApplicationError as error:
            outcomes.append(error.status_code)
    # then none goes through: two are not theirs to do, and the draft is not up for approval
    assert outcomes == [403, 403, 409]
    report.refresh_from_db()
    assert (report.status, report.narrative, report.recommendation) == ("draft", "Missed two check-ins.", "continue")
    assert _rows() == before


def test_the_author_and_each_editor_are_recorded(case):
    # when the officer drafts a report and edits it
    report = _draft(case)
    violation_report_update(actor=case.officer, report=report, narrative="Edited.", recommendation="continue")
    # then the author is its one editor
    assert list(report.editors.all()) == [case.officer]


def test_nobody_approves_or_returns_a_report_they_edited(case):
    # given a submitted report that a supervisor edited (as the API let them before issue 12, finding 4)
    report = _draft(case)
    editor = case.supervisors[0]
    report.editors.add(editor)
    violation_report_submit(actor=case.officer, report=report)
    snapshot, before = _snapshot(report), _rows()
    # when that supervisor approves it, or returns it / then both are refused
    with mock.patch(DELAY), pytest.raises(ApplicationError) as refused:
        violation_report_approve(actor=editor, report=report)
    assert refused.value.status_code == 403
    assert refused.value.message == (
        "You cannot review a report you edited: another supervisor of the unit must review it."
    )
    with pytest.raises(ApplicationError, match="You cannot review a report you edited"):
        violation_report_return(actor=editor, report=report, comment="Fine by me.")
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_a_supervisor_who_did_not_write_or_edit_it_approves(case, django_capture_on_commit_callbacks):
    report = _draft(case)
    report.editors.add(case.supervisors[0])
    violation_report_submit(actor=case.officer, report=report)
    # when the other supervisor approves
    with mock.patch(DELAY), django_capture_on_commit_callbacks(execute=True):
        violation_report_approve(actor=case.supervisors[1], report=report)
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.author) == ("approved", case.supervisors[1], case.officer)


def test_a_supervisor_who_wrote_a_report_cannot_review_it(case):
    # given a report a supervisor wrote on a case of their unit
    author = case.supervisors[0]
    report = _draft(case, actor=author)
    violation_report_submit(actor=author, report=report)
    before = _rows()
    # then they may not approve it; the unit's other supervisor may
    with pytest.raises(ApplicationError, match="You cannot review a report you wrote"):
        violation_report_approve(actor=author, report=report)
    assert _rows() == before
    with mock.patch(DELAY):
        violation_report_approve(actor=case.supervisors[1], report=report)


# --- Finding 5: a violation is in at most one live report ----------------------------------------------------


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_a_violation_in_a_live_report_cannot_be_drafted_again(case, status):
    # given a report (draft, submitted or approved) that holds a violation
    held = case.open_violations[0]
    authority = {"court": case.court} if status == ReportStatus.APPROVED else {}
    holder = ViolationReportFactory(supervision=case, status=status, violations=[held], **authority)
    before = _rows()
    # when the officer drafts another report over it
    with pytest.raises(ValidationError) as refused:
        _draft(case, [held, case.open_violations[1]])
    # then it is refused, naming the report that holds it, and nothing is written
    status_text = holder.get_status_display().lower()
    assert refused.value.message_dict == {
        "violations": [f"Violation #{held.pk} is already in violation report #{holder.pk} ({status_text})."]
    }
    assert _rows() == before


def test_a_violation_held_elsewhere_cannot_be_added_to_a_draft(case):
    holder = _draft(case, case.open_violations[:1])
    report = _draft(case, case.open_violations[1:])
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError, match=f"already in violation report #{holder.pk}"):
        violation_report_update(
            actor=case.officer,
            report=report,
            narrative="Both.",
            recommendation="continue",
            violations=case.open_violations,
        )
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_a_violation_taken_off_a_draft_is_free_for_another_report(case):
    # given a draft over both violations
    first = _draft(case)
    # when the officer takes one off, and drafts a second report over it
    violation_report_update(
        actor=case.officer,
        report=first,
        narrative="One.",
        recommendation="continue",
        violations=case.open_violations[:1],
    )
    second = _draft(case, case.open_violations[1:])
    # then each violation is in one report
    assert list(first.violations.all()) == case.open_violations[:1]
    assert list(second.violations.all()) == case.open_violations[1:]


def test_the_finding_two_reports_over_one_violation_never_both_reach_the_court(case):
    # given two drafts over the same violation (the second refused since issue 12, finding 5)
    first = _draft(case, case.open_violations[:1])
    with pytest.raises(ValidationError):
        _draft(case, case.open_violations[:1])
    # when the first is submitted and approved
    violation_report_submit(actor=case.officer, report=first)
    with mock.patch(DELAY):
        violation_report_approve(actor=case.supervisors[0], report=first)
    # then one delivery reaches the court with it
    assert ReportDelivery.objects.filter(report__violations=case.open_violations[0]).count() == 1


def test_the_database_refuses_a_second_live_report_over_a_violation(case):
    # given a violation held by a draft
    held = case.open_violations[0]
    _draft(case, [held])
    other = ViolationReportFactory(supervision=case, violations=case.open_violations[1:])
    # when any code links it to another report, past the services / then the database refuses
    with pytest.raises(IntegrityError, match="violation_in_one_live_report"), transaction.atomic():
        ReportViolation.objects.create(report=other, violation=held)
    with pytest.raises(IntegrityError, match="violation_in_one_live_report"), transaction.atomic():
        other.violations.add(held)
    # and a link that no longer holds its violation does not count
    ReportViolation.objects.create(report=other, violation=held, live=False)
    assert ReportViolation.objects.filter(violation=held).count() == 2


def test_a_report_that_no_longer_holds_a_violation_is_not_submitted_or_approved(case):
    # given two reports over one violation from before the constraint: the migration left it to the first
    # (the holder) and kept the second's link as not live
    held = case.open_violations[0]
    holder = _draft(case, [held])
    second = ViolationReportFactory(supervision=case, violations=case.open_violations[1:])
    ReportViolation.objects.create(report=second, violation=held, live=False)
    snapshot, before = _snapshot(second), _rows()
    message = f"Violation #{held.pk} is already in violation report #{holder.pk} (draft)."
    # when its author submits it / then it is refused, naming the report that holds the violation
    with pytest.raises(ValidationError) as refused:
        violation_report_submit(actor=case.officer, report=second)
    assert refused.value.message_dict == {"violations": [message]}
    # and so is its approval, re-checked under the lock, if it was submitted already
    ViolationReport.objects.filter(pk=second.pk).update(status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    snapshot["row"] |= ViolationReport.objects.values("status", "submitted_at", "updated_at").get(pk=second.pk)
    with mock.patch(DELAY) as delay, pytest.raises(ValidationError) as refused:
        violation_report_approve(actor=case.supervisors[0], report=second)
    assert refused.value.message_dict == {"violations": [message]}
    assert delay.call_count == 0
    assert _snapshot(second) == snapshot
    assert _rows() == before


def test_the_author_fixes_such_a_report_by_taking_the_violation_off(case):
    held = case.open_violations[0]
    _draft(case, [held])
    second = ViolationReportFactory(supervision=case, violations=case.open_violations[1:])
    ReportViolation.objects.create(report=second, violation=held, live=False)
    # when the author saves it without that violation, and submits
    violation_report_submit(
        actor=case.officer,
        report=second,
        narrative="The second violation only.",
        recommendation="continue",
        violations=case.open_violations[1:],
    )
    second.refresh_from_db()
    assert second.status == ReportStatus.SUBMITTED
    assert list(ReportViolation.objects.filter(report=second).values_list("violation", "live")) == [
        (case.open_violations[1].pk, True)
    ]


def _returned(case) -> ViolationReport:
    """A report over both violations, submitted by its author and returned by the unit's first supervisor."""
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    violation_report_return(actor=case.supervisors[0], report=report, comment="Add the dates.")
    return report


def _links(report: ViolationReport) -> list[tuple[int, bool]]:
    return sorted(ReportViolation.objects.filter(report=report).values_list("violation_id", "live"))


def test_a_returned_report_frees_its_violations_for_another_report(case):
    # given a submitted report over both violations
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    # when its supervisor returns it
    violation_report_return(actor=case.supervisors[0], report=report, comment="Add the dates.")
    # then its links stay, holding nothing, and a second report may take one of its violations
    assert _links(report) == [(violation.pk, False) for violation in case.open_violations]
    second = _draft(case, case.open_violations[:1])
    assert _links(second) == [(case.open_violations[0].pk, True)]


@pytest.mark.parametrize("step", ["edit", "submit", "submit with content"])
def test_a_returned_report_cannot_take_back_a_violation_another_report_holds_now(case, step):
    # given a returned report, and a second report that took one of its violations meanwhile
    report = _returned(case)
    holder = _draft(case, case.open_violations[:1])
    snapshot, before = _snapshot(report), _rows()
    steps = {
        "edit": lambda: violation_report_update(
            actor=case.officer, report=report, narrative="With the dates.", recommendation="continue"
        ),
        "submit": lambda: violation_report_submit(actor=case.officer, report=report),
        "submit with content": lambda: violation_report_submit(
            actor=case.officer,
            report=report,
            narrative="With the dates.",
            recommendation="continue",
            violations=case.open_violations,
        ),
    }
    # when its author edits or resubmits it with that violation
    with pytest.raises(ValidationError) as refused:
        steps[step]()
    # then it is a field error naming the report that holds the violation now, and nothing changes
    assert refused.value.message_dict == {
        "violations": [f"Violation #{case.open_violations[0].pk} is already in violation report #{holder.pk} (draft)."]
    }
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_a_returned_report_edited_takes_back_its_free_violations(case):
    # given a returned report whose violations nobody took
    report = _returned(case)
    # when its author edits the narrative only
    violation_report_update(actor=case.officer, report=report, narrative="With the dates.", recommendation="continue")
    # then it holds its violations again, and no other report may take them
    assert _links(report) == [(violation.pk, True) for violation in case.open_violations]
    with pytest.raises(ValidationError) as refused:
        _draft(case, case.open_violations[:1])
    assert refused.value.message_dict == {
        "violations": [
            f"Violation #{case.open_violations[0].pk} is already in violation report #{report.pk} (returned to the "
            "officer)."
        ]
    }


def test_a_returned_report_goes_on_without_the_violation_another_report_took(case):
    # given a returned report, one of whose violations a second report took
    report = _returned(case)
    _draft(case, case.open_violations[:1])
    # when its author submits it without that violation
    violation_report_submit(
        actor=case.officer,
        report=report,
        narrative="The second violation only.",
        recommendation="continue",
        violations=case.open_violations[1:],
    )
    # then it is submitted, holding the one it kept
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert _links(report) == [(case.open_violations[1].pk, True)]


@pytest.mark.django_db(transaction=True)
def test_two_drafts_over_one_violation_at_the_same_moment_make_one_report():
    # given an open violation, and two requests drafting a report over it at the same moment
    supervision = SupervisionFactory()
    violation = ViolationFactory(supervision=supervision)
    barrier = threading.Barrier(2)
    made, refused, errors = [], [], []

    def draft():
        try:
            barrier.wait(timeout=10)
            made.append(
                violation_report_draft(
                    actor=supervision.officer,
                    supervision=supervision,
                    violations=[violation],
                    narrative="Missed.",
                    recommendation="continue",
                )
            )
        except ValidationError as error:
            refused.append(error.message_dict)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft) for _ in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one report holds it, and the other request is told which
    assert errors == []
    assert len(made) == 1
    assert refused == [
        {"violations": [f"Violation #{violation.pk} is already in violation report #{made[0].pk} (draft)."]}
    ]
    assert ViolationReport.objects.count() == 1


# --- Finding 11: from submission on, the content never changes -----------------------------------------------


FILED = [
    ReportStatus.SUBMITTED,
    ReportStatus.APPROVED,
    ReportStatus.ROUTED,
    ReportStatus.RECEIVED,
    ReportStatus.HEARING_SCHEDULED,
    ReportStatus.DISPOSED,
]


def _filed(case, status) -> ViolationReport:
    fields = {}
    if status != ReportStatus.SUBMITTED:
        fields = {"court": case.court, "reviewed_by": case.supervisors[0], "reviewed_at": timezone.now()}
    if status == ReportStatus.DISPOSED:
        fields |= {"disposition": "continued", "disposition_on": timezone.localdate()}
    return ViolationReportFactory(
        supervision=case,
        status=status,
        submitted_at=timezone.now(),
        violations=case.open_violations[:1],
        **fields,
    )


@pytest.mark.parametrize("status", FILED)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("narrative", lambda case: "Rewritten after the fact."),
        ("recommendation", lambda case: "revoke"),
        ("author", lambda case: case.supervisors[0]),
        ("supervision", lambda case: SupervisionFactory(officer=case.officer, court=case.court)),
    ],
)
def test_a_filed_reports_content_cannot_be_saved_changed(case, status, field, value):
    # given a report submitted (or further on)
    report = _filed(case, status)
    snapshot = _snapshot(report)
    # when code saves a change to its content through the model / then the model refuses, naming the field
    setattr(report, field, value(case))
    with pytest.raises(ValidationError) as refused:
        report.save()
    assert refused.value.message_dict == {
        field: [
            f"A violation report's content never changes once it is submitted (this one is "
            f"{report.get_status_display().lower()}): write a new report to correct it."
        ]
    }
    with pytest.raises(ValidationError, match="never changes once it is submitted"):
        report.full_clean()
    assert _snapshot(ViolationReport.objects.get(pk=report.pk)) == snapshot


@pytest.mark.parametrize("status", FILED)
@pytest.mark.parametrize(
    "change",
    [
        {"narrative": "Rewritten."},
        {"recommendation": "revoke"},
        {"author_id": "other"},
        {"status": ReportStatus.DRAFT, "court": None, "reviewed_by": None, "reviewed_at": None},
    ],
    ids=["narrative", "recommendation", "author", "back to draft"],
)
def test_the_database_refuses_to_change_a_filed_reports_content_or_to_reopen_it(case, status, change):
    # given a report submitted (or further on)
    report = _filed(case, status)
    if change.get("author_id") == "other":
        change = {"author_id": case.supervisors[0].pk}
    if status == ReportStatus.DISPOSED and "status" in change:
        change |= {"disposition": "", "disposition_on": None}
    snapshot = _snapshot(report)
    # when code changes it past the model (a bulk update, raw SQL) / then the database refuses
    with pytest.raises(IntegrityError, match="never changes once it is submitted"), transaction.atomic():
        ViolationReport.objects.filter(pk=report.pk).update(**change)
    assert _snapshot(report) == snapshot


@pytest.mark.parametrize("status", FILED)
def test_the_database_refuses_to_change_a_filed_reports_violations(case, status):
    report = _filed(case, status)
    snapshot = _snapshot(report)
    link = ReportViolation.objects.get(report=report)
    with pytest.raises(IntegrityError, match="never changes once it is submitted"), transaction.atomic():
        report.violations.add(case.open_violations[1])
    with pytest.raises(IntegrityError, match="never changes once it is submitted"), transaction.atomic():
        report.violations.remove(case.open_violations[0])
    with pytest.raises(IntegrityError, match="never changes once it is submitted"), transaction.atomic():
        ReportViolation.objects.filter(pk=link.pk).update(violation=case.open_violations[1])
    assert _snapshot(report) == snapshot


def test_a_submitted_report_goes_back_to_its_author_only_by_being_returned(case):
    # given a submitted report
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    # then the supervisor's return reopens it for its author, who may change it again
    violation_report_return(actor=case.supervisors[0], report=report, comment="Add the dates.")
    violation_report_update(actor=case.officer, report=report, narrative="With dates.", recommendation="continue")
    assert ViolationReport.objects.get(pk=report.pk).narrative == "With dates."


def test_the_authoritys_fields_still_change_through_their_services(case):
    # given a report approved and routed to the court
    report = _filed(case, ReportStatus.ROUTED)
    clerk = CourtClerkFactory(court=case.court)
    hearing = timezone.now() + timezone.timedelta(days=20)
    # when the clerk acknowledges it, schedules the hearing and records the disposition
    violation_report_acknowledge(actor=clerk, report=report)
    violation_report_schedule_hearing(actor=clerk, report=report, hearing_at=hearing, location="Courtroom 4")
    violation_report_dispose(actor=clerk, report=report, disposition="continued")
    # then those are recorded, and the content is as it was filed
    report.refresh_from_db()
    assert (report.status, report.hearing_location, report.disposition) == ("disposed", "Courtroom 4", "continued")
    assert report.narrative == "The supervisee failed to report twice and tested positive."
    assert list(report.violations.all()) == case.open_violations[:1]


# --- Finding 14: submitting submits the content given with it --------------------------------------------------


def test_submit_saves_the_content_given_and_submits_it_in_one_call(case):
    # given a draft over both violations
    report = _draft(case)
    # when its author unticks one, adds a sentence and submits, in one call
    violation_report_submit(
        actor=case.officer,
        report=report,
        narrative="Missed two check-ins. He has since reported daily.",
        recommendation="modify_conditions",
        violations=case.open_violations[:1],
    )
    # then what was submitted is what was given
    report.refresh_from_db()
    assert (report.status, report.narrative, report.recommendation) == (
        "submitted",
        "Missed two check-ins. He has since reported daily.",
        "modify_conditions",
    )
    assert list(report.violations.all()) == case.open_violations[:1]
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == ["violation_report.drafted", "violation_report.updated", "violation_report.submitted"]


def test_a_submit_whose_content_is_refused_saves_nothing_and_submits_nothing(case):
    report = _draft(case)
    other_case_violation = ViolationFactory()
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError, match="belongs to another case"):
        violation_report_submit(
            actor=case.officer,
            report=report,
            narrative="Changed.",
            recommendation="revoke",
            violations=[other_case_violation],
        )
    with pytest.raises(ValidationError, match="Write the narrative"):
        violation_report_submit(actor=case.officer, report=report, narrative="  ", recommendation="revoke")
    assert _snapshot(report) == snapshot
    assert _rows() == before


# --- full_clean on every save of the lifecycle ----------------------------------------------------------------


def test_a_return_comment_over_the_limit_is_refused_by_the_service(case):
    # given a submitted report
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    snapshot, before = _snapshot(report), _rows()
    # when the supervisor returns it with a comment over 4,000 characters, past the form and the API
    with pytest.raises(ValidationError) as refused:
        violation_report_return(actor=case.supervisors[0], report=report, comment="x" * 4001)
    # then the service refuses it, as a field error, and nothing changes
    assert list(refused.value.message_dict) == ["review_comment"]
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_approval_validates_the_report_before_saving_it(case):
    # given a submitted report
    report = _draft(case)
    violation_report_submit(actor=case.officer, report=report)
    before = _rows()
    # when the model's validation fails at approval / then nothing is saved, nothing is queued
    with (
        mock.patch.object(ViolationReport, "clean", side_effect=ValidationError({"narrative": "Checked."})),
        mock.patch(DELAY) as delay,
        pytest.raises(ValidationError, match=r"Checked\."),
    ):
        violation_report_approve(actor=case.supervisors[0], report=report)
    assert delay.call_count == 0
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert Violation.objects.filter(status=ViolationStatus.REPORTED).count() == 0
    assert _rows() == before


def test_acknowledgement_validates_the_report_before_saving_it(case):
    # given a report routed to the court, and its clerk
    report = _filed(case, ReportStatus.ROUTED)
    clerk = CourtClerkFactory(court=case.court)
    before = _rows()
    # when the model's validation fails at acknowledgement / then nothing is saved: no status, no note, no audit
    with (
        mock.patch.object(ViolationReport, "clean", side_effect=ValidationError({"narrative": "Checked."})),
        pytest.raises(ValidationError, match=r"Checked\."),
    ):
        violation_report_acknowledge(actor=clerk, report=report)
    stored = ViolationReport.objects.get(pk=report.pk)
    assert (stored.status, stored.received_at, stored.received_by) == (ReportStatus.ROUTED, None, None)
    assert _rows() == before


# --- Finding 11 in the admin: a report is shown, never written ---------------------------------------------


@pytest.fixture
def admin_client(client):
    from tests.agency.factories import AdministratorFactory

    client.force_login(AdministratorFactory())
    return client


def _admin_url(view: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:supervision_violationreport_{view}", args=args)


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, *FILED])
def test_the_admin_shows_a_report_read_only_and_refuses_a_change(case, admin_client, status):
    # given a report (a draft, or submitted or further on)
    report = _filed(case, status) if status != ReportStatus.DRAFT else _draft(case, case.open_violations[:1])
    snapshot, before = _snapshot(report), _rows()
    # when an administrator opens it
    page = admin_client.get(_admin_url("change", report.pk))
    # then its content is shown, with no field to change it
    assert page.status_code == 200
    html = page.content.decode()
    assert report.narrative in html
    assert f"#{case.open_violations[0].pk} " in html
    for name in ("narrative", "recommendation", "author", "supervision", "violations", "hearing_at"):
        assert f'name="{name}"' not in html
    # and a change posted anyway is refused, and nothing changes
    other = SupervisionFactory(officer=case.officer, court=case.court)
    response = admin_client.post(
        _admin_url("change", report.pk),
        {
            "supervision": other.pk,
            "author": case.supervisors[0].pk,
            "narrative": "Rewritten in the admin.",
            "recommendation": "revoke",
            "violations": [case.open_violations[1].pk],
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    assert _snapshot(report) == snapshot
    assert _rows() == {**before, "AuditEvent": before["AuditEvent"] + 1}
    assert AuditEvent.objects.filter(outcome="denied").count() == 1  # the refusal, audited


def test_the_admin_does_not_revert_a_report_to_a_past_version(case, admin_client):
    # given a report drafted with one narrative, edited, then submitted
    report = _draft(case)
    first = report.history.earliest("history_date")
    violation_report_update(actor=case.officer, report=report, narrative="Edited.", recommendation="revoke")
    violation_report_submit(actor=case.officer, report=report)
    snapshot, before = _snapshot(report), _rows()
    url = _admin_url("simple_history", report.pk, first.history_id)
    # when an administrator opens the first version / then it is shown
    assert admin_client.get(url).status_code == 200
    # and posting it back (django-simple-history's "revert") is refused, and nothing changes
    response = admin_client.post(url, {"_save": "Revert"})
    assert response.status_code == 403
    assert _snapshot(report) == snapshot
    assert _rows()["ViolationReport"] == before["ViolationReport"]
    assert ViolationReport.objects.get(pk=report.pk).narrative == "Edited."

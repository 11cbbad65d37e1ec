"""The report lifecycle's table (supervision.lifecycle): the sets derived from it, the step check the services
use, and the template filters the pages use."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from agency.errors import ApplicationError
from supervision.choices import ReportStatus
from supervision.lifecycle import (
    REPORT_EDITABLE_STATUSES,
    REPORT_IN_REVIEW_STATUSES,
    REPORT_STATUSES_IN_AGENCY,
    REPORT_STATUSES_VISIBLE_TO_AUTHORITY,
    REPORT_STATUSES_WITH_AUTHORITY,
    REPORT_TRANSITIONS,
    Party,
    ReportStep,
    authority_status_label,
    report_step_open,
    report_step_require,
)

S = ReportStatus


def _report(status: ReportStatus) -> SimpleNamespace:
    return SimpleNamespace(status=status.value, get_status_display=lambda: status.label)


def test_the_derived_sets():
    assert REPORT_EDITABLE_STATUSES == (S.DRAFT, S.RETURNED)
    assert REPORT_IN_REVIEW_STATUSES == (S.SUBMITTED,)
    assert REPORT_STATUSES_WITH_AUTHORITY == (S.APPROVED, S.ROUTED, S.RECEIVED, S.HEARING_SCHEDULED, S.DISPOSED)
    assert REPORT_STATUSES_VISIBLE_TO_AUTHORITY == (S.ROUTED, S.RECEIVED, S.HEARING_SCHEDULED, S.DISPOSED)
    assert set(REPORT_STATUSES_IN_AGENCY) | set(REPORT_STATUSES_VISIBLE_TO_AUTHORITY) == set(S)
    assert not set(REPORT_STATUSES_IN_AGENCY) & set(REPORT_STATUSES_VISIBLE_TO_AUTHORITY)


def test_every_status_is_reached_from_a_draft_and_only_a_disposed_report_is_final():
    targets = {t.target for t in REPORT_TRANSITIONS.values() if t.target} | {S.DRAFT}
    assert targets == set(S)
    sources = set().union(*(t.sources for t in REPORT_TRANSITIONS.values()))
    assert set(S) - sources == {S.DISPOSED}


def test_each_party_takes_its_own_steps():
    by_party = {party: {t.step for t in REPORT_TRANSITIONS.values() if t.party == party} for party in Party}
    assert by_party == {
        Party.AUTHOR: {ReportStep.EDIT, ReportStep.SUBMIT},
        Party.REVIEWER: {ReportStep.RETURN, ReportStep.APPROVE},
        Party.DELIVERY: {ReportStep.ROUTE},
        Party.AUTHORITY: {ReportStep.ACKNOWLEDGE, ReportStep.SCHEDULE_HEARING, ReportStep.DISPOSE},
    }


@pytest.mark.parametrize(
    ("status", "step", "target"),
    [
        (S.DRAFT, ReportStep.SUBMIT, S.SUBMITTED),
        (S.RETURNED, ReportStep.EDIT, S.RETURNED),  # editing keeps the status
        (S.SUBMITTED, ReportStep.RETURN, S.RETURNED),
        (S.APPROVED, ReportStep.ROUTE, S.ROUTED),
        (S.HEARING_SCHEDULED, ReportStep.SCHEDULE_HEARING, S.HEARING_SCHEDULED),
        (S.RECEIVED, ReportStep.DISPOSE, S.DISPOSED),
    ],
)
def test_an_open_step_gives_the_status_it_leads_to(status, step, target):
    assert report_step_open(status, step)
    assert report_step_require(_report(status), step) == target


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        (S.SUBMITTED, ReportStep.EDIT, "A report that is submitted to the supervisor cannot be edited."),
        (S.APPROVED, ReportStep.APPROVE, "A report that is approved cannot be approved."),
        (S.ROUTED, ReportStep.SCHEDULE_HEARING, "A report that is routed to the authority cannot be given a hearing."),
        (S.DISPOSED, ReportStep.DISPOSE, "A report that is disposed cannot be disposed."),
    ],
)
def test_a_closed_step_is_a_conflict_that_says_why(status, step, message):
    assert not report_step_open(status, step)
    with pytest.raises(ApplicationError) as refused:
        report_step_require(_report(status), step)
    assert refused.value.status_code == 409
    assert refused.value.message == message


def test_the_template_filters():
    template = Template(
        '{% load caseline %}{% if report|open_to:"edit" %}editable{% endif %} {{ status|authority_status }}'
    )
    assert template.render(Context({"report": _report(S.RETURNED), "status": "routed"})) == "editable Unread"
    assert template.render(Context({"report": _report(S.SUBMITTED), "status": "received"})) == " Acknowledged"
    assert authority_status_label(S.DISPOSED) == "Disposed"
    with pytest.raises(ValueError, match="'publish'"):
        template = Template('{% load caseline %}{{ report|open_to:"publish" }}')
        template.render(Context({"report": _report(S.DRAFT)}))

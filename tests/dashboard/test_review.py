"""Report review through the pages: the queue, approve, return with a comment, and refusals."""

import pytest

from agency.models import AuditEvent
from supervision import services
from supervision.choices import ReportStatus, ViolationStatus
from supervision.models import ReportDelivery, ViolationReport
from tests.agency.factories import SupervisorFactory, UnitFactory
from tests.supervision.factories import SupervisionFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(ann, supervisor):
    case = SupervisionFactory(officer=ann)
    violation = ViolationFactory(supervision=case, description="Missed the office visit of the 3rd.")
    draft = services.violation_report_draft(
        actor=ann, supervision=case, violations=[violation], narrative="Missed twice.", recommendation="continue"
    )
    return services.violation_report_submit(actor=ann, report=draft)


def test_the_queue_lists_the_units_submitted_reports_oldest_first(client, supervisor, known_unit):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/reviews/")

    # then
    assert [r.pk for r in response.context["reports"]] == [known_unit["r1"].pk, known_unit["r2"].pk]
    assert [r.age_days for r in response.context["reports"]] == [5, 1]


def test_the_review_page_shows_the_report_its_violations_and_its_whole_history(client, supervisor, ann, report):
    # given the report was returned once, revised and submitted again
    services.violation_report_return(actor=supervisor, report=report, comment="Add the dates of both visits.")
    services.violation_report_update(
        actor=ann, report=report, narrative="Missed on the 3rd and the 17th.", recommendation="continue"
    )
    services.violation_report_submit(actor=ann, report=report)
    client.force_login(supervisor)

    # when
    response = client.get(f"/dashboard/reviews/{report.pk}/")

    # then
    assert response.status_code == 200
    history = [(e.action, e.who, e.comment) for e in response.context["history"]]
    assert history == [
        ("Drafted", "ann", ""),
        ("Submitted for review", "ann", ""),
        ("Returned to the officer", "sup.north", "Add the dates of both visits."),
        ("Edited", "ann", ""),
        ("Submitted for review", "ann", ""),
    ]
    html = response.content.decode()
    assert "Missed the office visit of the 3rd." in html
    assert "Missed on the 3rd and the 17th." in html
    assert AuditEvent.objects.filter(action="violation_report.viewed", object_id=str(report.pk)).count() == 1


def test_approve_through_the_page_routes_the_report(client, supervisor, report, django_capture_on_commit_callbacks):
    # given
    client.force_login(supervisor)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/dashboard/reviews/{report.pk}/approve/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/reviews/"
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewed_by == supervisor
    assert report.court_id == report.supervision.court_id
    assert list(report.violations.values_list("status", flat=True)) == [ViolationStatus.REPORTED]
    assert ReportDelivery.objects.filter(report=report).count() == 1
    assert len(callbacks) == 1


def test_return_through_the_page_needs_a_comment_and_keeps_it(client, supervisor, report):
    # given
    client.force_login(supervisor)

    # when a comment is missing
    refused = client.post(f"/dashboard/reviews/{report.pk}/return/", {"comment": "   "})

    # then nothing changed and the error is next to the field
    assert refused.status_code == 200
    assert "Tell the officer what to change." in refused.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="violation_report.returned").exists()

    # when with a comment
    response = client.post(f"/dashboard/reviews/{report.pk}/return/", {"comment": "Add the dates."})

    # then
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.reviewed_by) == (
        ReportStatus.RETURNED,
        "Add the dates.",
        supervisor,
    )


def test_the_officer_sees_the_comments_and_resubmits(client, supervisor, ann, report):
    # given
    client.force_login(supervisor)
    client.post(f"/dashboard/reviews/{report.pk}/return/", {"comment": "Add the dates of both visits."})
    client.force_login(ann)

    # when
    page = client.get(f"/cases/{report.supervision_id}/reports/{report.pk}/")
    form = page.context["form"]
    client.post(
        f"/cases/{report.supervision_id}/reports/{report.pk}/submit/",
        {
            "violations": [v.pk for v in form.initial["violations"]],
            "narrative": form.initial["narrative"],
            "recommendation": form.initial["recommendation"],
        },
    )

    # then
    assert "Add the dates of both visits." in page.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_report_in_the_wrong_state_is_refused_with_a_message(client, supervisor, report):
    # given an approved report
    services.violation_report_approve(actor=supervisor, report=report)
    client.force_login(supervisor)
    audit_rows = AuditEvent.objects.count()

    # when
    approve = client.post(f"/dashboard/reviews/{report.pk}/approve/", follow=True)
    returned = client.post(f"/dashboard/reviews/{report.pk}/return/", {"comment": "Again"}, follow=True)

    # then
    assert approve.status_code == 200
    assert "A report that is approved cannot be approved." in approve.content.decode()
    assert returned.status_code == 200
    assert "cannot be returned" in returned.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert ReportDelivery.objects.filter(report=report).count() == 1
    # only the page views were audited
    assert set(
        AuditEvent.objects.all()[: AuditEvent.objects.count() - audit_rows].values_list("action", flat=True)
    ) == {"violation_report.viewed"}


def test_a_supervisor_cannot_approve_a_report_they_wrote(client, supervisor):
    # given a report the supervisor drafted on a case of their unit
    case = SupervisionFactory(officer__unit=supervisor.unit)
    violation = ViolationFactory(supervision=case)
    draft = services.violation_report_draft(
        actor=supervisor, supervision=case, violations=[violation], narrative="Seen.", recommendation="continue"
    )
    report = services.violation_report_submit(actor=supervisor, report=draft)
    client.force_login(supervisor)

    # when
    page = client.get(f"/dashboard/reviews/{report.pk}/")
    response = client.post(f"/dashboard/reviews/{report.pk}/approve/", follow=True)

    # then
    assert page.context["can_review"] is False
    assert "You cannot review a report you wrote." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not ReportDelivery.objects.exists()


def test_another_units_supervisor_cannot_approve_or_return(client, report):
    # given
    client.force_login(SupervisorFactory(unit=UnitFactory()))

    # when
    approve = client.post(f"/dashboard/reviews/{report.pk}/approve/")
    returned = client.post(f"/dashboard/reviews/{report.pk}/return/", {"comment": "No"})

    # then
    assert (approve.status_code, returned.status_code) == (404, 404)
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_an_officer_cannot_approve(client, ann, report):
    # given
    client.force_login(ann)

    # when
    response = client.post(f"/dashboard/reviews/{report.pk}/approve/")

    # then
    assert response.status_code == 403
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

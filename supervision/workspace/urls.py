"""The officer's workspace in the browser."""

from django.urls import path

from supervision.workspace import (
    case_views,
    condition_views,
    intake_views,
    person_record_views,
    person_views,
    report_views,
    restriction_views,
    risk_views,
    views,
)

app_name = "supervision"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("intake/", intake_views.intake, name="intake"),
    path("intake/new/", intake_views.intake_register, name="intake_register"),
    path("people/<int:person_id>/", person_views.person_detail, name="person_detail"),
    path("people/<int:person_id>/open/", intake_views.intake_open, name="intake_open"),
    path("cases/<int:case_id>/level/", case_views.case_level, name="case_level"),
    path("cases/<int:case_id>/status/", case_views.case_status, name="case_status"),
    path("cases/<int:case_id>/close/", case_views.case_close, name="case_close"),
    path("cases/<int:case_id>/custody/", case_views.case_custody, name="case_custody"),
    path("cases/<int:case_id>/assessments/new/", risk_views.risk_assessment_new, name="risk_assessment_new"),
    path("cases/<int:case_id>/restriction/", restriction_views.case_restriction, name="case_restriction"),
    path(
        "cases/<int:case_id>/check-ins/<int:check_in_id>/complete/", views.check_in_complete, name="check_in_complete"
    ),
    path("cases/<int:case_id>/check-ins/<int:check_in_id>/excuse/", views.check_in_excuse, name="check_in_excuse"),
    path("cases/<int:case_id>/conditions/new/", condition_views.condition_new, name="condition_new"),
    path(
        "cases/<int:case_id>/conditions/<int:condition_id>/modify/",
        condition_views.condition_modify,
        name="condition_modify",
    ),
    path("cases/<int:case_id>/conditions/<int:condition_id>/end/", condition_views.condition_end, name="condition_end"),
    path("cases/<int:case_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("cases/<int:case_id>/drug-tests/new/", views.drug_test_new, name="drug_test_new"),
    path("cases/<int:case_id>/notes/new/", views.note_new, name="note_new"),
    path("cases/<int:case_id>/referrals/new/", views.referral_new, name="referral_new"),
    path("cases/<int:case_id>/referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
    path("cases/<int:case_id>/community-service/new/", views.community_service_new, name="community_service_new"),
    path("cases/<int:case_id>/violations/new/", views.violation_new, name="violation_new"),
    path(
        "cases/<int:case_id>/violations/<int:violation_id>/correct/",
        views.violation_correct,
        name="violation_correct",
    ),
    path("cases/<int:case_id>/reports/new/", report_views.report_new, name="report_new"),
    path("cases/<int:case_id>/reports/<int:report_id>/", report_views.report_detail, name="report_detail"),
    path("cases/<int:case_id>/reports/<int:report_id>/submit/", report_views.report_submit, name="report_submit"),
    path("cases/<int:case_id>/reports/<int:report_id>/preview.pdf", report_views.report_preview, name="report_preview"),
    # A person's record (issue 15, item 2); the person page itself, /people/<id>/, is the intake's.
    *person_record_views.urlpatterns,
]

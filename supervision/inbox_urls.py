"""The court clerk's and the parole board's inbox (included under /inbox/ by agency.urls)."""

from django.urls import path

from supervision import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.inbox, name="inbox"),
    path("reports/<int:report_id>/", inbox_views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/pdf/", inbox_views.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/acknowledge/", inbox_views.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:report_id>/hearing/", inbox_views.report_hearing, name="report_hearing"),
    path("reports/<int:report_id>/disposition/", inbox_views.report_disposition, name="report_disposition"),
]

"""The court clerk's and the parole board's inbox (included under /inbox/ by agency.urls)."""

from django.urls import path

from supervision.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:report_id>/hearing/", views.report_hearing, name="report_hearing"),
    path("reports/<int:report_id>/disposition/", views.report_disposition, name="report_disposition"),
]

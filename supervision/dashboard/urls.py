"""The supervisor's dashboard, report review and caseload assignment (included under /dashboard/)."""

from django.urls import path

from supervision.dashboard import closure_views, exports, override_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.unit_dashboard, name="index"),
    path("me/", views.my_dashboard, name="me"),
    path("officers/<int:officer_id>/", views.officer_dashboard, name="officer"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/assignments/", views.case_assignments, name="case_assignments"),
    path("reassign/", views.reassign, name="reassign"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:report_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:report_id>/approve/", views.review_approve, name="review_approve"),
    path("reviews/<int:report_id>/return/", views.review_return, name="review_return"),
    path("level-overrides/", override_views.level_override_queue, name="level_overrides"),
    path(
        "level-overrides/<int:override_id>/approve/",
        override_views.level_override_approve_view,
        name="level_override_approve",
    ),
    path(
        "level-overrides/<int:override_id>/decline/",
        override_views.level_override_decline_view,
        name="level_override_decline",
    ),
    path("export/<slug:table>.csv", exports.export, name="export"),
    path("closures/", closure_views.closure_queue, name="closures"),
    path("closures/<int:request_id>/", closure_views.closure_detail, name="closure_detail"),
    path("closures/<int:request_id>/approve/", closure_views.closure_approve, name="closure_approve"),
    path("closures/<int:request_id>/decline/", closure_views.closure_decline, name="closure_decline"),
]

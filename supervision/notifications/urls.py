"""A member of staff's notifications (included under /notifications/ by agency.urls)."""

from django.urls import path

from supervision.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]

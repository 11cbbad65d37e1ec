"""The browser session's own endpoint: "Stay signed in" from the idle warning (agency.views)."""

from django.urls import path

from agency import views

urlpatterns = [
    path("keepalive/", views.session_keepalive, name="session_keepalive"),
]

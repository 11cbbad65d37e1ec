"""``/api/v1/``: one router for the resources of every app, plus ``me/``."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from agency.api import views
from offenders.api.urls import router as offenders_router
from supervision.api.urls import router as supervision_router

router = DefaultRouter()
router.register("courts", views.CourtViewSet, basename="court")
router.register("parole-boards", views.ParoleBoardViewSet, basename="parole-board")
router.register("units", views.UnitViewSet, basename="unit")
router.register("officers", views.OfficerViewSet, basename="officer")
router.registry.extend(offenders_router.registry)
router.registry.extend(supervision_router.registry)

app_name = "api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]

"""``/api/v1/``: one router for the resources of every app, plus ``me/``. The apps' routers are handed in by
the URL composition root (``agency/urls.py``): the platform imports no domain app here."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import BaseRouter, DefaultRouter

from agency.api import views


def api_router(*app_routers: BaseRouter) -> DefaultRouter:
    """The agency's resources (courts, boards, units, officers) and those of ``app_routers``, in one router
    (one browsable root, one schema)."""
    router = DefaultRouter()
    router.register("courts", views.CourtViewSet, basename="court")
    router.register("parole-boards", views.ParoleBoardViewSet, basename="parole-board")
    router.register("units", views.UnitViewSet, basename="unit")
    router.register("officers", views.OfficerViewSet, basename="officer")
    for app_router in app_routers:
        router.registry.extend(app_router.registry)
    return router


def api_patterns(router: DefaultRouter) -> tuple[list[URLPattern | URLResolver], str]:
    """The API's URL patterns and their namespace, for ``include()``."""
    return [path("me/", views.MeView.as_view(), name="me"), *router.urls], "api"

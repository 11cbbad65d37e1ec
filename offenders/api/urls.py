from rest_framework.routers import DefaultRouter

from offenders.api import views

router = DefaultRouter()
router.register("offenders", views.OffenderViewSet, basename="offender")

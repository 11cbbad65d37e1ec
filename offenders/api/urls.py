from rest_framework.routers import DefaultRouter

from offenders.api import record, views

router = DefaultRouter()
router.register("offenders", views.OffenderViewSet, basename="offender")
# A person's record (issue 15, item 2): scoped as the people are.
router.register("addresses", record.AddressViewSet, basename="address")
router.register("employments", record.EmploymentViewSet, basename="employment")
router.register("phones", record.PhoneViewSet, basename="phone")
router.register("emergency-contacts", record.EmergencyContactViewSet, basename="emergency-contact")
router.register("aliases", record.AliasViewSet, basename="alias")

from rest_framework.routers import DefaultRouter

from supervision.api import cases, conditions, lifecycle, risk, views

router = DefaultRouter()
router.register("supervisions", cases.SupervisionViewSet, basename="supervision")
router.register("conditions", conditions.ConditionViewSet, basename="condition")
router.register("check-ins", views.CheckInViewSet, basename="check-in")
router.register("drug-tests", views.DrugTestViewSet, basename="drug-test")
router.register("case-notes", views.CaseNoteViewSet, basename="case-note")
router.register("violations", views.ViolationViewSet, basename="violation")
router.register("violation-reports", views.ViolationReportViewSet, basename="violation-report")
router.register("closure-requests", lifecycle.ClosureRequestViewSet, basename="closure-request")
router.register("risk-assessments", risk.RiskAssessmentViewSet, basename="risk-assessment")

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from supervision.choices import (
    CheckInKind,
    CheckInStatus,
    ConditionCategory,
    DrugTestResult,
    ReportRecommendation,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
)
from supervision.models import (
    CheckIn,
    Condition,
    ConditionType,
    ContactStandard,
    DrugTest,
    Supervision,
    Violation,
    ViolationReport,
)
from tests.agency.factories import CourtFactory, OfficerFactory, ParoleBoardFactory
from tests.offenders.factories import OffenderFactory


class SupervisionFactory(DjangoModelFactory):
    """Probation by default; ``ParoleSupervisionFactory`` for parole."""

    class Meta:
        model = Supervision

    offender = factory.SubFactory(OffenderFactory)
    supervision_type = SupervisionType.PROBATION
    court = factory.SubFactory(CourtFactory)
    parole_board = None
    docket_number = factory.Sequence(lambda n: f"CR-2025-{n:05d}")
    offense = "Theft"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=180))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=540))
    status = SupervisionStatus.ACTIVE
    level = SupervisionLevel.MEDIUM
    officer = factory.SubFactory(OfficerFactory)
    unit = factory.LazyAttribute(lambda s: s.officer.unit)


class ParoleSupervisionFactory(SupervisionFactory):
    supervision_type = SupervisionType.PAROLE
    court = None
    parole_board = factory.SubFactory(ParoleBoardFactory)
    docket_number = factory.Sequence(lambda n: f"P-{n:06d}")


class ContactStandardFactory(DjangoModelFactory):
    class Meta:
        model = ContactStandard
        django_get_or_create = ("level",)

    level = SupervisionLevel.MEDIUM
    check_in_interval_days = 14
    window_days = 3
    check_in_kind = CheckInKind.OFFICE


class ConditionTypeFactory(DjangoModelFactory):
    class Meta:
        model = ConditionType

    code = factory.Sequence(lambda n: f"condition-{n}")
    name = factory.Sequence(lambda n: f"Condition {n}")
    category = ConditionCategory.STANDARD


class ConditionFactory(DjangoModelFactory):
    class Meta:
        model = Condition

    supervision = factory.SubFactory(SupervisionFactory)
    condition_type = factory.SubFactory(ConditionTypeFactory)
    imposed_on = factory.LazyAttribute(lambda c: c.supervision.start_date)


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    supervision = factory.SubFactory(SupervisionFactory)
    kind = CheckInKind.OFFICE
    window_start = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    due_at = factory.LazyAttribute(lambda c: c.window_start + datetime.timedelta(days=3))
    status = CheckInStatus.SCHEDULED


class DrugTestFactory(DjangoModelFactory):
    class Meta:
        model = DrugTest

    supervision = factory.SubFactory(SupervisionFactory)
    collected_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    result = DrugTestResult.NEGATIVE
    recorded_by = factory.LazyAttribute(lambda t: t.supervision.officer)


class ViolationFactory(DjangoModelFactory):
    class Meta:
        model = Violation

    supervision = factory.SubFactory(SupervisionFactory)
    kind = ViolationKind.TECHNICAL
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    description = "Failed to report as directed."
    recorded_by = factory.LazyAttribute(lambda v: v.supervision.officer)


class ViolationReportFactory(DjangoModelFactory):
    class Meta:
        model = ViolationReport
        skip_postgeneration_save = True

    supervision = factory.SubFactory(SupervisionFactory)
    narrative = "The supervisee failed to report twice and tested positive."
    recommendation = ReportRecommendation.MODIFY_CONDITIONS
    author = factory.LazyAttribute(lambda r: r.supervision.officer)

    @factory.post_generation
    def violations(self, create, extracted, **kwargs):
        if not create:
            return
        self.violations.set(extracted if extracted is not None else [ViolationFactory(supervision=self.supervision)])

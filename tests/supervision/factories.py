import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from supervision.choices import (
    CheckInKind,
    CheckInStatus,
    ConditionCategory,
    DrugTestResult,
    ReferralKind,
    ReportRecommendation,
    ReportStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    Condition,
    ConditionType,
    ContactStandard,
    DrugTest,
    Referral,
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
        django_get_or_create = ("level", "supervision_type", "status")

    level = SupervisionLevel.MEDIUM
    supervision_type = SupervisionType.PROBATION
    status = SupervisionStatus.ACTIVE
    check_in_interval_days = 14
    window_days = 3
    # As the migration set the existing standards: the first check-in is due as any other.
    initial_contact_days = factory.LazyAttribute(lambda s: max(1, min(s.window_days, s.check_in_interval_days)))
    check_in_kind = CheckInKind.OFFICE


class ParoleContactStandardFactory(ContactStandardFactory):
    supervision_type = SupervisionType.PAROLE


class InactiveContactStandardFactory(ContactStandardFactory):
    """The inactive (non-reporting) probation standard: a record check by the officer."""

    status = SupervisionStatus.INACTIVE
    check_in_interval_days = 90
    window_days = 14
    check_in_kind = CheckInKind.RECORD_CHECK


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


# Set after the report's violations (see ViolationReportFactory._create).
REPORT_LIFECYCLE_FIELDS = {
    *("status", "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "court", "parole_board"),
    *("received_at", "received_by", "hearing_at", "hearing_location", "disposition", "disposition_on"),
    "disposition_note",
}


class ViolationReportFactory(DjangoModelFactory):
    class Meta:
        model = ViolationReport
        skip_postgeneration_save = True

    supervision = factory.SubFactory(SupervisionFactory)
    narrative = "The supervisee failed to report twice and tested positive."
    recommendation = ReportRecommendation.MODIFY_CONDITIONS
    author = factory.LazyAttribute(lambda r: r.supervision.officer)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Written in the order the services write a report: a draft, its violations linked while it is a
        draft (the database refuses to change the violations of a submitted report), then the status and
        the lifecycle's fields asked for (``violations`` below)."""
        lifecycle = {name: kwargs.pop(name) for name in list(kwargs) if name in REPORT_LIFECYCLE_FIELDS}
        report = super()._create(model_class, *args, **kwargs)
        report._factory_lifecycle = lifecycle
        return report

    @factory.post_generation
    def violations(self, create, extracted, **kwargs):
        if not create:
            return
        self.violations.set(extracted if extracted is not None else [ViolationFactory(supervision=self.supervision)])
        self.editors.add(self.author)
        lifecycle = self.__dict__.pop("_factory_lifecycle", {})
        if lifecycle:
            for name, value in lifecycle.items():
                setattr(self, name, value)
            self.save()
        if self.status == ReportStatus.RETURNED:  # a returned report frees its violations, as its service does
            self.violation_links.update(live=False)


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    supervision = factory.SubFactory(SupervisionFactory)
    kind = ReferralKind.HOUSING
    provider = "Hope Housing Services"
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    status_changed_on = factory.LazyAttribute(lambda r: r.referred_on)
    referred_by = factory.LazyAttribute(lambda r: r.supervision.officer)


class CaseNoteFactory(DjangoModelFactory):
    class Meta:
        model = CaseNote

    supervision = factory.SubFactory(SupervisionFactory)
    author = factory.LazyAttribute(lambda n: n.supervision.officer)
    body = "Discussed job search; has an interview on Thursday."

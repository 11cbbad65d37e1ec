"""Supervisions, their conditions (and the community service hours logged against one) and the contact
standards that set how often a case is seen."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from supervision import bounds
from supervision.bounds import (
    NOTE_MAX_LENGTH,
    ORDER_REFERENCE_MAX_LENGTH,
    bounded_text_field,
)
from supervision.choices import (
    CheckInKind,
    ClosureReason,
    ComplianceStatus,
    ConditionAppliesTo,
    ConditionCategory,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
)

USER = settings.AUTH_USER_MODEL


class Supervision(models.Model):
    """One term of parole (authority: a parole board) or probation (authority: the sentencing court)."""

    offender = models.ForeignKey("offenders.Offender", on_delete=models.PROTECT, related_name="supervisions")
    supervision_type = models.CharField(max_length=16, choices=SupervisionType.choices)
    court = models.ForeignKey(
        "agency.Court",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
        help_text="Probation only: the sentencing court.",
    )
    parole_board = models.ForeignKey(
        "agency.ParoleBoard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
        help_text="Parole only: the releasing parole board.",
    )
    docket_number = models.CharField(
        max_length=60, help_text="Court docket number (probation) or parole number (parole)."
    )
    offense = models.CharField("offence", max_length=300)
    start_date = models.DateField()
    end_date = models.DateField(help_text="Expected end of the term.")
    status = models.CharField(max_length=16, choices=SupervisionStatus.choices, default=SupervisionStatus.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices, blank=True)
    level = models.CharField(max_length=16, choices=SupervisionLevel.choices, default=SupervisionLevel.MEDIUM)
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="caseload")
    unit = models.ForeignKey("agency.Unit", on_delete=models.PROTECT, related_name="supervisions")
    # A restricted case (a staff member's relative, a high-profile case) is seen only by its officer, its
    # unit's supervisors and the staff named in its access grants (supervision.access; models.restriction).
    # db_default: the demo seeder's COPY names only the columns it writes
    is_restricted = models.BooleanField("restricted", default=False, db_default=False)
    restriction_reason = models.CharField(max_length=300, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="supervision_authority_matches_type",
                condition=(
                    Q(supervision_type=SupervisionType.PROBATION, court__isnull=False, parole_board__isnull=True)
                    | Q(supervision_type=SupervisionType.PAROLE, parole_board__isnull=False, court__isnull=True)
                ),
                violation_error_message=(
                    "Probation needs its sentencing court and no parole board; "
                    "parole needs its parole board and no court."
                ),
            ),
            models.CheckConstraint(
                name="supervision_parole_never_inactive",
                condition=~Q(supervision_type=SupervisionType.PAROLE, status=SupervisionStatus.INACTIVE),
                violation_error_message="Parole is always active supervision: it cannot be inactive.",
            ),
            models.CheckConstraint(
                name="supervision_closure_reason_iff_closed",
                condition=(Q(status=SupervisionStatus.CLOSED, closed_on__isnull=False) & ~Q(closure_reason=""))
                | (~Q(status=SupervisionStatus.CLOSED) & Q(closure_reason="", closed_on__isnull=True)),
                violation_error_message="A closed supervision needs a closure date and reason; an open one has neither.",  # noqa: E501
            ),
            models.CheckConstraint(
                name="supervision_restricted_with_reason",
                condition=Q(is_restricted=False, restriction_reason="")
                | (Q(is_restricted=True) & ~Q(restriction_reason="")),
                violation_error_message="A restricted case needs the reason; an unrestricted one has none.",
            ),
            models.CheckConstraint(
                name="supervision_end_after_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_supervision_type_display()} {self.docket_number}"

    def clean(self) -> None:
        bounds.raise_errors(bounds.supervision_errors(self))


class ConditionType(models.Model):
    """The condition catalogue: what a court or board can order."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    category = models.CharField(max_length=16, choices=ConditionCategory.choices)
    applies_to = models.CharField(max_length=16, choices=ConditionAppliesTo.choices, default=ConditionAppliesTo.BOTH)
    tracks_hours = models.BooleanField(default=False, help_text="Community service: hours are ordered and logged.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Condition(models.Model):
    """A condition imposed on one supervision by an order of its authority (the sentencing court or the parole
    board), modified and ended by later orders (supervision.services.conditions): ``order_date`` and
    ``order_reference`` name the order behind the condition as it stands, and its history keeps every earlier
    wording with the order that gave it. ``compliance_status`` is what an officer records (in progress,
    satisfied, waived …); what every page, the PDF and the API show is the derived state of
    ``supervision.compliance``: *violated* while a live violation cites the condition."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="conditions")
    condition_type = models.ForeignKey(ConditionType, on_delete=models.PROTECT, related_name="conditions")
    details = bounded_text_field(NOTE_MAX_LENGTH, blank=True, help_text="The wording of the order, e.g. curfew hours.")
    compliance_status = models.CharField(
        max_length=16, choices=ComplianceStatus.choices, default=ComplianceStatus.COMPLIANT
    )
    hours_required = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    hours_completed = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    imposed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    order_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the order the condition stands on (its imposition, last "
        "modification or ending); empty for a condition recorded before orders were.",
    )
    order_reference = models.CharField(
        max_length=ORDER_REFERENCE_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",  # the demo's seeder copies conditions with the columns it names
        help_text="The order's reference, e.g. its docket entry.",
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["imposed_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="condition_hours_not_negative",
                condition=Q(hours_completed__gte=0) & (Q(hours_required__isnull=True) | Q(hours_required__gte=0)),
                violation_error_message="Hours cannot be negative.",
            ),
            models.CheckConstraint(
                name="condition_ends_after_imposed",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("imposed_on")),
                violation_error_message="A condition cannot end before it was imposed.",
            ),
            models.CheckConstraint(
                name="condition_violated_is_derived",
                condition=~Q(compliance_status=ComplianceStatus.VIOLATED),
                violation_error_message="“Violated” follows from the condition's live violations: it is never "
                "recorded by hand.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition_type} ({self.get_compliance_status_display()})"

    def clean(self) -> None:
        bounds.raise_errors(bounds.condition_errors(self))

    def get_derived_compliance_display(self) -> str:
        """The label of the derived state: the condition must come from ``supervision.compliance``'s
        ``conditions_with_compliance`` (an AttributeError otherwise: no page shows the stored state instead)."""
        return ComplianceStatus(getattr(self, "derived_compliance")).label  # noqa: B009 (an annotation)


class CommunityServiceEntry(models.Model):
    """Hours of community service worked towards a condition."""

    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="service_entries")
    performed_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text="Hours worked that day: a quarter of an hour to 24.",
    )
    organisation = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "community service entries"
        ordering = ["-performed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="community_service_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message="Hours worked must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h at {self.organisation} on {self.performed_on}"

    def clean(self) -> None:
        bounds.raise_errors(bounds.community_service_errors(self))


class ContactStandard(models.Model):
    """How often a case of one supervision level, type and status is seen: its regular contacts (every
    ``check_in_interval_days``, each window open ``window_days``), the deadline of the first contact after
    the case opens and, when set, home visits at their own interval. Only active and inactive (non-reporting)
    cases have a standard: absconded, wanted, closed (and any other stood-down) cases have no schedule.
    Parole is always active: there is no inactive parole standard. How the scheduler uses it:
    supervision.services.check_ins (docs/contact-standards.md)."""

    # The two statuses a case is planned in, named one by one (a status added later stands down until it is
    # added here on purpose).
    PLANNED_STATUSES = (SupervisionStatus.ACTIVE, SupervisionStatus.INACTIVE)

    level = models.CharField(max_length=16, choices=SupervisionLevel.choices)
    supervision_type = models.CharField(max_length=16, choices=SupervisionType.choices)
    status = models.CharField(
        max_length=16,
        choices=[(status.value, status.label) for status in PLANNED_STATUSES],
        default=SupervisionStatus.ACTIVE,
        help_text="Active, or inactive (non-reporting, probation only).",
    )
    check_in_interval_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Days between scheduled contacts."
    )
    window_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Days each contact's window stays open; no longer than the interval.",
    )
    initial_contact_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text=(
            "Days from the start of the case by which the first contact is due: the first window opens on the "
            "start day and closes this many days later. At least 1, no longer than the interval."
        ),
    )
    check_in_kind = models.CharField(
        max_length=16,
        choices=CheckInKind.choices,
        default=CheckInKind.OFFICE,
        help_text="The regular contact. A record check (done by the officer) only for an inactive standard.",
    )
    home_visit_interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=(
            "Days between home visits, planned besides the regular contacts (the first one interval after the "
            "start); empty for none."
        ),
    )

    class Meta:
        ordering = ["supervision_type", "status", "check_in_interval_days", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "supervision_type", "status"],
                name="contact_standard_one_per_level_type_status",
                violation_error_message="There is already a contact standard for this level, type and status.",
            ),
            models.CheckConstraint(
                name="contact_standard_window_within_interval",
                condition=Q(window_days__gte=1) & Q(window_days__lte=F("check_in_interval_days")),
                violation_error_message="The window must be at least one day and no longer than the interval.",
            ),
            models.CheckConstraint(
                name="contact_standard_initial_contact_within_interval",
                condition=Q(initial_contact_days__gte=1) & Q(initial_contact_days__lte=F("check_in_interval_days")),
                violation_error_message=(
                    "The first contact's deadline must be at least one day and no longer than the interval."
                ),
            ),
            models.CheckConstraint(
                name="contact_standard_home_visit_interval_positive",
                condition=Q(home_visit_interval_days__isnull=True) | Q(home_visit_interval_days__gte=1),
                violation_error_message="Home visits need an interval of at least one day, or none.",
            ),
            models.CheckConstraint(
                name="contact_standard_planned_status",
                condition=Q(status__in=[SupervisionStatus.ACTIVE, SupervisionStatus.INACTIVE]),
                violation_error_message="A contact standard is for active or inactive cases.",
            ),
            models.CheckConstraint(
                name="contact_standard_parole_always_active",
                condition=~Q(supervision_type=SupervisionType.PAROLE, status=SupervisionStatus.INACTIVE),
                violation_error_message="Parole is always active supervision: it has no inactive standard.",
            ),
            models.CheckConstraint(
                name="contact_standard_record_check_when_inactive",
                condition=~Q(check_in_kind=CheckInKind.RECORD_CHECK) | Q(status=SupervisionStatus.INACTIVE),
                violation_error_message="A record check is the contact of an inactive (non-reporting) case only.",
            ),
            models.CheckConstraint(
                name="contact_standard_home_visit_one_series",
                condition=~Q(check_in_kind=CheckInKind.HOME_VISIT) | Q(home_visit_interval_days__isnull=True),
                violation_error_message=(
                    "The regular contact is already a home visit: leave the home visit interval empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_level_display()} {self.get_supervision_type_display().lower()}, "
            f"{self.get_status_display().lower()}: every {self.check_in_interval_days} days"
        )

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        interval = self.check_in_interval_days
        if interval and self.window_days and self.window_days > interval:
            errors.setdefault("window_days", []).append("The window must be no longer than the interval.")
        if interval and self.initial_contact_days and self.initial_contact_days > interval:
            errors.setdefault("initial_contact_days", []).append(
                "The first contact's deadline must be no longer than the interval."
            )
        if self.supervision_type == SupervisionType.PAROLE and self.status == SupervisionStatus.INACTIVE:
            errors.setdefault("status", []).append("Parole is always active supervision: it has no inactive standard.")
        if self.check_in_kind == CheckInKind.RECORD_CHECK and self.status != SupervisionStatus.INACTIVE:
            errors.setdefault("check_in_kind", []).append("A record check is the contact of an inactive case only.")
        if self.check_in_kind == CheckInKind.HOME_VISIT and self.home_visit_interval_days is not None:
            errors.setdefault("home_visit_interval_days", []).append(
                "The regular contact is already a home visit: leave this empty."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def contact_kinds(self) -> frozenset[str]:
        """The kinds of check-in this standard plans."""
        kinds = {self.check_in_kind}
        if self.home_visit_interval_days:
            kinds.add(CheckInKind.HOME_VISIT)
        return frozenset(kinds)

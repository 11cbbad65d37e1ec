"""The cases: supervisions, conditions, contact standards, check-ins, drug tests, notes, referrals,
violations, violation reports and their deliveries. Business rules live in ``services.py``."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from supervision import bounds
from supervision.bounds import (
    CASE_NOTE_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    bounded_text_field,
)
from supervision.choices import (
    REPORT_STATUSES_WITH_AUTHORITY,
    CheckInKind,
    CheckInOrigin,
    CheckInStatus,
    ClosureReason,
    ComplianceStatus,
    ConditionAppliesTo,
    ConditionCategory,
    DeliveryStatus,
    Disposition,
    DrugTestReason,
    DrugTestResult,
    LabConfirmation,
    ReferralKind,
    ReferralStatus,
    ReportRecommendation,
    ReportStatus,
    Specimen,
    Substance,
    SubstanceResult,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
    ViolationStatus,
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
    """A condition imposed on one supervision, with its compliance status."""

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
        ]

    def __str__(self) -> str:
        return f"{self.condition_type} ({self.get_compliance_status_display()})"

    def clean(self) -> None:
        bounds.raise_errors(bounds.condition_errors(self))


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
    """How often a person at a supervision level must check in, and how long each window stays open."""

    level = models.CharField(max_length=16, choices=SupervisionLevel.choices, unique=True)
    check_in_interval_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Days between scheduled check-ins."
    )
    window_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="Days the person has to complete each check-in."
    )
    check_in_kind = models.CharField(max_length=16, choices=CheckInKind.choices, default=CheckInKind.OFFICE)
    home_visit_interval_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days between home visits; empty for none."
    )

    class Meta:
        ordering = ["check_in_interval_days"]
        constraints = [
            models.CheckConstraint(
                name="contact_standard_window_within_interval",
                condition=Q(window_days__gte=1) & Q(window_days__lte=F("check_in_interval_days")),
                violation_error_message="The window must be at least one day and no longer than the interval.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: every {self.check_in_interval_days} days"


class CheckIn(models.Model):
    """A contact the person must make (scheduled) or an officer made (unscheduled)."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="check_ins")
    kind = models.CharField(max_length=16, choices=CheckInKind.choices, default=CheckInKind.OFFICE)
    origin = models.CharField(max_length=16, choices=CheckInOrigin.choices, default=CheckInOrigin.SCHEDULED)
    window_start = models.DateTimeField(help_text="The window opens.")
    due_at = models.DateTimeField(help_text="The window closes: uncompleted after this, the check-in is missed.")
    status = models.CharField(max_length=16, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED)
    completed_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    notes = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    excuse_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            # The missed check-in sweep reads only scheduled check-ins by closing time.
            models.Index(fields=["due_at"], condition=Q(status="scheduled"), name="check_in_open_due_idx"),
            models.Index(fields=["supervision", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="check_in_window_order",
                condition=Q(due_at__gt=F("window_start")),
                violation_error_message="The window must close after it opens.",
            ),
            models.CheckConstraint(
                name="check_in_completed_has_time",
                condition=~Q(status=CheckInStatus.COMPLETED) | Q(completed_at__isnull=False),
                violation_error_message="A completed check-in needs the time it happened.",
            ),
            models.CheckConstraint(
                name="check_in_excused_has_reason",
                condition=~Q(status=CheckInStatus.EXCUSED) | ~Q(excuse_reason=""),
                violation_error_message="An excused check-in needs a reason.",
            ),
            models.UniqueConstraint(
                fields=["supervision", "kind", "window_start"],
                condition=Q(origin="scheduled"),
                name="check_in_scheduled_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d} ({self.get_status_display()})"

    def clean(self) -> None:
        bounds.raise_errors(bounds.check_in_errors(self))


class DrugTest(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="drug_tests")
    reason = models.CharField(max_length=16, choices=DrugTestReason.choices, default=DrugTestReason.RANDOM)
    specimen = models.CharField(max_length=16, choices=Specimen.choices, default=Specimen.URINE)
    panel = models.CharField(max_length=100, default="10-panel", help_text="The test panel used.")
    collected_at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=DrugTestResult.choices)
    lab_confirmation = models.CharField(
        max_length=16, choices=LabConfirmation.choices, default=LabConfirmation.NOT_REQUESTED
    )
    lab_name = models.CharField(max_length=200, blank=True)
    notes = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-collected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_specimen_display()} test {self.collected_at:%Y-%m-%d}: {self.get_result_display()}"

    def clean(self) -> None:
        bounds.raise_errors(bounds.drug_test_errors(self))


class DrugTestSubstanceResult(models.Model):
    drug_test = models.ForeignKey(DrugTest, on_delete=models.PROTECT, related_name="substance_results")
    substance = models.CharField(max_length=24, choices=Substance.choices)
    result = models.CharField(max_length=16, choices=SubstanceResult.choices)
    level_ng_ml = models.DecimalField(
        "level (ng/mL)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["substance"]
        constraints = [
            models.UniqueConstraint(fields=["drug_test", "substance"], name="drug_test_substance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.get_result_display()}"


class CaseNote(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="case_notes")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = bounded_text_field(CASE_NOTE_MAX_LENGTH)
    is_voided = models.BooleanField(default=False, help_text="Voided notes stay on record, struck through.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.created_at:%Y-%m-%d}"

    def clean(self) -> None:
        bounds.raise_errors(bounds.case_note_errors(self))


class Referral(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=24, choices=ReferralKind.choices)
    provider = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    referred_on = models.DateField()
    status_changed_on = models.DateField()
    notes = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.provider} ({self.get_status_display()})"

    def clean(self) -> None:
        bounds.raise_errors(bounds.referral_errors(self))


class Violation(models.Model):
    """A missed check-in, a failed drug test, a broken condition or a new offence."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="violations")
    kind = models.CharField(max_length=16, choices=ViolationKind.choices)
    severity = models.CharField(max_length=8, choices=ViolationSeverity.choices, default=ViolationSeverity.MEDIUM)
    status = models.CharField(max_length=16, choices=ViolationStatus.choices, default=ViolationStatus.OPEN)
    occurred_on = models.DateField()
    description = bounded_text_field(NOTE_MAX_LENGTH)
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="violations")
    drug_test = models.ForeignKey(DrugTest, null=True, blank=True, on_delete=models.PROTECT, related_name="violations")
    condition = models.ForeignKey(
        Condition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        help_text="The condition broken, where one is.",
    )
    response = bounded_text_field(NOTE_MAX_LENGTH, blank=True, help_text="The graduated response, where one was given.")
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when a background job opened it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # One violation per missed check-in and per failed test, however often a job runs.
            models.UniqueConstraint(
                fields=["check_in"],
                condition=Q(check_in__isnull=False),
                name="violation_one_per_check_in",
                violation_error_message="This check-in already has its violation.",
            ),
            models.UniqueConstraint(
                fields=["drug_test"],
                condition=Q(drug_test__isnull=False),
                name="violation_one_per_drug_test",
                violation_error_message="This drug test already has its violation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} violation on {self.occurred_on} ({self.get_status_display()})"

    def clean(self) -> None:
        bounds.raise_errors(bounds.violation_errors(self))


# A report's content is written while it is a draft, or back with its author after a return; from its
# submission on it never changes (corrections are new reports). The services refuse it (409), the model
# refuses it (``ViolationReport.save``/``clean``) and so does the database, whatever path writes (the
# triggers of migration 0006: a bulk update, raw SQL, an admin's history revert, the violations' links).
REPORT_EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REPORT_CONTENT_FIELDS = ("supervision", "author", "narrative", "recommendation")  # and the violations


class ViolationReport(models.Model):
    """A written violation report: drafted by the officer, approved by the supervisor, then routed to
    the supervision's authority (the sentencing court for probation, the parole board for parole)."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="violation_reports")
    violations = models.ManyToManyField(Violation, related_name="reports", through="ReportViolation")
    narrative = bounded_text_field(NARRATIVE_MAX_LENGTH)
    recommendation = models.CharField(max_length=24, choices=ReportRecommendation.choices)
    status = models.CharField(max_length=24, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="authored_reports")
    editors = models.ManyToManyField(
        USER,
        blank=True,
        related_name="edited_reports",
        help_text="Everyone who wrote any of its content: the author, and anyone who edited it. None of them may "
        "review it.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_reports"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = bounded_text_field(
        COMMENT_MAX_LENGTH, blank=True, help_text="The supervisor's comments when returning it."
    )
    # The authority, fixed at approval from the supervision (see services.supervision_authority).
    court = models.ForeignKey(
        "agency.Court", null=True, blank=True, on_delete=models.PROTECT, related_name="violation_reports"
    )
    parole_board = models.ForeignKey(
        "agency.ParoleBoard", null=True, blank=True, on_delete=models.PROTECT, related_name="violation_reports"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hearing_at = models.DateTimeField(null=True, blank=True)
    hearing_location = models.CharField(max_length=200, blank=True)
    disposition = models.CharField(max_length=24, choices=Disposition.choices, blank=True)
    disposition_on = models.DateField(null=True, blank=True)
    disposition_note = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["court", "status"]),
            models.Index(fields=["parole_board", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="report_one_authority_once_approved",
                condition=(
                    Q(status__in=REPORT_STATUSES_WITH_AUTHORITY)
                    & (
                        Q(court__isnull=False, parole_board__isnull=True)
                        | Q(court__isnull=True, parole_board__isnull=False)
                    )
                )
                | (~Q(status__in=REPORT_STATUSES_WITH_AUTHORITY) & Q(court__isnull=True, parole_board__isnull=True)),
                violation_error_message="An approved report has exactly one authority; a draft has none yet.",
            ),
            models.CheckConstraint(
                name="report_disposition_iff_disposed",
                condition=(Q(status=ReportStatus.DISPOSED) & ~Q(disposition="") & Q(disposition_on__isnull=False))
                | (~Q(status=ReportStatus.DISPOSED) & Q(disposition="")),
                violation_error_message="A disposed report needs its disposition and date; others have none.",
            ),
        ]

    def __str__(self) -> str:
        return f"Violation report #{self.pk} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        content = {*REPORT_CONTENT_FIELDS, *(f"{name}_id" for name in REPORT_CONTENT_FIELDS)}
        if update_fields is None or content.intersection(update_fields):
            self._refuse_filed_content_change()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        bounds.raise_errors(bounds.violation_report_errors(self))
        self._refuse_filed_content_change()

    def editors_besides_author(self) -> list:
        """Who else wrote any of its content, by user id (from a prefetch of ``editors`` when
        there is one): shown beside the author on its page, in its PDF and in the API."""
        return sorted((user for user in self.editors.all() if user.pk != self.author_id), key=lambda user: user.pk)

    def _refuse_filed_content_change(self) -> None:
        """A report submitted (or further on) keeps the content it was submitted with: one query for the
        stored row, and a field error for each part of the content that differs from it."""
        if self._state.adding or self.pk is None:
            return
        attnames = [self._meta.get_field(name).attname for name in REPORT_CONTENT_FIELDS]
        stored = ViolationReport.objects.filter(pk=self.pk).values("status", *attnames).first()
        if stored is None or stored["status"] in REPORT_EDITABLE_STATUSES:
            return
        status = ReportStatus(stored["status"]).label.lower()
        message = (
            f"A violation report's content never changes once it is submitted (this one is {status}): write a new "
            "report to correct it."
        )
        changed = {
            name: message
            for name, attname in zip(REPORT_CONTENT_FIELDS, attnames, strict=True)
            if getattr(self, attname) != stored[attname]
        }
        if changed:
            raise ValidationError(changed)


class ReportViolation(models.Model):
    """A violation in a report. ``live`` while the report holds the violation: a violation is in at most one
    live report (``violation_in_one_live_report``), so no two filings ever reach an authority with it.
    A draft, a submitted report and an approved one (and every status after it) hold their violations; a
    returned report frees them (its links stay, not live), so another report may take them while its author
    revises it, and its author's next edit or submission takes back those still free (the others are named,
    with the report holding them). There is no "withdrawn" status today; one would free them the same way.
    A link is also not live when another report held the violation first (two reports over one violation
    from before the constraint: migration 0006 left it to the report furthest on). Once the report is
    submitted its links are never added, removed or moved (a database trigger); ``live`` alone changes."""

    report = models.ForeignKey(ViolationReport, on_delete=models.PROTECT, related_name="violation_links")
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="report_links")
    live = models.BooleanField(default=True, help_text="Whether the report holds the violation.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "violation"],
                name="report_violation_once",
                violation_error_message="This violation is in this report already.",
            ),
            models.UniqueConstraint(
                fields=["violation"],
                condition=Q(live=True),
                name="violation_in_one_live_report",
                violation_error_message="This violation is already in another report.",
            ),
        ]

    def __str__(self) -> str:
        return f"Violation #{self.violation_id} in report #{self.report_id}{'' if self.live else ' (not held)'}"


class ReportDelivery(models.Model):
    """The delivery of an approved report to its authority: recorded with the approval, done by a job."""

    report = models.ForeignKey(ViolationReport, on_delete=models.PROTECT, related_name="deliveries")
    court = models.ForeignKey("agency.Court", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    parole_board = models.ForeignKey(
        "agency.ParoleBoard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Each channel is done once: a webhook retry does not email the authority again.
    emailed_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failure, the periodic sweep retries from this time (backoff)."
    )

    class Meta:
        verbose_name_plural = "report deliveries"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], condition=~Q(status="delivered"), name="delivery_undelivered_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="delivery_one_authority",
                condition=Q(court__isnull=False, parole_board__isnull=True)
                | Q(court__isnull=True, parole_board__isnull=False),
                violation_error_message="A delivery goes to exactly one court or parole board.",
            ),
            models.UniqueConstraint(
                fields=["report", "court"], condition=Q(court__isnull=False), name="delivery_once_per_court"
            ),
            models.UniqueConstraint(
                fields=["report", "parole_board"],
                condition=Q(parole_board__isnull=False),
                name="delivery_once_per_board",
            ),
            models.CheckConstraint(
                name="delivery_delivered_has_time",
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                violation_error_message="A delivered report needs its delivery time.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Delivery of report #{self.report_id} to {self.court or self.parole_board} ({self.get_status_display()})"
        )


# --- Background jobs: notifications and the keys that make periodic work idempotent -------------------


class NotificationKind(models.TextChoices):
    MISSED_CHECK_IN = "missed_check_in", "Missed check-in"
    POSSIBLE_ABSCONDER = "possible_absconder", "Possible absconder"
    REPORT_DISPOSED = "report_disposed", "Violation report disposed"


class Notification(models.Model):
    """An in-app notification for a member of staff. ``key`` makes each one unique: a job that runs
    twice (or two workers at once) creates it once."""

    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(ViolationReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120, unique=True, help_text="Idempotency key, e.g. missed_check_in:42.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}: {self.message}"


class CheckInPlan(models.Model):
    """The supervision level a case's check-ins were last planned for: when the level changes, the
    nightly scheduler excuses the old standard's future check-ins and plans the new standard."""

    supervision = models.OneToOneField(Supervision, on_delete=models.PROTECT, related_name="check_in_plan")
    level = models.CharField(max_length=16, choices=SupervisionLevel.choices)
    planned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Check-ins of supervision {self.supervision_id} planned for {self.level}"


class ReminderStatus(models.TextChoices):
    SENT = "sent", "Sent"
    NO_ADDRESS = "no_address", "Not sent: no address for the channel"


class ReminderDelivery(models.Model):
    """One reminder of an upcoming check-in sent to the person: at most one per check-in."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="reminder")
    channel = models.CharField(max_length=32, help_text="The sender's channel: email, sms, console …")
    status = models.CharField(max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Reminder for check-in {self.check_in_id} ({self.channel}, {self.status})"


class DigestDelivery(models.Model):
    """The daily digest sent to a unit supervisor: at most one per supervisor and day."""

    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("agency.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    counts = models.JSONField(default=dict)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "digest deliveries"
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "unit", "day"], name="digest_once_per_supervisor_unit_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day} for {self.supervisor_id}"

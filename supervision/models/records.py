"""What happens on a case: check-ins, drug tests and their substances, case notes, referrals."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from supervision import bounds
from supervision.bounds import (
    CASE_NOTE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    bounded_text_field,
)
from supervision.choices import (
    CheckInKind,
    CheckInOrigin,
    CheckInStatus,
    DrugTestReason,
    DrugTestResult,
    LabConfirmation,
    ReferralKind,
    ReferralStatus,
    Specimen,
    Substance,
    SubstanceResult,
)
from supervision.models.cases import USER, Supervision
from supervision.windows import window_last_day


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
        return f"{self.get_kind_display()} due by {window_last_day(self.due_at):%Y-%m-%d} ({self.get_status_display()})"

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

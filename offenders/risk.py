"""Risk instruments as configuration, the answers an assessment gave, and an officer's override of the level an
assessment suggests (pending until a supervisor of the unit decides it).

An instrument is reference data an administrator keeps in the Django admin: its items in order, each item's
answers with their scores, and the cut-offs from a total score to a risk level and the supervision level the
agency applies at that risk. The assessments recorded before instruments were configuration keep their
``instrument`` choice (``offenders.choices.RiskInstrument``); a new one names its configured instrument
(``RiskAssessment.tool``). Recording an assessment and deciding an override: ``supervision.services.risk``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from offenders.bounds import NOTE_MAX_LENGTH, bounded_text_field
from offenders.choices import RiskLevel
from supervision.choices import SupervisionLevel


class LevelOverrideStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the supervisor"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AssessmentInstrument(models.Model):
    """A risk and needs instrument the agency uses: its items, their answers' scores and its cut-offs."""

    name = models.CharField(max_length=80, unique=True)
    code = models.SlugField(max_length=30, unique=True, help_text="A short code, as the API shows it.")
    reassessment_interval_days = models.PositiveSmallIntegerField(
        "reassess every (days)",
        validators=[MinValueValidator(1)],
        help_text="The next assessment is due this many days after the last one.",
    )
    is_active = models.BooleanField(default=True, help_text="Only active instruments are offered for new assessments.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="instrument_interval_positive",
                condition=Q(reassessment_interval_days__gte=1),
                violation_error_message="The reassessment interval is at least one day.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InstrumentItem(models.Model):
    """One question of an instrument, answered once per assessment."""

    instrument = models.ForeignKey(AssessmentInstrument, on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "order"],
                name="instrument_item_order_unique",
                violation_error_message="Another item of this instrument has this order.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class InstrumentAnswer(models.Model):
    """One answer an item offers, with the score it adds."""

    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "label"],
                name="instrument_answer_label_unique",
                violation_error_message="This item already offers an answer with this label.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"


class InstrumentCutoff(models.Model):
    """From ``min_score`` up (to the next cut-off): the risk level, and the supervision level it suggests."""

    instrument = models.ForeignKey(AssessmentInstrument, on_delete=models.PROTECT, related_name="cutoffs")
    min_score = models.PositiveSmallIntegerField("from score")
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices)
    supervision_level = models.CharField(max_length=20, choices=SupervisionLevel.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "min_score"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "min_score"],
                name="instrument_cutoff_score_unique",
                violation_error_message="This instrument already has a cut-off at this score.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_score}+: {self.get_risk_level_display()} → {self.get_supervision_level_display()}"


class RiskAssessmentAnswer(models.Model):
    """The answer an assessment gave to one item; its label and score kept as they were that day."""

    assessment = models.ForeignKey("offenders.RiskAssessment", on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    answer = models.ForeignKey(InstrumentAnswer, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["assessment", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                name="assessment_answer_item_unique",
                violation_error_message="Each item is answered once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"


class LevelOverride(models.Model):
    """An officer's request to set a case's level other than its assessment suggests, with the reason; the
    level changes only when a supervisor of the unit, never the requester, approves it."""

    supervision = models.ForeignKey("supervision.Supervision", on_delete=models.PROTECT, related_name="+")
    assessment = models.OneToOneField(
        "offenders.RiskAssessment", on_delete=models.PROTECT, related_name="level_override"
    )
    suggested_level = models.CharField(max_length=20, choices=SupervisionLevel.choices)
    requested_level = models.CharField(max_length=20, choices=SupervisionLevel.choices)
    reason = models.CharField(max_length=100)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=LevelOverrideStatus.choices, default=LevelOverrideStatus.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = bounded_text_field(NOTE_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision"],
                condition=Q(status="pending"),
                name="level_override_one_pending_per_case",
                violation_error_message="This case already has an override waiting for the supervisor.",
            ),
            models.CheckConstraint(
                name="level_override_four_eyes",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                violation_error_message="The officer who asked for an override cannot decide it.",
            ),
            models.CheckConstraint(
                name="level_override_differs",
                condition=~Q(requested_level=F("suggested_level")),
                violation_error_message="An override sets a level other than the assessment's.",
            ),
            models.CheckConstraint(
                name="level_override_decided_iff_not_pending",
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                violation_error_message="A decided override names who decided it and when.",
            ),
        ]

    def __str__(self) -> str:
        return f"Override to {self.get_requested_level_display()} ({self.get_status_display()})"

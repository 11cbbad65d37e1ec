"""Violations, the violation reports written about them, which report holds which violation, and the
reports' deliveries to their authority."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from supervision import bounds
from supervision.bounds import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    bounded_text_field,
)
from supervision.choices import (
    DeliveryStatus,
    Disposition,
    ReportRecommendation,
    ReportStatus,
    ViolationKind,
    ViolationSeverity,
    ViolationStatus,
)
from supervision.lifecycle import REPORT_EDITABLE_STATUSES, REPORT_STATUSES_WITH_AUTHORITY
from supervision.models.cases import USER, Condition, Supervision
from supervision.models.records import CheckIn, DrugTest

if TYPE_CHECKING:
    from agency.models import User


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
    correction_reason = bounded_text_field(
        COMMENT_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",  # the missed check-in sweep's set-based INSERT names the columns it writes
        help_text="Why it was withdrawn (recorded in error) or dismissed (not sustained).",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        help_text="The violation kept for the same event, when this one was withdrawn as its duplicate.",
    )
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
            models.CheckConstraint(
                name="violation_correction_has_reason",
                condition=~Q(status=ViolationStatus.WITHDRAWN) | ~Q(correction_reason=""),
                violation_error_message="A withdrawn violation needs the reason it was withdrawn.",
            ),
            models.CheckConstraint(
                name="violation_merged_only_when_withdrawn",
                condition=Q(merged_into__isnull=True) | (Q(status=ViolationStatus.WITHDRAWN) & ~Q(merged_into=F("pk"))),
                violation_error_message="Only a withdrawn violation points to the one kept in its place.",
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
    # Annotated: django-stubs cannot follow USER to the user model through a many-to-many's automatic table.
    editors: "models.ManyToManyField[User, Any]" = models.ManyToManyField(
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
    conditions_applied_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Conditions modified: when the case's officer or supervisor first recorded a condition change "
        "citing this decision (supervision.services.conditions); until then the case page asks for it.",
    )
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
            models.CheckConstraint(
                name="report_conditions_applied_only_when_modified",
                condition=Q(conditions_applied_at__isnull=True) | Q(disposition=Disposition.CONDITIONS_MODIFIED),
                violation_error_message="Only a decision that modified the conditions is applied to them.",
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
        attname_of = {field.name: field.attname for field in self._meta.concrete_fields}
        attnames = [attname_of[name] for name in REPORT_CONTENT_FIELDS]
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

"""What the case lifecycle keeps beside the case itself: the person's spells in custody (jail or prison while
under supervision) and the closures that wait for a supervisor's approval (four eyes). Written only by
``supervision.services.custody`` and ``supervision.services.closures``."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from supervision.bounds import CASE_NOTE_MAX_LENGTH, bounded_text_field
from supervision.choices import FOUR_EYES_CLOSURES, ClosureReason, ClosureRequestStatus
from supervision.models.cases import USER, Supervision

CUSTODY_TEXT_MAX_LENGTH = 200
# A closure request's note becomes the case note "Case closed (<reason>): <note>".
CLOSURE_NOTE_MAX_LENGTH = CASE_NOTE_MAX_LENGTH - 40


class CustodyEpisode(models.Model):
    """One spell in custody: from the day the person was taken in (the case is then *in custody* and reports
    to nobody) to the day of their release (the case reports again). At most one is open per case."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="custody_episodes")
    started_on = models.DateField(help_text="The day the person was taken into custody.")
    facility = models.CharField(max_length=CUSTODY_TEXT_MAX_LENGTH, help_text="The jail or prison holding them.")
    reason = models.CharField(
        max_length=CUSTODY_TEXT_MAX_LENGTH, help_text="Why: the charge, a sanction, a hold for the authority."
    )
    released_on = models.DateField(null=True, blank=True)
    release_reason = models.CharField(max_length=CUSTODY_TEXT_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="custody_release_after_start",
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("started_on")),
                violation_error_message="A release cannot be before the custody began.",
            ),
            models.CheckConstraint(
                name="custody_release_has_reason",
                condition=(Q(released_on__isnull=True, release_reason="", released_by__isnull=True))
                | (Q(released_on__isnull=False, released_by__isnull=False) & ~Q(release_reason="")),
                violation_error_message="A release has its date, its reason and who recorded it; custody not "
                "yet ended has none of them.",
            ),
            models.UniqueConstraint(
                fields=["supervision"],
                condition=Q(released_on__isnull=True),
                name="custody_one_open_per_case",
                violation_error_message="The person is already in custody on this case: record the release first.",
            ),
        ]

    def __str__(self) -> str:
        return f"In custody at {self.facility} from {self.started_on}"


class ClosureRequest(models.Model):
    """An officer's request to close a case for a reason that needs a supervisor's approval (early termination,
    transfer out). A supervisor of the unit other than the requester approves it (the case is closed with the
    requested reason and date) or declines it with a reason. One waits per case at most."""

    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="closure_requests")
    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices)
    closed_on = models.DateField(help_text="The closure date asked for.")
    note = bounded_text_field(CLOSURE_NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=16, choices=ClosureRequestStatus.choices, default=ClosureRequestStatus.PENDING)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=CUSTODY_TEXT_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="closure_request_needs_four_eyes",
                condition=Q(closure_reason__in=sorted(FOUR_EYES_CLOSURES)),
                violation_error_message="Only early termination and transfer out wait for approval; other "
                "reasons close the case at once.",
            ),
            models.UniqueConstraint(
                fields=["supervision"],
                condition=Q(status=ClosureRequestStatus.PENDING),
                name="closure_request_one_pending_per_case",
                violation_error_message="A closure of this case is already waiting for approval.",
            ),
            models.CheckConstraint(
                name="closure_request_decided_iff_not_pending",
                condition=Q(status=ClosureRequestStatus.PENDING, decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(status=ClosureRequestStatus.PENDING) & Q(decided_at__isnull=False)),
                violation_error_message="A decided request has its decision's time; a waiting one has none.",
            ),
            models.CheckConstraint(
                name="closure_request_decided_by_another",
                condition=~Q(
                    status__in=[ClosureRequestStatus.APPROVED, ClosureRequestStatus.DECLINED],
                    decided_by=F("requested_by"),
                )
                & (
                    ~Q(status__in=[ClosureRequestStatus.APPROVED, ClosureRequestStatus.DECLINED])
                    | Q(decided_by__isnull=False)
                ),
                violation_error_message="A closure request is approved or declined by a supervisor other than "
                "the person who asked for it.",
            ),
            models.CheckConstraint(
                name="closure_request_declined_has_reason",
                condition=~Q(status=ClosureRequestStatus.DECLINED, decision_reason=""),
                violation_error_message="A declined closure request says why.",
            ),
        ]

    def __str__(self) -> str:
        return f"Closure request #{self.pk} ({self.get_closure_reason_display().lower()})"

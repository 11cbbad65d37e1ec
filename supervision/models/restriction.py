"""Who else may see a restricted case: the staff named by a supervisor of its unit, each with the reason and who
named them. A grant is revoked, never deleted; only a live grant (not revoked) opens the case, and only while
the case is restricted (supervision.access)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class CaseAccessGrant(models.Model):
    supervision = models.ForeignKey("supervision.Supervision", on_delete=models.PROTECT, related_name="access_grants")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_access_grants")
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    revoked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "user"],
                condition=Q(revoked_at__isnull=True),
                name="case_access_grant_one_live_per_user",
                violation_error_message="This person already has access to the case.",
            ),
            models.CheckConstraint(
                name="case_access_grant_revoked_with_who_and_why",
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True, revoke_reason="")
                | (Q(revoked_at__isnull=False, revoked_by__isnull=False) & ~Q(revoke_reason="")),
                violation_error_message="A revoked grant names who revoked it, when and why.",
            ),
        ]

    def __str__(self) -> str:
        return f"Access to case #{self.supervision_id} for {self.user}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None

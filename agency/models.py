"""The organisation: users and their roles, units, courts, parole boards; and the audit trail."""

from collections.abc import Callable
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agency.choices import AuditOutcome, Role


class Court(models.Model):
    """A sentencing court: holds authority over the probation cases it sentenced."""

    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(max_length=200, help_text="County, district or circuit it serves.")
    clerk_name = models.CharField(max_length=200, blank=True)
    clerk_email = models.EmailField(blank=True, help_text="Where violation reports are emailed.")
    clerk_phone = models.CharField(max_length=40, blank=True)
    webhook_url = models.URLField(blank=True, help_text="Optional: reports are also POSTed here, signed.")
    webhook_secret = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParoleBoard(models.Model):
    """A parole board: holds authority over the parole cases of the people it released."""

    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(max_length=200, help_text="State or region it serves.")
    email = models.EmailField(blank=True, help_text="Where violation reports are emailed.")
    phone = models.CharField(max_length=40, blank=True)
    webhook_url = models.URLField(blank=True, help_text="Optional: reports are also POSTed here, signed.")
    webhook_secret = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A field office's supervision unit: one supervisor leads it, officers belong to it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    office = models.CharField(max_length=300, help_text="Office address or location.")
    supervisor = models.ForeignKey(
        "agency.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_units",
        limit_choices_to={"role": Role.SUPERVISOR},
        help_text="The unit supervisor who approves this unit's violation reports.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.supervisor is not None and self.supervisor.role != Role.SUPERVISOR:
            raise ValidationError({"supervisor": "Only a user with the supervisor role can lead a unit."})


# What decides what a user may see. A change to any of them, by whatever path saved the user, ends the
# user's sessions and revokes their API tokens, audited (``User.save`` and agency.security).
ACCESS_FIELDS = ("role", "unit", "court", "parole_board", "is_active", "is_staff", "is_superuser")
_ACCESS_ATTNAMES = ("role", "unit_id", "court_id", "parole_board_id", "is_active", "is_staff", "is_superuser")
_ACCESS_NAMES = frozenset(ACCESS_FIELDS + _ACCESS_ATTNAMES + ("access_changed_at",))


class UserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs):
        """Refuse a bulk UPDATE of the access fields (``bulk_update`` comes here too): it would skip
        ``User.save`` and with it the access-change guard, the history rows and the audit. Save each user."""
        touched = sorted(_ACCESS_NAMES.intersection(kwargs))
        if touched:
            raise ValueError(
                f"Users' access ({', '.join(touched)}) is not changed in bulk: save each user "
                "(user.save(), the admin), so that their sessions end, their tokens are revoked and it is audited."
            )
        return super().update(**kwargs)


# Not ``UserManager.from_queryset(UserQuerySet)``: django-stubs cannot type a class built on it. The manager's
# methods call get_queryset(), so ``User.objects.update(...)`` meets UserQuerySet's guard all the same.
class CaselineUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(
            model=self.model,
            using=self._db,
            hints=self._hints,  # type: ignore[attr-defined]  # set by BaseManager.__init__; not in the stubs
        )

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A member of staff or an integration account. The role decides what the user may see."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OFFICER)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="Officers and supervisors: their unit. Integrators: limits them to one unit.",
    )
    court = models.ForeignKey(
        Court,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerks",
        help_text="Court clerks only: the court they work for.",
    )
    parole_board = models.ForeignKey(
        ParoleBoard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="Parole board staff only: the board they work for.",
    )
    phone = models.CharField(max_length=40, blank=True)
    badge_number = models.CharField(max_length=40, blank=True)
    access_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the role, organisation or status last changed: sessions signed in before it have ended.",
    )
    # access_changed_at is not in the history: reverting to an old version must not bring back an old one.
    history = HistoricalRecords(excluded_fields=["password", "last_login", "access_changed_at"])

    objects: ClassVar[CaselineUserManager] = CaselineUserManager()

    # request.user's only: django-otp's OTPMiddleware sets it on every request's user (whether a device verified
    # this session). Declared for the type checker; a user loaded any other way has none.
    is_verified: Callable[[], bool]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                name="user_court_iff_court_clerk",
                condition=(Q(role=Role.COURT_CLERK) & Q(court__isnull=False))
                | (~Q(role=Role.COURT_CLERK) & Q(court__isnull=True)),
                violation_error_message="A court clerk belongs to exactly one court; other roles to none.",
            ),
            models.CheckConstraint(
                name="user_board_iff_board_staff",
                condition=(Q(role=Role.PAROLE_BOARD_STAFF) & Q(parole_board__isnull=False))
                | (~Q(role=Role.PAROLE_BOARD_STAFF) & Q(parole_board__isnull=True)),
                violation_error_message="Parole board staff belong to exactly one board; other roles to none.",
            ),
            models.CheckConstraint(
                name="user_unit_only_for_unit_roles",
                condition=Q(unit__isnull=True) | Q(role__in=[Role.OFFICER, Role.SUPERVISOR, Role.INTEGRATOR]),
                violation_error_message="Only officers, supervisors and integrators belong to a unit.",
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def clean(self) -> None:
        super().clean()
        if self.role in (Role.OFFICER, Role.SUPERVISOR) and not self.unit_id:
            raise ValidationError({"unit": "Officers and supervisors must belong to a unit."})

    # What a change of access does at once (tokens revoked, the change audited): set by AgencyConfig.ready to
    # agency.access_changes.user_access_changed, so that this model imports no service (no import cycle).
    access_changed: ClassVar[Callable[..., int]]

    def save(self, *args, **kwargs) -> None:
        """Saves the user; when the role, unit, court, parole board or status changed from what is stored,
        also ends their sessions (``access_changed_at`` is part of each session's access stamp), revokes
        their API tokens and audits ``user.access_changed``, all in one transaction.

        The guard is here, not in a service or a signal, because a user is saved by many paths Caseline
        does not own: the admin's change form and its history "revert", ``manage.py shell``, django-axes
        and Django's own sign-in. ``save()`` is the one place every one of them passes; a bulk
        ``QuerySet.update`` of these fields is refused (``UserQuerySet``)."""
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        if update_fields is not None and not _ACCESS_NAMES.intersection(update_fields):
            return super().save(*args, **kwargs)  # e.g. last_login at sign-in: nothing to compare
        with transaction.atomic(using=router.db_for_write(type(self), instance=self)):
            stored = type(self)._base_manager.select_for_update().filter(pk=self.pk).values(*_ACCESS_ATTNAMES).first()
            changed = []
            if stored is not None:
                changed = [
                    name
                    for name, attname in zip(ACCESS_FIELDS, _ACCESS_ATTNAMES, strict=True)
                    if stored[attname] != getattr(self, attname)
                    and (update_fields is None or {name, attname}.intersection(update_fields))
                ]
            if changed:
                self.access_changed_at = timezone.now()
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "access_changed_at"}
            super().save(*args, **kwargs)
            if changed:
                attnames = dict(zip(ACCESS_FIELDS, _ACCESS_ATTNAMES, strict=True))
                self.access_changed(
                    user=self,
                    changed=changed,
                    before={name: stored[attnames[name]] for name in changed},
                    after={name: getattr(self, attnames[name]) for name in changed},
                )


class AuditEvent(models.Model):
    """One audited read or change. Written only through ``agency.audit.audit_record``.

    Append-only: a database trigger (migration 0003) refuses UPDATE and DELETE. Every column is NOT
    NULL except three that are empty for a reason: ``actor`` (a background job has no user: its name is
    in ``actor_label`` as ``system:<job>``), ``offender_id`` (the row is not about one person, e.g. a
    sign-in) and ``source_ip`` (no network peer: a job or a management command). A row written during
    a request always has its source address and request id (check constraint). A list read names the
    people it showed in ``offender_ids`` (a GIN index lets the per-person filter find them).
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    actor_label = models.CharField(max_length=150, help_text="The username, or system:<job> for background work.")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    offender_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    offender_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        db_default=[],
        blank=True,
        help_text="The people a list showed (a list read names them all here; offender_id stays empty).",
    )
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            GinIndex(fields=["offender_ids"], name="auditevent_offender_ids_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                name="auditevent_request_rows_have_source_ip",
                condition=Q(request_id="") | Q(source_ip__isnull=False),
                violation_error_message="An audit row written during a request records its source address.",
            ),
            models.CheckConstraint(
                name="auditevent_has_actor_and_action",
                condition=~Q(actor_label="") & ~Q(action=""),
                violation_error_message="An audit row names who (or which job) did what.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.outcome}"


class ApiScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiTokenScope(models.Model):
    """What one integrator token (a hashed django-rest-knox token) may do: read or read-write, on the
    whole of what its user may see or on one unit of it. Issued and revoked only through
    ``agency.api.tokens``; the row stays after revocation or expiry as the token's record."""

    token = models.OneToOneField(
        "knox.AuthToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_scope",
        editable=False,
        help_text="Empty once the token is revoked or has expired.",
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", help_text="The account the token acts as."
    )
    label = models.CharField(max_length=200, help_text="What uses the token, e.g. “County court case system”.")
    scope = models.CharField(max_length=8, choices=ApiScope.choices, default=ApiScope.READ)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Optional: the token sees only this unit's cases (within what its user may see).",
    )
    token_key = models.CharField(max_length=32, blank=True, editable=False, help_text="The token's first characters.")
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.token_key}…, {self.get_scope_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.token_id is not None and self.revoked_at is None


# --- Webhooks: events sent to subscribers, through an outbox -----------------------------------------


class WebhookEvent(models.TextChoices):
    CHECK_IN_MISSED = "check_in.missed", "A check-in was missed"
    VIOLATION_CREATED = "violation.created", "A violation was recorded"
    VIOLATION_REPORT_ROUTED = "violation_report.routed", "A violation report was routed to its authority"
    VIOLATION_REPORT_DISPOSED = "violation_report.disposed", "A violation report was disposed"
    SUPERVISION_CLOSED = "supervision.closed", "A supervision was closed"
    SUPERVISION_LEVEL_CHANGED = "supervision.level_changed", "A supervision's level changed"
    SUPERVISION_STATUS_CHANGED = "supervision.status_changed", "A supervision's status changed"
    CONDITION_CHANGED = "condition.changed", "A condition was imposed, modified or ended"


def validate_webhook_events(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event, as a list of event names.")
    unknown = sorted({str(name) for name in value} - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(
            f"Unknown event{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Choose from: {', '.join(WebhookEvent.values)}."
        )


def validate_webhook_url(value: str) -> None:
    if not value.lower().startswith(("http://", "https://")):
        raise ValidationError("A webhook address starts with https:// (or http://).")


class WebhookSubscription(models.Model):
    """A system that wants to hear about events (an agency's data warehouse, a court's case system).
    Each event it subscribes to is POSTed to ``url`` as JSON (ids only), signed with ``secret``
    (``X-Caseline-Signature: sha256=<hex HMAC-SHA256 of the body>``)."""

    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(max_length=500, validators=[validate_webhook_url], help_text="Where events are POSTed.")
    secret = models.CharField(max_length=200, help_text="Shared secret for the HMAC-SHA256 signature.")
    events = models.JSONField(
        default=list, validators=[validate_webhook_events], help_text="The event names this subscriber receives."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """The outbox: one row per event and subscriber, written in the transaction of the change it tells
    about, delivered after commit (and by the periodic sweep). Kept after delivery or failure."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.CharField(max_length=120, help_text="The event's key: the same on every try.")
    payload = models.JSONField(help_text="Ids only: never a person's name or data.")
    status = models.CharField(
        max_length=12, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"],
                name="webhook_delivery_once_per_subscription",
                violation_error_message="This event is already queued for this subscriber.",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "created_at"],
                name="webhook_delivery_pending_idx",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} ({self.status})"

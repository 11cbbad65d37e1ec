"""The outbox: one way of sending what Caseline owes other systems, shared by the report deliveries to the
courts and parole boards (``supervision.services.delivery``) and the webhook events to subscribers
(``agency.webhooks``).

A row is written in the transaction of the change it tells about; sending it takes three steps, and no
lock is held while the network (SMTP, HTTP) or the PDF renderer is at work:

1. **Claim**, in a short transaction: lock the row (``SKIP LOCKED``: a worker already on it wins), check
   that it is still due, count the try and lease the row by moving ``next_attempt_at`` to the end of the
   lease (``OUTBOX_LEASE_SECONDS``, longer than any send). Another worker, or the sweep, sees a leased row
   as not due, so two workers never send the same row at once. A worker that dies holding a claim leaves
   the row due again when the lease ends: the try is counted, and ``last_error`` says it did not finish.
2. **Send**, outside any transaction, with the timeouts below. Any exception is a failed try, a bug
   included: nothing that goes wrong with one row stops a sweep from sending the others.
3. **Record**, in a second transaction: delivered (and what the kind of row does then, e.g. route the
   report), or failed: the error (at most ``ERROR_MAX_CHARS``), the next try after an exponential backoff
   (30 s, doubling, capped), and after the last try what the kind does then (webhooks: failed for good;
   reports: the administrators are alerted and the tries go on at the cap).

A kind of row is a subclass of ``Outbox`` naming its model, its statuses and its steps. Signing
(``agency.signing``) and the timeouts of every POST and email live here, once.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from agency.signing import SIGNATURE_HEADER, webhook_signature

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = (3.05, 10)  # connect, read (seconds) for every POST to another system
EMAIL_TIMEOUT = 30  # seconds, for each exchange with the mail server
DEFAULT_LEASE_SECONDS = 300  # a claim lasts this long: longer than a PDF, an email and a POST together
ERROR_MAX_CHARS = 2000
BACKOFF_FIRST = timedelta(seconds=30)


class OutboxRow(Protocol):
    """What the mechanism reads and writes on a row of any kind (``WebhookDelivery``, ``ReportDelivery``):
    each kind's model has these fields, plus ``created_at``, which is only filtered on."""

    # The model's managers, as Django sets them on every model class.
    _default_manager: ClassVar[models.Manager[Any]]

    pk: Any
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    def save(self, *, update_fields: Iterable[str] | None = ...) -> None: ...


# A kind names its model: ``class WebhookOutbox(Outbox[WebhookDelivery])``.
Row = TypeVar("Row", bound=OutboxRow)


class SendError(Exception):
    """A try that failed in a way the outbox can say in words (a receiver's answer, a mail server's
    error). Its message names no person: it may be shown to an administrator as it is."""


class Outcome(Enum):
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"  # not due, already delivered, or held by another worker


@dataclass(frozen=True)
class Claim:
    """What one worker holds: the row's try number ``attempt``, begun at ``now``."""

    pk: int
    attempt: int
    now: datetime


@dataclass(frozen=True)
class Failure:
    text: str  # stored on the row and in the audit trail (bounded)
    summary: str  # for an email to administrators: our own words, or only the kind of error


def lease() -> timedelta:
    return timedelta(seconds=int(settings.CASELINE.get("OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def backoff(attempts: int, *, cap: timedelta) -> timedelta:
    """The wait after ``attempts`` failed tries: 30 s after the first, doubling, at most ``cap``."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), cap)


def failure_of(exc: BaseException) -> Failure:
    if isinstance(exc, SendError):
        text = str(exc)
        return Failure(text=text[:ERROR_MAX_CHARS], summary=text[:500])
    kind = type(exc).__name__
    text = f"{kind}: {exc}"
    return Failure(
        text=text[:ERROR_MAX_CHARS],
        summary=f"an unexpected error ({kind}); its text is the delivery's last error, in the admin",
    )


class Outbox(Generic[Row]):
    """One kind of outbox row. Subclasses set the class attributes and write ``send``; the hooks
    ``on_delivered`` and ``on_failed`` run in the transaction that records the try."""

    model: type[Row]
    due_statuses: ClassVar[tuple[str, ...]]  # statuses a row can be claimed in
    delivered_status: ClassVar[str]
    retry_status: ClassVar[str]  # after a failed try that will be tried again
    exhausted_status: ClassVar[str | None] = None  # after the last try; None: tries go on at the cap
    backoff_cap: ClassVar[timedelta] = timedelta(hours=6)
    related: ClassVar[tuple[str, ...]] = ()  # select_related when claiming
    progress_fields: ClassVar[tuple[str, ...]] = ()  # what ``send`` may set on the row (saved when recording)
    name: ClassVar[str] = "delivery"

    def max_attempts(self) -> int | None:
        """The last scheduled try: after it the row is ``exhausted_status``, or, for a kind that never gives
        up, ``on_failed`` is told ``last`` (and the tries go on at the backoff's cap). None: no last try."""
        return None

    # --- the kind's steps ---------------------------------------------------------------------------------

    def send(self, row: Row, claim: Claim) -> None:
        """Send the row; raise (``SendError`` or anything else) when it did not go."""
        raise NotImplementedError

    def on_delivered(self, row: Row, claim: Claim) -> None:
        """In the recording transaction, the row locked and marked delivered (saved)."""

    def on_failed(self, row: Row, claim: Claim, failure: Failure, *, last: bool) -> None:
        """In the recording transaction, the row locked and marked failed (already saved)."""

    # --- the mechanism ------------------------------------------------------------------------------------

    def rows(self) -> QuerySet[Any]:
        """Every row of the kind (a QuerySet holds models, which ``Row`` names only by what it has)."""
        return self.model._default_manager.all()

    def due(self, *, now: datetime, min_age: timedelta = timedelta(0)) -> QuerySet[Any]:
        """Rows that can be claimed at ``now``, written at least ``min_age`` before, oldest first."""
        return (
            self.rows()
            .filter(status__in=self.due_statuses, created_at__lte=now - min_age)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("created_at", "pk")
        )

    def deliver(self, pk: int, *, now: datetime | None = None) -> Outcome:
        """Claim, send, record (see the module doc). Raises only when the database fails while
        recording; the row is then tried again when its lease ends."""
        claimed = self.claim(pk, now=now or timezone.now())
        if claimed is None:
            return Outcome.SKIPPED
        row, claim = claimed
        try:
            self.send(row, claim)
        except Exception as exc:
            log = logger.warning if isinstance(exc, SendError) else logger.exception
            log("%s %s: try %s failed: %s", self.name, pk, claim.attempt, exc)
            self.record_failed(row, claim, failure_of(exc))
            return Outcome.FAILED
        try:
            delivered = self.record_delivered(row, claim)
        except Exception as exc:  # a bug or a refused write while recording: the try failed, nothing is lost
            logger.exception("%s %s: recording try %s failed", self.name, pk, claim.attempt)
            failure = failure_of(exc)
            text = f"Sent, but recording it failed: {failure.text}"[:ERROR_MAX_CHARS]
            self.record_failed(row, claim, Failure(text, failure.summary))
            return Outcome.FAILED
        return Outcome.DELIVERED if delivered else Outcome.SKIPPED

    def claim(self, pk: int, *, now: datetime) -> tuple[Row, Claim] | None:
        """Take the row for one try (short transaction). None when it is not due or another worker has it."""
        with transaction.atomic():
            row: Row | None = (
                # of=("self",): PostgreSQL cannot lock the nullable side of an outer join.
                self.rows()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(*self.related)
                .filter(pk=pk)
                .first()
            )
            if row is None or row.status not in self.due_statuses:
                return None
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                return None
            row.attempts += 1
            row.next_attempt_at = now + lease()
            row.last_error = (
                f"Try {row.attempts} began at {now.isoformat(timespec='seconds')} and did not finish "
                "(the worker stopped, or is still at it); it is tried again after "
                f"{row.next_attempt_at.isoformat(timespec='seconds')}."
            )
            row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
        return row, Claim(pk=pk, attempt=row.attempts, now=now)

    def progress(self, claim: Claim, **fields: Any) -> None:
        """Save what one step of ``send`` did at once (e.g. the email went out), so that a worker dying
        later in the same try does not repeat it. Only while the claim holds."""
        self.rows().filter(pk=claim.pk, attempts=claim.attempt).update(**fields)

    def _locked(self, pk: int) -> Row:
        return self.rows().select_for_update(of=("self",)).select_related(*self.related).get(pk=pk)

    def record_delivered(self, sent: Row, claim: Claim) -> bool:
        """The try delivered ``sent``: mark it (second transaction). False when it already was."""
        with transaction.atomic():
            row = self._locked(claim.pk)
            if row.status == self.delivered_status:
                return False
            for field in self.progress_fields:
                setattr(row, field, getattr(sent, field))
            row.status = self.delivered_status
            row.delivered_at = claim.now
            row.last_error = ""
            row.next_attempt_at = None
            row.save(update_fields=["status", "delivered_at", "last_error", "next_attempt_at", *self.progress_fields])
            self.on_delivered(row, claim)
        return True

    def record_failed(self, sent: Row, claim: Claim, failure: Failure) -> bool:
        """The try failed: the error and the next try (second transaction). False when a later claim has
        taken the row over (its lease ran out) or it was delivered meanwhile: theirs to record."""
        with transaction.atomic():
            row = self._locked(claim.pk)
            if row.attempts != claim.attempt or row.status not in self.due_statuses:
                return False
            for field in self.progress_fields:
                setattr(row, field, getattr(sent, field))
            maximum = self.max_attempts()
            last = maximum is not None and row.attempts >= maximum
            row.last_error = failure.text
            if last and self.exhausted_status is not None:
                row.status = self.exhausted_status
                row.next_attempt_at = None
            else:
                row.status = self.retry_status
                row.next_attempt_at = claim.now + backoff(row.attempts, cap=self.backoff_cap)
            row.save(update_fields=["status", "last_error", "next_attempt_at", *self.progress_fields])
            self.on_failed(row, claim, failure, last=last)
        return True

    def sweep(self, ids: list[int], *, now: datetime | None = None) -> dict[str, int]:
        """Try each row here, one after the other; one that fails, even with an error of the database,
        does not stop the others."""
        counts = {"delivered": 0, "failed": 0, "skipped": 0}
        for pk in ids:
            try:
                outcome = self.deliver(pk, now=now)
            except Exception:
                logger.exception("%s %s could not be tried; its lease runs out and it is tried again", self.name, pk)
                outcome = Outcome.FAILED
            counts[outcome.value] += 1
        return counts


# --- Sending --------------------------------------------------------------------------------------------------


def signed_post(*, url: str, body: bytes, headers: dict[str, str], secret: str = "") -> int:
    """POST ``body`` as JSON to ``url``, signed with ``secret`` when there is one (``X-Caseline-Signature``),
    with the outbox's timeouts and no redirects. Returns the status; raises ``SendError`` when the receiver
    cannot be reached."""
    headers = {"Content-Type": "application/json", **headers}
    if secret:
        headers[SIGNATURE_HEADER] = webhook_signature(secret=secret, body=body)
    try:
        response = requests.post(url, data=body, headers=headers, timeout=HTTP_TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise SendError(f"{url} unreachable: {exc}") from exc
    return response.status_code


def email_send(message: EmailMessage) -> None:
    """Send ``message`` with the outbox's timeout (raises what the mail backend raises)."""
    message.connection = get_connection(timeout=EMAIL_TIMEOUT)
    message.send()


def administrators_email(*, subject: str, body: str) -> int:
    """Email every active administrator with an address; a mail server that fails is logged, never raised
    (the alert's audit row stands). Returns how many were sent to."""
    from agency.choices import Role
    from agency.models import User

    recipients = sorted(
        User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        logger.error("No active administrator has an email address for this alert: %s", subject)
        return 0
    try:
        email_send(EmailMessage(subject=subject, body=body, to=recipients))
    except Exception:
        logger.exception("Could not email the administrators: %s", subject)
        return 0
    return len(recipients)

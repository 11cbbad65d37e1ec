"""The bounds of what a case records, in one place: when its events can have happened, how far ahead a
hearing or an appointment can be set, the dates of a supervision, and how long its free texts can be.

Every path meets them. The models' ``clean()`` (and the text fields' validators) call these functions, so
``full_clean()`` in every service refuses a value out of range with an error on its field: a form message
in the browser, a 400 in the API's error shape, never a 500 and never a stored row that later breaks the
pages showing it (a hearing in the year 10000, a contact in the year 1). A service that does arithmetic
on a moment (a contact's window opens a minute before it) checks the moment here first. The web forms and
the API serializers take their text limits from the models.

The rules:

- An event that happened (a completed check-in or contact, a drug test, a violation, a referral, a case
  note, community service, a disposition, a closure) happened on or after the day the case began (its
  ``start_date``, from local midnight in the agency's time zone) and not after now plus ``CLOCK_SKEW``
  (a device whose clock runs a little fast is not refused); a date, not after today.
- A hearing or an appointment is at most ``SCHEDULE_HORIZON_YEARS`` ahead (and not before the case
  began); a hearing being set is also in the future.
- A supervision begins at most ``SUPERVISION_START_YEARS_BACK`` years before and
  ``SUPERVISION_START_YEARS_AHEAD`` after the day it was opened, ends on or after it begins, and runs
  at most ``SUPERVISION_TERM_YEARS`` years (a life term is recorded at that length and extended).
  The person is 14 to 110 years old when it begins (``offenders.bounds``).
- Free texts: ``NOTE_MAX_LENGTH`` for notes, descriptions, details, responses and disposition notes;
  ``CASE_NOTE_MAX_LENGTH`` for a case note; ``NARRATIVE_MAX_LENGTH`` for a report's narrative;
  ``COMMENT_MAX_LENGTH`` for a supervisor's review comment.

Bounds measured from "now" only ever grow looser for a stored value (a past event stays past; a hearing
within three years of the day it was set stays within three years of any later day), and the one that
would tighten (how long ago a supervision began) is measured from the day the case was opened: a record
that was valid when written validates for ever.
"""

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from offenders.bounds import NOTE_MAX_LENGTH, age_at_start_error, bounded_text_field, years_after

__all__ = [
    "CASE_NOTE_MAX_LENGTH",
    "CLOCK_SKEW",
    "COMMENT_MAX_LENGTH",
    "CONTACT_WINDOW",
    "NARRATIVE_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "SCHEDULE_HORIZON_YEARS",
    "SUPERVISION_START_YEARS_AHEAD",
    "SUPERVISION_START_YEARS_BACK",
    "SUPERVISION_TERM_YEARS",
    "bounded_text_field",
    "full_clean",
]

CLOCK_SKEW = timedelta(minutes=5)
SCHEDULE_HORIZON_YEARS = 3
SUPERVISION_START_YEARS_BACK = 60
SUPERVISION_START_YEARS_AHEAD = 1
SUPERVISION_TERM_YEARS = 60
# An unscheduled contact is recorded as a check-in whose window opens this long before it took place.
CONTACT_WINDOW = timedelta(minutes=1)

CASE_NOTE_MAX_LENGTH = 20_000
NARRATIVE_MAX_LENGTH = 50_000
COMMENT_MAX_LENGTH = 4_000
ORDER_REFERENCE_MAX_LENGTH = 100

AHEAD = f"This is more than {SCHEDULE_HORIZON_YEARS} years ahead: check the year."
HEARING_IN_THE_PAST = "A hearing is scheduled for a date and time in the future."

Errors = dict[str, list[str]]


# --- Moments and days --------------------------------------------------------------------------------


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day`` in the agency's time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def schedule_horizon(now: datetime | None = None) -> datetime:
    """The latest moment a hearing or an appointment may be set for: ``SCHEDULE_HORIZON_YEARS`` from now."""
    local = timezone.localtime(now or timezone.now())
    day = years_after(local.date(), SCHEDULE_HORIZON_YEARS)
    return timezone.make_aware(datetime.combine(day, local.time()))


def before_case(case_start: date) -> str:
    return f"This is before the supervision began ({case_start:%b %d, %Y})."


# Each check compares (aware datetimes compare across offsets without converting), so a moment at either
# end of the calendar, with any offset, gets a message, never an OverflowError.


def past_moment_error(
    value: datetime, *, case_start: date | None, future: str, now: datetime | None = None
) -> str | None:
    """Why ``value`` cannot be the moment of an event that happened on the case, or None."""
    if value > (now or timezone.now()) + CLOCK_SKEW:
        return future
    if case_start is not None and value < day_start(case_start):
        return before_case(case_start)
    return None


def past_day_error(value: date, *, case_start: date | None, future: str, today: date | None = None) -> str | None:
    """Why ``value`` cannot be the day of an event that happened on the case, or None."""
    if value > (today or timezone.localdate()):
        return future
    if case_start is not None and value < case_start:
        return before_case(case_start)
    return None


def ahead_moment_error(
    value: datetime, *, case_start: date | None, not_before: datetime | None = None, now: datetime | None = None
) -> str | None:
    """Why ``value`` cannot be the moment of a hearing or an appointment on the case, or None."""
    if value > schedule_horizon(now):
        return AHEAD
    if case_start is not None and value < (not_before or day_start(case_start)):
        return before_case(case_start)
    return None


def ahead_day_error(value: date, *, case_start: date | None, today: date | None = None) -> str | None:
    """Why ``value`` cannot be the day of something ordered or planned on the case, or None."""
    if value > years_after(today or timezone.localdate(), SCHEDULE_HORIZON_YEARS):
        return AHEAD
    if case_start is not None and value < case_start:
        return before_case(case_start)
    return None


def hearing_error(value: datetime, *, case_start: date | None = None, now: datetime | None = None) -> str | None:
    """Why a hearing cannot be set for ``value`` now: it is in the past, or beyond the horizon."""
    now = now or timezone.now()
    if value <= now:
        return HEARING_IN_THE_PAST
    return ahead_moment_error(value, case_start=case_start, now=now)


# --- Validating records ---------------------------------------------------------------------------------


def raise_errors(errors: Mapping[str, list[str]]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def full_clean(instance, *, rename: Mapping[str, str] | None = None, **kwargs) -> None:
    """``instance.full_clean()``, with the errors named as the service's caller named the fields (a
    contact's ``occurred_at`` is the check-in's ``completed_at``; a disposition's ``note`` its
    ``disposition_note``), so that a form or the API puts each error next to the field it came from."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if not rename or not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list] = {}
        for name, errors in error.error_dict.items():
            renamed.setdefault(rename.get(name, name), []).extend(errors)
        raise ValidationError(renamed) from None


def _supervision(record):
    return record.supervision if getattr(record, "supervision_id", None) else None


def _start(record) -> date | None:
    supervision = _supervision(record)
    return supervision.start_date if supervision is not None else None


def _add(errors: Errors, name: str, message: str | None) -> None:
    if message:
        errors[name].append(message)


def supervision_errors(supervision) -> Errors:
    errors: Errors = defaultdict(list)
    start, end = supervision.start_date, supervision.end_date
    opened = timezone.localdate(supervision.created_at) if supervision.created_at else timezone.localdate()
    if start is not None:
        if start < years_after(opened, -SUPERVISION_START_YEARS_BACK):
            errors["start_date"].append(
                f"A supervision cannot begin more than {SUPERVISION_START_YEARS_BACK} years ago: check the year."
            )
        elif start > years_after(opened, SUPERVISION_START_YEARS_AHEAD):
            errors["start_date"].append("A supervision cannot begin more than a year from now: check the year.")
        if supervision.offender_id and supervision.offender.date_of_birth:
            _add(errors, "start_date", age_at_start_error(supervision.offender.date_of_birth, start))
    if start is not None and end is not None:
        if end < start:
            errors["end_date"].append("The end date cannot be before the start date.")
        elif end > years_after(start, SUPERVISION_TERM_YEARS):
            errors["end_date"].append(f"A supervision runs at most {SUPERVISION_TERM_YEARS} years: check the end date.")
    if supervision.closed_on is not None:
        future = "A supervision cannot be closed on a day in the future."
        _add(errors, "closed_on", past_day_error(supervision.closed_on, case_start=start, future=future))
    return errors


def check_in_errors(check_in) -> Errors:
    errors: Errors = defaultdict(list)
    start = _start(check_in)
    if check_in.completed_at is not None:
        future = "A check-in cannot be recorded in the future."
        _add(errors, "completed_at", past_moment_error(check_in.completed_at, case_start=start, future=future))
    if check_in.due_at is not None:
        _add(errors, "due_at", ahead_moment_error(check_in.due_at, case_start=start))
    if check_in.window_start is not None:
        # A contact at the first moment of the case has its window open a minute before.
        not_before = day_start(start) - CONTACT_WINDOW if start is not None else None
        _add(
            errors,
            "window_start",
            ahead_moment_error(check_in.window_start, case_start=start, not_before=not_before),
        )
    return errors


def drug_test_errors(test) -> Errors:
    errors: Errors = defaultdict(list)
    if test.collected_at is not None:
        future = "A specimen cannot be collected in the future."
        _add(errors, "collected_at", past_moment_error(test.collected_at, case_start=_start(test), future=future))
    return errors


def case_note_errors(note) -> Errors:
    """A note may be written from the day the case was opened, even ahead of its start (release planning)."""
    errors: Errors = defaultdict(list)
    supervision = _supervision(note)
    if note.created_at is None or supervision is None:
        return errors
    first, opened = supervision.start_date, None
    if supervision.created_at is not None and timezone.localdate(supervision.created_at) < first:
        first = opened = timezone.localdate(supervision.created_at)
    message = past_moment_error(note.created_at, case_start=first, future="A note cannot be dated in the future.")
    if message == before_case(first) and opened is not None:
        message = f"This is before the case was opened ({opened:%b %d, %Y})."
    _add(errors, "created_at", message)
    return errors


def referral_errors(referral) -> Errors:
    errors: Errors = defaultdict(list)
    start = _start(referral)
    if referral.referred_on is not None:
        future = "A referral cannot be dated in the future."
        _add(errors, "referred_on", past_day_error(referral.referred_on, case_start=start, future=future))
    changed = referral.status_changed_on
    if changed is not None and changed != referral.referred_on:  # a new referral's status dates from it
        if referral.referred_on is not None and changed < referral.referred_on:
            errors["status_changed_on"].append("The status cannot change before the referral was made.")
        else:
            future = "A status cannot change on a day in the future."
            _add(errors, "status_changed_on", past_day_error(changed, case_start=start, future=future))
    return errors


def community_service_errors(entry) -> Errors:
    errors: Errors = defaultdict(list)
    start = None
    if entry.condition_id:
        start = _start(entry.condition)
    if entry.performed_on is not None:
        future = "Hours cannot be logged for a day in the future."
        _add(errors, "performed_on", past_day_error(entry.performed_on, case_start=start, future=future))
    return errors


def condition_errors(condition) -> Errors:
    errors: Errors = defaultdict(list)
    start = _start(condition)
    if condition.imposed_on is not None:
        _add(errors, "imposed_on", ahead_day_error(condition.imposed_on, case_start=start))
    if condition.ended_on is not None:
        if condition.imposed_on is not None and condition.ended_on < condition.imposed_on:
            errors["ended_on"].append("A condition cannot end before it was imposed.")
        else:
            _add(errors, "ended_on", ahead_day_error(condition.ended_on, case_start=start))
    if condition.order_date is not None:  # an order may precede the case (a sentence, a release decision)
        future = "An order cannot be dated in the future."
        _add(errors, "order_date", past_day_error(condition.order_date, case_start=None, future=future))
    return errors


def violation_errors(violation) -> Errors:
    errors: Errors = defaultdict(list)
    if violation.occurred_on is not None:
        future = "A violation cannot have happened in the future."
        _add(errors, "occurred_on", past_day_error(violation.occurred_on, case_start=_start(violation), future=future))
    return errors


def violation_report_errors(report) -> Errors:
    errors: Errors = defaultdict(list)
    start = _start(report)
    if report.hearing_at is not None:
        _add(errors, "hearing_at", ahead_moment_error(report.hearing_at, case_start=start))
    if report.disposition_on is not None:
        future = "A disposition cannot be recorded for a future date."
        _add(errors, "disposition_on", past_day_error(report.disposition_on, case_start=start, future=future))
    return errors

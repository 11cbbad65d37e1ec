"""The bounds of a person's record: a date of birth plausible for someone under supervision, and the one way
a free text gets its maximum length (the case records in ``supervision.bounds`` use it too).

A person under supervision is at least ``YOUNGEST_AGE`` (14: the youngest age at which a juvenile can be
tried, sentenced and supervised as an adult in most states) and at most ``OLDEST_AGE`` (110) years old. The
youngest age is measured on the day the record is validated (it only grows more true as time passes) and,
in ``supervision.bounds``, on the day a supervision begins; the oldest on the day the person was registered,
so that a record kept for decades still validates.
"""

from datetime import MAXYEAR, MINYEAR, date

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone

YOUNGEST_AGE = 14
OLDEST_AGE = 110
# A note, a description, a response: a few paragraphs (a case's longer texts are in ``supervision.bounds``).
NOTE_MAX_LENGTH = 10_000


def years_after(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes 28 February in a common year), held at the
    calendar's ends rather than overflowing."""
    year = day.year + years
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (negative when ``day`` is before the birth)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def date_of_birth_error(born: date, *, registered_on: date | None = None, today: date | None = None) -> str | None:
    """Why ``born`` is not a plausible date of birth for a person under supervision, or None."""
    today = today or timezone.localdate()
    if born > years_after(today, -YOUNGEST_AGE):
        return f"A person under supervision is at least {YOUNGEST_AGE} years old: check the date of birth."
    if born < years_after(registered_on or today, -OLDEST_AGE):
        return f"A date of birth more than {OLDEST_AGE} years ago is not plausible: check the year."
    return None


def age_at_start_error(born: date, start: date) -> str | None:
    """Why a person born on ``born`` cannot begin a supervision on ``start``, or None."""
    if start < born:
        return "This person was not yet born on that day: check the start date or the date of birth."
    age = age_on(born, start)
    if age < YOUNGEST_AGE:
        return f"This person was {age} on that day; a person under supervision is at least {YOUNGEST_AGE}."
    if age > OLDEST_AGE:
        return f"This person was {age} on that day: check the start date or the date of birth."
    return None


def bounded_text_field(max_length: int, **kwargs) -> models.TextField:
    """A free-text field with its maximum length, declared once: ``max_length`` gives the forms (and the
    admin's text areas) their limit, the validators make ``full_clean`` (and so every service) refuse a
    longer text or a NUL character (PostgreSQL cannot store one) with a field error. The column stays
    ``text``: the limit never rewrites a table."""
    return models.TextField(
        max_length=max_length,
        validators=[MaxLengthValidator(max_length), ProhibitNullCharactersValidator()],
        **kwargs,
    )


def life_day_error(value: date, *, born: date | None, past: bool, today: date | None = None) -> str | None:
    """Why ``value`` cannot be a day in the life of a person born on ``born`` (an address, a job, an
    assessment), or None; with ``past``, a day something was done or checked, so not after today."""
    if born is not None and value < born:
        return "This is before the person was born: check the year."
    if past and value > (today or timezone.localdate()):
        return "This cannot be in the future."
    return None


# A telephone number as people write it: an optional leading "+", digits, and the usual separators (spaces,
# dots, dashes, brackets); 7 to 15 digits (E.164's maximum), an extension after "x" or "ext" allowed.
_PHONE_CHARACTERS = frozenset("0123456789 ()-./")
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
PHONE_MAX_LENGTH = 40


def phone_number_error(number: str) -> str | None:
    """Why ``number`` is not a telephone number one could dial, or None."""
    text = number.strip()
    main, _sep, extension = text.lower().replace("ext.", "x").replace("ext", "x").partition("x")
    main = main.strip()
    if main.startswith("+"):
        main = main[1:]
    if not text or set(main) - _PHONE_CHARACTERS or (extension and not extension.strip().isdigit()):
        return (
            "Enter a telephone number with digits, spaces, dashes or brackets, "
            "such as (614) 555-0134 or +1 614 555 0134."
        )
    digits = sum(character.isdigit() for character in main)
    if not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        return f"A telephone number has {PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits; this one has {digits}."
    return None


def validate_phone_number(number: str) -> None:
    """The model validator of a telephone number (see ``phone_number_error``)."""
    if number and (message := phone_number_error(number)):
        raise ValidationError(message, code="phone_number")

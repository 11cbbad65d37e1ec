"""The demo people's phone numbers as the person record keeps them (offenders.models.Phone): each number the
seeder wrote on ``Offender.phone`` is that person's primary mobile number, added the day the case opened."""

from django.db.models import Min, Q

from offenders.choices import PhoneKind
from offenders.models import Offender, Phone

BATCH = 5_000


def phones_seed(*, first_offender_id: int) -> int:
    """One primary ``Phone`` for every person created by this run (id at least ``first_offender_id``) whose
    ``Offender.phone`` is set. Returns how many."""
    people = (
        Offender.objects.filter(pk__gte=first_offender_id)
        .filter(~Q(phone=""))
        .annotate(first_day=Min("supervisions__start_date"))
        .order_by("pk")
        .values_list("pk", "phone", "first_day", "created_at")
    )
    written = 0
    batch: list[Phone] = []
    for pk, number, first_day, created_at in people.iterator(chunk_size=BATCH):
        added_on = first_day or created_at.date()
        batch.append(Phone(offender_id=pk, kind=PhoneKind.MOBILE, number=number, is_primary=True, added_on=added_on))
        if len(batch) == BATCH:
            written += len(Phone.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(Phone.objects.bulk_create(batch))
    return written

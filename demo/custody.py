"""Some demo cases are in custody: their open episode, the status and their stood-down check-ins written as
``supervision.services.custody.custody_start`` leaves them, but without an audit row each (the seeder writes
one audit row for its run, and no officer took these people in)."""

import datetime

from django.utils import timezone

from supervision.choices import SupervisionStatus
from supervision.models import CheckIn, CustodyEpisode, Supervision
from supervision.services.scheduling import STOOD_DOWN_PREFIX, check_ins_excuse_future

FACILITIES = ("Franklin County Jail", "County Detention Center", "State Intake Center")
REASONS = ("New charge: burglary", "Held on a probation violation", "Sanction: three days", "New charge: DUI")
EVERY = 40  # one active case in forty …
AT_MOST = 25  # … and no more than this per run


def custody_seed(*, first_offender_id: int) -> int:
    """Take into custody one active case in ``EVERY`` among the offenders created by this run (id at least
    ``first_offender_id``), at most ``AT_MOST``. Returns how many."""
    now = timezone.now()
    cases = (
        Supervision.objects.filter(status=SupervisionStatus.ACTIVE, offender_id__gte=first_offender_id)
        .select_related("officer")
        .order_by("pk")
    )
    taken = 0
    for index, case in enumerate(cases.iterator()):
        if index % EVERY != 7:
            continue
        CustodyEpisode.objects.create(
            supervision=case,
            started_on=max(case.start_date, timezone.localdate(now) - datetime.timedelta(days=1 + taken % 9)),
            facility=FACILITIES[taken % len(FACILITIES)],
            reason=REASONS[taken % len(REASONS)],
            recorded_by=case.officer,
        )
        Supervision.objects.filter(pk=case.pk).update(status=SupervisionStatus.IN_CUSTODY)
        check_ins_excuse_future(
            check_ins=CheckIn.objects.filter(supervision=case, due_at__gt=now),
            reason=f"{STOOD_DOWN_PREFIX}{SupervisionStatus.IN_CUSTODY.label.lower()}",
            now=now,
        )
        taken += 1
        if taken == AT_MOST:
            break
    return taken

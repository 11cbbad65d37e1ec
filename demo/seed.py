"""``demo_seed``: the whole demo agency in one transaction, idempotent, deterministic with the seed."""

import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from demo.cases import STATE_ID_PREFIX, CaseGenerator
from demo.context import DemoContext
from demo.custody import custody_seed
from demo.phones import phones_seed
from demo.reference import DEMO_LOGINS, agency_ensure, logins_set_password
from demo.tables import DemoTables
from demo.vocabulary import name_pools
from demo.writer import BulkWriter
from offenders.models import Offender

CHUNK = 2000  # offenders generated between two flushes: bounds the memory, whatever --offenders is
# From this many new offenders, into a database holding fewer demo offenders than that, the foreign keys
# of the bulk tables are checked once at the end instead of row by row (see BulkWriter.start).
FOREIGN_KEYS_AT_END_FROM = 20_000


@dataclass
class DemoSeedResult:
    offenders_before: int
    offenders_total: int
    counts: dict[str, int]  # rows created by this run, per model label
    seconds: float
    logins: list[tuple[str, str, str]]  # (username, role, the unit, court or board it belongs to)
    password: str | None  # the generated password, when this run generated one
    passwords_set: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def demo_seed(
    *,
    offenders: int = 300,
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSeedResult:
    """Create the demo agency with ``offenders`` demo offenders, or top it up to that many.

    Running it again creates nothing new (reference data is got-or-created; demo offenders are counted
    by their ``DEMO-`` state id and only the missing ones are generated). The demo logins (the six, and
    the clerk of every court and the staff of every board) get ``password``; without one, logins created
    now get a generated password (returned), and existing logins keep theirs.
    """
    started = time.monotonic()
    created: Counter[str] = Counter()
    with transaction.atomic():
        pools = name_pools(seed)
        existing_logins = set(User.objects.filter(username__in=DEMO_LOGINS).values_list("username", flat=True))
        agency = agency_ensure(offenders=offenders, seed=seed, pools=pools, created=created)
        new_logins = set(DEMO_LOGINS) - existing_logins
        generated = None
        if password is None and new_logins:
            generated = password = secrets.token_urlsafe(12)
        passwords_set = logins_set_password(
            logins=agency.logins,
            password=password,
            usernames=list(DEMO_LOGINS) if generated is None else sorted(new_logins),
        )

        before = Offender.objects.filter(state_id__startswith=STATE_ID_PREFIX).count()
        writer = BulkWriter()
        generator = CaseGenerator(
            DemoContext(
                tables=DemoTables(writer),
                agency=agency,
                seed=seed,
                pools=pools,
                now=timezone.localtime(),
                used_numbers=set(Offender.objects.values_list("agency_number", flat=True)),
            )
        )
        if offenders > before:
            new = offenders - before
            first_new_id = (Offender.objects.aggregate(last=Max("id"))["last"] or 0) + 1
            writer.start(foreign_keys_checked_at_end=new >= FOREIGN_KEYS_AT_END_FROM and new >= before)
            try:
                for chunk_start in range(before, offenders, CHUNK):
                    for index in range(chunk_start, min(chunk_start + CHUNK, offenders)):
                        generator.build(index)
                    writer.flush()
                    if progress:
                        progress(min(chunk_start + CHUNK, offenders), offenders)
                writer.finish()
            finally:
                writer.close()
            created["offenders.Phone"] += phones_seed(first_offender_id=first_new_id)
            created["supervision.CustodyEpisode"] += custody_seed(first_offender_id=first_new_id)
        counts = {label: n for label, n in {**created, **writer.counts()}.items() if n}
        total = max(before, offenders)
        audit_record(
            actor=None,
            system="seed_demo",
            action="demo.seeded",
            detail={
                "seed": seed,
                "offenders_before": before,
                "offenders_total": total,
                "created": counts,
                "passwords_set": passwords_set,
            },
        )
    return DemoSeedResult(
        offenders_before=before,
        offenders_total=total,
        counts=counts,
        seconds=time.monotonic() - started,
        logins=[_login_row(agency.logins[username]) for username in DEMO_LOGINS],
        password=generated,
        passwords_set=passwords_set,
    )


def _login_row(user: User) -> tuple[str, str, str]:
    where = user.court or user.parole_board or user.unit
    return user.username, user.get_role_display(), str(where) if where else "the agency"

"""The person behind a demo case: aliases, address history, work, emergency contacts, risk assessments."""

from datetime import timedelta

from demo import vocabulary as words
from demo.context import Case, DemoContext
from supervision.choices import SupervisionStatus

DAY = timedelta(days=1)
SCORE_RANGES = {
    "oras": {"low": (0, 14), "moderate": (15, 23), "high": (24, 33), "very_high": (34, 49)},
    "lsi_r": {"low": (0, 13), "moderate": (14, 23), "high": (24, 33), "very_high": (34, 54)},
    "compas": {"low": (1, 4), "moderate": (5, 7), "high": (8, 9), "very_high": (10, 10)},
}


def _phone(rng) -> str:
    return f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def person_rows(context: DemoContext, case: Case) -> None:
    rng, tables, pools, today = case.rng, context.tables, context.pools, context.today
    offender_id, start, status = case.offender_id, case.start, case.status
    open_case = status != SupervisionStatus.CLOSED

    if rng.random() < 0.25:
        if rng.random() < 0.5:
            tables.aliases.add(offender_id, "nickname", rng.choice(words.NICKNAMES), case.last_name)
        else:
            first_names = pools["first_male" if case.male else "first_female"]
            tables.aliases.add(offender_id, "alias", rng.choice(first_names), rng.choice(pools["last"]))

    # The current address (for parole: from release), and now and then the one before it.
    town, postal = rng.choice(words.TOWNS)
    if case.parole:
        moved_in = min(start + timedelta(days=rng.randint(0, 10)), today)
    else:
        moved_in = start - timedelta(days=rng.randint(0, 900))
    verified = open_case and status != SupervisionStatus.ABSCONDED
    tables.addresses.add(
        offender_id,
        "shelter" if rng.random() < 0.06 else "residence",
        f"{rng.randint(100, 9899)} {rng.choice(pools['street'])}",
        f"Apt {rng.randint(1, 40)}" if rng.random() < 0.3 else "",
        town,
        words.STATE,
        postal,
        moved_in,
        None,
        today - timedelta(days=rng.randint(0, 120)) if verified else None,
    )
    if rng.random() < 0.3:
        old_town, old_postal = rng.choice(words.TOWNS)
        tables.addresses.add(
            offender_id,
            "residence",
            f"{rng.randint(100, 9899)} {rng.choice(pools['street'])}",
            "",
            old_town,
            words.STATE,
            old_postal,
            moved_in - timedelta(days=rng.randint(200, 2000)),
            moved_in - DAY,
            None,
        )

    # Work: a current job for about half, and an earlier one for some.
    on_the_run = status in (SupervisionStatus.ABSCONDED, SupervisionStatus.WARRANT)
    if rng.random() < (0.3 if on_the_run else 0.55):
        case.employer = rng.choice(pools["company"])
        hired = min(max(start, today - timedelta(days=900)) + timedelta(days=rng.randint(0, 200)), today)
        tables.employments.add(
            offender_id,
            case.employer,
            rng.choice(words.POSITIONS),
            f"{rng.choice(pools['first_female'])} {rng.choice(pools['last'])}",
            _phone(rng),
            f"{rng.randint(10, 990)} Industrial Parkway, {rng.choice(words.TOWNS)[0]}, {words.STATE}",
            hired,
            None,
            today - timedelta(days=rng.randint(0, 60)) if open_case else None,
        )
    if rng.random() < 0.25:
        left = start - timedelta(days=rng.randint(30, 400))
        tables.employments.add(
            offender_id,
            rng.choice(pools["company"]),
            rng.choice(words.POSITIONS),
            "",
            "",
            "",
            left - timedelta(days=rng.randint(60, 900)),
            left,
            None,
        )

    for n in range(1 if rng.random() < 0.8 else 2):
        relationship = rng.choice(words.RELATIONSHIPS)
        family = relationship not in ("Friend", "Partner", "Spouse")
        contact_first = rng.choice(pools["first_female"] if n == 0 else pools["first_male"])
        contact_last = case.last_name if family else rng.choice(pools["last"])
        tables.emergency_contacts.add(offender_id, f"{contact_first} {contact_last}", relationship, _phone(rng))

    # Risk: assessed before sentencing or release, reassessed by the officer after six months for some.
    very_high = rng.random() < 0.3
    risk_level = {"high": "very_high" if very_high else "high", "medium": "moderate"}.get(case.level, "low")
    if case.parole:
        instrument = "lsi_r" if rng.random() < 0.5 else "compas"
    else:
        instrument = "oras" if rng.random() < 0.6 else "lsi_r"
    low, high = SCORE_RANGES[instrument][risk_level]
    tables.risk_assessments.add(
        offender_id,
        instrument,
        rng.randint(low, high),
        risk_level,
        min(start - timedelta(days=rng.randint(0, 30)), today),
        None,
        "Pre-release assessment." if case.parole else "Pre-sentence assessment.",
    )
    reassessed = start + timedelta(days=180 + rng.randint(0, 30))
    if reassessed < today and rng.random() < 0.35:
        tables.risk_assessments.add(
            offender_id, instrument, rng.randint(low, high), risk_level, reassessed, case.officer_id, ""
        )

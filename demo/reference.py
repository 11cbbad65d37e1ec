"""The demo agency's reference data and staff: contact standards, the condition catalogue, courts, parole
boards, units with their supervisors and officers, and the six demo logins.

All of it is idempotent (get_or_create by a natural key): a second run creates nothing and leaves what an
administrator has changed since alone.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from agency.choices import Role
from agency.models import Court, ParoleBoard, Unit, User
from demo.vocabulary import CONDITION_CATALOGUE, STATE, TOWNS
from supervision.models import ConditionType, ContactStandard

# (level, interval days, window days, kind, home visit interval days): the active standards, the same for
# parole and probation; the first contact is due within the window. Inactive (non-reporting) probation:
# INACTIVE_STANDARD at every level.
CONTACT_STANDARDS = (
    ("high", 7, 2, "office", 30),
    ("medium", 14, 3, "office", 60),
    ("low", 30, 5, "office", None),
    ("administrative", 90, 14, "phone", None),
)
# (interval days, window days, kind): a record check by the officer every 90 days, as the migration sets it.
INACTIVE_STANDARD = (90, 14, "record_check")

# (name, jurisdiction, clerk name, clerk email, phone); the first is the `clerk` login's court.
COURTS = (
    ("Harmon County Circuit Court", "Harmon County", "Priya Shah", "clerk@harmon-court.example", "555-201-4100"),
    (
        "Riverside County District Court",
        "Riverside County",
        "Tom Becker",
        "clerk@riverside-court.example",
        "555-201-4200",
    ),
    ("Lakeshore Municipal Court", "City of Lakeshore", "Ana Flores", "clerk@lakeshore-court.example", "555-201-4300"),
    ("Eastbrook Superior Court", "Eastbrook County", "Glen Porter", "clerk@eastbrook-court.example", "555-201-4400"),
)
# (name, jurisdiction, email, phone); the first is the `board` login's board.
PAROLE_BOARDS = (
    ("State Board of Parole", "State of Ohio (demo)", "board@parole.example", "555-301-5100"),
    ("Northern Region Parole Commission", "Northern region", "north@parole.example", "555-301-5200"),
)
BASE_UNITS = (
    ("north", "North Field Unit", "Harmon"),
    ("central", "Central Field Unit", "Riverside"),
    ("south", "South Field Unit", "Lakeshore"),
)

# How cases are spread: the `officer` login holds the first 40; the next 660 go round-robin to the other
# eleven base officers; after that each new officer takes 60, and each new unit holds 8 officers.
LOGIN_CASELOAD = 40
BASE_OFFICERS = 12
BASE_ROUND_ROBIN_END = 700
CASELOAD = 60
OFFICERS_PER_UNIT = 8

# username: (first name, last name, role)
LOGINS = {
    "officer": ("Jordan", "Reyes", Role.OFFICER),
    "supervisor": ("Morgan", "Blake", Role.SUPERVISOR),
    "clerk": ("Priya", "Shah", Role.COURT_CLERK),
    "board": ("Samuel", "Okafor", Role.PAROLE_BOARD_STAFF),
    "integrator": ("Avery", "Chen", Role.INTEGRATOR),
    "admin": ("Alex", "Morgan", Role.ADMINISTRATOR),
}


def clerk_username(slot: int) -> str:
    """The clerk of court ``slot`` of COURTS: ``clerk``, ``clerk2``, ``clerk3`` …"""
    return "clerk" if slot == 0 else f"clerk{slot + 1}"


def board_username(slot: int) -> str:
    """The staff member of board ``slot`` of PAROLE_BOARDS: ``board``, ``board2`` …"""
    return "board" if slot == 0 else f"board{slot + 1}"


# Every login a demo visitor may use, all with the demo password: the six, and the clerk of every other
# court and the staff of every other board (each case's report goes to its own court or board).
DEMO_LOGINS = (
    *LOGINS,
    *(clerk_username(slot) for slot in range(1, len(COURTS))),
    *(board_username(slot) for slot in range(1, len(PAROLE_BOARDS))),
)


def officer_slot(index: int) -> int:
    """Which officer (0 is the `officer` login) holds the case of demo offender ``index``."""
    if index < LOGIN_CASELOAD:
        return 0
    if index < BASE_ROUND_ROBIN_END:
        return 1 + (index - LOGIN_CASELOAD) % (BASE_OFFICERS - 1)
    return BASE_OFFICERS + (index - BASE_ROUND_ROBIN_END) // CASELOAD


def officers_needed(offenders: int) -> int:
    return max(BASE_OFFICERS, officer_slot(max(offenders - 1, 0)) + 1)


def unit_slot(officer: int) -> int:
    if officer < BASE_OFFICERS:
        return officer % len(BASE_UNITS)
    return len(BASE_UNITS) + (officer - BASE_OFFICERS) // OFFICERS_PER_UNIT


def units_needed(officers: int) -> int:
    return unit_slot(officers - 1) + 1


@dataclass
class Agency:
    """What the case generator needs from the reference data, loaded once."""

    standards: dict[str, ContactStandard]  # level -> the active standard (probation's; parole's is the same)
    conditions: dict[str, ConditionType]
    courts: list[Court]
    boards: list[ParoleBoard]
    units: list[Unit]
    officers: list[User]
    court_clerks: dict[int, User]  # court id -> a clerk (receives reports)
    board_staff: dict[int, User]  # board id -> a staff member
    logins: dict[str, User]  # DEMO_LOGINS
    created: dict[str, int] = field(default_factory=dict)


def reference_data_ensure(created: dict[str, int]) -> tuple[dict, dict, list, list]:
    standards = {}
    for level, interval, window, kind, home in CONTACT_STANDARDS:
        combinations = [
            (supervision_type, "active", interval, window, kind, home) for supervision_type in ("probation", "parole")
        ]
        combinations.append(("probation", "inactive", *INACTIVE_STANDARD, None))
        for supervision_type, status, every, days, contact, visits in combinations:
            standard, new = ContactStandard.objects.get_or_create(
                level=level,
                supervision_type=supervision_type,
                status=status,
                defaults={
                    "check_in_interval_days": every,
                    "window_days": days,
                    "initial_contact_days": days,
                    "check_in_kind": contact,
                    "home_visit_interval_days": visits,
                },
            )
            created["supervision.ContactStandard"] += new
            if (supervision_type, status) == ("probation", "active"):
                standards[level] = standard  # the grid of the generated history (the same for parole)
    conditions = {}
    for code, name, description, category, applies_to, tracks_hours, _details in CONDITION_CATALOGUE:
        condition_type, new = ConditionType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "category": category,
                "applies_to": applies_to,
                "tracks_hours": tracks_hours,
            },
        )
        created["supervision.ConditionType"] += new
        if condition_type.is_active:
            conditions[code] = condition_type
    courts = []
    for name, jurisdiction, clerk_name, clerk_email, phone in COURTS:
        court, new = Court.objects.get_or_create(
            name=name,
            defaults={
                "jurisdiction": jurisdiction,
                "clerk_name": clerk_name,
                "clerk_email": clerk_email,
                "clerk_phone": phone,
            },
        )
        created["agency.Court"] += new
        courts.append(court)
    boards = []
    for name, jurisdiction, email, phone in PAROLE_BOARDS:
        board, new = ParoleBoard.objects.get_or_create(
            name=name, defaults={"jurisdiction": jurisdiction, "email": email, "phone": phone}
        )
        created["agency.ParoleBoard"] += new
        boards.append(board)
    return standards, conditions, courts, boards


def _unit_spec(slot: int) -> tuple[str, str, str]:
    if slot < len(BASE_UNITS):
        return BASE_UNITS[slot]
    town = TOWNS[slot % len(TOWNS)][0]
    return f"district-{slot + 1:03d}", f"{town} District Unit {slot + 1}", town


def _office(town: str, slot: int) -> str:
    postal = dict(TOWNS)[town]
    return f"{100 + slot * 10} Main Street, {town}, {STATE} {postal}"


def _person_name(seed: int, username: str, pools: dict) -> tuple[str, str]:
    rng = random.Random(f"caseline-demo:{seed}:staff:{username}")
    first = rng.choice(pools["first_female"] if rng.random() < 0.5 else pools["first_male"])
    return first, rng.choice(pools["last"])


def agency_ensure(*, offenders: int, seed: int, pools: dict, created: dict[str, int]) -> Agency:
    """Create what is missing of the reference data and staff for ``offenders`` demo offenders."""
    standards, conditions, courts, boards = reference_data_ensure(created)

    officer_count = officers_needed(offenders)
    unit_count = units_needed(officer_count)
    specs = [_unit_spec(slot) for slot in range(unit_count)]
    existing_units = {u.code: u for u in Unit.objects.filter(code__in=[s[0] for s in specs])}
    new_units = [
        Unit(code=code, name=name, office=_office(town, slot))
        for slot, (code, name, town) in enumerate(specs)
        if code not in existing_units
    ]
    Unit.objects.bulk_create(new_units)
    created["agency.Unit"] += len(new_units)
    by_code = {u.code: u for u in Unit.objects.filter(code__in=[s[0] for s in specs])}
    units = [by_code[code] for code, _name, _town in specs]

    # Staff: officers po0001…, supervisors sup001…, a clerk per court, staff per board; slot 0 are logins.
    wanted: dict[str, dict] = {}
    for slot in range(officer_count):
        username = "officer" if slot == 0 else f"po{slot:04d}"
        wanted[username] = {"role": Role.OFFICER, "unit": units[unit_slot(slot)], "badge_number": f"{4100 + slot}"}
    for slot, unit in enumerate(units):
        username = "supervisor" if slot == 0 else f"sup{slot:03d}"
        wanted[username] = {"role": Role.SUPERVISOR, "unit": unit, "badge_number": f"{2100 + slot}"}
    for slot, court in enumerate(courts):
        wanted[clerk_username(slot)] = {"role": Role.COURT_CLERK, "court": court}
    for slot, board in enumerate(boards):
        wanted[board_username(slot)] = {"role": Role.PAROLE_BOARD_STAFF, "parole_board": board}
    wanted["integrator"] = {"role": Role.INTEGRATOR}
    wanted["admin"] = {"role": Role.ADMINISTRATOR, "is_staff": True, "is_superuser": True}

    existing = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    new_users = []
    for username, attrs in wanted.items():
        if username in existing:
            continue
        if username in LOGINS:
            first, last, _role = LOGINS[username]
        else:
            first, last = _person_name(seed, username, pools)
        new_users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@caseline.example",
                password=make_password(None),  # unusable until the demo passwords are set
                **attrs,
            )
        )
    # bulk_create writes no simple_history rows: these accounts have no past to show.
    User.objects.bulk_create(new_users)
    created["agency.User"] += len(new_users)
    users = {u.username: u for u in User.objects.filter(username__in=list(wanted))}

    leaderless = [u for u in units if u.supervisor_id is None]
    for slot, unit in enumerate(units):
        if unit.supervisor_id is None:
            unit.supervisor = users["supervisor" if slot == 0 else f"sup{slot:03d}"]
    Unit.objects.bulk_update(leaderless, ["supervisor"])

    officers = [users["officer" if slot == 0 else f"po{slot:04d}"] for slot in range(officer_count)]
    court_clerks = {court.pk: users[clerk_username(slot)] for slot, court in enumerate(courts)}
    board_staff = {board.pk: users[board_username(slot)] for slot, board in enumerate(boards)}
    return Agency(
        standards=standards,
        conditions=conditions,
        courts=courts,
        boards=boards,
        units=units,
        officers=officers,
        court_clerks=court_clerks,
        board_staff=board_staff,
        logins={username: users[username] for username in DEMO_LOGINS},
        created=created,
    )


def logins_set_password(*, logins: dict[str, User], password: str | None, usernames: list[str]) -> list[str]:
    """Set ``password`` on the given demo logins; returns their usernames (none without a password)."""
    if password is None:
        return []
    # One hash for all: the logins share the password by design, and Argon2 costs ~0.2 s per hash.
    hashed = make_password(password)
    for username in usernames:
        user = logins[username]
        user.password = hashed
        user.save(update_fields=["password"])
    return list(usernames)

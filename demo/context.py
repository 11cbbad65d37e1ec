"""What the demo generator carries: the run (``DemoContext``) and the one case being written (``Case``)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from agency.models import Court, ParoleBoard
from demo.reference import Agency
from demo.tables import DemoTables
from supervision.models import ContactStandard


@dataclass(slots=True)
class ViolationDraft:
    """A violation of the case being written; its id, status and response are set with the reports."""

    occurred_on: date
    kind: str
    severity: str
    description: str
    created_at: datetime
    check_in_id: int | None = None
    drug_test_id: int | None = None
    condition_id: int | None = None
    recorded_by_id: int | None = None
    id: int = 0
    status: str = ""
    response: str = ""


def pick(rng: random.Random, table):
    """A value from ``((cumulative probability, value), …)``."""
    r = rng.random()
    for threshold, value in table:
        if r < threshold:
            return value
    return table[-1][1]


class Midnights(dict):
    """day -> (the start of the day in the agency's time zone, its text): check-in windows open and close
    at midnight on a few hundred distinct days, and turning each into text once saves most of the time
    the bulk rows spend in the CSV writer (both COPY and bulk_create take the ISO text)."""

    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def __missing__(self, day: date) -> tuple[datetime, str]:
        moment = datetime.combine(day, time(), tzinfo=self.tz)
        self[day] = value = (moment, str(moment))
        return value


class Moments(dict):
    """(day, hour, minute) -> (that moment in the agency's time zone, its text), made once each."""

    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def __missing__(self, key: tuple[date, int, int]) -> tuple[datetime, str]:
        day, hour, minute = key
        moment = datetime.combine(day, time(hour, minute), tzinfo=self.tz)
        self[key] = value = (moment, str(moment))
        return value


@dataclass
class DemoContext:
    tables: DemoTables
    agency: Agency
    seed: int
    pools: dict[str, tuple[str, ...]]
    now: datetime  # aware, in the agency's time zone; every date is relative to it
    used_numbers: set[str]  # agency numbers taken
    today: date = field(init=False)
    tz: tzinfo = field(init=False)
    unit_office: dict[int, str] = field(init=False)
    unit_supervisor: dict[int, int | None] = field(init=False)
    midnight: Midnights = field(init=False)
    moment: Moments = field(init=False)
    now_text: str = field(init=False)

    def __post_init__(self) -> None:
        self.today = self.now.date()
        self.tz = self.now.tzinfo  # type: ignore[assignment]
        self.midnight = Midnights(self.tz)
        self.moment = Moments(self.tz)
        self.now_text = str(self.now)
        self.unit_office = {u.pk: u.office for u in self.agency.units}
        self.unit_supervisor = {u.pk: u.supervisor_id for u in self.agency.units}

    def at(self, day: date, hour: int = 0, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)


@dataclass(slots=True)
class Case:
    """One demo offender's supervision, as decided before its history is written."""

    index: int
    rng: random.Random
    script: tuple | None  # (type, authority slot, report status) for the `officer` login's scripted cases
    offender_id: int
    first_name: str
    last_name: str
    male: bool
    supervision_id: int
    supervision_type: str
    status: str
    level: str
    standard: ContactStandard | None
    start: date
    end: date
    first_day: date  # where the history written starts: a year ago at most
    activity_end: date  # the last day with activity: yesterday, or the day before it closed
    closed_on: date | None
    closure_reason: str
    abscond_day: date | None
    court: Court | None
    parole_board: ParoleBoard | None
    officer_id: int
    unit_id: int
    docket: str
    offense: str
    employer: str = ""
    condition_ids: dict[str, int] = field(default_factory=dict)
    p_miss: float = 0.0
    p_fail: float = 0.0
    violations: list[ViolationDraft] = field(default_factory=list)
    missed_recent: list = field(default_factory=list)  # (check-in id, due day, flagged at)
    missed: int = 0
    failed: int = 0

    @property
    def parole(self) -> bool:
        return self.supervision_type == "parole"

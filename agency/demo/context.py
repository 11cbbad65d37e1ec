"""What the demo generator carries: the run (``DemoContext``) and the one case being written (``Case``)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from agency.demo.reference import Agency
from agency.demo.tables import DemoTables
from agency.models import Court, ParoleBoard
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

    def __post_init__(self) -> None:
        self.today = self.now.date()
        self.tz = self.now.tzinfo  # type: ignore[assignment]
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

"""The caseload-weighting rule: how much one open case counts towards its officer's caseload (its level, or
the inactive weight) and the share of a full caseload it takes (its weight over its type's standard), from
``settings.CASELINE`` (LEVEL_WEIGHTS, INACTIVE_WEIGHT, CASELOAD_STANDARD). The dashboard's per-officer table
and the assignment of a new intake both count with it."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet

from agency.models import User
from supervision.choices import (
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
)
from supervision.models import Supervision

OPEN_STATUSES = (
    SupervisionStatus.ACTIVE,
    SupervisionStatus.INACTIVE,
    SupervisionStatus.ABSCONDED,
    SupervisionStatus.WARRANT,
    SupervisionStatus.IN_CUSTODY,
)


def case_weight(*, level: str, status: str) -> float:
    """How much one open case counts towards its officer's caseload."""
    config = settings.CASELINE
    if status == SupervisionStatus.INACTIVE:
        return float(config["INACTIVE_WEIGHT"])
    return float(config["LEVEL_WEIGHTS"].get(level, 1.0))


@dataclass
class OfficerCaseload:
    officer: User
    cases: int = 0
    parole: int = 0
    probation: int = 0
    inactive: int = 0
    by_level: dict[str, int] = field(default_factory=lambda: {level: 0 for level in SupervisionLevel.values})
    weighted: float = 0.0
    # The share of a full caseload: each case's weight over its type's standard, summed.
    load: float = 0.0

    @property
    def load_pct(self) -> float:
        return round(self.load * 100, 1)

    @property
    def weighted_display(self) -> float:
        return round(self.weighted, 2)

    @property
    def over_standard(self) -> bool:
        return self.load > 1.0

    def add(self, *, supervision_type: str, level: str, status: str, count: int) -> None:
        weight = case_weight(level=level, status=status)
        standard = float(settings.CASELINE["CASELOAD_STANDARD"][supervision_type])
        self.cases += count
        if supervision_type == SupervisionType.PAROLE:
            self.parole += count
        else:
            self.probation += count
        if status == SupervisionStatus.INACTIVE:
            self.inactive += count
        self.by_level[level] = self.by_level.get(level, 0) + count
        self.weighted += weight * count
        self.load += weight * count / standard


def officer_caseloads(officers: list[User], cases: QuerySet[Supervision]) -> list[OfficerCaseload]:
    rows = (
        cases.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("officer_id", "supervision_type", "level", "status")
        .annotate(n=Count("pk"))
    )
    loads = {officer.pk: OfficerCaseload(officer=officer) for officer in officers}
    for row in rows:
        load = loads.get(row["officer_id"])
        if load is not None:
            load.add(supervision_type=row["supervision_type"], level=row["level"], status=row["status"], count=row["n"])
    return list(loads.values())


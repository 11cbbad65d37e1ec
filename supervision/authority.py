"""Where a supervision's violation reports go: the one place that says it.

A probation answers to its sentencing court, a parole to its parole board (``supervision_authority``). A
report takes that authority at approval and keeps it (``ViolationReport.court``/``parole_board``, and its
delivery's): from then on ``report_authority`` and ``Authority.held`` read the stored pair, so a report
already routed stays with the body it was sent to.
"""

from dataclasses import dataclass

from agency.models import Court, ParoleBoard
from supervision.choices import AuthorityType, SupervisionType
from supervision.models import Supervision, ViolationReport


@dataclass(frozen=True)
class Authority:
    """The body a supervision answers to: the sentencing court (probation) or parole board (parole)."""

    type: AuthorityType
    court: Court | None = None
    parole_board: ParoleBoard | None = None

    @classmethod
    def held(cls, *, court: Court | None, parole_board: ParoleBoard | None) -> "Authority":
        """The authority a report (or its delivery) holds: exactly one of ``court`` and ``parole_board``."""
        if court is not None:
            return cls(type=AuthorityType.COURT, court=court)
        if parole_board is None:
            raise ValueError("An authority is a court or a parole board.")
        return cls(type=AuthorityType.PAROLE_BOARD, parole_board=parole_board)

    @property
    def body(self) -> Court | ParoleBoard:
        body = self.court or self.parole_board
        assert body is not None  # constraints supervision_authority_matches_type, report_one_authority_once_approved
        return body

    @property
    def is_court(self) -> bool:
        return self.type == AuthorityType.COURT

    @property
    def name(self) -> str:
        return self.body.name

    @property
    def id(self) -> int:
        return self.body.pk

    @property
    def email(self) -> str:
        if self.court is not None:
            return self.court.clerk_email
        return self.parole_board.email if self.parole_board is not None else ""

    def as_dict(self) -> dict[str, str | int]:
        return {"type": self.type.value, "id": self.id}


def supervision_authority(*, supervision: Supervision) -> Authority:
    """The one place that says where a supervision's violation reports go."""
    if supervision.supervision_type == SupervisionType.PROBATION:
        return Authority.held(court=supervision.court, parole_board=None)
    return Authority.held(court=None, parole_board=supervision.parole_board)


def report_authority(report: ViolationReport) -> Authority:
    """The authority a report goes to: the one it took at approval, else (a draft, a report under review) its
    supervision's."""
    if report.court_id or report.parole_board_id:
        return Authority.held(court=report.court, parole_board=report.parole_board)
    return supervision_authority(supervision=report.supervision)

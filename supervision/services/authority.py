"""Where a supervision's violation reports go: the one place that says it."""

import logging
from dataclasses import dataclass

from agency.models import Court, ParoleBoard
from supervision.choices import (
    AuthorityType,
    SupervisionType,
)
from supervision.models import (
    Supervision,
)

logger = logging.getLogger(__name__)


# --- Authority -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The body a supervision answers to: the sentencing court (probation) or parole board (parole)."""

    type: str
    court: Court | None = None
    parole_board: ParoleBoard | None = None

    @property
    def body(self) -> Court | ParoleBoard:
        return self.court or self.parole_board  # type: ignore[return-value]

    @property
    def id(self) -> int:
        return self.body.pk

    @property
    def email(self) -> str:
        return self.court.clerk_email if self.court else self.parole_board.email  # type: ignore[union-attr]

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id}


def supervision_authority(*, supervision: Supervision) -> Authority:
    """The one place that says where a supervision's violation reports go."""
    if supervision.supervision_type == SupervisionType.PROBATION:
        return Authority(type=AuthorityType.COURT, court=supervision.court)
    return Authority(type=AuthorityType.PAROLE_BOARD, parole_board=supervision.parole_board)

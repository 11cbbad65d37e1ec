"""What the case page shows of the case's lifecycle beside its own fields: its custody episodes and a closure
waiting for approval (two queries, whatever the number of episodes). A tag, so the case page's view stays as
it is: ``{% case_lifecycle case as lifecycle %}``."""

from typing import Any

from django import template

from supervision.choices import ClosureRequestStatus, SupervisionStatus
from supervision.models import ClosureRequest, CustodyEpisode, Supervision

register = template.Library()


@register.simple_tag
def case_lifecycle(case: Supervision) -> dict[str, Any]:
    episodes = list(CustodyEpisode.objects.filter(supervision=case))
    current = next((e for e in episodes if e.released_on is None), None)
    pending = (
        ClosureRequest.objects.filter(supervision=case, status=ClosureRequestStatus.PENDING)
        .select_related("requested_by")
        .first()
    )
    return {
        "episodes": episodes,
        "current": current if case.status == SupervisionStatus.IN_CUSTODY else None,
        "pending_closure": pending,
    }

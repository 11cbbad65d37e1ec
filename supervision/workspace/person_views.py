"""The person page: who the person is (identity, aliases, current address, work, emergency contacts: read
only) and every supervision of theirs the user may see, open and closed, each leading to its case page.

Scope: ``offenders.selectors.person_get`` (the people of the user's cases, and those with no case yet);
the supervisions listed are those of ``supervision.access.supervisions_visible_to``. The page is audited
(``offender.viewed``) before it is rendered."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agency.audit import audit_page_read
from agency.http import AuthenticatedRequest
from offenders.selectors import person_get, person_supervisions
from supervision.workspace.pages import workspace_view


@require_GET
@workspace_view
def person_detail(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person = person_get(actor=request.user, person_id=person_id)
    supervisions = list(person_supervisions(actor=request.user, person=person))
    audit_page_read(request, action="offender.viewed", obj=person, offender_id=person.pk)
    return render(
        request,
        "supervision/person_detail.html",
        {
            "person": person,
            "supervisions": supervisions,
            "open_count": sum(1 for s in supervisions if s.closed_on is None),
        },
    )

"""The answer to an API write is the object read back through the caller's scope (issue 13): a write after
which the caller no longer sees the object answers 404, never the unscoped object; a person registered
without a case yet (in no caseload) is answered to whoever registered them."""

import pytest

from offenders.models import Offender
from supervision.api.views import CaseNoteViewSet
from supervision.models import CaseNote

pytestmark = pytest.mark.django_db


def test_a_write_whose_object_leaves_the_callers_scope_answers_404_and_the_write_stands(
    world, client_for, monkeypatch
):
    # given: the note, once written, is out of the caller's scope (as a case handed to another unit would be)
    case = world.cases["mine"]
    monkeypatch.setattr(CaseNoteViewSet, "get_scoped_queryset", lambda self: CaseNote.objects.none())
    before = CaseNote.objects.count()

    # when
    response = client_for("officer").post(
        "/api/v1/case-notes/", {"supervision": case.pk, "body": "Seen at home."}, format="json"
    )

    # then
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Not found: it does not exist, or it is not in your caseload or your token's scope."
    )
    assert CaseNote.objects.count() == before + 1
    assert "Seen at home." not in response.content.decode()


def test_a_person_registered_without_a_case_is_answered_to_the_caller_who_registered_them(world, client_for):
    response = client_for("officer").post(
        "/api/v1/offenders/",
        {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1990-04-12"},
        format="json",
    )

    assert response.status_code == 201
    person = Offender.objects.get(pk=response.json()["id"])
    assert (person.first_name, person.last_name) == ("Dana", "Reyes")
    assert not person.supervisions.exists()

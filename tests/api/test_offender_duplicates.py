"""GET /api/v1/offenders/duplicates/ (issue 15, item 1, for integrators): the intake's duplicate rule
(offenders.selectors) over the API, with the same scope as the intake page, identity fields only, audited."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agency.models import AuditEvent
from offenders.models import Offender
from tests.offenders.factories import OffenderFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/offenders/duplicates/"


def test_the_matches_say_why_and_the_others_are_only_counted(world, client_for):
    # given the officer's person, the same person's double with no case, and a south unit person alike
    mine = Offender.objects.get(pk=world.cases["mine"].offender_id)
    born = mine.date_of_birth
    double = OffenderFactory(first_name="Zed", last_name=mine.last_name, date_of_birth=born)
    Offender.objects.filter(pk=world.cases["south"].offender_id).update(last_name=mine.last_name, date_of_birth=born)
    # when the officer asks for the duplicates of the name and date of birth
    response = client_for("officer").get(URL, {"last_name": mine.last_name.upper(), "date_of_birth": born})
    # then their person and the double are answered with the reasons, the south person only counted
    assert response.status_code == 200
    body = response.json()
    assert {match["offender"] for match in body["matches"]} == {mine.pk, double.pk}
    assert all("Same last name and date of birth" in match["reasons"] for match in body["matches"])
    assert body["elsewhere"] == 1
    # and only identity fields are answered
    assert set(body["matches"][0]) == {
        "offender", "agency_number", "first_name", "middle_name", "last_name", "date_of_birth", "state_id",
        "fbi_number", "aliases", "reasons",
    }  # fmt: skip
    # and the read is audited, naming whom it showed
    row = AuditEvent.objects.get(action="offender.listed")
    assert (sorted(row.offender_ids), row.detail["elsewhere"]) == (sorted([mine.pk, double.pk]), 1)


def test_a_sid_is_found_for_an_integrator(world, client_for):
    person = Offender.objects.get(pk=world.cases["south"].offender_id)
    response = client_for("integrator", token="read").get(URL, {"state_id": f" {person.state_id.lower()} "})
    assert response.status_code == 200
    assert [(m["offender"], m["reasons"]) for m in response.json()["matches"]] == [(person.pk, ["Same SID"])]


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "last_name"), ({"first_name": "Ann"}, "last_name"), ({"date_of_birth": "1990-02-30"}, "date_of_birth"),
     ({"last_name": "Reyes", "nickname": "x"}, "nickname")],
)  # fmt: skip
def test_nothing_to_look_for_is_a_400_naming_the_field(world, client_for, query, field):
    response = client_for("officer").get(URL, query)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not AuditEvent.objects.filter(action="offender.listed").exists()


def test_clerks_are_refused(world, client_for):
    assert client_for("clerk").get(URL, {"last_name": "Reyes"}).status_code == 403


def test_the_same_queries_for_one_match_and_many(world, client_for, django_assert_num_queries):
    client = client_for("officer")
    born = datetime.date(1980, 1, 1)
    OffenderFactory(last_name="Quist", date_of_birth=born)
    client.get(URL, {"last_name": "Quist", "date_of_birth": born})
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"last_name": "Quist", "date_of_birth": born})
    for _ in range(5):
        OffenderFactory(last_name="Quist", date_of_birth=born)
    with django_assert_num_queries(len(one)):
        response = client.get(URL, {"last_name": "Quist", "date_of_birth": born})
    assert len(response.json()["matches"]) == 6

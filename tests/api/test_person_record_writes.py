"""A person's record over the API (offenders/api/record.py), what the writes do: each goes through its service
(history row, audit row, the rules of the record), bad input is a 400 naming the field, a state conflict a 409,
and nothing is saved when refused."""

import datetime

import pytest

from agency.models import AuditEvent
from offenders.models import Address, EmergencyContact, Offender, Phone
from tests.api.person_record_helpers import ROUTES, make_records, record_state, request_for, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    return make_records(world)


@pytest.fixture
def officer(client_for):
    return client_for("officer")


def _person(world):
    return world.cases["mine"].offender


# --- Through the services -------------------------------------------------------------------------------------


def test_a_move_ends_the_current_residence_the_day_before_with_history_and_audit(world, records, officer):
    # given the person's current residence since 2020
    current = records[("addresses", "mine")]
    url, payload = request_for(world, records, "address-add", "mine")
    # when a new residence is added from today
    response = officer.post(url, payload, format="json")
    # then the answer is the new address, and the old one ended yesterday, with the move on its history row
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["offender"], body["line1"], body["start_date"], body["end_date"]) == (
        _person(world).pk,
        "42 Elm Street",
        today().isoformat(),
        None,
    )
    current.refresh_from_db()
    assert current.end_date == today() - datetime.timedelta(days=1)
    assert current.history.first().history_change_reason == "Moved: a new address begins"
    assert current.history.first().history_user == world.users["officer"]
    row = AuditEvent.objects.get(action="address.added")
    assert (row.actor, row.object_id, row.offender_id, row.detail["ended_address"]) == (
        world.users["officer"],
        str(body["id"]),
        _person(world).pk,
        current.pk,
    )


def test_a_correction_changes_only_the_fields_sent_and_keeps_the_reason(world, records, officer):
    # given
    address = records[("addresses", "mine")]
    # when
    response = officer.post(
        f"/api/v1/addresses/{address.pk}/correct/", {"city": "Dublin", "reason": "Wrong city"}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    address.refresh_from_db()
    assert (address.line1, address.city) == ("7 Oak Road", "Dublin")
    assert address.history.first().history_change_reason == "Wrong city"
    assert AuditEvent.objects.get(action="address.corrected").detail["before"] == {"city": "Columbus"}


def test_a_new_primary_number_is_copied_to_the_person_and_the_old_one_stays(world, records, officer):
    # given a first number (primary) added through the API, and the world's number made primary after it
    first = officer.post("/api/v1/phones/", {"offender": _person(world).pk, "number": "614 555 0177"}, format="json")
    world_phone = records[("phones", "mine")]
    # when
    response = officer.post(f"/api/v1/phones/{world_phone.pk}/make-primary/", {}, format="json")
    # then
    assert first.status_code == 201 and response.status_code == 200, response.json()
    assert response.json()["is_primary"] is True
    assert Offender.objects.get(pk=_person(world).pk).phone == "614 555 0100"
    assert Phone.objects.get(pk=first.json()["id"]).is_primary is False
    assert AuditEvent.objects.filter(action="phone.made_primary", object_id=str(world_phone.pk)).count() == 1


def test_ending_the_primary_number_hands_over_to_the_latest_current_one(world, records, officer):
    # given the world's number (primary) and a later one
    primary = records[("phones", "mine")]
    officer.post(f"/api/v1/phones/{primary.pk}/make-primary/", {}, format="json")
    later = officer.post("/api/v1/phones/", {"offender": _person(world).pk, "number": "614 555 0177"}, format="json")
    # when
    response = officer.post(
        f"/api/v1/phones/{primary.pk}/end/", {"ended_on": today().isoformat(), "reason": "Lost"}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    assert (response.json()["is_primary"], response.json()["ended_on"]) == (False, today().isoformat())
    assert Phone.objects.get(pk=later.json()["id"]).is_primary is True
    assert Offender.objects.get(pk=_person(world).pk).phone == "614 555 0177"


def test_an_update_keeps_the_fields_not_sent_and_the_history_keeps_the_old_number(world, records, officer):
    # given
    contact = records[("emergency-contacts", "mine")]
    url, payload = request_for(world, records, "emergency-contact-update", "mine")
    # when
    response = officer.post(url, payload, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert {key: response.json()[key] for key in ("name", "relationship", "phone")} == {
        "name": "Ann Lee",
        "relationship": "Sister",
        "phone": "614 555 0199",
    }
    contact.refresh_from_db()
    assert [row.phone for row in contact.history.order_by("history_id")] == ["614 555 0101", "614 555 0199"]
    assert contact.history.first().history_change_reason == "New number"


@pytest.mark.parametrize(
    ("route", "action"),
    [
        ("address-verify", "address.verified"),
        ("employment-add", "employment.added"),
        ("employment-end", "employment.ended"),
        ("employment-verify", "employment.verified"),
        ("emergency-contact-add", "emergency_contact.added"),
        ("emergency-contact-end", "emergency_contact.ended"),
        ("alias-add", "alias.added"),
        ("alias-end", "alias.ended"),
    ],
)
def test_each_write_is_audited_by_its_service_naming_the_person(world, records, officer, route, action):
    # given
    url, payload = request_for(world, records, route, "mine")
    # when
    response = officer.post(url, payload, format="json")
    # then
    assert response.status_code in (200, 201), response.json()
    row = AuditEvent.objects.get(action=action)
    assert (row.actor, row.object_id, row.offender_id) == (
        world.users["officer"],
        str(response.json()["id"]),
        _person(world).pk,
    )


# --- Bad input: 400 naming the field, nothing saved -------------------------------------------------------------


def _refused(client, url: str, payload: dict, status: int) -> dict:
    before = record_state()
    response = client.post(url, payload, format="json")
    assert response.status_code == status, response.json()
    assert set(response.json()) == {"detail", "errors"}
    assert record_state() == before
    return response.json()["errors"]


def _day(offset: int) -> str:
    return (today() + datetime.timedelta(days=offset)).isoformat()


@pytest.mark.parametrize(
    ("route", "change", "field"),
    [
        ("employment-end", {"end_date": "2019-12-31"}, "end_date"),  # before the job began (2020-01-01)
        ("employment-end", {"end_date": "31/12/2026"}, "end_date"),
        ("employment-end", {"reason": ""}, "reason"),
        ("employment-end", {"reason": "x" * 101}, "reason"),
        ("employment-verify", {"verified_on": "2019-06-01"}, "verified_on"),
        ("employment-add", {"employer_name": ""}, "employer_name"),
        ("address-add", {"start_date": "2020-01-01"}, "start_date"),  # not after the current one began
        ("address-add", {"kind": "castle"}, "kind"),
        ("address-add", {"offender": 2**70}, "offender"),
        ("address-add", {"offender": "abc"}, "offender"),
        ("address-add", {"line1": "x" * 201}, "line1"),
        ("address-correct", {"reason": None}, "reason"),
        ("address-verify", {"how": "guess"}, "how"),
        ("address-verify", {"verified_on": "2019-06-01"}, "verified_on"),  # before the person lived there
        ("phone-add", {"number": "call me"}, "number"),
        ("phone-add", {"number": "555-01"}, "number"),
        ("phone-add", {"number": "614 555 0100"}, "number"),  # already on the record
        ("phone-end", {"ended_on": "2019-12-31"}, "ended_on"),  # before the number was added
        ("phone-end", {"ended_on": None}, "ended_on"),
        ("emergency-contact-add", {"phone": "none"}, "phone"),
        ("emergency-contact-update", {"phone": "none"}, "phone"),
        ("emergency-contact-update", {"reason": "   "}, "reason"),
        ("emergency-contact-end", {"reason": ""}, "reason"),
        ("alias-add", {"last_name": "smith", "kind": "alias"}, "last_name"),  # the same current name, any case
        ("alias-end", {"ended_on": "yesterday"}, "ended_on"),
        ("alias-end", {"nickname": "x"}, "nickname"),  # an unknown field
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, records, officer, route, change, field):
    # given
    url, payload = request_for(world, records, route, "mine")
    payload = {**payload, **change}
    if payload.get("reason") is None and "reason" in change:
        del payload["reason"]  # left out
    # when / then
    errors = _refused(officer, url, payload, 400)
    assert field in errors, errors


def test_a_correction_without_a_reason_is_a_400_that_says_so(world, records, officer):
    address = records[("addresses", "mine")]
    errors = _refused(officer, f"/api/v1/addresses/{address.pk}/correct/", {"line1": "1 Fixed Street"}, 400)
    assert errors == {"reason": ["This field is required."]}


def test_a_correction_that_changes_nothing_is_a_400(world, records, officer):
    address = records[("addresses", "mine")]
    errors = _refused(
        officer, f"/api/v1/addresses/{address.pk}/correct/", {"line1": address.line1, "reason": "Check"}, 400
    )
    assert errors == {"non_field_errors": ["Nothing changed: correct at least one field."]}


def test_an_id_filter_that_is_not_an_id_is_a_400(world, records, officer):
    response = officer.get("/api/v1/phones/", {"offender": "abc"})
    assert response.status_code == 400
    assert "offender" in response.json()["errors"]


# --- State conflicts: 409, nothing saved --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("employment-end", "This job already ended on"),
        ("phone-end", "This number was already ended on"),
        ("emergency-contact-end", "This contact was already ended on"),
        ("alias-end", "This name was already ended on"),
    ],
)
def test_ending_what_is_already_ended_is_a_409(world, records, officer, route, message):
    # given it was ended
    url, payload = request_for(world, records, route, "mine")
    assert officer.post(url, payload, format="json").status_code == 200
    # when it is ended again / then
    _refused(officer, url, payload, 409)
    assert officer.post(url, payload, format="json").json()["detail"].startswith(message)


def test_updating_an_ended_contact_is_a_409(world, records, officer):
    contact = records[("emergency-contacts", "mine")]
    EmergencyContact.objects.filter(pk=contact.pk).update(ended_on=datetime.date(2021, 1, 1))
    url, payload = request_for(world, records, "emergency-contact-update", "mine")
    _refused(officer, url, payload, 409)


@pytest.mark.parametrize("ended", [False, True], ids=["already-primary", "ended"])
def test_making_primary_the_primary_number_or_an_ended_one_is_a_409(world, records, officer, ended):
    phone = records[("phones", "mine")]
    if ended:
        Phone.objects.filter(pk=phone.pk).update(ended_on=today())
    else:
        assert officer.post(f"/api/v1/phones/{phone.pk}/make-primary/", {}, format="json").status_code == 200
    _refused(officer, f"/api/v1/phones/{phone.pk}/make-primary/", {}, 409)


def test_a_verification_of_an_address_the_person_left_is_a_400(world, records, officer):
    address = records[("addresses", "mine")]
    Address.objects.filter(pk=address.pk).update(end_date=datetime.date(2021, 1, 1))
    errors = _refused(
        officer, f"/api/v1/addresses/{address.pk}/verify/", {"verified_on": _day(0), "how": "document"}, 400
    )
    assert list(errors) == ["verified_on"]


def test_no_write_route_answers_a_500_to_an_empty_body(world, records, officer):
    for route in ROUTES:
        template, resource = ROUTES[route]
        url = template.replace("{pk}", str(records[(resource, "mine")].pk))
        response = officer.post(url, {}, format="json")
        assert response.status_code in (200, 400), (route, response.status_code)

"""The domain bounds through the API (issue 12, finding 1): a date beyond the case's reach, a text longer
than its field and a body nested beyond reason are each a 400 in the API's one error shape, naming the
field, and nothing is stored: no row, no audit entry. Each request here once answered 500, or was stored
and then broke every page that showed it."""

import datetime
import json

import pytest
from django.utils import timezone

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from offenders.models import Offender
from supervision.bounds import CASE_NOTE_MAX_LENGTH, NOTE_MAX_LENGTH
from supervision.choices import ReportStatus
from supervision.models import CaseNote, CheckIn, DrugTest, Supervision, Violation, ViolationReport

pytestmark = pytest.mark.django_db


def _state() -> dict:
    """What a refused write must leave as it was."""
    return {
        "writes": AuditEvent.objects.filter(outcome=AuditOutcome.ALLOWED).exclude(action__endswith=".viewed").count(),
        "offenders": Offender.objects.count(),
        "supervisions": Supervision.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "status", "completed_at", "updated_at")),
        "drug_tests": DrugTest.objects.count(),
        "notes": CaseNote.objects.count(),
        "violations": Violation.objects.count(),
        "reports": list(ViolationReport.objects.order_by("pk").values_list("pk", "status", "hearing_at", "updated_at")),
    }


def _received_report(world) -> ViolationReport:
    """The clerk's routed report on the officer's case, acknowledged."""
    report = world.records[("violation-reports", "mine")]
    ViolationReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RECEIVED, received_at=timezone.now(), received_by=world.users["clerk"]
    )
    return report


def _before_the_case(world, name: str = "mine") -> datetime.date:
    return world.cases[name].start_date - datetime.timedelta(days=1)


# --- The 500s of the issue --------------------------------------------------------------------------


@pytest.mark.parametrize("hearing_at", ["9999-12-31T23:00", "9999-12-31T23:00:00-05:00", "2999-01-01T10:00:00Z"])
def test_a_hearing_in_the_year_9999_is_a_field_error_and_every_list_still_answers(world, client_for, hearing_at):
    # given a report the clerk has acknowledged
    report = _received_report(world)
    clerk = client_for("clerk")
    before = _state()

    # when the clerk sets its hearing at the end of the calendar
    response = clerk.post(
        f"/api/v1/violation-reports/{report.pk}/hearing/", {"hearing_at": hearing_at, "location": "Room 4"}
    )

    # then it is refused on the field, nothing is stored, and the reports list answers for everyone
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["hearing_at"]
    assert _state() == before
    assert [client_for(name).get("/api/v1/violation-reports/").status_code for name in ("clerk", "officer")] == [
        200,
        200,
    ]


def test_a_hearing_more_than_three_years_ahead_is_refused_and_one_within_is_scheduled(world, client_for):
    # given a received report
    report = _received_report(world)
    clerk = client_for("clerk")
    now = timezone.now()
    too_far, within = now + datetime.timedelta(days=3 * 366 + 2), now + datetime.timedelta(days=2 * 365)

    # when
    refused = clerk.post(f"/api/v1/violation-reports/{report.pk}/hearing/", {"hearing_at": too_far.isoformat()})
    scheduled = clerk.post(f"/api/v1/violation-reports/{report.pk}/hearing/", {"hearing_at": within.isoformat()})

    # then
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"hearing_at": ["This is more than 3 years ahead: check the year."]}
    assert (scheduled.status_code, scheduled.json()["status"]) == (200, "hearing_scheduled")


def test_a_contact_at_the_first_moment_of_the_calendar_is_a_field_error_not_an_overflow(world, client_for):
    # given
    case = world.cases["mine"]
    before = _state()

    # when a contact is recorded at 0001-01-01T00:00:00 (no offset: read in the agency's time zone)
    response = client_for("officer").post(
        "/api/v1/check-ins/", {"supervision": case.pk, "kind": "home_visit", "occurred_at": "0001-01-01T00:00:00"}
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "occurred_at": [f"This is before the supervision began ({case.start_date:%b %d, %Y})."]
    }
    assert _state() == before


@pytest.mark.parametrize("completed_at", ["0683-05-01T10:00:00", "0683-05-01T10:00:00Z", "1999-12-31T23:59:00Z"])
def test_a_check_in_completed_before_the_case_began_is_refused_not_echoed_with_a_local_mean_time_offset(
    world, client_for, completed_at
):
    # given
    case = world.cases["mine"]
    check_in = world.records[("check-ins", "mine")]
    before = _state()

    # when
    response = client_for("officer").post(f"/api/v1/check-ins/{check_in.pk}/complete/", {"completed_at": completed_at})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "completed_at": [f"This is before the supervision began ({case.start_date:%b %d, %Y})."]
    }
    assert _state() == before


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        ("0001-01-01", "A date of birth more than 110 years ago is not plausible: check the year."),
        ("9999-12-31", "A person under supervision is at least 14 years old: check the date of birth."),
    ],
)
def test_a_date_of_birth_at_either_end_of_the_calendar_is_refused(world, client_for, date_of_birth, message):
    # given
    integrator = client_for("integrator", token="write")
    before = _state()

    # when
    response = integrator.post(
        "/api/v1/offenders/", {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": date_of_birth}
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Please correct the request: date_of_birth: {message}",
        "errors": {"date_of_birth": [message]},
    }
    assert _state() == before


def test_a_violation_before_its_case_began_is_refused(world, client_for):
    # given
    case = world.cases["mine"]
    before = _state()

    # when
    response = client_for("officer").post(
        "/api/v1/violations/",
        {
            "supervision": case.pk,
            "kind": "technical",
            "occurred_on": _before_the_case(world).isoformat(),
            "description": "Missed curfew.",
        },
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "occurred_on": [f"This is before the supervision began ({case.start_date:%b %d, %Y})."]
    }
    assert _state() == before


def test_a_case_from_the_year_1_to_the_year_9999_is_refused(world, client_for):
    # given
    before = _state()

    # when
    response = client_for("supervisor").post(
        "/api/v1/supervisions/",
        {
            "offender": world.cases["mine"].offender.pk,
            "supervision_type": "probation",
            "court": world.court.pk,
            "docket_number": "CR-0001-00001",
            "offense": "Theft",
            "start_date": "0001-01-01",
            "end_date": "9999-12-31",
            "officer": world.users["officer"].pk,
        },
    )

    # then
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"start_date", "end_date"}
    assert response.json()["errors"]["end_date"] == ["A supervision runs at most 60 years: check the end date."]
    assert _state() == before


# --- Lengths ----------------------------------------------------------------------------------------


def test_a_90000_character_drug_test_note_is_refused_on_its_field(world, client_for):
    # given
    before = _state()

    # when
    response = client_for("officer").post(
        "/api/v1/drug-tests/",
        {
            "supervision": world.cases["mine"].pk,
            "collected_at": timezone.now().isoformat(),
            "result": "negative",
            "notes": "x" * 90_000,
        },
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"notes": [f"Ensure this field has no more than {NOTE_MAX_LENGTH} characters."]}
    assert _state() == before


@pytest.mark.parametrize(
    ("url", "field", "limit"),
    [
        ("/api/v1/case-notes/", "body", CASE_NOTE_MAX_LENGTH),
        ("/api/v1/violations/", "description", NOTE_MAX_LENGTH),
        ("/api/v1/check-ins/", "notes", NOTE_MAX_LENGTH),
    ],
)
def test_every_free_text_of_the_api_has_its_models_maximum(world, client_for, url, field, limit):
    # given a body that is right but for one text, one character over its maximum
    case = world.cases["mine"]
    body = {
        "/api/v1/case-notes/": {"supervision": case.pk},
        "/api/v1/violations/": {"supervision": case.pk, "kind": "technical", "occurred_on": str(timezone.localdate())},
        "/api/v1/check-ins/": {"supervision": case.pk, "kind": "phone", "occurred_at": timezone.now().isoformat()},
    }[url] | {field: "y" * (limit + 1)}
    before = _state()

    # when
    response = client_for("officer").post(url, body)

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [f"Ensure this field has no more than {limit} characters."]}
    assert _state() == before


# --- Parsers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_json_body_nested_5000_levels_is_a_400_not_a_recursion_error(world, client_for, opening):
    # given a body of 5,000 nested arrays (or objects), well under the size limit
    closing = "]" if opening == "[" else "}"
    body = opening * 5000 + "1" + closing * 5000
    before = _state()

    # when
    response = client_for("officer").post("/api/v1/case-notes/", body, content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - nested more than 64 levels deep.",
        "errors": {},
    }
    assert _state() == before


def test_nesting_inside_strings_does_not_count_and_ordinary_bodies_still_parse(world, client_for):
    # given a note whose text is full of brackets and escaped quotes
    text = '[[[[{{{{ "\\"[[[[" ' * 50

    # when
    response = client_for("officer").post(
        "/api/v1/case-notes/",
        json.dumps({"supervision": world.cases["mine"].pk, "body": text}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 201
    assert CaseNote.objects.get(pk=response.json()["id"]).body == text.strip()


def _nested_note(world, levels: int) -> str:
    """A note whose unknown field ``extra`` holds arrays nested so that the body is ``levels`` deep."""
    arrays = "[" * (levels - 1) + "]" * (levels - 1)
    return json.dumps({"supervision": world.cases["mine"].pk, "body": "x", "extra": 0}).replace("0}", arrays + "}")


def test_a_body_64_levels_deep_is_read(world, client_for):
    # when
    response = client_for("officer").post(
        "/api/v1/case-notes/", _nested_note(world, 64), content_type="application/json"
    )

    # then it was parsed: what is refused is the unknown field
    assert response.status_code == 400
    assert response.json()["errors"] == {"extra": ["Unknown field: remove it or check its spelling."]}


def test_a_body_65_levels_deep_is_refused_unread(world, client_for):
    # when
    response = client_for("officer").post(
        "/api/v1/case-notes/", _nested_note(world, 65), content_type="application/json"
    )

    # then
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "JSON parse error - nested more than 64 levels deep.", "errors": {}},
    )

"""A property-based pass over every web form (issue 12): Hypothesis posts arbitrary values to each page that
takes a POST, as the role that may use it, and reads each filter page with an arbitrary query string.

The values: text of any length (up to tens of thousands of characters) and alphabet, NUL and control
characters included; huge, negative and non-finite numbers; dates from the year 1 to 9999; date-times with
seconds, odd offsets and ``Z``; ids of other rows, huge or not numbers at all; any field missing. The
properties: never a server error, and a page that answers with errors (the form again, a refusal, or a
redirect that carries an error message) has stored nothing: no row added or changed, no audit row of a
change.

Each page's rows are built once per test function; each example runs in a savepoint rolled back after it,
so the examples are independent. ``CASELINE_FORM_EXAMPLES`` (default 25) sets the examples per page, and
``CASELINE_FORM_RANDOM=1`` draws other examples than the repeatable default: run with a few hundred on
purpose to search further.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from offenders.choices import AddressKind, AddressVerification, AliasKind, PhoneKind
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone, Photo
from supervision.choices import (
    CheckInKind,
    ClosureReason,
    ClosureRequestStatus,
    Disposition,
    DrugTestReason,
    DrugTestResult,
    LabConfirmation,
    ReferralKind,
    ReferralStatus,
    ReportRecommendation,
    ReportStatus,
    Specimen,
    Substance,
    SubstanceResult,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    ClosureRequest,
    CommunityServiceEntry,
    Condition,
    CustodyEpisode,
    DrugTest,
    DrugTestSubstanceResult,
    Notification,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from tests.agency.factories import CourtClerkFactory, OfficerFactory
from tests.offenders.record_world import record_of
from tests.supervision.factories import CheckInFactory, ReferralFactory, ViolationFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CASELINE_FORM_EXAMPLES", "25"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written outside the test run
    # The same examples on every run, so CI is repeatable; CASELINE_FORM_RANDOM=1 draws new ones.
    derandomize=not os.environ.get("CASELINE_FORM_RANDOM"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # each example is rolled back: the fixtures stay as they were
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- Values a browser, or someone with curl, can send ---------------------------------------------------

UTF8 = st.characters(codec="utf-8")  # any character a request can carry (NUL and controls included)


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(UTF8, max_size=40),
        st.builds(lambda piece, times: piece * times, st.text(UTF8, min_size=1, max_size=3), st.integers(1, 25_000)),
    )


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**40), 10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(
            ["0", "-0", "1e999", "NaN", "-Infinity", "0x10", "٣", "²", "1_000", " 7 ", "9223372036854775808"]
        ),
    )


def _iso_day(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _days() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(_iso_day),
        st.integers(-4000, 4000).map(lambda n: _iso_day(timezone.localdate() + datetime.timedelta(days=n))),
        st.sampled_from(["2026-02-30", "31/12/2026", "12/31/2026", "10000-01-01", "0000-01-01", "today"]),
    )


def _offsets() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(""),
        st.just("Z"),
        st.builds(
            lambda sign, minutes: f"{sign}{minutes // 60:02d}:{minutes % 60:02d}",
            st.sampled_from("+-"),
            st.integers(0, 23 * 60 + 59),
        ),
    )


def _moment_text(moment: datetime.datetime, seconds: bool, separator: str, offset: str) -> str:
    text = f"{_iso_day(moment.date())}{separator}{moment.hour:02d}:{moment.minute:02d}"
    return text + (f":{moment.second:02d}" if seconds else "") + offset


def _moments() -> st.SearchStrategy[str]:
    anywhen = st.datetimes(datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59))
    nearby = st.integers(-3 * 366 * 24 * 60, 5 * 366 * 24 * 60).map(
        lambda minutes: timezone.localtime() + datetime.timedelta(minutes=minutes)
    )
    # The calendar's ends, where an offset or a local time zone pushes a moment past them.
    edges = st.sampled_from([datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59)])
    return st.one_of(
        st.builds(_moment_text, st.one_of(anywhen, nearby), st.booleans(), st.sampled_from("T "), _offsets()),
        st.builds(_moment_text, edges, st.booleans(), st.just("T"), _offsets()),
        st.sampled_from(["2026-03-08T02:30", "2026-11-01T01:30", "9999-12-31T23:00", "0001-01-01T00:00", "now"]),
    )


def _anything() -> st.SearchStrategy[str]:
    return st.one_of(_texts(), _numbers(), _days(), _moments())


def _choice(values) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["", *values]), _anything())


def _ids(*ids: int) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([str(i) for i in ids]), _numbers(), _anything())


def _many(strategy) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, max_size=4)


# --- The pages ---------------------------------------------------------------------------------------------


@dataclass
class Page:
    role: str
    url: Callable[["World"], str]
    fields: Callable[["World"], dict[str, st.SearchStrategy]]
    # After a write, the pages that show what was written (by role): they must still answer.
    shown_on: Callable[["World"], dict[str, list[str]]] = lambda w: {
        "officer": [reverse("supervision:case_detail", args=[w.case.pk]), f"/api/v1/check-ins/?supervision={w.case.pk}"]
    }


@dataclass
class World:
    case: Supervision
    other_case: Supervision
    check_in: CheckIn
    violation: Violation
    referral: Referral
    condition: Condition
    draft: ViolationReport
    submitted: ViolationReport
    received: ViolationReport
    routed: ViolationReport
    users: dict
    records: dict = field(default_factory=dict)  # made on first use (tests/offenders/record_world.py)


def _instrument():
    """A configured instrument (tests/supervision/risk_helpers.py), made once per test."""
    from offenders.risk import AssessmentInstrument
    from tests.supervision.risk_helpers import instrument_make

    found = AssessmentInstrument.objects.filter(code="property-screening").first()
    return found or instrument_make(name="Property screening", code="property-screening")


def _override(w: World) -> int:
    """An override the case's officer asked for, waiting for the supervisor (made on first use)."""
    from supervision.services.risk import risk_assessment_record

    if not hasattr(w, "override_id"):
        instrument = _instrument()
        answers = [(item.pk, item.answers.order_by("score").last().pk) for item in instrument.items.all()]
        assessment = risk_assessment_record(
            actor=w.case.officer,
            supervision=w.case,
            instrument=instrument,
            answers=answers,
            assessed_on=w.case.start_date,
            override_level=SupervisionLevel.LOW,
            override_reason="Stable work",
        )
        w.override_id = assessment.level_override.pk  # type: ignore[attr-defined]
    return w.override_id  # type: ignore[attr-defined]


def _risk_fields() -> dict[str, st.SearchStrategy]:
    """A configured instrument: its id, each item's answers (or anything), an override."""
    instrument = _instrument()
    fields: dict[str, st.SearchStrategy] = {"instrument": _ids(instrument.pk), "assessed_on": _days()}
    for item in instrument.items.prefetch_related("answers"):
        fields[f"item_{item.pk}"] = _ids(*(answer.pk for answer in item.answers.all()))
    return {
        **fields,
        "notes": _texts(),
        "override_level": _choice(SupervisionLevel.values),
        "override_reason": _texts(),
    }


def _case_url(name: str, *extra: Callable[[World], int]):
    return lambda w: reverse(f"supervision:{name}", args=[w.case.pk, *(get(w) for get in extra)])


def _inbox_url(name: str, report: str = "received"):
    return lambda w: reverse(f"inbox:{name}", args=[getattr(w, report).pk])


def _review_url(name: str):
    return lambda w: reverse(f"dashboard:{name}", args=[w.submitted.pk])


def _closure_url(name: str):
    """A closure waiting for approval on the officer's case (asked for by the officer), made once."""

    def url(w: World) -> str:
        pending, _ = ClosureRequest.objects.get_or_create(
            supervision=w.case,
            status=ClosureRequestStatus.PENDING,
            defaults={
                "closure_reason": ClosureReason.EARLY_TERMINATION,
                "closed_on": timezone.localdate(),
                "requested_by": w.users["officer"],
                "requested_at": timezone.now(),
            },
        )
        return reverse(f"dashboard:{name}", args=[pending.pk])

    return url


def _report_pages(w: "World") -> dict[str, list[str]]:
    """Every page that shows a report: the clerk's inbox, report page and PDF, the officer's case and
    report pages, the supervisor's queue, and the API's reports list."""
    return {
        "clerk": [
            reverse("inbox:inbox"),
            reverse("inbox:report_detail", args=[w.received.pk]),
            reverse("inbox:report_pdf", args=[w.received.pk]),
            "/api/v1/violation-reports/",
        ],
        "officer": [
            reverse("supervision:case_detail", args=[w.case.pk]),
            reverse("supervision:report_detail", args=[w.case.pk, w.received.pk]),
            reverse("supervision:report_detail", args=[w.case.pk, w.draft.pk]),
            "/api/v1/violation-reports/",
        ],
        "supervisor": [reverse("dashboard:reviews"), reverse("dashboard:cases")],
    }


def _when(name: str) -> Callable[[World], dict]:
    return lambda w: {name: _moments()}


SUBSTANCE_FIELDS = {f"substance_{s.value}": _choice(SubstanceResult.values) for s in Substance}

PAGES: dict[str, Page] = {
    "check_in_complete": Page(
        "officer",
        _case_url("check_in_complete", lambda w: w.check_in.pk),
        lambda w: {
            "kind": _choice(CheckInKind.values),
            "completed_at": _moments(),
            "location": _texts(),
            "notes": _texts(),
        },
    ),
    "check_in_excuse": Page(
        "officer", _case_url("check_in_excuse", lambda w: w.check_in.pk), lambda w: {"reason": _texts()}
    ),
    "contact_new": Page(
        "officer",
        _case_url("contact_new"),
        lambda w: {
            "kind": _choice(CheckInKind.values),
            "occurred_at": _moments(),
            "location": _texts(),
            "notes": _texts(),
        },
    ),
    "drug_test_new": Page(
        "officer",
        _case_url("drug_test_new"),
        lambda w: {
            "collected_at": _moments(),
            "reason": _choice(DrugTestReason.values),
            "specimen": _choice(Specimen.values),
            "panel": _texts(),
            "result": _choice(DrugTestResult.values),
            "lab_confirmation": _choice(LabConfirmation.values),
            "lab_name": _texts(),
            "notes": _texts(),
            **SUBSTANCE_FIELDS,
        },
    ),
    "note_new": Page("officer", _case_url("note_new"), lambda w: {"body": _texts()}),
    "condition_new": Page(
        "officer",
        _case_url("condition_new"),
        lambda w: {
            "condition_type": _ids(w.condition.condition_type_id, w.other_case.pk),
            "details": _texts(),
            "hours_required": st.one_of(_numbers(), st.decimals("-100", "10000", places=3).map(str)),
            "imposed_on": _days(),
            "order_date": _days(),
            "order_reference": _texts(),
        },
    ),
    "condition_modify": Page(
        "officer",
        _case_url("condition_modify", lambda w: w.condition.pk),
        lambda w: {
            "details": _texts(),
            "hours_required": st.one_of(_numbers(), st.decimals("-100", "10000", places=3).map(str)),
            "order_date": _days(),
            "order_reference": _texts(),
        },
    ),
    "condition_end": Page(
        "supervisor",
        _case_url("condition_end", lambda w: w.condition.pk),
        lambda w: {"ended_on": _days(), "order_date": _days(), "order_reference": _texts()},
    ),
    "violation_correct": Page(
        "officer",
        _case_url("violation_correct", lambda w: w.violation.pk),
        lambda w: {"correction": _choice(["withdraw", "dismiss", "delete"]), "reason": _texts()},
    ),
    "case_level": Page(
        "officer", _case_url("case_level"), lambda w: {"level": _choice(SupervisionLevel.values), "reason": _texts()}
    ),
    "case_status": Page(
        "officer",
        _case_url("case_status"),
        lambda w: {"status": _choice(SupervisionStatus.values), "reason": _texts(), "effective_on": _days()},
    ),
    "risk_assessment_new": Page("officer", _case_url("risk_assessment_new"), lambda w: _risk_fields()),
    "level_override_approve": Page(
        "supervisor",
        lambda w: reverse("dashboard:level_override_approve", args=[_override(w)]),
        lambda w: {"reason": _texts()},
    ),
    "level_override_decline": Page(
        "supervisor",
        lambda w: reverse("dashboard:level_override_decline", args=[_override(w)]),
        lambda w: {"reason": _texts()},
    ),
    "case_restriction": Page(
        "supervisor",
        _case_url("case_restriction"),
        lambda w: {
            "action": _choice(["restrict", "unrestrict", "grant", "revoke"]),
            "restrict-reason": _texts(),
            "unrestrict-reason": _texts(),
            "grant-user": _ids(w.users["colleague"].pk, w.users["officer"].pk),
            "grant-reason": _texts(),
            "revoke-grant": _numbers(),
            "revoke-reason": _texts(),
        },
    ),
    "case_close": Page(
        "supervisor",
        _case_url("case_close"),
        lambda w: {"closure_reason": _choice(ClosureReason.values), "closed_on": _days(), "note": _texts()},
    ),
    "case_custody": Page(
        "officer",
        _case_url("case_custody"),
        lambda w: {"started_on": _days(), "facility": _texts(), "reason": _texts(), "release_reason": _texts()},
    ),
    "closure_approve": Page("supervisor", _closure_url("closure_approve"), lambda w: {"x": _anything()}),
    "closure_decline": Page("supervisor", _closure_url("closure_decline"), lambda w: {"reason": _texts()}),
    "referral_new": Page(
        "officer",
        _case_url("referral_new"),
        lambda w: {
            "kind": _choice(ReferralKind.values),
            "provider": _texts(),
            "referred_on": _days(),
            "notes": _texts(),
        },
    ),
    "referral_status": Page(
        "officer",
        _case_url("referral_status", lambda w: w.referral.pk),
        lambda w: {"status": _choice(ReferralStatus.values), "changed_on": _days(), "notes": _texts()},
    ),
    "community_service_new": Page(
        "officer",
        _case_url("community_service_new"),
        lambda w: {
            "condition": _ids(w.condition.pk, w.other_case.pk),
            "performed_on": _days(),
            "hours": st.one_of(_numbers(), st.decimals("-100", "100", places=3).map(str)),
            "organisation": _texts(),
        },
    ),
    "violation_new": Page(
        "officer",
        _case_url("violation_new"),
        lambda w: {
            "kind": _choice(ViolationKind.values),
            "severity": _choice(ViolationSeverity.values),
            "occurred_on": _days(),
            "condition": _ids(w.condition.pk),
            "description": _texts(),
        },
    ),
    "report_new": Page(
        "officer",
        _case_url("report_new"),
        lambda w: {
            "violations": _many(_ids(w.violation.pk)),
            "narrative": _texts(),
            "recommendation": _choice(ReportRecommendation.values),
        },
        _report_pages,
    ),
    "report_edit": Page(
        "officer",
        _case_url("report_detail", lambda w: w.draft.pk),
        lambda w: {
            "violations": _many(_ids(w.violation.pk, *w.draft.violations.values_list("pk", flat=True))),
            "narrative": _texts(),
            "recommendation": _choice(ReportRecommendation.values),
        },
        _report_pages,
    ),
    "report_submit": Page(
        "officer",
        _case_url("report_submit", lambda w: w.draft.pk),
        lambda w: {
            "violations": _many(_ids(w.violation.pk, *w.draft.violations.values_list("pk", flat=True))),
            "narrative": _texts(),
            "recommendation": _choice(ReportRecommendation.values),
        },
        _report_pages,
    ),
    "report_acknowledge": Page(
        "clerk", _inbox_url("report_acknowledge", "routed"), lambda w: {"x": _anything()}, _report_pages
    ),
    "report_hearing": Page(
        "clerk",
        _inbox_url("report_hearing"),
        lambda w: {"hearing_at": _moments(), "location": _texts()},
        _report_pages,
    ),
    "report_disposition": Page(
        "clerk",
        _inbox_url("report_disposition"),
        lambda w: {"disposition": _choice(Disposition.values), "disposed_on": _days(), "note": _texts()},
        _report_pages,
    ),
    "intake_register": Page(
        "officer",
        lambda w: reverse("supervision:intake_register"),
        lambda w: {
            **{name: _texts() for name in ("first_name", "middle_name", "last_name", "phone", "email")},
            "date_of_birth": _days(),
            "state_id": st.one_of(st.just(w.case.offender.state_id), _texts()),
            "fbi_number": _texts(),
            "primary_language": _texts(),
            "different_person": _choice(["on", "true"]),
        },
    ),
    "intake_open": Page(
        "supervisor",
        lambda w: reverse("supervision:intake_open", args=[w.case.offender_id]),
        lambda w: {
            "supervision_type": _choice(SupervisionType.values),
            "court": _ids(w.case.court_id),
            "parole_board": _ids(w.case.court_id),
            "docket_number": _texts(),
            "offense": _texts(),
            "start_date": _days(),
            "end_date": _days(),
            "level": _choice(SupervisionLevel.values),
            "order_date": _days(),
            "order_reference": _texts(),
            "standard_conditions": _many(_ids(w.condition.condition_type_id)),
            "special_type_1": _ids(w.condition.condition_type_id),
            "special_details_1": _texts(),
            "special_hours_1": _numbers(),
            "officer": _ids(w.users["officer"].pk, w.users["colleague"].pk, w.users["clerk"].pk),
            "officer_reason": _texts(),
        },
    ),
    "review_approve": Page("supervisor", _review_url("review_approve"), lambda w: {"x": _anything()}, _report_pages),
    "review_return": Page("supervisor", _review_url("review_return"), lambda w: {"comment": _texts()}, _report_pages),
    "reassign": Page(
        "supervisor",
        lambda w: reverse("dashboard:reassign"),
        lambda w: {
            "cases": _many(_ids(w.case.pk, w.other_case.pk)),
            "officer": _ids(w.users["colleague"].pk, w.users["officer"].pk, w.users["clerk"].pk),
            "reason": _texts(),
            # A path, as the page sends it, another site, or any text at all (a bare word such as "0" was a
            # 500: redirect() took it for a view's name).
            "next": st.one_of(
                st.sampled_from(
                    ["/dashboard/cases/", "https://evil.example/", "//evil", "/\\evil", "0", "admin:index"]
                ),
                _texts().map(lambda text: "/" + text),
                st.text(),
                _anything(),
            ),
        },
    ),
}


# The filter pages, read with any query string (GET): never a server error.
# A person's record (issue 15, item 2): /people/<id>/record/…, as the case's officer.
def _person_url(name: str, kind: str = ""):
    def url(w: World) -> str:
        person = w.case.offender
        args = [person.pk, record_of(w.records, person, kind).pk] if kind else [person.pk]
        return reverse(f"supervision:{name}", args=args)

    return url


def _person_page(name: str, kind: str, fields: Callable[[World], dict[str, st.SearchStrategy]]) -> Page:
    return Page(
        "officer",
        _person_url(name, kind),
        fields,
        shown_on=lambda w: {
            "officer": [
                reverse("supervision:person_record", args=[w.case.offender_id]),
                reverse("supervision:case_detail", args=[w.case.pk]),
            ]
        },
    )


def _address_fields(w: World) -> dict[str, st.SearchStrategy]:
    return {
        "kind": _choice(AddressKind.values),
        **{name: _texts() for name in ("line1", "line2", "city", "state", "postal_code")},
        "start_date": _days(),
    }


def _ending(w: World) -> dict[str, st.SearchStrategy]:
    return {"ended_on": _days(), "reason": _texts()}


def _contact_fields(w: World) -> dict[str, st.SearchStrategy]:
    return {"name": _texts(), "relationship": _texts(), "phone": _texts()}


PAGES.update(
    {
        "address_new": _person_page("address_new", "", _address_fields),
        "address_correct": _person_page(
            "address_correct", "addresses", lambda w: {**_address_fields(w), "reason": _texts()}
        ),
        "address_verify": _person_page(
            "address_verify",
            "addresses",
            lambda w: {"verified_on": _days(), "how": _choice(AddressVerification.values)},
        ),
        "employment_new": _person_page(
            "employment_new",
            "",
            lambda w: {
                **{
                    name: _texts()
                    for name in (
                        "employer_name",
                        "position",
                        "employer_contact_name",
                        "employer_phone",
                        "employer_address",
                    )
                },
                "start_date": _days(),
            },
        ),
        "employment_end": _person_page(
            "employment_end", "employment", lambda w: {"end_date": _days(), "reason": _texts()}
        ),
        "employment_verify": _person_page("employment_verify", "employment", lambda w: {"verified_on": _days()}),
        "phone_new": _person_page(
            "phone_new",
            "",
            lambda w: {"kind": _choice(PhoneKind.values), "number": _texts(), "is_primary": _choice(["on", "true"])},
        ),
        "phone_primary": _person_page("phone_primary", "phones", lambda w: {"extra": _anything()}),
        "phone_end": _person_page("phone_end", "phones", _ending),
        "emergency_contact_new": _person_page("emergency_contact_new", "", _contact_fields),
        "emergency_contact_edit": _person_page(
            "emergency_contact_edit", "contacts", lambda w: {**_contact_fields(w), "reason": _texts()}
        ),
        "emergency_contact_end": _person_page("emergency_contact_end", "contacts", _ending),
        "alias_new": _person_page(
            "alias_new",
            "",
            lambda w: {"kind": _choice(AliasKind.values), "first_name": _texts(), "last_name": _texts()},
        ),
        "alias_end": _person_page("alias_end", "aliases", _ending),
        "photo_upload": _person_page("photo_upload", "", lambda w: {"photo": _anything()}),
    }
)


FILTER_PAGES: dict[str, Page] = {
    "caseload": Page(
        "officer",
        lambda w: reverse("supervision:caseload"),
        lambda w: {
            "q": _texts(),
            "supervision_type": _choice(SupervisionType.values),
            "level": _choice(SupervisionLevel.values),
            "status": _anything(),
            "due": _anything(),
            "sort": _anything(),
            "officer": _ids(w.users["officer"].pk),
            "page": _numbers(),
        },
    ),
    "case_timeline": Page("officer", _case_url("case_detail"), lambda w: {"kind": _anything(), "page": _numbers()}),
    "intake_search": Page(
        "officer",
        lambda w: reverse("supervision:intake"),
        lambda w: {
            **{name: _texts() for name in ("first_name", "last_name", "state_id", "fbi_number")},
            "date_of_birth": _days(),
        },
    ),
    "report_new_preselected": Page(
        "officer", _case_url("report_new"), lambda w: {"violation": _many(_ids(w.violation.pk))}
    ),
    "unit_dashboard": Page(
        "supervisor",
        lambda w: reverse("dashboard:index"),
        lambda w: {
            "officer": _ids(w.users["officer"].pk),
            "supervision_type": _choice(SupervisionType.values),
            "level": _choice(SupervisionLevel.values),
        },
    ),
    "dashboard_cases": Page(
        "supervisor",
        lambda w: reverse("dashboard:cases"),
        lambda w: {
            "officer": _ids(w.users["officer"].pk),
            "supervision_type": _anything(),
            "level": _anything(),
            "figure": _anything(),
            "page": _numbers(),
        },
    ),
    "inbox": Page(
        "clerk",
        lambda w: reverse("inbox:inbox"),
        lambda w: {"q": _texts(), "show": _anything(), "page": _numbers()},
    ),
}


@pytest.fixture
def world(case, check_in, open_violation, officer, colleague, supervisor) -> World:
    """The officer's case with a scheduled check-in, an open violation, a referral, a condition that tracks
    hours, a draft report, a report submitted to the supervisor, one routed to the court and one its clerk
    has received."""
    unit = officer.unit
    unit.supervisor = supervisor
    unit.save()
    clerk = CourtClerkFactory(court=case.court)
    now = timezone.now()
    received = ViolationReportFactory(
        supervision=case,
        status=ReportStatus.RECEIVED,
        court=case.court,
        submitted_at=now - datetime.timedelta(days=3),
        reviewed_by=supervisor,
        reviewed_at=now - datetime.timedelta(days=2),
        received_at=now - datetime.timedelta(days=1),
        received_by=clerk,
        violations=[ViolationFactory(supervision=case)],
    )
    return World(
        case=case,
        other_case=CheckInFactory(supervision__officer=OfficerFactory(unit=unit)).supervision,
        check_in=check_in,
        violation=open_violation,
        referral=ReferralFactory(supervision=case),
        condition=case.conditions.get(condition_type__tracks_hours=True),
        draft=ViolationReportFactory(supervision=case, violations=[ViolationFactory(supervision=case)]),
        submitted=ViolationReportFactory(
            supervision=case,
            status=ReportStatus.SUBMITTED,
            submitted_at=now - datetime.timedelta(hours=5),
            violations=[ViolationFactory(supervision=case)],
        ),
        received=received,
        routed=ViolationReportFactory(
            supervision=case,
            status=ReportStatus.ROUTED,
            court=case.court,
            submitted_at=now - datetime.timedelta(days=2),
            reviewed_by=supervisor,
            reviewed_at=now - datetime.timedelta(days=1),
            violations=[ViolationFactory(supervision=case)],
        ),
        users={"officer": officer, "colleague": colleague, "supervisor": supervisor, "clerk": clerk},
    )


@pytest.fixture
def clients(world) -> dict[str, Client]:
    signed_in = {}
    for role in ("officer", "supervisor", "clerk"):
        client = Client()
        client.force_login(world.users[role])
        signed_in[role] = client
    return signed_in


STATE_MODELS = (
    Supervision,
    Condition,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    CaseNote,
    Referral,
    CommunityServiceEntry,
    Violation,
    ViolationReport,
    ViolationReport.violations.through,
    ReportDelivery,
    Notification,
    ClosureRequest,
    CustodyEpisode,
    Offender,
    Address,
    Employment,
    Phone,
    EmergencyContact,
    Alias,
    Photo,
)


def _state() -> dict:
    """Every row a form could add or change: how many, and the latest change."""
    state = {}
    for model in STATE_MODELS:
        fields = {f.name for f in model._meta.get_fields()}
        aggregate = {"n": models.Count("pk")}
        if "updated_at" in fields:
            aggregate["changed"] = models.Max("updated_at")
        state[model._meta.label] = model.objects.aggregate(**aggregate)
    state["audited_changes"] = (
        AuditEvent.objects.exclude(outcome=AuditOutcome.DENIED)
        .exclude(action__endswith=".viewed")
        .exclude(action__endswith=".listed")
        .count()
    )
    return state


def _refused(response) -> bool:
    """The page answered with errors: the form again, a 4xx, or a redirect with an error message."""
    if response.status_code != 302:
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    return any(message.level >= message_levels.ERROR for message in queued)


def _post_once(clients: dict[str, Client], page: Page, world: World, data: dict) -> None:
    url = page.url(world)
    cache.clear()  # the API's throttle counts: the reads after a write are not rate-limited across examples
    with transaction.atomic():
        before = _state()
        response = clients[page.role].post(url, data)  # a server error raises here and fails the example
        assert response.status_code < 500, (url, data)
        if _refused(response):
            assert _state() == before, (url, response.status_code, data)
        else:  # stored: every page that shows it still answers
            for role, shown in page.shown_on(world).items():
                for shown_url in shown:
                    assert clients[role].get(shown_url).status_code == 200, (url, data, shown_url)
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", sorted(PAGES))
@PROPERTY
@given(data=st.data())
def test_no_form_answers_a_server_error_and_a_refusal_stores_nothing(world, clients, name, data):
    page = PAGES[name]
    values = data.draw(st.fixed_dictionaries({}, optional=page.fields(world)), label=name)
    _post_once(clients, page, world, values)


@pytest.mark.parametrize("name", sorted(FILTER_PAGES))
@PROPERTY
@given(data=st.data())
def test_no_filter_page_answers_a_server_error(world, clients, name, data):
    page = FILTER_PAGES[name]
    values = data.draw(st.fixed_dictionaries({}, optional=page.fields(world)), label=name)
    cache.clear()  # searches are throttled: each example reads the page itself, not a 429
    with transaction.atomic():
        response = clients[page.role].get(page.url(world), values)
        assert response.status_code < 500, (name, values)
        transaction.set_rollback(True)


def test_every_page_that_takes_a_post_is_in_the_pass():
    # given every route of the three browser URL confs
    from django.urls import get_resolver

    routes = [
        (namespace, pattern.name)
        for namespace in ("supervision", "inbox", "dashboard")
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns
    ]
    # then each one that takes a POST is posted to above (the others are read with GETs)
    posted = {(PAGE_ROUTES.get(name, ("supervision", name))) for name in PAGES}
    assert posted == {route for route in routes if _takes_post(*route)}


PAGE_ROUTES = {
    "report_edit": ("supervision", "report_detail"),
    "report_acknowledge": ("inbox", "report_acknowledge"),
    "report_hearing": ("inbox", "report_hearing"),
    "report_disposition": ("inbox", "report_disposition"),
    "review_approve": ("dashboard", "review_approve"),
    "review_return": ("dashboard", "review_return"),
    "reassign": ("dashboard", "reassign"),
    "closure_approve": ("dashboard", "closure_approve"),
    "closure_decline": ("dashboard", "closure_decline"),
    "level_override_approve": ("dashboard", "level_override_approve"),
    "level_override_decline": ("dashboard", "level_override_decline"),
}


def _takes_post(namespace: str, name: str) -> bool:
    """Whether the route answers a POST with anything but 405 (asked of the view, signed out: a page that
    takes POSTs sends a signed-out caller to the sign-in page; one that does not answers 405)."""
    from django.urls import NoReverseMatch

    client = Client()
    for args in ([], [1], [1, 1]):
        try:
            url = reverse(f"{namespace}:{name}", args=args)
        except NoReverseMatch:
            continue
        if url.endswith(".csv"):
            return False
        return client.post(url).status_code != 405
    raise AssertionError(f"{namespace}:{name} takes arguments this test does not know")

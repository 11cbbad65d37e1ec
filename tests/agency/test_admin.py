"""The Django admin: every model is there, nothing is deleted, every save is audited, and the database's
rules show as clear messages on the page."""

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency.api.tokens import api_token_issue
from agency.audit import audit_record
from agency.models import ApiTokenScope, AuditEvent, Court, User, WebhookDelivery, WebhookSubscription
from offenders.models import Alias, EmergencyContact, Offender, Phone, Photo, RiskAssessment
from supervision.models import (
    CaseNote,
    CheckIn,
    CheckInPlan,
    ClosureRequest,
    CommunityServiceEntry,
    CustodyEpisode,
    DigestDelivery,
    DrugTestSubstanceResult,
    Notification,
    Referral,
    ReminderDelivery,
    ReportDelivery,
    Supervision,
)
from supervision.services import check_ins_schedule
from tests.agency.factories import (
    AdministratorFactory,
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    ContactStandardFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)
from tests.supervision.risk_helpers import assessment_make, instrument_make

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("agency", "offenders", "supervision")
SUPERVISION_AUTHORITY_MESSAGE = (
    "Probation needs its sentencing court and no parole board; parole needs its parole board and no court."
)
# Written by the application only (the audit trail, what jobs record): no add page.
NO_ADD_PAGE = {
    "agency.auditevent",
    "supervision.reportdelivery",
    "supervision.violationreport",  # drafted by an officer on the case page or through the API (issue 12, #11)
    "supervision.reportviolation",
    "supervision.notification",
    "supervision.checkinplan",
    "supervision.reminderdelivery",
    "supervision.digestdelivery",
    "agency.webhookdelivery",
    "supervision.custodyepisode",  # the case's custody page and the API (issue 15)
    "supervision.closurerequest",  # the case's close page and the API (issue 15)
    "offenders.phone",  # the person-record pages (offenders.services) keep the primary number in step
    "offenders.photo",  # uploaded and checked by the person-record page, kept privately
    "offenders.riskassessmentanswer",  # recorded with its assessment (supervision.services.risk)
    "offenders.leveloverride",
}


def _case_record(model, *, by: str = "recorded_by", **fields):
    case = SupervisionFactory()
    return model.objects.create(supervision=case, **{by: case.officer}, **fields)


def _offender_with_history() -> Offender:
    offender = OffenderFactory()
    Alias.objects.create(offender=offender, last_name="Doe", first_name="Jay")
    AddressFactory(offender=offender)
    EmploymentFactory(offender=offender)
    EmergencyContact.objects.create(offender=offender, name="Ann Doe", relationship="Mother", phone="555-0100")
    RiskAssessment.objects.create(
        offender=offender, instrument="oras", score=18, level="moderate", assessed_on=datetime.date(2025, 3, 1)
    )
    return offender


def _unique(prefix: str) -> str:
    return f"{prefix}:{next(_SEQUENCE)}"


_SEQUENCE = itertools.count()


def _drug_test_with_results():
    test = DrugTestFactory()
    DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="negative")
    return test


# One way to make an object of every domain model.
MAKERS: dict[str, Callable[[], Model]] = {
    "agency.court": CourtFactory,
    "agency.paroleboard": ParoleBoardFactory,
    "agency.unit": UnitFactory,
    "agency.user": OfficerFactory,
    "agency.auditevent": lambda: audit_record(actor=OfficerFactory(), action="court.admin_saved", obj=CourtFactory()),
    "agency.apitokenscope": lambda: api_token_issue(actor=None, system="test", user=OfficerFactory(), scope="read")[0],
    "agency.webhooksubscription": lambda: WebhookSubscription.objects.create(
        name=_unique("Warehouse"), url="https://warehouse.example/hook", secret="s", events=["check_in.missed"]
    ),
    "agency.webhookdelivery": lambda: WebhookDelivery.objects.create(
        subscription=MAKERS["agency.webhooksubscription"](),
        event="check_in.missed",
        event_id=_unique("check_in.missed:check_in"),
        payload={"event": "check_in.missed"},
    ),
    "offenders.offender": _offender_with_history,
    "offenders.alias": lambda: Alias.objects.create(offender=OffenderFactory(), last_name="Roe"),
    "offenders.address": AddressFactory,
    "offenders.phone": lambda: Phone.objects.create(offender=OffenderFactory(), number="614 555 0100"),
    "offenders.photo": lambda: Photo.objects.create(
        offender=OffenderFactory(),
        image="photos/0/none.png",
        content_type="image/png",
        size=1,
        width=1,
        height=1,
        sha256="0" * 64,
        uploaded_by=OfficerFactory(),
    ),
    "offenders.employment": EmploymentFactory,
    "offenders.emergencycontact": lambda: EmergencyContact.objects.create(
        offender=OffenderFactory(), name="Bo Roe", relationship="Brother", phone="555-0101"
    ),
    "offenders.riskassessment": lambda: RiskAssessment.objects.create(
        offender=OffenderFactory(),
        instrument="lsi_r",
        score=25,
        level="high",
        assessed_on=datetime.date(2025, 2, 1),
        assessor=OfficerFactory(),
    ),
    "offenders.assessmentinstrument": lambda: instrument_make(
        name=_unique("Screening"), code=_unique("s").replace(":", "-")
    ),
    "offenders.instrumentitem": lambda: MAKERS["offenders.assessmentinstrument"]().items.first(),
    "offenders.instrumentanswer": lambda: MAKERS["offenders.instrumentitem"]().answers.first(),
    "offenders.instrumentcutoff": lambda: MAKERS["offenders.assessmentinstrument"]().cutoffs.first(),
    "offenders.riskassessmentanswer": lambda: assessment_make().answers.first(),
    "offenders.leveloverride": lambda: assessment_make(override_level="low").level_override,
    "supervision.supervision": SupervisionFactory,
    "supervision.conditiontype": ConditionTypeFactory,
    "supervision.condition": ConditionFactory,
    "supervision.communityserviceentry": lambda: CommunityServiceEntry.objects.create(
        condition=ConditionFactory(),
        performed_on=datetime.date(2025, 4, 1),
        hours=Decimal("4.00"),
        organisation="Food bank",
        recorded_by=OfficerFactory(),
    ),
    "supervision.contactstandard": lambda: ContactStandardFactory(level="high", check_in_interval_days=7),
    "supervision.checkin": CheckInFactory,
    "supervision.drugtest": _drug_test_with_results,
    "supervision.drugtestsubstanceresult": lambda: DrugTestSubstanceResult.objects.create(
        drug_test=DrugTestFactory(), substance="cocaine", result="positive"
    ),
    "supervision.casenote": lambda: CaseNote.objects.create(
        supervision=SupervisionFactory(), author=OfficerFactory(), body="Met at the office; employed."
    ),
    "supervision.referral": lambda: Referral.objects.create(
        supervision=SupervisionFactory(),
        kind="housing",
        provider="Hope House",
        referred_on=datetime.date(2025, 5, 1),
        status_changed_on=datetime.date(2025, 5, 1),
        referred_by=OfficerFactory(),
    ),
    "supervision.violation": ViolationFactory,
    "supervision.violationreport": ViolationReportFactory,
    "supervision.reportviolation": lambda: ViolationReportFactory().violation_links.get(),
    "supervision.reportdelivery": lambda: ReportDelivery.objects.create(
        report=ViolationReportFactory(), court=CourtFactory()
    ),
    "supervision.notification": lambda: Notification.objects.create(
        recipient=OfficerFactory(), kind="missed_check_in", message="A check-in was missed.", key=_unique("missed")
    ),
    "supervision.checkinplan": lambda: CheckInPlan.objects.create(supervision=SupervisionFactory(), level="medium"),
    "supervision.custodyepisode": lambda: _case_record(
        CustodyEpisode, started_on=datetime.date(2026, 1, 5), facility="County Jail", reason="Sanction"
    ),
    "supervision.closurerequest": lambda: _case_record(
        ClosureRequest,
        closure_reason="transferred",
        closed_on=datetime.date(2026, 1, 5),
        requested_at=timezone.now(),
        by="requested_by",
    ),
    "supervision.reminderdelivery": lambda: ReminderDelivery.objects.create(check_in=CheckInFactory(), channel="email"),
    "supervision.digestdelivery": lambda: DigestDelivery.objects.create(
        supervisor=OfficerFactory(), unit=UnitFactory(), day=datetime.date(2025, 6, 1), counts={"missed": 2}
    ),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def _url(model: type[Model], view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _model(label: str) -> type[Model]:
    return apps.get_model(label)


@pytest.fixture
def administrator(client) -> User:
    user = AdministratorFactory()
    client.force_login(user)
    return user


def _management_form(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _supervision_form(**overrides) -> dict[str, str]:
    officer = OfficerFactory()
    data = {
        "offender": str(OffenderFactory().pk),
        "supervision_type": "probation",
        "court": "",
        "parole_board": "",
        "docket_number": "CR-2025-00042",
        "offense": "Burglary",
        "start_date": "2025-01-15",
        "end_date": "2027-01-15",
        "status": "active",
        "closed_on": "",
        "closure_reason": "",
        "level": "medium",
        "officer": str(officer.pk),
        "unit": str(officer.unit_id),
        "_save": "Save",
        **_management_form("conditions"),
    }
    data.update(overrides)
    return data


# --- Every model is in the admin ----------------------------------------------------------------------


def test_every_domain_model_is_registered_and_has_a_maker_here():
    # given every model of the three apps (history tables excepted)
    domain = {
        model._meta.label_lower
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }
    # then each is registered with the admin, and this test module can make one
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert domain - registered == set()
    assert domain == set(MAKERS)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_changelist_answers_for_an_administrator(client, administrator, model):
    # given an administrator, signed in
    # when they open the model's list
    response = client.get(_url(model, "changelist"))
    # then it answers
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_add_page_answers_where_adding_is_allowed(client, administrator, model):
    # given an administrator, signed in
    # when they open the model's add page
    response = client.get(_url(model, "add"))
    # then it answers, except for the records only the application writes
    assert response.status_code == (403 if model._meta.label_lower in NO_ADD_PAGE else 200)


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_change_page_and_history_answer(client, administrator, label):
    # given an object of the model
    obj = MAKERS[label]()
    model = _model(label)
    # when an administrator opens it and its history
    change = client.get(_url(model, "change", obj.pk))
    history = client.get(_url(model, "history", obj.pk))
    # then both answer
    assert change.status_code == 200
    assert history.status_code == 200


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_changelist_queries_do_not_grow_with_the_rows(client, administrator, label):
    # given one object of the model
    model = _model(label)
    MAKERS[label]()
    url = _url(model, "changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # when there are four
    for _ in range(3):
        MAKERS[label]()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    # then the list costs the same number of queries
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Who may enter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [OfficerFactory, CourtClerkFactory], ids=["officer", "court_clerk"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/supervision/supervision/"])
def test_staff_other_than_administrators_are_sent_to_the_admin_sign_in(client, factory, path):
    # given an officer or a court clerk, signed in (not staff)
    client.force_login(factory())
    # when they open the admin
    response = client.get(path)
    # then they are sent to the admin's sign-in page
    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={path}"


# --- Nothing is deleted ---------------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_delete_view_is_refused(client, administrator, label):
    # given an object of a domain model
    obj = MAKERS[label]()
    model = _model(label)
    audit_rows = AuditEvent.objects.filter(outcome="allowed").count()
    # when an administrator asks to delete it
    response = client.post(_url(model, "delete", obj.pk), {"post": "yes"})
    # then it is refused and the object is untouched; the only new audit row records the refusal
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    assert AuditEvent.objects.filter(outcome="allowed").count() == audit_rows
    assert AuditEvent.objects.filter(outcome="denied", action="access.denied").count() == 1


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_no_bulk_delete_action(rf, label):
    # given an administrator's request
    request = rf.get("/admin/")
    request.user = AdministratorFactory()
    # then no domain model's list offers the bulk delete action
    assert "delete_selected" not in admin.site._registry[_model(label)].get_actions(request)


def test_no_inline_row_can_be_deleted(rf):
    # given an administrator's request
    request = rf.get("/admin/")
    request.user = AdministratorFactory()
    # when every inline of the domain models' admins is built
    inlines = [
        inline_class(model_admin.model, admin.site)
        for model_admin in admin.site._registry.values()
        if model_admin.model._meta.app_label in DOMAIN_APPS
        for inline_class in model_admin.inlines
    ]
    # then each of them refuses to delete a row, on a new object and on a saved one
    assert sorted(type(inline).__name__ for inline in inlines) == [
        "AddressInline",
        "AliasInline",
        "CommunityServiceEntryInline",
        "ConditionInline",
        "DrugTestSubstanceResultInline",
        "EmergencyContactInline",
        "EmploymentInline",
        "InstrumentAnswerInline",
        "InstrumentCutoffInline",
        "InstrumentItemInline",
        "ReportDeliveryInline",
        "RiskAssessmentInline",
    ]
    saved = OffenderFactory()
    assert [inline.has_delete_permission(request) for inline in inlines] == [False] * len(inlines)
    assert [inline.has_delete_permission(request, saved) for inline in inlines] == [False] * len(inlines)


def test_reference_data_is_deactivated_with_an_audited_action(client, administrator):
    # given two active courts
    first, second = CourtFactory(), CourtFactory()
    # when the administrator deactivates both from the list
    response = client.post(
        _url(Court, "changelist"), {"action": "deactivate_selected", "_selected_action": [first.pk, second.pk]}
    )
    # then both stay on record, inactive, and each change is audited
    assert response.status_code == 302
    assert list(Court.objects.order_by("pk").values_list("pk", "is_active")) == [
        (first.pk, False),
        (second.pk, False),
    ]
    assert sorted(AuditEvent.objects.values_list("action", "object_id", "actor")) == sorted(
        [
            ("court.admin_deactivated", str(first.pk), administrator.pk),
            ("court.admin_deactivated", str(second.pk), administrator.pk),
        ]
    )


def test_audit_trail_cannot_be_changed(client, administrator):
    # given an audit row
    event = audit_record(actor=administrator, action="court.admin_saved", obj=CourtFactory())
    # when an administrator posts a change to it
    response = client.post(_url(AuditEvent, "change", event.pk), {"action": "forged"})
    # then it is refused and the row is unchanged
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.action == "court.admin_saved"


# --- The database's rules show as messages ------------------------------------------------------------


def test_probation_with_a_parole_board_shows_the_constraint_message_and_creates_nothing(client, administrator):
    # given the add form of a probation case naming a parole board
    data = _supervision_form(parole_board=str(ParoleBoardFactory().pk))
    # when it is posted
    response = client.post(_url(Supervision, "add"), data)
    # then the page shows the rule and nothing was created or audited
    assert response.status_code == 200
    assert SUPERVISION_AUTHORITY_MESSAGE in response.content.decode()
    assert Supervision.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_probation_with_its_court_and_a_parole_board_is_refused_too(client, administrator):
    data = _supervision_form(court=str(CourtFactory().pk), parole_board=str(ParoleBoardFactory().pk))
    response = client.post(_url(Supervision, "add"), data)
    assert response.status_code == 200
    assert SUPERVISION_AUTHORITY_MESSAGE in response.content.decode()
    assert Supervision.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_parole_cannot_be_made_inactive_in_the_admin(client, administrator):
    # given a parole case
    data = _supervision_form(supervision_type="parole", parole_board=str(ParoleBoardFactory().pk), status="inactive")
    # when it is posted as inactive
    response = client.post(_url(Supervision, "add"), data)
    # then the page says why and nothing is created
    assert response.status_code == 200
    assert "Parole is always active supervision: it cannot be inactive." in response.content.decode()
    assert Supervision.objects.count() == 0


def test_a_case_must_be_in_its_officers_unit(client, administrator):
    # given the add form of a case whose unit is not its officer's
    officer = OfficerFactory()
    data = _supervision_form(court=str(CourtFactory().pk), officer=str(officer.pk), unit=str(UnitFactory().pk))
    # when it is posted
    response = client.post(_url(Supervision, "add"), data)
    # then the page names the officer's unit and nothing is created
    assert response.status_code == 200
    assert f"The case belongs to its officer&#x27;s unit: {officer.unit}." in response.content.decode()
    assert Supervision.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_open_cases_level_status_and_officer_are_not_edited_in_the_admin(client, administrator):
    # given an open case, and its change form posted with another level, status, officer and unit
    case = SupervisionFactory()
    officer_id, unit_id, other = case.officer_id, case.unit_id, OfficerFactory()
    data = _supervision_form(
        offender=str(case.offender_id),
        court=str(case.court_id),
        docket_number=case.docket_number,
        start_date=case.start_date.isoformat(),
        end_date=case.end_date.isoformat(),
        status="absconded",
        level="high",
        officer=str(other.pk),
        unit=str(other.unit_id),
    )
    # when it is saved
    page = client.get(_url(Supervision, "change", case.pk)).content.decode()
    response = client.post(_url(Supervision, "change", case.pk), data)
    # then the page shows those fields without inputs, points to the case page, and the case is unchanged
    assert response.status_code == 302
    assert 'name="level"' not in page and 'name="officer"' not in page and 'name="status"' not in page
    assert "change its level, status or closure on the case page" in page
    case.refresh_from_db()
    assert (case.level, case.status, case.officer_id, case.unit_id) == ("medium", "active", officer_id, unit_id)


def test_a_case_must_be_assigned_to_an_officer(client, administrator):
    supervisor = SupervisorFactory()
    data = _supervision_form(court=str(CourtFactory().pk), officer=str(supervisor.pk), unit=str(supervisor.unit_id))
    response = client.post(_url(Supervision, "add"), data)
    assert response.status_code == 200
    assert "A case must be assigned to an officer who belongs to a unit." in response.content.decode()
    assert Supervision.objects.count() == 0


def test_court_clerk_without_a_court_shows_the_constraint_message(client, administrator):
    data = {
        "username": "new-clerk",
        "usable_password": "true",
        "password1": "an-unusual-passphrase-42",
        "password2": "an-unusual-passphrase-42",
        "first_name": "Cleo",
        "last_name": "Clerk",
        "email": "cleo@court.example",
        "role": "court_clerk",
        "unit": "",
        "court": "",
        "parole_board": "",
        "phone": "",
        "badge_number": "",
        "_save": "Save",
    }
    response = client.post(_url(User, "add"), data)
    assert response.status_code == 200
    assert "A court clerk belongs to exactly one court; other roles to none." in response.content.decode()
    assert not User.objects.filter(username="new-clerk").exists()
    assert AuditEvent.objects.count() == 0


# --- Saves are audited ------------------------------------------------------------------------------------


def test_a_successful_save_writes_exactly_one_audit_row(client, administrator):
    # given a court
    court = CourtFactory(name="Old name")
    # when the administrator renames it
    response = client.post(
        _url(Court, "change", court.pk),
        {
            "name": "Circuit Court of Franklin County",
            "jurisdiction": court.jurisdiction,
            "is_active": "on",
            "clerk_name": court.clerk_name,
            "clerk_email": court.clerk_email,
            "clerk_phone": "",
            "webhook_url": "",
            "webhook_secret": "",
            "_save": "Save",
        },
    )
    # then it is saved, with one audit row saying who changed what
    assert response.status_code == 302
    court.refresh_from_db()
    assert court.name == "Circuit Court of Franklin County"
    assert list(AuditEvent.objects.values_list("actor", "action", "object_type", "object_id", "detail")) == [
        (administrator.pk, "court.admin_saved", "agency.court", str(court.pk), {"created": False})
    ]
    assert court.history.first().history_user == administrator


def test_opening_a_supervision_in_the_admin_is_audited(client, administrator):
    # given a valid probation case with its court
    court = CourtFactory()
    # when it is added in the admin
    response = client.post(_url(Supervision, "add"), _supervision_form(court=str(court.pk)))
    # then it exists with its authority, and one audit row records it
    assert response.status_code == 302
    supervision = Supervision.objects.get()
    assert (supervision.supervision_type, supervision.court, supervision.parole_board) == ("probation", court, None)
    assert list(AuditEvent.objects.values_list("action", "actor", "offender_id", "detail")) == [
        ("supervision.admin_saved", administrator.pk, supervision.offender_id, {"created": True})
    ]


# A day within the term of the form's case (2025-01-15 to 2027-01-15), the clock standing still: after the
# term nothing is scheduled, and the yardstick and the admin's case must be planned from the same moment.
@pytest.mark.time_machine(datetime.datetime(2026, 6, 15, 16, 0, tzinfo=datetime.UTC), tick=False)
def test_opening_a_supervision_in_the_admin_schedules_its_check_ins(client, administrator):
    # given a contact standard of a check-in every 14 days, and a case opened by the service as a yardstick
    ContactStandardFactory(level="medium", check_in_interval_days=14, window_days=3)
    yardstick = SupervisionFactory(start_date=datetime.date(2025, 1, 15), end_date=datetime.date(2027, 1, 15))
    check_ins_schedule(supervision=yardstick)
    # when an active case at that level and with the same term is added in the admin
    response = client.post(_url(Supervision, "add"), _supervision_form(court=str(CourtFactory().pk)))
    # then its check-ins are scheduled exactly as the service schedules them, and both steps are audited
    assert response.status_code == 302
    supervision = Supervision.objects.exclude(pk=yardstick.pk).get()
    windows = ("kind", "origin", "window_start", "due_at", "status")
    expected = list(yardstick.check_ins.order_by("window_start").values_list(*windows))
    assert len(expected) > 0
    assert list(supervision.check_ins.order_by("window_start").values_list(*windows)) == expected
    assert sorted(AuditEvent.objects.filter(object_id=str(supervision.pk)).values_list("action", flat=True)) == [
        "check_in.scheduled",
        "supervision.admin_saved",
    ]


def test_a_check_in_window_corrected_in_the_admin_takes_the_nights_the_clocks_change(client, administrator):
    # given a scheduled check-in of a case that began before both nights (a window cannot open before its
    # case began), and the agency's time zone, America/New_York (settings.TIME_ZONE)
    check_in = CheckInFactory(supervision__start_date=datetime.date(2027, 3, 1))
    # when its window is corrected to open at 02:30 on 14 March 2027, an hour the clocks jump over, and to
    # close at 01:30 on 7 November 2027, a time they show twice
    response = client.post(
        _url(CheckIn, "change", check_in.pk),
        {
            "supervision": str(check_in.supervision_id),
            "kind": check_in.kind,
            "origin": check_in.origin,
            "window_start_0": "2027-03-14",
            "window_start_1": "02:30:00",
            "due_at_0": "2027-11-07",
            "due_at_1": "01:30:00",
            "status": "scheduled",
            "completed_at_0": "",
            "completed_at_1": "",
            "location": "",
            "notes": "",
            "excuse_reason": "",
            "recorded_by": "",
            "_save": "Save",
        },
    )
    # then 02:30 is read past the jump (03:30 EDT) and 01:30 as its first occurrence (EDT)
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert (check_in.window_start, check_in.due_at) == (
        datetime.datetime(2027, 3, 14, 7, 30, tzinfo=datetime.UTC),
        datetime.datetime(2027, 11, 7, 5, 30, tzinfo=datetime.UTC),
    )


def test_inline_rows_saved_with_their_person_are_audited_too(client, administrator):
    # given the add form of a person with one alias
    data = {
        "first_name": "Jordan",
        "middle_name": "",
        "last_name": "Miles",
        "date_of_birth": "1990-06-01",
        "state_id": "SID7654321",
        "fbi_number": "",
        "phone": "",
        "email": "",
        "primary_language": "English",
        "_save": "Save",
        **_management_form("aliases"),
        **_management_form("addresses"),
        **_management_form("employments"),
        **_management_form("emergency_contacts"),
        **_management_form("risk_assessments"),
        "aliases-TOTAL_FORMS": "1",
        "aliases-0-kind": "nickname",
        "aliases-0-first_name": "Jojo",
        "aliases-0-last_name": "Miles",
    }
    # when it is posted
    response = client.post(_url(Offender, "add"), data)
    # then the person and the alias exist and each has its audit row, tied to the person
    assert response.status_code == 302
    offender = Offender.objects.get()
    alias = offender.aliases.get()
    assert sorted(AuditEvent.objects.values_list("action", "object_id", "offender_id", "detail")) == [
        ("alias.admin_saved", str(alias.pk), offender.pk, {"created": True}),
        ("offender.admin_saved", str(offender.pk), offender.pk, {"created": True}),
    ]


def test_creating_a_court_clerk_in_the_admin(client, administrator):
    # given a court
    court = CourtFactory()
    # when an administrator adds a clerk of that court
    response = client.post(
        _url(User, "add"),
        {
            "username": "new-clerk",
            "usable_password": "true",
            "password1": "an-unusual-passphrase-42",
            "password2": "an-unusual-passphrase-42",
            "first_name": "Cleo",
            "last_name": "Clerk",
            "email": "cleo@court.example",
            "role": "court_clerk",
            "unit": "",
            "court": str(court.pk),
            "parole_board": "",
            "phone": "555-0199",
            "badge_number": "",
            "_save": "Save",
        },
    )
    # then the clerk exists, can sign in, and the creation is audited
    assert response.status_code == 302
    clerk = User.objects.get(username="new-clerk")
    assert (clerk.role, clerk.court, clerk.phone) == ("court_clerk", court, "555-0199")
    assert clerk.check_password("an-unusual-passphrase-42")
    assert list(AuditEvent.objects.values_list("action", "object_id", "detail")) == [
        ("user.admin_saved", str(clerk.pk), {"created": True})
    ]


def test_setting_a_password_in_the_admin_is_audited(client, administrator):
    # given an officer
    officer = OfficerFactory()
    # when an administrator sets a new password
    response = client.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"usable_password": "true", "password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7"},
    )
    # then it is set and audited
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("another-long-passphrase-7")
    assert list(AuditEvent.objects.values_list("action", "object_id", "actor")) == [
        ("user.admin_password_set", str(officer.pk), administrator.pk)
    ]


# --- Integrator tokens --------------------------------------------------------------------------------------


def test_issuing_a_token_in_the_admin_shows_it_once_and_audits_it(client, administrator):
    # given an integrator
    integrator = IntegratorFactory()
    # when an administrator issues a read token for them
    response = client.post(
        _url(ApiTokenScope, "add"),
        {"user": str(integrator.pk), "label": "County court system", "scope": "read", "unit": "", "_save": "Save"},
        follow=True,
    )
    # then the token exists, hashed, is shown once on the next page, and its issue is audited once
    assert response.status_code == 200
    record = ApiTokenScope.objects.get()
    assert (record.user, record.scope, record.label, record.is_active) == (
        integrator,
        "read",
        "County court system",
        True,
    )
    assert f"<code>{record.token_key}" in response.content.decode()
    assert list(AuditEvent.objects.values_list("action", "object_id", "actor")) == [
        ("api_token.issued", str(record.pk), administrator.pk)
    ]


def test_revoking_tokens_in_the_admin_is_audited(client, administrator):
    # given an issued token
    record, _token = api_token_issue(actor=administrator, user=IntegratorFactory(), scope="write")
    # when the administrator revokes it from the list
    response = client.post(
        _url(ApiTokenScope, "changelist"), {"action": "revoke_selected", "_selected_action": [record.pk]}
    )
    # then it no longer works, stays on record, and the revocation is audited
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.is_active, record.token_id, record.revoked_at is not None) == (False, None, True)
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == ["api_token.issued", "api_token.revoked"]

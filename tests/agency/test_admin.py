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
    CaseAccessGrant,
    CaseNote,
    CheckInPlan,
    ClosureRequest,
    CommunityServiceEntry,
    CustodyEpisode,
    DigestDelivery,
    DrugTestSubstanceResult,
    Notification,
    NotificationPreference,
    Referral,
    ReminderDelivery,
    ReportDelivery,
)
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
# A person's record and a case's records (issue 15, item 10): shown in the admin, never added, changed or
# deleted there (supervision.admin.base.CaseRecordReadOnlyMixin).
CASE_RECORDS = {
    "offenders.offender",
    "offenders.alias",
    "offenders.address",
    "offenders.employment",
    "offenders.emergencycontact",
    "offenders.riskassessment",
    "supervision.supervision",
    "supervision.caseaccessgrant",
    "supervision.condition",
    "supervision.communityserviceentry",
    "supervision.checkin",
    "supervision.drugtest",
    "supervision.drugtestsubstanceresult",
    "supervision.casenote",
    "supervision.referral",
    "supervision.violation",
    "supervision.violationreport",
    "supervision.reportviolation",
    "supervision.reportdelivery",
}
# Written by the application only (the audit trail, what jobs record, the case records): no add page.
NO_ADD_PAGE = CASE_RECORDS | {
    "agency.auditevent",
    "supervision.notification",
    "supervision.notificationpreference",  # each member of staff sets their own (supervision/notifications/)
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
    "supervision.caseaccessgrant": lambda: CaseAccessGrant.objects.create(
        supervision=SupervisionFactory(is_restricted=True, restriction_reason="A colleague's son."),
        user=OfficerFactory(),
        reason="Covers the case while its officer is away.",
        granted_by=SupervisorFactory(),
        granted_at=datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC),
    ),
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
    "supervision.notificationpreference": lambda: NotificationPreference.objects.create(
        user=OfficerFactory(), kind="report_disposed", channel="email"
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

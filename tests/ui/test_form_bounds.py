"""The case page's forms against the domain bounds (issue 12, finding 1): each rule is the service's and the
model's (supervision/bounds.py); a form shows it next to its field, takes its text limits from the model,
and a value out of range stores nothing, whatever its offset or its year."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.dashboard.forms import ReportReturnForm
from supervision.inbox.forms import DispositionForm, HearingForm
from supervision.models import CaseNote, CheckIn, CommunityServiceEntry, DrugTest, Referral, Violation, ViolationReport
from supervision.workspace.forms import (
    CaseNoteForm,
    CheckInCompleteForm,
    CheckInExcuseForm,
    CommunityServiceForm,
    ContactForm,
    DrugTestForm,
    ReferralForm,
    ReferralStatusForm,
    ViolationForm,
    ViolationReportForm,
)
from tests.supervision.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def _writes() -> int:
    return AuditEvent.objects.exclude(action__endswith=".viewed").count()


@pytest.mark.parametrize(
    ("form", "field", "model", "model_field"),
    [
        (CheckInCompleteForm, "notes", CheckIn, "notes"),
        (CheckInCompleteForm, "location", CheckIn, "location"),
        (CheckInExcuseForm, "reason", CheckIn, "excuse_reason"),
        (ContactForm, "notes", CheckIn, "notes"),
        (DrugTestForm, "notes", DrugTest, "notes"),
        (DrugTestForm, "panel", DrugTest, "panel"),
        (DrugTestForm, "lab_name", DrugTest, "lab_name"),
        (CaseNoteForm, "body", CaseNote, "body"),
        (ReferralForm, "notes", Referral, "notes"),
        (ReferralForm, "provider", Referral, "provider"),
        (ReferralStatusForm, "notes", Referral, "notes"),
        (CommunityServiceForm, "organisation", CommunityServiceEntry, "organisation"),
        (ViolationForm, "description", Violation, "description"),
        (ViolationReportForm, "narrative", ViolationReport, "narrative"),
        (HearingForm, "location", ViolationReport, "hearing_location"),
        (DispositionForm, "note", ViolationReport, "disposition_note"),
        (ReportReturnForm, "comment", ViolationReport, "review_comment"),
    ],
)
def test_every_text_of_a_form_has_its_models_maximum(form, field, model, model_field):
    limit = model._meta.get_field(model_field).max_length
    assert limit
    assert form.base_fields[field].max_length == limit


def test_a_referral_status_dated_next_year_is_refused_next_to_its_field(signed_in, case):
    # given a referral (before: the form and the service both took a change dated in the future)
    referral = ReferralFactory(supervision=case)
    url = reverse("supervision:referral_status", args=[case.pk, referral.pk])
    writes = _writes()
    next_year = timezone.localdate() + datetime.timedelta(days=365)

    # when
    response = signed_in.post(url, {"status": "enrolled", "changed_on": next_year.isoformat()})

    # then
    referral.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"changed_on": ["A status cannot change on a day in the future."]}
    assert (referral.status, referral.status_changed_on, _writes()) == ("referred", referral.referred_on, writes)


@pytest.mark.parametrize(
    "typed",
    ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00+23:59", "0001-01-01T00:00"],
    ids=["plus_14", "plus_23_59", "naive"],
)
def test_a_contact_at_the_first_moment_of_the_calendar_is_a_form_message_whatever_its_offset(signed_in, case, typed):
    # given
    url = reverse("supervision:contact_new", args=[case.pk])
    contacts, writes = CheckIn.objects.count(), _writes()

    # when
    response = signed_in.post(url, {"kind": "phone", "occurred_at": typed})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "occurred_at": [f"This is before the supervision began ({case.start_date:%b %d, %Y})."]
    }
    assert (CheckIn.objects.count(), _writes()) == (contacts, writes)


@pytest.mark.parametrize(
    "typed",
    ["9999-12-31T23:59:00-23:59", "9999-12-31T23:59"],
    ids=["minus_23_59", "naive"],
)
def test_a_drug_test_at_the_last_moment_of_the_calendar_is_a_form_message(signed_in, case, typed):
    # given
    url = reverse("supervision:drug_test_new", args=[case.pk])
    tests, writes = DrugTest.objects.count(), _writes()

    # when
    response = signed_in.post(
        url,
        {
            "collected_at": typed,
            "result": "negative",
            "reason": "random",
            "specimen": "urine",
            "panel": "5-panel",
            "lab_confirmation": "not_requested",
        },
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"collected_at": ["A specimen cannot be collected in the future."]}
    assert (DrugTest.objects.count(), _writes()) == (tests, writes)

"""The admin is read-only for case records (issue 15, item 10): a person's record and everything recorded on a
case is shown, never added, changed, reverted or deleted there, even by a superuser; reference data (courts,
boards, units, the condition catalogue, users, tokens …) is still saved there."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict

from agency.models import AuditEvent
from supervision.admin.base import CaseRecordReadOnlyInlineMixin, CaseRecordReadOnlyMixin
from supervision.models import ConditionType, Supervision
from supervision.services import supervision_change_level
from tests.agency.factories import AdministratorFactory
from tests.agency.test_admin import CASE_RECORDS, MAKERS, _model, _url
from tests.supervision.factories import ConditionTypeFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = AdministratorFactory()
    client.force_login(user)
    return user


def _allowed_audit_rows() -> int:
    return AuditEvent.objects.filter(outcome="allowed").count()


def test_every_case_record_admin_and_its_inlines_take_the_read_only_mixin():
    # given the admins of the case records
    admins = {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}
    # then each is view only through the one mixin, and so is each of its inlines
    assert [label for label in sorted(CASE_RECORDS) if not isinstance(admins[label], CaseRecordReadOnlyMixin)] == []
    inlines = [inline for label in CASE_RECORDS for inline in admins[label].inlines]
    assert inlines != []
    assert [i.__name__ for i in inlines if not issubclass(i, CaseRecordReadOnlyInlineMixin)] == []
    # and no reference data's admin is
    reference = {label for label, model_admin in admins.items() if label.split(".")[0] != "supervision"} - CASE_RECORDS
    assert {"agency.court", "agency.unit", "agency.user"} <= reference
    assert [label for label in reference if isinstance(admins[label], CaseRecordReadOnlyMixin)] == []


@pytest.mark.parametrize("label", sorted(CASE_RECORDS))
def test_a_superuser_sees_a_case_record_without_a_save_button(client, superuser, label):
    # given a case record
    obj = MAKERS[label]()
    # when a superuser opens it in the admin
    response = client.get(_url(_model(label), "change", obj.pk))
    # then it is shown, with no button to save, add a row or delete
    assert response.status_code == 200
    html = response.content.decode()
    for button in ('name="_save"', 'name="_continue"', 'name="_addanother"', "deletelink", "add-row"):
        assert button not in html
    assert response.context["has_change_permission"] is False


@pytest.mark.parametrize("label", sorted(CASE_RECORDS))
def test_a_superusers_change_posted_to_a_case_record_is_refused_and_changes_nothing(client, superuser, label):
    # given a case record, as stored
    obj = MAKERS[label]()
    model = _model(label)
    before, audit_rows = model_to_dict(model.objects.get(pk=obj.pk)), _allowed_audit_rows()
    texts = [f.name for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")]
    # when a superuser posts a change to it anyway
    response = client.post(_url(model, "change", obj.pk), {**dict.fromkeys(texts, "Changed"), "_save": "Save"})
    # then it is refused and nothing changed
    assert response.status_code == 403
    assert model_to_dict(model.objects.get(pk=obj.pk)) == before
    assert _allowed_audit_rows() == audit_rows


@pytest.mark.parametrize("label", sorted(CASE_RECORDS))
def test_a_superusers_add_posted_for_a_case_record_is_refused(client, superuser, label):
    # given the case records there are
    model = _model(label)
    MAKERS[label]()
    count = model.objects.count()
    # when a superuser posts an add form
    response = client.post(_url(model, "add"), {"_save": "Save"})
    # then it is refused and nothing is created
    assert response.status_code == 403
    assert model.objects.count() == count


def test_a_supervision_is_not_reverted_to_a_past_version(client, superuser):
    # given a case whose level was changed through its service
    case = SupervisionFactory(level="medium")
    first = case.history.earliest("history_date")
    supervision_change_level(actor=case.officer, supervision=case, level="high", reason="New offence pending.")
    url = _url(Supervision, "simple_history", case.pk, first.history_id)
    # when a superuser opens the first version / then it is shown without a revert button
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    # and posting it back is refused and nothing changes
    assert client.post(url, {"_save": "Revert"}).status_code == 403
    case.refresh_from_db()
    assert case.level == "high"


def test_reference_data_is_still_saved_in_the_admin(client, superuser):
    # given a condition of the catalogue
    condition_type = ConditionTypeFactory(name="Old wording")
    # when a superuser renames it
    response = client.post(
        _url(ConditionType, "change", condition_type.pk),
        {
            "name": "No contact with the victim",
            "code": condition_type.code,
            "description": "",
            "category": condition_type.category,
            "applies_to": condition_type.applies_to,
            "is_active": "on",
            "_save": "Save",
        },
    )
    # then it is saved and audited
    assert response.status_code == 302
    condition_type.refresh_from_db()
    assert condition_type.name == "No contact with the victim"
    assert list(AuditEvent.objects.values_list("action", "object_id")) == [
        ("conditiontype.admin_saved", str(condition_type.pk))
    ]

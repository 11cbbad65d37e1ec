"""The notification services called directly, as a task or the shell would: the same rules as the pages."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from agency.models import AuditEvent
from supervision.models import NotificationPreference
from supervision.services.notifications import (
    notification_mark_read,
    notification_preferences,
    notification_preferences_save,
    notifications_mark_all_read,
)
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db


def test_mark_read_of_another_users_notification_is_not_found(officer, other_officer):
    theirs = notify(other_officer)
    with pytest.raises(Http404):
        notification_mark_read(actor=officer, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None and not AuditEvent.objects.exists()


def test_mark_all_read_counts_what_it_marked(officer, other_officer):
    notify(officer)
    notify(officer)
    notify(other_officer)
    assert notifications_mark_all_read(actor=officer) == 2
    assert notifications_mark_all_read(actor=officer) == 0


def test_preferences_refuse_unknown_kinds_and_channels(officer):
    with pytest.raises(ValidationError) as error:
        notification_preferences_save(actor=officer, channels={"weather": "email", "missed_check_in": "pigeon"})
    assert set(error.value.message_dict) == {"weather", "missed_check_in"}
    assert not NotificationPreference.objects.exists()


def test_saving_the_same_preferences_again_writes_nothing(officer):
    notification_preferences_save(actor=officer, channels={"missed_check_in": "digest"})
    notification_preferences_save(actor=officer, channels={"missed_check_in": "digest"})
    assert AuditEvent.objects.filter(action="notification.preferences_changed").count() == 1
    assert notification_preferences(user=officer)["missed_check_in"] == "digest"

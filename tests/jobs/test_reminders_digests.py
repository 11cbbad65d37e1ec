import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import CheckInStatus, DrugTestResult, ReportStatus, SupervisionStatus
from supervision.models import DigestDelivery, ReminderDelivery, ReminderStatus
from supervision.services import check_in_reminders_send, supervisor_digest_send
from supervision.services.reminders import ConsoleSmsReminderSender, EmailReminderSender, SmsReminderSender
from tests.agency.factories import SupervisorFactory, UnitFactory
from tests.supervision.factories import (
    CheckInFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))

# The clock stands still at NOW for every test here, so the factories, the history rows, auto_now fields
# and the services all see the same time, whatever the date.
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def opening_in(days: int, supervision=None, **kwargs):
    start = timezone.make_aware(datetime.datetime.combine(NOW.date() + datetime.timedelta(days=days), datetime.time()))
    return CheckInFactory(
        supervision=supervision or SupervisionFactory(),
        window_start=start,
        due_at=start + datetime.timedelta(days=3),
        **kwargs,
    )


@pytest.mark.django_db
def test_reminders_go_once_to_people_whose_check_in_opens_tomorrow():
    # given
    tomorrow = opening_in(1)
    tomorrow.supervision.offender.email = "person@example.org"
    tomorrow.supervision.offender.save()
    no_email = opening_in(1)
    opening_in(2)
    opening_in(1, supervision=SupervisionFactory(status=SupervisionStatus.INACTIVE))
    opening_in(1, status=CheckInStatus.EXCUSED, excuse_reason="Travel approved")
    # when
    first = check_in_reminders_send(now=NOW, sender=EmailReminderSender())
    second = check_in_reminders_send(now=NOW + datetime.timedelta(hours=1), sender=EmailReminderSender())
    # then
    assert first == {"due": 2, "sent": 1, "no_address": 1, "failed": 0, "skipped": 0}
    assert second == {"due": 0, "sent": 0, "no_address": 0, "failed": 0, "skipped": 0}
    assert [m.to for m in mail.outbox] == [["person@example.org"]]
    assert mail.outbox[0].subject == "Reminder: office visit check-in opens Tue 24 Nov"
    assert dict(ReminderDelivery.objects.values_list("check_in_id", "status")) == {
        tomorrow.pk: ReminderStatus.SENT,
        no_email.pk: ReminderStatus.NO_ADDRESS,
    }
    assert (
        AuditEvent.objects.filter(action="check_in.reminder_sent", offender_id=tomorrow.supervision.offender_id).count()
        == 1
    )


@pytest.mark.django_db
def test_the_sender_is_pluggable_and_an_sms_sender_texts_the_phone(settings, capsys):
    # given
    settings.CASELINE = {
        **settings.CASELINE,
        "REMINDER_SENDER": "supervision.services.reminders.ConsoleSmsReminderSender",
    }
    check_in = opening_in(1)
    check_in.supervision.offender.phone = "+1 555 0100"
    check_in.supervision.offender.save()
    # when
    counts = check_in_reminders_send(now=NOW)
    # then
    assert counts["sent"] == 1
    assert capsys.readouterr().out.startswith(
        "[sms to +1 555 0100] Your office visit check-in opens on Tuesday 24 November"
    )
    assert ReminderDelivery.objects.get().channel == ConsoleSmsReminderSender.channel == "sms"


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_by_the_next_run():
    # given: an SMS gateway that is down, then back
    class FlakySms(SmsReminderSender):
        calls = 0

        def send_sms(self, *, to, text):
            FlakySms.calls += 1
            if FlakySms.calls == 1:
                raise ConnectionError("gateway down")

    check_in = opening_in(1)
    check_in.supervision.offender.phone = "+1 555 0101"
    check_in.supervision.offender.save()
    # when
    first = check_in_reminders_send(now=NOW, sender=FlakySms())
    second = check_in_reminders_send(now=NOW + datetime.timedelta(hours=1), sender=FlakySms())
    # then
    assert (first["failed"], second["sent"], FlakySms.calls) == (1, 1, 2)
    assert ReminderDelivery.objects.count() == 1


@pytest.mark.django_db
def test_each_supervisor_gets_one_digest_of_the_unit_per_day():
    # given: a unit with a supervisor and some activity; a second unit with none
    unit = UnitFactory()
    supervisor = SupervisorFactory(unit=unit)
    unit.supervisor = supervisor
    unit.save()
    quiet_unit = UnitFactory()
    quiet_unit.supervisor = SupervisorFactory(unit=quiet_unit)
    quiet_unit.save()
    supervision = SupervisionFactory(officer__unit=unit)
    yesterday_noon = timezone.make_aware(datetime.datetime(2026, 11, 22, 12, 0))
    CheckInFactory(
        supervision=supervision,
        window_start=yesterday_noon - datetime.timedelta(days=3),
        due_at=yesterday_noon,
        status=CheckInStatus.MISSED,
    )
    opening_in(-2, supervision=supervision)  # still open, closes tomorrow 00:00: not overdue today
    CheckInFactory(
        supervision=supervision, window_start=NOW - datetime.timedelta(days=3), due_at=NOW + datetime.timedelta(hours=2)
    )
    DrugTestFactory(supervision=supervision, collected_at=yesterday_noon, result=DrugTestResult.POSITIVE)
    ViolationFactory(supervision=supervision)
    ViolationReportFactory(supervision=supervision, status=ReportStatus.SUBMITTED, submitted_at=NOW)
    # when
    first = supervisor_digest_send(day=NOW.date())
    second = supervisor_digest_send(day=NOW.date())
    # then
    assert first == {"units": 2, "sent": 2, "skipped": 0, "failed": 0}
    assert second == {"units": 2, "sent": 0, "skipped": 2, "failed": 0}
    digest = DigestDelivery.objects.get(unit=unit)
    assert (digest.supervisor, digest.day) == (supervisor, NOW.date())
    assert digest.counts == {
        "overdue": 1,
        "missed_yesterday": 1,
        "positive_tests": 1,
        "open_violations": 2,  # the one recorded and the one in the report
        "reports_waiting": 1,
    }
    assert DigestDelivery.objects.get(unit=quiet_unit).counts == dict.fromkeys(digest.counts, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([supervisor.email, quiet_unit.supervisor.email])
    mine = next(m for m in mail.outbox if m.to == [supervisor.email])
    assert "Check-ins missed yesterday: 1" in mine.body

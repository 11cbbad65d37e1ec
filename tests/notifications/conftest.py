import datetime
import itertools

import pytest
from django.utils import timezone

from supervision.models import Notification, NotificationKind
from tests.agency.factories import OfficerFactory, SupervisorFactory, UnitFactory
from tests.supervision.factories import SupervisionFactory, ViolationReportFactory

_keys = itertools.count()


def notify(
    recipient, *, kind=NotificationKind.MISSED_CHECK_IN, supervision=None, report=None, minutes_ago=0, read=False
):
    """A notification as the jobs write one (the time relative to the clock the run is at)."""
    created = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=f"{NotificationKind(kind).label} {next(_keys)}",
        supervision=supervision,
        report=report,
        key=f"test:{next(_keys)}",
        created_at=created,
        read_at=created if read else None,
    )


@pytest.fixture
def unit():
    return UnitFactory(name="North Field Unit")


@pytest.fixture
def officer(unit):
    return OfficerFactory(unit=unit, username="officer", email="officer@example.org")


@pytest.fixture
def other_officer(unit):
    return OfficerFactory(unit=unit, username="other_officer")


@pytest.fixture
def supervisor(unit):
    supervisor = SupervisorFactory(unit=unit, username="supervisor")
    unit.supervisor = supervisor
    unit.save(update_fields=["supervisor"])
    return supervisor


@pytest.fixture
def case(officer, unit):
    return SupervisionFactory(officer=officer, unit=unit)


@pytest.fixture
def report(case):
    return ViolationReportFactory(supervision=case)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client

"""A completed home visit verifies the person's current residence (supervision/services/check_ins.py calls
offenders.services.addresses.address_verify_at_home_visit)."""

import datetime

import pytest

from agency.models import AuditEvent
from offenders.choices import AddressKind
from supervision.choices import CheckInKind
from supervision.services import check_in_complete, contact_record
from tests.offenders.factories import AddressFactory
from tests.offenders.record_helpers import NOW, TODAY
from tests.supervision.factories import CheckInFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return SupervisionFactory(start_date=TODAY - datetime.timedelta(days=90))


def test_completing_a_home_visit_verifies_the_current_residence_that_day(case):
    # given a current residence never verified, and a scheduled home visit
    home = AddressFactory(offender=case.offender, start_date=datetime.date(2025, 1, 10))
    old = AddressFactory(
        offender=case.offender, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 1, 9)
    )
    check_in = CheckInFactory(
        supervision=case, kind=CheckInKind.HOME_VISIT, window_start=NOW - datetime.timedelta(days=1)
    )
    # when the officer completes it
    check_in_complete(actor=case.officer, check_in=check_in, completed_at=NOW)
    # then the residence is verified that day, by a home visit, with the check-in named in the audit row
    home.refresh_from_db()
    old.refresh_from_db()
    assert (home.verified_on, home.verified_how) == (TODAY, "home_visit")
    assert old.verified_on is None
    event = AuditEvent.objects.get(action="address.verified")
    assert (event.actor, event.object_id, event.detail["check_in"]) == (case.officer, str(home.pk), check_in.pk)
    assert home.history.first().history_user == case.officer


def test_an_office_visit_verifies_nothing(case):
    home = AddressFactory(offender=case.offender)
    check_in = CheckInFactory(supervision=case, kind=CheckInKind.OFFICE, window_start=NOW - datetime.timedelta(days=1))
    check_in_complete(actor=case.officer, check_in=check_in, completed_at=NOW)
    home.refresh_from_db()
    assert home.verified_on is None
    assert not AuditEvent.objects.filter(action="address.verified").exists()


def test_an_unscheduled_home_visit_verifies_the_residence_not_the_mailing_address(case):
    home = AddressFactory(offender=case.offender)
    mailing = AddressFactory(offender=case.offender, kind=AddressKind.MAILING)
    contact_record(
        actor=case.officer, supervision=case, kind=CheckInKind.HOME_VISIT, occurred_at=NOW - datetime.timedelta(hours=2)
    )
    home.refresh_from_db()
    mailing.refresh_from_db()
    assert (home.verified_on, mailing.verified_on) == (TODAY, None)


def test_a_home_visit_without_a_current_residence_still_completes(case):
    check_in = CheckInFactory(
        supervision=case, kind=CheckInKind.HOME_VISIT, window_start=NOW - datetime.timedelta(days=1)
    )
    check_in_complete(actor=case.officer, check_in=check_in, completed_at=NOW)
    check_in.refresh_from_db()
    assert check_in.status == "completed"
    assert not AuditEvent.objects.filter(action="address.verified").exists()


def test_a_later_verification_on_file_is_not_moved_back(case):
    home = AddressFactory(offender=case.offender, verified_on=TODAY, verified_how="document")
    check_in = CheckInFactory(
        supervision=case, kind=CheckInKind.HOME_VISIT, window_start=NOW - datetime.timedelta(days=3)
    )
    check_in_complete(actor=case.officer, check_in=check_in, completed_at=NOW - datetime.timedelta(days=2))
    home.refresh_from_db()
    assert (home.verified_on, home.verified_how) == (TODAY, "document")

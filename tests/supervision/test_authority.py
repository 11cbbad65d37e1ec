"""Where a report goes (supervision.authority): its supervision's authority until approval, then the one it
took at approval, whatever happens to the supervision afterwards; the PDF, the API and the delivery read it."""

import pytest

from supervision.authority import Authority, report_authority, supervision_authority
from supervision.choices import AuthorityType, ReportStatus
from supervision.services.delivery import webhook_payload
from tests.agency.factories import CourtFactory, ParoleBoardFactory
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db


def test_probation_goes_to_its_court_and_parole_to_its_board():
    probation, parole = SupervisionFactory(), ParoleSupervisionFactory()
    court = supervision_authority(supervision=probation)
    board = supervision_authority(supervision=parole)
    assert (court.type, court.body, court.is_court, court.email) == (
        AuthorityType.COURT,
        probation.court,
        True,
        probation.court.clerk_email,
    )
    assert (board.type, board.body, board.is_court, board.email) == (
        AuthorityType.PAROLE_BOARD,
        parole.parole_board,
        False,
        parole.parole_board.email,
    )
    assert board.as_dict() == {"type": "parole_board", "id": parole.parole_board_id}


def test_an_authority_is_a_court_or_a_board():
    with pytest.raises(ValueError, match="a court or a parole board"):
        Authority.held(court=None, parole_board=None)


def test_a_draft_goes_to_its_supervisions_authority():
    report = ViolationReportFactory()
    assert report_authority(report).body == report.supervision.court


def test_an_approved_report_keeps_the_authority_it_took_even_when_the_case_moves_to_another_court():
    first = CourtFactory(name="Court of First Instance")
    report = ViolationReportFactory(supervision__court=first, status=ReportStatus.APPROVED, court=first)
    report.supervision.court = CourtFactory(name="Court After Transfer")
    report.supervision.save()
    report.refresh_from_db()
    assert report_authority(report).name == "Court of First Instance"


def test_the_delivery_payload_names_the_delivery_authority():
    board = ParoleBoardFactory()
    report = ViolationReportFactory(
        supervision=ParoleSupervisionFactory(parole_board=board), status=ReportStatus.APPROVED, parole_board=board
    )
    delivery = report.deliveries.create(parole_board=board)
    payload = webhook_payload(delivery=delivery, report=report)
    assert payload["authority"] == {"type": "parole_board", "id": board.pk}

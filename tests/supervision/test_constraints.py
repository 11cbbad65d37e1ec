"""Each database constraint on a supervision rejects the bad combination, below any form."""

import pytest
from django.db import IntegrityError, transaction

from supervision.choices import SupervisionStatus, SupervisionType
from tests.agency.factories import CourtFactory, ParoleBoardFactory
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


def _violates(name: str, **changes) -> None:
    supervision = SupervisionFactory()
    for field, value in changes.items():
        setattr(supervision, field, value)
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        supervision.save()


def test_probation_with_a_parole_board_is_refused():
    _violates("supervision_authority_matches_type", parole_board=ParoleBoardFactory())


def test_probation_without_a_court_is_refused():
    _violates("supervision_authority_matches_type", court=None)


def test_parole_with_a_court_is_refused():
    # given a parole case
    supervision = ParoleSupervisionFactory()
    # when a court is added beside its board / then the database refuses
    supervision.court = CourtFactory()
    with pytest.raises(IntegrityError, match="supervision_authority_matches_type"), transaction.atomic():
        supervision.save()


def test_parole_with_a_court_instead_of_a_board_is_refused():
    supervision = ParoleSupervisionFactory()
    supervision.parole_board = None
    supervision.court = CourtFactory()
    with pytest.raises(IntegrityError, match="supervision_authority_matches_type"), transaction.atomic():
        supervision.save()


def test_parole_cannot_be_inactive():
    supervision = ParoleSupervisionFactory()
    supervision.status = SupervisionStatus.INACTIVE
    with pytest.raises(IntegrityError, match="supervision_parole_never_inactive"), transaction.atomic():
        supervision.save()


def test_probation_can_be_inactive():
    supervision = SupervisionFactory(status=SupervisionStatus.INACTIVE)
    supervision.refresh_from_db()
    assert supervision.status == "inactive"
    assert supervision.supervision_type == SupervisionType.PROBATION


def test_closed_without_reason_is_refused():
    _violates("supervision_closure_reason_iff_closed", status=SupervisionStatus.CLOSED)

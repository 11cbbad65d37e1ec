"""The duplicate rule of intake (offenders.selectors.offender_duplicates): each rule with its reason, case
and spacing ignored, the strongest first; and who finds whom (offender_search): the people of one's cases and
the people with no case, the others only counted."""

import datetime

import pytest

from offenders.choices import AliasKind
from offenders.models import Alias
from offenders.selectors import (
    SAME_BIRTH_AND_FIRST_NAME,
    SAME_BIRTH_AND_INITIAL,
    SAME_FBI,
    SAME_LAST_NAME,
    SAME_LAST_NAME_AND_BIRTH,
    SAME_NAME,
    SAME_SID,
    Identity,
    offender_duplicates,
    offender_search,
)
from tests.agency.factories import OfficerFactory, SupervisorFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1988, 4, 12)


def _reasons(identity: Identity) -> dict[int, list[str]]:
    return {match.offender.pk: match.reasons for match in offender_duplicates(identity=identity)}


def test_the_same_sid_or_fbi_number_matches_whatever_the_case_and_spaces():
    # given two people with identifiers
    sid = OffenderFactory(state_id="OH1234567", fbi_number="")
    fbi = OffenderFactory(state_id="", fbi_number="FB-99-AA")
    # when searching with the identifiers typed differently
    found = _reasons(Identity.of(state_id=" oh1234567 ", fbi_number="fb-99-aa"))
    # then each is found for its own reason only
    assert found == {sid.pk: [SAME_SID], fbi.pk: [SAME_FBI]}


def test_the_same_last_name_and_date_of_birth_match():
    # given a person, and one with the same name born another day
    person = OffenderFactory(first_name="Dana", last_name="Okafor", date_of_birth=BORN)
    OffenderFactory(first_name="Lee", last_name="Okafor", date_of_birth=datetime.date(1990, 1, 1))
    # when searching the last name and date of birth
    found = _reasons(Identity.of(last_name="OKAFOR", date_of_birth=BORN))
    # then only the one born that day matches, and says why
    assert found == {person.pk: [SAME_LAST_NAME_AND_BIRTH]}


def test_the_same_birth_and_first_name_or_initial_match_a_changed_last_name():
    # given two people born the same day, one with the first name searched, one with its initial only
    same_first = OffenderFactory(first_name="Maria", last_name="Lopez", date_of_birth=BORN)
    same_initial = OffenderFactory(first_name="Marta", last_name="Ruiz", date_of_birth=BORN)
    OffenderFactory(first_name="Ann", last_name="Kent", date_of_birth=BORN)
    # when searching a new last name with the first name and date of birth
    found = _reasons(Identity.of(first_name="maria", last_name="Garcia", date_of_birth=BORN))
    # then both match, the stronger first, each with its reason
    assert found == {same_first.pk: [SAME_BIRTH_AND_FIRST_NAME], same_initial.pk: [SAME_BIRTH_AND_INITIAL]}
    matches = offender_duplicates(identity=Identity.of(first_name="Maria", last_name="Garcia", date_of_birth=BORN))
    assert [match.offender for match in matches] == [same_first, same_initial]


def test_an_alias_matches_the_name_searched():
    # given a person known under a maiden name, and another alias with another first initial
    person = OffenderFactory(first_name="Jo", last_name="Brandt", date_of_birth=BORN)
    Alias.objects.create(offender=person, kind=AliasKind.MAIDEN, first_name="Joanna", last_name="Kessler")
    other = OffenderFactory(first_name="Tim", last_name="Ng")
    Alias.objects.create(offender=other, kind=AliasKind.ALIAS, first_name="Tom", last_name="Kessler")
    # when searching the maiden name
    found = _reasons(Identity.of(first_name="JOANNA", last_name="kessler"))
    # then the alias is the reason, and the alias of another first initial does not match
    assert found == {person.pk: ["Maiden name “Joanna Kessler” matches the name"]}


def test_a_search_by_name_only_finds_the_same_name_and_the_same_last_name():
    # given two people with the last name searched
    same = OffenderFactory(first_name="Ray", last_name="Osei")
    last_only = OffenderFactory(first_name="Kim", last_name="Osei")
    # when searching by name only
    found = _reasons(Identity.of(first_name="ray", last_name="OSEI"))
    # then both are found, the same full name first
    assert found == {same.pk: [SAME_NAME], last_only.pk: [SAME_LAST_NAME]}
    assert list(found) == [same.pk, last_only.pk]


def test_every_reason_that_holds_is_given_and_an_empty_search_finds_nobody():
    # given a person matching on several rules
    person = OffenderFactory(first_name="Ada", last_name="Vance", date_of_birth=BORN, state_id="S1", fbi_number="F1")
    # when searching with all of them
    found = _reasons(
        Identity.of(first_name="Ada", last_name="Vance", date_of_birth=BORN, state_id="s1", fbi_number="f1")
    )
    # then every reason is listed
    assert found == {person.pk: [SAME_SID, SAME_FBI, SAME_LAST_NAME_AND_BIRTH, SAME_BIRTH_AND_FIRST_NAME]}
    assert offender_duplicates(identity=Identity.of(first_name="Ada")) == []


def test_a_search_shows_the_people_of_ones_cases_and_those_without_a_case_and_only_counts_the_others():
    # given an officer's own person, a person with no case, a colleague's person and another unit's person
    officer = OfficerFactory()
    colleague = OfficerFactory(unit=officer.unit)
    mine = SupervisionFactory(officer=officer, offender__last_name="Amari", offender__date_of_birth=BORN).offender
    new = OffenderFactory(last_name="Amari", date_of_birth=BORN)
    SupervisionFactory(officer=colleague, offender__last_name="Amari", offender__date_of_birth=BORN)
    SupervisionFactory(offender__last_name="Amari", offender__date_of_birth=BORN)
    identity = Identity.of(last_name="amari", date_of_birth=BORN)
    # when the officer and the unit's supervisor search
    as_officer = offender_search(actor=officer, identity=identity)
    as_supervisor = offender_search(actor=SupervisorFactory(unit=officer.unit), identity=identity)
    # then the officer sees their own person and the new one, and is told of two others
    assert {m.offender for m in as_officer.matches} == {mine, new}
    assert as_officer.elsewhere == 2
    # and the supervisor sees the unit's people and the new one, and is told of the other unit's
    assert len(as_supervisor.matches) == 3
    assert as_supervisor.elsewhere == 1


def test_a_search_reads_the_same_number_of_queries_for_one_match_and_for_many(django_assert_num_queries):
    # given an officer, one matching person without a case and one in another unit
    officer = OfficerFactory()
    identity = Identity.of(last_name="Pike", date_of_birth=BORN)
    OffenderFactory(last_name="Pike", date_of_birth=BORN)
    SupervisionFactory(offender__last_name="Pike", offender__date_of_birth=BORN)
    # when searching: the matches and their aliases, the others and theirs
    with django_assert_num_queries(4):
        offender_search(actor=officer, identity=identity)
    # given many more, with aliases, some out of scope
    for n in range(6):
        person = SupervisionFactory(officer=officer, offender__last_name="Pike", offender__date_of_birth=BORN).offender
        Alias.objects.create(offender=person, last_name=f"Pike{n}")
        SupervisionFactory(offender__last_name="Pike", offender__date_of_birth=BORN)
    # then the same number of queries
    with django_assert_num_queries(4):
        result = offender_search(actor=officer, identity=identity)
    assert (len(result.matches), result.elsewhere) == (7, 7)

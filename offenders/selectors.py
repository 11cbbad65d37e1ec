"""Reads of the people: the one rule that says which registered people may be the person at the counter
(``offender_duplicates``), and who may find whom at intake (``offender_search``).

The rule compares identity fields only, case-insensitively, with plain SQL comparisons (``UPPER(a) =
UPPER(b)``, ``LIKE 'x%'``): no PostgreSQL extension (``pg_trgm``, ``fuzzystrmatch``) is needed, so the
demo's embedded server answers like production. A person is a possible match, with every reason that holds:

- the same SID, or the same FBI number (each one person's: the constraints ``offender_state_id_unique``,
  ``offender_fbi_number_unique``);
- the same last name and date of birth;
- the same date of birth and first name, or first initial (a changed last name);
- an alias (alias, nickname, maiden or former legal name) with the last name searched, and the first name
  or initial when one is given;
- with no date of birth or number searched (a search by name): the same first and last name, or the same
  last name.

Who is found at intake (least privilege; ``offender_search``): the people the user may see through their
cases (``supervision.access.offenders_visible_to``: an officer's caseload, a supervisor's unit, closed cases
included), and the people with no case at all (registered, not yet supervised: they belong to no caseload,
and intake must find them). A person whose cases are all out of the user's scope is not shown: the search
only says how many such possible matches there are, so that the user asks their supervisor before
registering the same person twice. A result carries the identity fields that decide a match (name, date
of birth, SID, FBI number, agency number, aliases), never the record (addresses, phones, employment)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from agency.access import is_active_user
from agency.choices import Role
from agency.models import User
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender
from supervision.access import offenders_visible_to, supervisions_visible_to
from supervision.models import Supervision

# The roles that open cases (the workspace's): they also find the people with no case yet.
INTAKE_ROLES = (Role.OFFICER, Role.SUPERVISOR)
# At most this many possible matches are read and shown: a search is narrowed by typing more, not paged.
MATCHES_LIMIT = 25

SAME_SID = "Same SID"
SAME_FBI = "Same FBI number"
SAME_LAST_NAME_AND_BIRTH = "Same last name and date of birth"
SAME_BIRTH_AND_FIRST_NAME = "Same date of birth and first name"
SAME_BIRTH_AND_INITIAL = "Same date of birth and first initial"
SAME_NAME = "Same first and last name"
SAME_LAST_NAME = "Same last name"

# The strongest reasons first: the order of the results.
_STRENGTH = {
    SAME_SID: 0,
    SAME_FBI: 0,
    SAME_LAST_NAME_AND_BIRTH: 1,
    SAME_BIRTH_AND_FIRST_NAME: 2,
    SAME_NAME: 3,
    SAME_BIRTH_AND_INITIAL: 4,
}


@dataclass(frozen=True)
class Match:
    """A registered person who may be the one searched for, and why."""

    offender: Offender
    reasons: list[str]

    @property
    def strength(self) -> int:
        return min((_STRENGTH.get(reason, 5) for reason in self.reasons), default=9)


@dataclass(frozen=True)
class Identity:
    """What a search or a registration gives to compare: any of the fields, blank when unknown."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    state_id: str = ""
    fbi_number: str = ""

    @classmethod
    def of(
        cls,
        *,
        first_name: str = "",
        last_name: str = "",
        date_of_birth: date | None = None,
        state_id: str = "",
        fbi_number: str = "",
    ) -> "Identity":
        def tidy(text: str) -> str:
            return " ".join((text or "").split())

        return cls(tidy(first_name), tidy(last_name), date_of_birth, tidy(state_id), tidy(fbi_number))

    @property
    def is_empty(self) -> bool:
        return not (self.last_name or self.date_of_birth or self.state_id or self.fbi_number)

    @property
    def by_name_only(self) -> bool:
        return not (self.date_of_birth or self.state_id or self.fbi_number)


@dataclass
class SearchResult:
    """The possible matches the user may see, and how many others exist out of their scope."""

    matches: list[Match] = field(default_factory=list)
    elsewhere: int = 0

    @property
    def any(self) -> bool:
        return bool(self.matches or self.elsewhere)


def _candidates(identity: Identity) -> Q:
    """Every person one rule could match (a superset: ``_reasons`` says which rules do)."""
    rules = Q(pk__in=[])
    if identity.state_id:
        rules |= Q(state_id__iexact=identity.state_id)
    if identity.fbi_number:
        rules |= Q(fbi_number__iexact=identity.fbi_number)
    if identity.date_of_birth and identity.last_name:
        rules |= Q(date_of_birth=identity.date_of_birth, last_name__iexact=identity.last_name)
    if identity.date_of_birth and identity.first_name:
        rules |= Q(date_of_birth=identity.date_of_birth, first_name__istartswith=identity.first_name[0])
    if identity.last_name:
        alias = Q(last_name__iexact=identity.last_name)
        if identity.first_name:
            alias &= Q(first_name="") | Q(first_name__istartswith=identity.first_name[0])
        rules |= Q(pk__in=Alias.objects.filter(alias).values("offender_id"))
        if identity.by_name_only:
            rules |= Q(last_name__iexact=identity.last_name)
    return rules


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.casefold() == b.casefold()


def _same_initial(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[0].casefold() == b[0].casefold()


def _reasons(person: Offender, identity: Identity) -> list[str]:
    reasons = []
    if _same(person.state_id, identity.state_id):
        reasons.append(SAME_SID)
    if _same(person.fbi_number, identity.fbi_number):
        reasons.append(SAME_FBI)
    born_same = identity.date_of_birth is not None and person.date_of_birth == identity.date_of_birth
    last_same = _same(person.last_name, identity.last_name)
    if born_same and last_same:
        reasons.append(SAME_LAST_NAME_AND_BIRTH)
    if born_same and _same(person.first_name, identity.first_name):
        reasons.append(SAME_BIRTH_AND_FIRST_NAME)
    elif born_same and _same_initial(person.first_name, identity.first_name):
        reasons.append(SAME_BIRTH_AND_INITIAL)
    for alias in person.aliases.all():
        first = alias.first_name
        first_fits = not identity.first_name or not first or _same_initial(first, identity.first_name)
        if _same(alias.last_name, identity.last_name) and first_fits:
            name = " ".join(part for part in (alias.first_name, alias.last_name) if part)
            reasons.append(f"{alias.get_kind_display()} “{name}” matches the name")
    if identity.by_name_only and last_same:
        reasons.append(SAME_NAME if _same(person.first_name, identity.first_name) else SAME_LAST_NAME)
    return reasons


def offender_duplicates(
    *, identity: Identity, among: QuerySet[Offender] | None = None, limit: int = MATCHES_LIMIT
) -> list[Match]:
    """The people of ``among`` (default: everyone registered) who may be ``identity``, each with the reasons
    it matches, the strongest first. Two queries whatever the number of matches (the people, their aliases)."""
    if identity.is_empty:
        return []
    people = (among if among is not None else Offender.objects.all()).filter(_candidates(identity))
    people = people.prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("last_name", "first_name")))
    matches = [Match(person, reasons) for person in people[: limit * 4] if (reasons := _reasons(person, identity))]
    matches.sort(key=lambda match: (match.strength, -len(match.reasons), match.offender.last_name, match.offender.pk))
    return matches[:limit]


def offenders_findable_at_intake(user: User | None) -> QuerySet[Offender]:
    """The people ``user`` may find and open a case for: those they see through their cases, and, for the
    roles that take intakes (officers, supervisors), those with no case at all (see the module's docstring)."""
    if not is_active_user(user) or user.role not in INTAKE_ROLES:
        return offenders_visible_to(user)
    without_case = ~Exists(Supervision.objects.filter(offender=OuterRef("pk")))
    return Offender.objects.filter(without_case | Q(pk__in=supervisions_visible_to(user).values("offender_id")))


def offender_search(*, actor: User, identity: Identity, among: QuerySet[Offender] | None = None) -> SearchResult:
    """The possible matches of ``identity`` that ``actor`` may see (``among``, default: whom they may find at
    intake), with the number of the others (people out of the actor's scope), never who they are. Four
    queries."""
    findable = among if among is not None else offenders_findable_at_intake(actor)
    if identity.is_empty:
        return SearchResult()
    matches = offender_duplicates(identity=identity, among=findable)
    elsewhere = (
        Offender.objects.filter(_candidates(identity)).exclude(pk__in=findable.values("pk")).prefetch_related("aliases")
    )
    hidden = sum(1 for person in elsewhere[: MATCHES_LIMIT * 4] if _reasons(person, identity))
    return SearchResult(matches=matches, elsewhere=hidden)


def person_get(*, actor: User, person_id: Any) -> Offender:
    """A person ``actor`` may find at intake, with what the person page shows (aliases, current addresses and
    jobs, emergency contacts), or 404: missing and out of scope look the same."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise Http404("No such person.") from None
    today = timezone.localdate()
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    person = (
        offenders_findable_at_intake(actor)
        .filter(pk=person_id)
        .prefetch_related(
            Prefetch(
                "aliases", queryset=Alias.objects.filter(ended_on__isnull=True).order_by("last_name", "first_name")
            ),
            Prefetch("addresses", queryset=Address.objects.filter(current), to_attr="current_addresses"),
            Prefetch("employments", queryset=Employment.objects.filter(current), to_attr="current_employments"),
            Prefetch("emergency_contacts", queryset=EmergencyContact.objects.filter(ended_on__isnull=True)),
        )
        .first()
    )
    if person is None:
        raise Http404("No such person.")
    return person


def person_supervisions(*, actor: User, person: Offender) -> QuerySet[Supervision]:
    """Every supervision of ``person`` that ``actor`` may see, open and closed, the latest first (one query)."""
    return (
        supervisions_visible_to(actor)
        .filter(offender=person)
        .select_related("court", "parole_board", "officer", "unit")
        .order_by("-start_date", "-id")
    )

import factory
from factory.django import DjangoModelFactory

from agency.choices import Role
from agency.models import Court, ParoleBoard, Unit, User, WebhookSubscription


class CourtFactory(DjangoModelFactory):
    class Meta:
        model = Court

    name = factory.Sequence(lambda n: f"Circuit Court of County {n}")
    jurisdiction = factory.Sequence(lambda n: f"County {n}")
    clerk_name = "Pat Clerk"
    clerk_email = factory.Sequence(lambda n: f"clerk{n}@court.example")


class ParoleBoardFactory(DjangoModelFactory):
    class Meta:
        model = ParoleBoard

    name = factory.Sequence(lambda n: f"Parole Board of Region {n}")
    jurisdiction = factory.Sequence(lambda n: f"Region {n}")
    email = factory.Sequence(lambda n: f"board{n}@parole.example")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Field Unit {n}")
    office = "100 Main Street"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example")
    role = Role.OFFICER
    password = factory.django.Password("correct-horse-battery")


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    unit = factory.SubFactory(UnitFactory)


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR
    unit = factory.SubFactory(UnitFactory)


class CourtClerkFactory(UserFactory):
    role = Role.COURT_CLERK
    court = factory.SubFactory(CourtFactory)


class BoardStaffFactory(UserFactory):
    role = Role.PAROLE_BOARD_STAFF
    parole_board = factory.SubFactory(ParoleBoardFactory)


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    is_staff = True
    is_superuser = True


class IntegratorFactory(UserFactory):
    role = Role.INTEGRATOR


class WebhookSubscriptionFactory(DjangoModelFactory):
    """A subscriber that is never called in these tests: its deliveries are only written (the outbox)."""

    class Meta:
        model = WebhookSubscription

    name = factory.Sequence(lambda n: f"Subscriber {n}")
    url = "https://hooks.example.org/caseline"
    secret = "whsec-factory-0123456789"
    events = factory.LazyFunction(lambda: ["supervision.closed"])

import datetime

import factory
from factory.django import DjangoModelFactory

from offenders.models import Address, Employment, Offender


class OffenderFactory(DjangoModelFactory):
    class Meta:
        model = Offender

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1960, 1, 1), end_date=datetime.date(2004, 1, 1)
    )
    state_id = factory.Sequence(lambda n: f"SID{n:07d}")


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    offender = factory.SubFactory(OffenderFactory)
    line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "OH"
    postal_code = "43004"
    start_date = datetime.date(2024, 1, 1)


class EmploymentFactory(DjangoModelFactory):
    class Meta:
        model = Employment

    offender = factory.SubFactory(OffenderFactory)
    employer_name = factory.Faker("company")
    start_date = datetime.date(2024, 1, 1)

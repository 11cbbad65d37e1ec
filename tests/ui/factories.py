"""Factories for the case records the shared factories do not cover yet."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from supervision.choices import ReferralKind
from supervision.models import CaseNote, Referral
from tests.supervision.factories import SupervisionFactory


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    supervision = factory.SubFactory(SupervisionFactory)
    kind = ReferralKind.HOUSING
    provider = "Hope Housing Services"
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    status_changed_on = factory.LazyAttribute(lambda r: r.referred_on)
    referred_by = factory.LazyAttribute(lambda r: r.supervision.officer)


class CaseNoteFactory(DjangoModelFactory):
    class Meta:
        model = CaseNote

    supervision = factory.SubFactory(SupervisionFactory)
    author = factory.LazyAttribute(lambda n: n.supervision.officer)
    body = "Discussed job search; has an interview on Thursday."

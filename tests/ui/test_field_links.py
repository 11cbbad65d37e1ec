"""In the field: telephone numbers as tel: links, addresses as map links (escaped), and the check-ins due
first on the case page at phone width (supervision.templatetags.field_links, static/css/caseline.css)."""

import re

import pytest
from django.urls import reverse

from offenders.models import EmergencyContact
from supervision.templatetags.field_links import map_href, tel_href
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

ODD_ADDRESS = '12 "Elm" St & Main <b>'


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("(614) 555-0123", "tel:6145550123"),
        ("+1 614 555 0123", "tel:+16145550123"),
        ("614-555-0123 x12", "tel:6145550123;ext=12"),
        ("614.555.0123 ext. 7", "tel:6145550123;ext=7"),
        ("ask at the desk", ""),
        ("", ""),
    ],
)
def test_a_number_dials_its_digits(number, href):
    assert tel_href(number) == href


def test_a_map_link_searches_openstreetmap_for_the_whole_address_encoded():
    address = AddressFactory.build(line1=ODD_ADDRESS, line2="Apt 2", city="Columbus", state="OH", postal_code="43215")
    assert map_href(address) == (
        "https://www.openstreetmap.org/search?query=12+%22Elm%22+St+%26+Main+%3Cb%3E%2C+Apt+2%2C+Columbus%2C+OH+43215"
    )
    assert map_href("") == ""


@pytest.fixture
def person_with_contacts(officer):
    offender = OffenderFactory(first_name="Marcus", last_name="Reyes", phone="(614) 555-0123")
    AddressFactory(offender=offender, line1=ODD_ADDRESS, city="Columbus", state="OH", postal_code="43215")
    EmploymentFactory(
        offender=offender,
        employer_name="Acme & Sons",
        employer_contact_name="Dana",
        employer_phone="614-555-0199 x12",
        employer_address="400 Main St, Columbus, OH",
    )
    EmergencyContact.objects.create(offender=offender, name="Ann Reyes", relationship="Mother", phone="+1 614 555 0100")
    return SupervisionFactory(offender=offender, officer=officer)


def _page(client, officer, url) -> str:
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("page", ["case", "person"])
def test_phones_are_tel_links_and_addresses_map_links_escaped(client, officer, person_with_contacts, page):
    # given
    case = person_with_contacts
    url = (
        reverse("supervision:case_detail", args=[case.pk])
        if page == "case"
        else reverse("supervision:person_detail", args=[case.offender_id])
    )
    # when
    html = _page(client, officer, url)
    # then the numbers dial
    assert '<a href="tel:6145550123" class="text-nowrap">(614) 555-0123</a>' in html
    assert '<a href="tel:+16145550100" class="text-nowrap">+1 614 555 0100</a>' in html
    # and the address is a link whose text and query are escaped (no markup, no broken attribute)
    assert (
        '<a href="https://www.openstreetmap.org/search?query=12+%22Elm%22+St+%26+Main+%3Cb%3E%2C+Columbus%2C+OH+43215"'
        ' target="_blank" rel="noopener noreferrer">12 &quot;Elm&quot; St &amp; Main &lt;b&gt;<br>Columbus, OH 43215'
    ) in html
    assert "<b>" not in html
    if page == "case":
        assert '<a href="tel:6145550199;ext=12" class="text-nowrap">614-555-0199 x12</a>' in html
        assert "https://www.openstreetmap.org/search?query=400+Main+St%2C+Columbus%2C+OH" in html


def test_the_person_record_page_links_the_current_numbers_and_addresses(client, officer, person_with_contacts):
    # given
    offender = person_with_contacts.offender
    # when
    html = _page(client, officer, reverse("supervision:person_record", args=[offender.pk]))
    # then
    assert 'href="tel:+16145550100"' in html
    assert 'href="tel:6145550199;ext=12"' in html
    assert "https://www.openstreetmap.org/search?query=12+%22Elm%22" in html


def test_the_case_page_puts_the_check_ins_first_at_phone_width(client, officer, person_with_contacts):
    # given
    case = person_with_contacts
    # when
    html = _page(client, officer, reverse("supervision:case_detail", args=[case.pk]))
    # then the check-ins section is the one the phone layout brings first, the desktop columns are kept
    assert '<div class="row g-4 cl-case-grid"> <div class="col-lg-4 cl-case-col">' in html
    assert '<section class="card shadow-sm mb-4 cl-first-on-phone" aria-labelledby="checkins-h">' in html
    assert html.count("cl-first-on-phone") == 1


def test_the_stylesheet_orders_the_case_page_below_the_lg_breakpoint_only():
    # given
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "caseline.css").read_text()
    # then
    rule = css[css.index("@media (max-width: 991.98px) {\n  .cl-case-grid") :]
    assert ".cl-case-grid > .cl-case-col { display: contents; }" in rule
    assert ".cl-case-grid .cl-first-on-phone { order: -1; }" in rule

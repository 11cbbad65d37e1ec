"""A person's record pages (supervision/workspace/person_record_views.py): who reaches them, what a change
does through the page, the photo served only to the person's staff (audited, never cached, never under a
public URL), and the overview's constant query count."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agency.models import AuditEvent
from offenders.models import Address, Phone, Photo
from offenders.services.contacts import phone_add
from offenders.services.photos import photo_upload
from supervision.choices import ClosureReason, SupervisionStatus
from tests.offenders.factories import AddressFactory, EmploymentFactory
from tests.offenders.record_helpers import NOW, TODAY, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def user_of(make_user, colleague):
    """The user playing ``who``: the case's officer, their supervisor, a colleague of the same unit (not their
    case), a supervisor of another unit, or a role outside the workspace."""
    return lambda who: colleague if who == "colleague" else make_user(who)


@pytest.fixture
def person(case):
    return case.offender


def _url(name: str, person, *args) -> str:
    return reverse(f"supervision:{name}", args=[person.pk, *args])


def _photo(person, officer) -> Photo:
    return photo_upload(
        actor=officer, offender=person, photo=SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    )


# --- who reaches the record -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("supervisor", 200),
        ("colleague", 404),  # another officer's caseload
        ("other_unit_supervisor", 404),
        ("court_clerk", 403),
        ("integrator", 403),
        ("administrator", 403),
    ],
)
def test_the_record_is_for_the_staff_of_the_persons_cases(client, user_of, person, who, status):
    client.force_login(user_of(who))
    response = client.get(_url("person_record", person))
    assert response.status_code == status
    if status == 200:
        assert b"12 Elm Street" in response.content
        assert AuditEvent.objects.filter(action="person_record.viewed", offender_id=person.pk).count() == 1
    else:
        assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_the_case_page_links_to_the_record(client, officer, case):
    client.force_login(officer)
    response = client.get(reverse("supervision:case_detail", args=[case.pk]))
    assert _url("person_record", case.offender).encode() in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    response = client.get(_url("person_record", person))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- changes through the pages --------------------------------------------------------------------------------


def test_the_officer_records_a_move_and_the_old_address_is_kept(client, officer, person):
    client.force_login(officer)
    old = Address.objects.get(offender=person)
    response = client.post(
        _url("address_new", person),
        {
            "kind": "residence",
            "line1": "40 Oak Avenue",
            "city": "Columbus",
            "state": "OH",
            "postal_code": "43004",
            "start_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("person_record", person)
    old.refresh_from_db()
    assert old.end_date == TODAY - datetime.timedelta(days=1)
    page = client.get(_url("person_record", person)).content.decode()
    assert "40 Oak Avenue" in page and "12 Elm Street" in page


def test_a_move_before_the_current_address_began_is_a_field_error_and_nothing_is_saved(client, officer, person):
    client.force_login(officer)
    before = Address.objects.count()
    response = client.post(
        _url("address_new", person),
        {
            "kind": "residence",
            "line1": "1 A St",
            "city": "X",
            "state": "OH",
            "postal_code": "1",
            "start_date": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert "a new one starts after that day" in response.context["form"].errors["start_date"][0]
    assert Address.objects.count() == before
    assert not AuditEvent.objects.filter(action="address.added").exists()


def test_a_bad_number_is_explained_next_to_its_field(client, officer, person):
    client.force_login(officer)
    response = client.post(_url("phone_new", person), {"kind": "mobile", "number": "call my sister"})
    assert response.status_code == 200
    assert "Enter a telephone number" in response.context["form"].errors["number"][0]
    assert not Phone.objects.exists()


def test_the_supervisor_makes_a_number_primary_and_the_person_follows(client, supervisor, officer, person):
    phone_add(actor=officer, offender=person, number="614 555 0100")
    second = phone_add(actor=officer, offender=person, number="614 555 0199")
    client.force_login(supervisor)
    response = client.post(_url("phone_primary", person, second.pk), {})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "614 555 0199"


def test_a_record_of_another_person_is_not_reached_through_this_one(client, officer, person, colleague_case):
    other = AddressFactory(offender=colleague_case.offender)
    client.force_login(officer)
    assert client.get(_url("address_verify", person, other.pk)).status_code == 404


def test_a_person_whose_cases_are_all_closed_is_read_only(client, officer, case):
    case.status, case.closed_on, case.closure_reason = SupervisionStatus.CLOSED, TODAY, ClosureReason.COMPLETED
    case.save()
    client.force_login(officer)
    job = EmploymentFactory(offender=case.offender)
    response = client.post(_url("employment_end", case.offender, job.pk), {"end_date": TODAY, "reason": "Quit"})
    assert response.status_code == 200
    assert "read-only" in response.content.decode()
    job.refresh_from_db()
    assert job.end_date is None


# --- the photo ------------------------------------------------------------------------------------------------


def test_a_photo_uploaded_through_the_page_is_stored_privately(client, officer, person, private_media, settings):
    client.force_login(officer)
    upload = SimpleUploadedFile("me.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    response = client.post(_url("photo_upload", person), {"photo": upload})
    assert response.status_code == 302
    photo = Photo.objects.get(offender=person)
    stored = (private_media / photo.image.name).resolve()
    assert stored.is_file()
    assert str(settings.STATIC_ROOT) not in str(stored)
    assert not str(stored).startswith(str(settings.BASE_DIR / "static"))


def test_a_file_that_is_not_an_image_is_refused_on_the_page(client, officer, person):
    client.force_login(officer)
    upload = SimpleUploadedFile("me.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(_url("photo_upload", person), {"photo": upload})
    assert response.status_code == 200
    assert "not a JPEG or PNG" in response.context["form"].errors["photo"][0]
    assert not Photo.objects.exists()


def test_a_photo_over_the_limit_is_refused_with_a_clear_error(client, officer, person, settings):
    settings.PHOTO_MAX_BYTES = 2000
    client.force_login(officer)
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", (300, 300)), content_type="image/png")
    response = client.post(_url("photo_upload", person), {"photo": upload})
    assert response.status_code == 200
    assert "at most" in response.context["form"].errors["photo"][0]


def test_the_upload_page_takes_a_body_larger_than_other_pages(client, officer, person, settings):
    # given a request body over DATA_UPLOAD_MAX_MEMORY_SIZE but under the photo's limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(officer)
    content = image_bytes("PNG", (120, 120))
    assert len(content) > 1024
    # when it is posted to the photo page it is read; posted elsewhere it is refused before reading
    upload = SimpleUploadedFile("p.png", content, content_type="image/png")
    assert client.post(_url("photo_upload", person), {"photo": upload}).status_code == 302
    upload = SimpleUploadedFile("p.png", content, content_type="image/png")
    assert client.post(_url("alias_new", person), {"photo": upload}).status_code == 413


def test_the_photo_is_served_to_the_persons_staff_privately_and_audited(client, officer, supervisor, person):
    photo = _photo(person, officer)
    for user in (officer, supervisor):
        client.force_login(user)
        response = client.get(_url("person_photo", person))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
        assert response.content == image_bytes("PNG") and photo.size == len(response.content)
    viewed = AuditEvent.objects.filter(action="photo.viewed", offender_id=person.pk).order_by("pk")
    assert list(viewed.values_list("actor", flat=True)) == [officer.pk, supervisor.pk]


@pytest.mark.parametrize("who", ["colleague", "other_unit_supervisor", "court_clerk", "integrator"])
def test_the_photo_is_refused_to_anyone_else_and_the_refusal_audited(client, user_of, officer, person, who):
    _photo(person, officer)
    client.force_login(user_of(who))
    response = client.get(_url("person_photo", person))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="photo.viewed").exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_no_public_url_serves_the_photo(client, officer, person):
    photo = _photo(person, officer)
    client.force_login(officer)
    for url in (f"/media/{photo.image.name}", f"/static/{photo.image.name}", f"/{photo.image.name}"):
        response = client.get(url)
        assert response.status_code == 404, url
    with pytest.raises(ValueError, match="no URL"):
        photo.image.url  # noqa: B018


def test_an_earlier_photo_is_kept_and_served_on_request(client, officer, person):
    first = _photo(person, officer)
    _photo(person, officer)
    client.force_login(officer)
    response = client.get(_url("person_photo", person) + f"?photo={first.pk}")
    assert response.status_code == 200
    assert client.get(_url("person_photo", person) + "?photo=not-a-number").status_code == 404


# --- the overview's queries -----------------------------------------------------------------------------------


def test_the_overview_query_count_does_not_grow_with_the_record(client, django_assert_num_queries, officer, person):
    client.force_login(officer)
    url = _url("person_record", person)
    phone_add(actor=officer, offender=person, number="614 555 0100")
    _photo(person, officer)
    client.get(url)
    with django_assert_num_queries(14) as few:  # 13, and the bell's unread count in the top bar
        client.get(url)
    for n in range(8):
        AddressFactory(
            offender=person, start_date=datetime.date(2010 + n, 1, 1), end_date=datetime.date(2010 + n, 12, 31)
        )
        EmploymentFactory(offender=person, start_date=datetime.date(2010 + n, 1, 1))
        phone_add(actor=officer, offender=person, number=f"614 555 02{n:02d}")
        _photo(person, officer)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["addresses"]) == 9

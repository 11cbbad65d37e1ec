"""A person's record, kept by the officers and supervisors of their cases: addresses (with their history and
verification), jobs, phone numbers, emergency contacts, aliases and the photo.

A person is reached through their cases (``supervision.access``): a person none of whose cases the user may
see is the same 404 as one that does not exist. The record changes while the user is in charge of one of
the person's cases that is not closed (the case's officer, a supervisor of its unit: the cases they see);
otherwise the pages show it read-only. The writes are ``offenders.services``' (validation, history, audit);
every page that shows the person is audited, and the photo is served only here, audited, never cached.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from agency.audit import audit_page_read, audit_record
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone, Photo
from offenders.services import addresses as address_services
from offenders.services import contacts as contact_services
from offenders.services._shared import RECORD_READ_ONLY
from offenders.services.photos import photo_upload as photo_upload_service
from supervision.access import offenders_visible_to, supervisions_visible_to
from supervision.choices import SupervisionStatus
from supervision.forms import form_add_service_error
from supervision.models import Supervision
from supervision.workspace import person_record_forms as record_forms
from supervision.workspace.pages import form_data, workspace_view

# --- The person, through their cases --------------------------------------------------------------------------


def person_for_record(*, actor: Any, person_id: Any) -> tuple[Offender, list[Supervision]]:
    """The person and the cases of theirs the user sees (the latest first), or 404 (missing or not theirs)."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise Http404("No such person.") from None
    person = offenders_visible_to(actor).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    cases = list(supervisions_visible_to(actor).filter(offender=person).order_by("-start_date", "-id"))
    return person, cases


def _may_change(cases: list[Supervision]) -> bool:
    return any(case.status != SupervisionStatus.CLOSED for case in cases)


def _record_of(model: type[Model], person: Offender, record_id: Any) -> Any:
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise Http404("No such record.") from None
    record = model._default_manager.filter(offender=person, pk=record_id).first()
    if record is None:
        raise Http404("No such record.")
    return record


def record_url(person: Offender) -> str:
    return reverse("supervision:person_record", args=[person.pk])


# --- The overview ---------------------------------------------------------------------------------------------


@require_GET
@workspace_view
def person_record(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person, cases = person_for_record(actor=request.user, person_id=person_id)
    # One query per part of the record, whatever its length (tests/ui/test_person_record.py).
    person = (
        Offender.objects.filter(pk=person.pk)
        .prefetch_related(
            Prefetch("addresses", queryset=Address.objects.order_by("end_date", "-start_date", "-id")),
            Prefetch("employments", queryset=Employment.objects.order_by("end_date", "-start_date", "-id")),
            Prefetch("phones", queryset=Phone.objects.all()),
            Prefetch("emergency_contacts", queryset=EmergencyContact.objects.order_by("ended_on", "name", "id")),
            Prefetch("aliases", queryset=Alias.objects.order_by("ended_on", "last_name", "first_name", "id")),
            Prefetch("photos", queryset=Photo.objects.select_related("uploaded_by")),
        )
        .get()
    )
    audit_page_read(request, action="person_record.viewed", obj=person)
    photos = list(person.photos.all())
    return render(
        request,
        "supervision/person_record.html",
        {
            "offender": person,
            "cases": cases,
            "case": cases[0] if cases else None,
            "may_change": _may_change(cases),
            "read_only": RECORD_READ_ONLY,
            "addresses": list(person.addresses.all()),
            "employments": list(person.employments.all()),
            "phones": list(person.phones.all()),
            "contacts": list(person.emergency_contacts.all()),
            "aliases": list(person.aliases.all()),
            "photo": next((p for p in photos if p.replaced_at is None), None),
            "earlier_photos": [p for p in photos if p.replaced_at is not None],
            "title": "Person record",
        },
    )


# --- The photo --------------------------------------------------------------------------------------------


@require_GET
@workspace_view
def person_photo(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """The current photo (or ``?photo=<id>``, an earlier one), audited, never cached nor sniffed."""
    person, _cases = person_for_record(actor=request.user, person_id=person_id)
    photos = Photo.objects.filter(offender=person)
    wanted = request.GET.get("photo")
    photo = _record_of(Photo, person, wanted) if wanted is not None else photos.filter(replaced_at__isnull=True).first()
    if photo is None:
        raise Http404("No photo on file.")
    try:
        with photo.image.open("rb") as handle:
            content = handle.read()  # at most PHOTO_MAX_BYTES
    except FileNotFoundError:
        raise Http404("The photo's file is missing.") from None
    audit_record(
        actor=request.user,
        action="photo.viewed",
        obj=photo,
        detail={"page": "supervision:person_photo", "current": photo.replaced_at is None},
    )
    response = HttpResponse(content, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="person-{person.pk}-photo{photo.extension}"'
    return response


# --- The forms --------------------------------------------------------------------------------------------


def _form_page(
    request: AuthenticatedRequest,
    person_id: int,
    *,
    form: Callable[..., Form],
    call: Callable[[Offender, dict[str, Any]], Any],
    success: Callable[[Any], str] | str,
    title: str,
    intro: str = "",
    record: tuple[type[Model], Any] | None = None,
    initial: Callable[[Any], dict[str, Any]] | None = None,
    files: bool = False,
) -> HttpResponse:
    """Validate the form; on success call the service with the person (and the record) and go back to the
    record. A service's errors are shown on the form again (200, nothing saved); every rendering is audited."""
    person, cases = person_for_record(actor=request.user, person_id=person_id)
    target = _record_of(record[0], person, record[1]) if record else None
    may_change = _may_change(cases)
    bound = form(
        form_data(request),
        request.FILES if files and request.method == "POST" else None,
        initial=initial(target) if initial and target is not None else None,
    )
    if request.method == "POST" and may_change and bound.is_valid():
        try:
            result = call(person, {**bound.cleaned_data, **({"record": target} if target is not None else {})})
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(bound, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(record_url(person))
    audit_page_read(request, action="person_record.viewed", obj=person)
    context = {
        "offender": person,
        "case": cases[0] if cases else None,
        "form": bound,
        "title": title,
        "intro": intro,
        "record": target,
        "multipart": files,
        "empty": "" if may_change else RECORD_READ_ONLY,
    }
    return render(request, "supervision/person_record_form.html", context)


def _page(**options: Any) -> Callable[..., HttpResponse]:
    """A record page: a GET shows the form, a POST changes the record through the service ``options["call"]``."""

    @require_http_methods(["GET", "POST"])
    @workspace_view
    def view(request: AuthenticatedRequest, person_id: int, record_id: int | None = None) -> HttpResponse:
        model = options.get("model")
        record = (model, record_id) if model is not None else None
        call = options["call"]
        return _form_page(
            request,
            person_id,
            form=options["form"],
            call=lambda person, data: call(request.user, person, data),
            success=options["success"],
            title=options["title"],
            intro=options.get("intro", ""),
            record=record,
            initial=options.get("initial"),
            files=options.get("files", False),
        )

    return view


def _without(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in names}


address_new = _page(
    form=record_forms.AddressForm,
    call=lambda actor, person, data: address_services.address_add(actor=actor, offender=person, **data),
    success="Address added; the previous address of the same kind now ends the day before.",
    title="Add an address",
    intro="A move: the current address of the same kind ends the day before the new one starts, and stays in the "
    "history. To fix a mistake in an address, correct it instead.",
)
address_correct = _page(
    model=Address,
    form=record_forms.AddressCorrectForm,
    call=lambda actor, person, data: address_services.address_correct(
        actor=actor, address=data["record"], **_without(data, "record")
    ),
    success="Address corrected; the history keeps what it said before.",
    title="Correct an address",
    intro="For a mistake in the address as recorded. A move is a new address.",
    initial=lambda address: {
        name: getattr(address, name)
        for name in ("kind", "line1", "line2", "city", "state", "postal_code", "start_date")
    },
)
address_verify = _page(
    model=Address,
    form=record_forms.AddressVerifyForm,
    call=lambda actor, person, data: address_services.address_verify(
        actor=actor, address=data["record"], **_without(data, "record")
    ),
    success="Address verified.",
    title="Verify an address",
    intro="A completed home visit verifies the current residence by itself; record here a document or a call.",
)
employment_new = _page(
    form=record_forms.EmploymentForm,
    call=lambda actor, person, data: address_services.employment_add(actor=actor, offender=person, **data),
    success="Job added.",
    title="Add a job",
)
employment_end = _page(
    model=Employment,
    form=record_forms.EmploymentEndForm,
    call=lambda actor, person, data: address_services.employment_end(
        actor=actor, employment=data["record"], **_without(data, "record")
    ),
    success="Job ended; it stays in the record.",
    title="End a job",
)
employment_verify = _page(
    model=Employment,
    form=record_forms.EmploymentVerifyForm,
    call=lambda actor, person, data: address_services.employment_verify(
        actor=actor, employment=data["record"], **_without(data, "record")
    ),
    success="Employment verified.",
    title="Verify employment",
)
phone_new = _page(
    form=record_forms.PhoneForm,
    call=lambda actor, person, data: contact_services.phone_add(actor=actor, offender=person, **data),
    success="Number added.",
    title="Add a phone number",
)
phone_primary = _page(
    model=Phone,
    form=record_forms.ConfirmForm,
    call=lambda actor, person, data: contact_services.phone_make_primary(actor=actor, phone=data["record"]),
    success="Primary number changed; reminders go to it from now on.",
    title="Make this the primary number",
    intro="Reminders and the agency's other systems use the primary number.",
)
phone_end = _page(
    model=Phone,
    form=record_forms.EndForm,
    call=lambda actor, person, data: contact_services.phone_end(
        actor=actor, phone=data["record"], **_without(data, "record")
    ),
    success="Number ended; it stays in the record.",
    title="End a phone number",
    intro="When it was the primary number, the most recently added current number becomes primary.",
)
emergency_contact_new = _page(
    form=record_forms.EmergencyContactForm,
    call=lambda actor, person, data: contact_services.emergency_contact_add(actor=actor, offender=person, **data),
    success="Emergency contact added.",
    title="Add an emergency contact",
)
emergency_contact_edit = _page(
    model=EmergencyContact,
    form=record_forms.EmergencyContactEditForm,
    call=lambda actor, person, data: contact_services.emergency_contact_update(
        actor=actor, contact=data["record"], **_without(data, "record")
    ),
    success="Emergency contact updated; the history keeps what it said before.",
    title="Update an emergency contact",
    initial=lambda contact: {"name": contact.name, "relationship": contact.relationship, "phone": contact.phone},
)
emergency_contact_end = _page(
    model=EmergencyContact,
    form=record_forms.EndForm,
    call=lambda actor, person, data: contact_services.emergency_contact_end(
        actor=actor, contact=data["record"], **_without(data, "record")
    ),
    success="Emergency contact ended; it stays in the record.",
    title="End an emergency contact",
)
alias_new = _page(
    form=record_forms.AliasForm,
    call=lambda actor, person, data: contact_services.alias_add(actor=actor, offender=person, **data),
    success="Name added.",
    title="Add an alias or other name",
)
alias_end = _page(
    model=Alias,
    form=record_forms.EndForm,
    call=lambda actor, person, data: contact_services.alias_end(
        actor=actor, alias=data["record"], **_without(data, "record")
    ),
    success="Name ended; it stays in the record.",
    title="End an alias",
)
photo_upload = _page(
    form=record_forms.PhotoForm,
    call=lambda actor, person, data: photo_upload_service(actor=actor, offender=person, **data),
    success="Photo uploaded; the previous one is kept in the record.",
    title="Upload a photo",
    intro="The photo is kept privately: only the staff of this person's cases see it, and each view is recorded.",
    files=True,
)


# --- The addresses of the pages (included by supervision/workspace/urls.py) -----------------------------------

_PERSON = "people/<int:person_id>/"
_RECORD = _PERSON + "record/"

urlpatterns = [
    path(_RECORD, person_record, name="person_record"),
    path(_PERSON + "photo/", person_photo, name="person_photo"),
    path(_RECORD + "photo/", photo_upload, name="photo_upload"),
    path(_RECORD + "addresses/new/", address_new, name="address_new"),
    path(_RECORD + "addresses/<int:record_id>/correct/", address_correct, name="address_correct"),
    path(_RECORD + "addresses/<int:record_id>/verify/", address_verify, name="address_verify"),
    path(_RECORD + "employment/new/", employment_new, name="employment_new"),
    path(_RECORD + "employment/<int:record_id>/end/", employment_end, name="employment_end"),
    path(_RECORD + "employment/<int:record_id>/verify/", employment_verify, name="employment_verify"),
    path(_RECORD + "phones/new/", phone_new, name="phone_new"),
    path(_RECORD + "phones/<int:record_id>/primary/", phone_primary, name="phone_primary"),
    path(_RECORD + "phones/<int:record_id>/end/", phone_end, name="phone_end"),
    path(_RECORD + "contacts/new/", emergency_contact_new, name="emergency_contact_new"),
    path(_RECORD + "contacts/<int:record_id>/edit/", emergency_contact_edit, name="emergency_contact_edit"),
    path(_RECORD + "contacts/<int:record_id>/end/", emergency_contact_end, name="emergency_contact_end"),
    path(_RECORD + "aliases/new/", alias_new, name="alias_new"),
    path(_RECORD + "aliases/<int:record_id>/end/", alias_end, name="alias_end"),
]

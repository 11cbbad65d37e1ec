"""A person's record over the API (issue 15, item 2): ``addresses``, ``employments``, ``phones``,
``emergency-contacts`` and ``aliases``, each a list and a detail scoped exactly as ``offenders`` (every read
audited), and written through ``offenders.services`` only (validation, history rows, audit).

Who may change it is the rule of the record pages (``supervision.workspace.person_record_views``): an officer
or a supervisor (the services' role gate; ``api_write_roles`` answers 403 for anyone else first) who sees one
of the person's cases that is not closed — the case's officer, a supervisor of its unit, whoever a live grant
names on a restricted case — within the token's unit. A person seen only through closed cases is read-only
(409); a person or a record out of scope is the same 404 (400 on ``offender`` for a new record) as one that
does not exist. Photos are not served nor uploaded here (the record pages only)."""

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agency.api.viewsets import ScopedReadViewSet
from agency.errors import ApplicationError
from offenders.api import filtersets
from offenders.api.record_serializers import (
    AddressAddSerializer,
    AddressCorrectSerializer,
    AddressSerializer,
    AddressVerifySerializer,
    AliasAddSerializer,
    AliasSerializer,
    EmergencyContactAddSerializer,
    EmergencyContactSerializer,
    EmergencyContactUpdateSerializer,
    EmploymentAddSerializer,
    EmploymentEndSerializer,
    EmploymentSerializer,
    EmploymentVerifySerializer,
    PhoneAddSerializer,
    PhoneSerializer,
    RecordEndSerializer,
    answer,
    body,
)
from offenders.models import Address, Alias, EmergencyContact, Employment, Phone
from offenders.services import addresses as address_services
from offenders.services import contacts as contact_services
from offenders.services._shared import RECORD_EDITORS, RECORD_READ_ONLY
from supervision.api.scoping import api_offenders, api_supervisions
from supervision.choices import SupervisionStatus

WHO = (
    " Only an officer or a supervisor who sees one of the person's open cases (403 for other roles or a read-only "
    "token; 409 when all those cases are closed)."
)


def record_changeable(request: Request, offender_id: int) -> None:
    """409 unless the caller sees one of the person's cases that is not closed (the record pages' rule)."""
    open_cases = api_supervisions(request).filter(offender_id=offender_id).exclude(status=SupervisionStatus.CLOSED)
    if not open_cases.exists():
        raise ApplicationError(RECORD_READ_ONLY, status_code=409)


def read_schema(noun: str, plural: str, extra: str = "") -> Any:
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"The {plural} of the people the caller may see (as `offenders`); filter with `offender` "
            f"for one person's, `current` for those not ended. Every list page is audited.{extra}",
            examples=[answer(noun)],
        ),
        retrieve=extend_schema(
            summary=f"Get {'an' if noun[0] in 'aeiou' else 'a'} {noun}",
            description=f"One {noun}; out of scope answers 404. The read is audited.",
            examples=[answer(noun)],
        ),
    )


class PersonRecordViewSet(ScopedReadViewSet):
    """One part of a person's record: scoped as the people are, written through the services."""

    model: type[Model]
    audit_person = "offender_id"
    api_write_roles = RECORD_EDITORS

    def get_scoped_queryset(self):
        return self.model._default_manager.filter(offender__in=api_offenders(self.request).values("pk"))

    def changeable_object(self) -> Any:
        """The record of the URL (404 out of scope), when the caller may change its person's record (else 409)."""
        record = self.get_object()
        record_changeable(self.request, record.offender_id)
        return record

    def validated_new(self, serializer_class) -> dict:
        """A new record's input; its person (in scope: else a 400 on ``offender``) must be changeable."""
        data = self.validated(serializer_class)
        record_changeable(self.request, data["offender"].pk)
        return data

    def created(self, record) -> Response:
        return self.respond(record, status.HTTP_201_CREATED)


# --- Addresses ------------------------------------------------------------------------------------------------

_ADDRESS = {"line1": "42 Elm Street", "line2": "Apt 3", "city": "Columbus", "state": "OH", "postal_code": "43215"}


@read_schema("address", "addresses", " The current address of a kind has no `end_date`.")
class AddressViewSet(PersonRecordViewSet):
    """A person's addresses, with their history: a move ends the current address of the same kind."""

    model = Address
    queryset = Address.objects.none()
    serializer_class = AddressSerializer
    filterset_class = filtersets.AddressFilterSet
    audit_name = "address"
    ordering = ("offender_id", "-start_date", "-id")

    @extend_schema(
        summary="Add an address",
        description="A move: the person lives at the new address from `start_date`; the current address of the "
        "same kind ends the day before (and stays in the history). A new address cannot start on or before the "
        "day the current one started (400): to fix a mistake, correct the address instead." + WHO,
        request=AddressAddSerializer,
        responses={201: AddressSerializer},
        examples=[
            body("A move", offender=12, kind="residence", start_date="2026-06-01", **_ADDRESS),
            answer("address", verified_on=None, verified_how=""),
        ],
    )
    def create(self, request):
        data = self.validated_new(AddressAddSerializer)
        return self.created(address_services.address_add(actor=request.user, **data))

    @extend_schema(
        summary="Correct an address",
        description="Correct a mistake in the address as recorded (only the fields sent change); **`reason`** "
        "goes on the history row, which keeps what it said. A move is a new address. Nothing changed: 400." + WHO,
        request=AddressCorrectSerializer,
        responses={200: AddressSerializer},
        examples=[body("A typo", line1="42 Elm Street", reason="Typo in the street name"), answer("address")],
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        address = self.changeable_object()
        data = self.validated(AddressCorrectSerializer)
        return self.respond(address_services.address_correct(actor=request.user, address=address, **data))

    @extend_schema(
        summary="Verify an address",
        description="Record that the person was confirmed to live there on `verified_on` and `how` (a completed "
        "home visit verifies the current residence by itself). A day earlier than the one on file is audited "
        "and changes nothing; a day after the person left answers 400." + WHO,
        request=AddressVerifySerializer,
        responses={200: AddressSerializer},
        examples=[
            body("A lease", verified_on="2026-11-19", how="document"),
            answer("address", verified_how="document"),
        ],
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        address = self.changeable_object()
        data = self.validated(AddressVerifySerializer)
        return self.respond(address_services.address_verify(actor=request.user, address=address, **data))


# --- Jobs -----------------------------------------------------------------------------------------------------


@read_schema("job", "jobs", " A current job has no `end_date`.")
class EmploymentViewSet(PersonRecordViewSet):
    """A person's jobs: added, verified with the employer, ended (never deleted)."""

    model = Employment
    queryset = Employment.objects.none()
    serializer_class = EmploymentSerializer
    filterset_class = filtersets.EmploymentFilterSet
    audit_name = "employment"
    ordering = ("offender_id", "-start_date", "-id")

    @extend_schema(
        summary="Add a job",
        description="A job the person holds from `start_date`." + WHO,
        request=EmploymentAddSerializer,
        responses={201: EmploymentSerializer},
        examples=[
            body("New job", offender=12, employer_name="Main Street Bakery", position="Baker", start_date="2026-04-06"),
            answer("job", last_verified_on=None),
        ],
    )
    def create(self, request):
        data = self.validated_new(EmploymentAddSerializer)
        return self.created(address_services.employment_add(actor=request.user, **data))

    @extend_schema(
        summary="End a job",
        description="The job ended on `end_date` (not before it began: 400) for **`reason`**; it stays in the "
        "record. A job already ended answers 409." + WHO,
        request=EmploymentEndSerializer,
        responses={200: EmploymentSerializer},
        examples=[body("Laid off", end_date="2026-11-27", reason="Laid off"), answer("job", end_date="2026-11-27")],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        job = self.changeable_object()
        data = self.validated(EmploymentEndSerializer)
        return self.respond(address_services.employment_end(actor=request.user, employment=job, **data))

    @extend_schema(
        summary="Verify a job",
        description="The employer confirmed on `verified_on` (while the job lasted, else 400) that the person "
        "works there." + WHO,
        request=EmploymentVerifySerializer,
        responses={200: EmploymentSerializer},
        examples=[body("Confirmed", verified_on="2026-11-20"), answer("job", last_verified_on="2026-11-20")],
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        job = self.changeable_object()
        data = self.validated(EmploymentVerifySerializer)
        return self.respond(address_services.employment_verify(actor=request.user, employment=job, **data))


# --- Phone numbers ----------------------------------------------------------------------------------------------

_END = {"ended_on": "2026-11-27"}


@read_schema(
    "phone number",
    "phone numbers",
    " At most one current number is `is_primary`; the person's `phone` (on `offenders`) is a copy of it.",
)
class PhoneViewSet(PersonRecordViewSet):
    """A person's phone numbers; the primary one is where reminders go."""

    model = Phone
    queryset = Phone.objects.none()
    serializer_class = PhoneSerializer
    filterset_class = filtersets.PhoneFilterSet
    audit_name = "phone"
    ordering = ("offender_id", "-is_primary", "-added_on", "-id")

    @extend_schema(
        summary="Add a phone number",
        description="A number one can dial (else 400 on `number`); already on the record: 400. The person's first "
        "current number is primary whatever was asked; a new primary number takes over from the old one." + WHO,
        request=PhoneAddSerializer,
        responses={201: PhoneSerializer},
        examples=[
            body("Mobile", offender=12, kind="mobile", number="(614) 555-0142", is_primary=True),
            answer("phone number", added_on="2026-11-27"),
        ],
    )
    def create(self, request):
        data = self.validated_new(PhoneAddSerializer)
        return self.created(contact_services.phone_add(actor=request.user, **data))

    @extend_schema(
        summary="Make a number the primary one",
        description="Reminders and the agency's other systems use the primary number. An ended number, or the "
        "one already primary, answers 409. No body." + WHO,
        request=None,
        responses={200: PhoneSerializer},
        examples=[answer("phone number")],
    )
    @action(detail=True, methods=["post"], url_path="make-primary")
    def make_primary(self, request, pk=None):
        phone = self.changeable_object()
        return self.respond(contact_services.phone_make_primary(actor=request.user, phone=phone))

    @extend_schema(
        summary="End a phone number",
        description="The number is no longer in use from `ended_on` (not before it was added: 400), for "
        "**`reason`**. When it was the primary number, the most recently added current one takes over. Already "
        "ended: 409." + WHO,
        request=RecordEndSerializer,
        responses={200: PhoneSerializer},
        examples=[
            body("Disconnected", reason="Disconnected", **_END),
            answer("phone number", is_primary=False, **_END),
        ],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        phone = self.changeable_object()
        data = self.validated(RecordEndSerializer)
        return self.respond(contact_services.phone_end(actor=request.user, phone=phone, **data))


# --- Emergency contacts -------------------------------------------------------------------------------------------


@read_schema("emergency contact", "emergency contacts")
class EmergencyContactViewSet(PersonRecordViewSet):
    """Whom to call about the person: added, updated (the history keeps the old values), ended."""

    model = EmergencyContact
    queryset = EmergencyContact.objects.none()
    serializer_class = EmergencyContactSerializer
    filterset_class = filtersets.EmergencyContactFilterSet
    audit_name = "emergency_contact"
    ordering = ("offender_id", "name", "id")

    @extend_schema(
        summary="Add an emergency contact",
        description="A person to call, with a number one can dial (else 400 on `phone`)." + WHO,
        request=EmergencyContactAddSerializer,
        responses={201: EmergencyContactSerializer},
        examples=[
            body("Sister", offender=12, name="Ann Reyes", relationship="Sister", phone="614-555-0101"),
            answer("emergency contact"),
        ],
    )
    def create(self, request):
        data = self.validated_new(EmergencyContactAddSerializer)
        return self.created(contact_services.emergency_contact_add(actor=request.user, **data))

    @extend_schema(
        summary="Update an emergency contact",
        description="Correct or update a contact (a new number, a name misspelt): the fields sent change, the "
        "history row keeps the old values and **`reason`**. Nothing changed: 400; an ended contact: 409 (add a "
        "new one)." + WHO,
        request=EmergencyContactUpdateSerializer,
        responses={200: EmergencyContactSerializer},
        examples=[
            body("New number", phone="614-555-0199", reason="New number"),
            answer("emergency contact", phone="614-555-0199"),
        ],
    )
    @action(detail=True, methods=["post"], url_path="update", url_name="update")
    def update_contact(self, request, pk=None):
        contact = self.changeable_object()
        data = self.validated(EmergencyContactUpdateSerializer)
        fields = {name: data.get(name, getattr(contact, name)) for name in ("name", "relationship", "phone")}
        return self.respond(
            contact_services.emergency_contact_update(
                actor=request.user, contact=contact, reason=data["reason"], **fields
            )
        )

    @extend_schema(
        summary="End an emergency contact",
        description="No longer a contact from `ended_on`, for **`reason`**; it stays in the record. Already "
        "ended: 409." + WHO,
        request=RecordEndSerializer,
        responses={200: EmergencyContactSerializer},
        examples=[body("Moved away", reason="Moved away", **_END), answer("emergency contact", **_END)],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        contact = self.changeable_object()
        data = self.validated(RecordEndSerializer)
        return self.respond(contact_services.emergency_contact_end(actor=request.user, contact=contact, **data))


# --- Aliases ----------------------------------------------------------------------------------------------------


@read_schema("alias", "aliases and other names")
class AliasViewSet(PersonRecordViewSet):
    """Other names the person is known by (aliases, nicknames, maiden and former legal names)."""

    model = Alias
    queryset = Alias.objects.none()
    serializer_class = AliasSerializer
    filterset_class = filtersets.AliasFilterSet
    audit_name = "alias"
    ordering = ("offender_id", "last_name", "first_name", "id")

    @extend_schema(
        summary="Add an alias",
        description="Another name of the person; the same current name twice (any case) answers 400." + WHO,
        request=AliasAddSerializer,
        responses={201: AliasSerializer},
        examples=[
            body("Maiden name", offender=12, kind="maiden", first_name="Dana", last_name="Kessler"),
            answer("alias"),
        ],
    )
    def create(self, request):
        data = self.validated_new(AliasAddSerializer)
        return self.created(contact_services.alias_add(actor=request.user, **data))

    @extend_schema(
        summary="End an alias",
        description="The agency no longer treats it as a name in use from `ended_on`, for **`reason`**; it "
        "stays in the record. Already ended: 409." + WHO,
        request=RecordEndSerializer,
        responses={200: AliasSerializer},
        examples=[body("Recorded in error", reason="Recorded in error", **_END), answer("alias", **_END)],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        alias = self.changeable_object()
        data = self.validated(RecordEndSerializer)
        return self.respond(contact_services.alias_end(actor=request.user, alias=alias, **data))

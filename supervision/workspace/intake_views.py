"""Intake in the browser, for officers and supervisors: find the person first (possible matches with why they
match), register a new one only after the possible duplicates were seen, then open the supervision with its
conditions and its officer (``supervision.services.intake.supervision_intake``).

Who is found: ``offenders.selectors`` (the people of the user's cases, and those with no case yet). Every
answer that shows people is audited: a search names everyone it shows (``offender.listed``), the form that
opens a case names its person (``offender.viewed``)."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import UniqueConstraint
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agency.audit import audit_list_read, audit_page_read
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from offenders import services as offender_services
from offenders.models import Offender
from offenders.selectors import SearchResult, offender_search, person_get
from supervision.access import supervisions_visible_to
from supervision.choices import SupervisionType
from supervision.forms import form_add_service_error
from supervision.selectors import unit_officer_loads
from supervision.services.assignment import officer_for_intake
from supervision.services.intake import supervision_intake
from supervision.weighting import OfficerCaseload
from supervision.workspace.intake_forms import IntakeForm, PersonRegisterForm, PersonSearchForm
from supervision.workspace.pages import case_url, form_data, workspace_view

# A SID or FBI number already on file is refused by a constraint that names no field: the page puts it on its field.
_UNIQUE_FIELD_OF_MESSAGE = {
    str(constraint.violation_error_message): constraint.fields[0]
    for constraint in Offender._meta.constraints
    if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1
}


def _audit_search(request: AuthenticatedRequest, result: SearchResult) -> None:
    audit_list_read(
        request,
        action="offender.listed",
        rows=[(match.offender.pk, match.offender.pk) for match in result.matches],
        elsewhere=result.elsewhere,
    )


@require_GET
@workspace_view
def intake(request: AuthenticatedRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid() and not (identity := form.identity()).is_empty:
        result = offender_search(actor=request.user, identity=identity)
        _audit_search(request, result)
    register_query = request.GET.urlencode() if form.is_bound else ""
    return render(
        request,
        "supervision/intake_search.html",
        {"form": form, "result": result, "register_query": register_query, "title": "Intake: find the person"},
    )


def _register_error(form: PersonRegisterForm, error: ValidationError | ApplicationError) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        fields = dict(error.message_dict)
        for message in fields.pop(NON_FIELD_ERRORS, []):
            fields.setdefault(_UNIQUE_FIELD_OF_MESSAGE.get(message, NON_FIELD_ERRORS), []).append(message)
        error = ValidationError(fields)
    form_add_service_error(form, error)


@require_http_methods(["GET", "POST"])
@workspace_view
def intake_register(request: AuthenticatedRequest) -> HttpResponse:
    initial = {name: request.GET.get(name, "") for name in ("first_name", "last_name", "state_id", "fbi_number")}
    if request.GET.get("date_of_birth"):
        initial["date_of_birth"] = request.GET["date_of_birth"]
    form = PersonRegisterForm(form_data(request), initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        result = offender_search(actor=request.user, identity=form.identity())
        if result.any and not form.cleaned_data["different_person"]:
            form.add_error(
                "different_person",
                "Possible matches are listed: open a case for one of them, or confirm this is a different person.",
            )
        else:
            try:
                person = offender_services.offender_create(actor=request.user, **form.person())
            except (ValidationError, ApplicationError) as error:
                _register_error(form, error)
            else:
                messages.success(request, f"{person.full_name} is registered ({person.agency_number}).")
                return redirect("supervision:intake_open", person_id=person.pk)
    if result is not None and result.matches:
        _audit_search(request, result)
    return render(
        request,
        "supervision/intake_register.html",
        {"form": form, "result": result, "title": "Intake: register a new person"},
    )


def _officers(user: User) -> tuple[list[OfficerCaseload], User | None]:
    """The unit's officers with their weighted caseloads, and the suggested one (None: the unit has none)."""
    if user.unit is None:
        return [], None
    loads = unit_officer_loads(unit=user.unit)
    try:
        return loads, officer_for_intake(unit=user.unit)
    except ApplicationError:
        return loads, None


@require_http_methods(["GET", "POST"])
@workspace_view
def intake_open(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person = person_get(actor=request.user, person_id=person_id)
    chosen = (request.POST if request.method == "POST" else request.GET).get("supervision_type", "")
    supervision_type = chosen if chosen in SupervisionType.values else SupervisionType.PROBATION
    loads, suggested = _officers(request.user)
    form = IntakeForm(form_data(request), supervision_type=supervision_type, loads=loads, suggested=suggested)
    if request.method == "POST" and form.is_valid():
        try:
            supervision = supervision_intake(actor=request.user, offender=person, **form.intake())
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error)
        else:
            officer = supervision.officer.get_full_name() or supervision.officer.username
            messages.success(
                request,
                f"{supervision} is open for {person.full_name}, on {officer}'s caseload, with "
                f"{supervision.conditions.count()} conditions; the first check-ins are scheduled.",
            )
            if supervisions_visible_to(request.user).filter(pk=supervision.pk).exists():
                return redirect(case_url(supervision))
            return redirect("supervision:intake")
    audit_page_read(request, action="offender.viewed", obj=person, offender_id=person.pk)
    return render(
        request,
        "supervision/intake_open.html",
        {
            "form": form,
            "person": person,
            "supervision_type": supervision_type,
            "suggested": suggested,
            "no_unit": request.user.unit is None,
            "title": "Open a case",
            "switch_url": reverse("supervision:intake_open", args=[person.pk]),
        },
    )

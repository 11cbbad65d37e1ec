"""The notifications pages: the list (newest first, filters, pages), mark one or all read, and the delivery
preferences. Every signed-in member of staff has them; each sees and changes only their own notifications
(someone else's is the same 404 as one that does not exist, audited as a refusal by the middleware)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agency.access import role_view
from agency.audit import audit_list_read
from agency.http import AuthenticatedRequest
from supervision.forms import form_add_service_error
from supervision.notifications.forms import NO_FILTERS, NotificationFilterForm, NotificationPreferencesForm
from supervision.notifications.selectors import NOTIFIED_ROLES, notification_link, notification_list
from supervision.services.notifications import (
    notification_mark_read,
    notification_preferences,
    notification_preferences_save,
    notifications_mark_all_read,
)

PAGE_SIZE = 25

notifications_view = role_view(NOTIFIED_ROLES, "Notifications are for the agency's staff.")


def _back(request: AuthenticatedRequest) -> str:
    """Where a mark-read form came from (the list with its filters and page), else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notifications:list")


@require_GET
@notifications_view
def notification_list_page(request: AuthenticatedRequest) -> HttpResponse:
    form = NotificationFilterForm(request.GET or None)
    filters = form.filters() if request.GET else NO_FILTERS
    page_obj = Paginator(notification_list(actor=request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    audit_list_read(
        request,
        action="notification.listed",
        rows=[
            (notification.pk, notification.supervision.offender_id if notification.supervision else None)
            for notification in page_obj.object_list
        ],
    )
    return render(
        request,
        "notifications/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "items": [(notification, notification_link(notification)) for notification in page_obj.object_list],
            "filtered": bool(filters["unread_only"] or filters["kind"]),
        },
    )


@require_POST
@notifications_view
def notification_read(request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(actor=request.user, notification_id=notification_id)
    return redirect(_back(request))


@require_POST
@notifications_view
def notifications_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
@notifications_view
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    current = notification_preferences(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_save(actor=request.user, channels=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your notification preferences are saved.")
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})

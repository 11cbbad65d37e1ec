"""The bell's unread count for every page (a template context processor). The count is read only when a
template uses it, once per request whatever the number of uses: a page without the top bar (or a request
answered without a template) pays nothing, a page with it one query."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from supervision.notifications.selectors import NOTIFIED_ROLES, notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in NOTIFIED_ROLES:
        return {}

    @cache
    def unread() -> int:
        return notification_unread_count(actor=user)

    # A template calls a callable variable without arguments: the query runs on first use only.
    count: Callable[[], int] = unread
    return {"notifications_bell": True, "notifications_unread": count}

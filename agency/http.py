"""The request of a signed-in user, for annotations.

Django types ``request.user`` as ``User | AnonymousUser``. Behind a gate that turns anonymous visitors away
(``login_required``, ``agency.access.role_view``, the admin site, which lets in signed-in staff only) it is a
``User``: a view behind one annotates its request as ``AuthenticatedRequest``, and code handed a plain
``HttpRequest`` by Django (an admin hook, an admin action) reads the user with ``signed_in_user``.
"""

from typing import cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from agency.models import User


class AuthenticatedRequest(HttpRequest):
    """An ``HttpRequest`` whose user is signed in. Never built: Django's requests stay ``WSGIRequest``s, so
    nothing may ``isinstance``-check against it; it only tells the type checker what the gate ensured."""

    user: User
    htmx: HtmxDetails  # django_htmx's middleware, which every request goes through, sets it


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` where a gate in front of the code has already refused anonymous visitors."""
    return cast(User, request.user)

"""Puts the request's source address and id where the audit function can read them."""

import contextvars
import ipaddress
import re
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "caseline_request", default=None
)


# The request being answered, for code that must know who acts without being told (the User model's
# access-change guard: agency.models.User.save). Only ever read through ``request_user``.
current_http_request: contextvars.ContextVar[Any] = contextvars.ContextVar("caseline_http_request", default=None)


def request_user():
    """The signed-in user (browser session or API token) of the request being answered, else None."""
    request = current_http_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


# Visible ASCII only: a client's id is echoed in the response header and written to the audit trail.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,64}")


def _trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    from django.conf import settings

    return tuple(ipaddress.ip_network(entry, strict=False) for entry in getattr(settings, "TRUSTED_PROXIES", ()))


def _is_trusted(address: str, proxies) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request) -> str | None:
    """The client's address as Caseline records and counts it: the audit trail's source address, the
    sign-in lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``) and the API's failed-token throttle all
    read it here, so they always agree on who the client is.

    Without ``TRUSTED_PROXIES`` it is the connection's address (``REMOTE_ADDR``): a header a client sends
    is never believed. When the connection comes from a trusted reverse proxy, ``X-Forwarded-For`` is
    read from the right, skipping the trusted proxies; the first other address is the client (what a
    client put on the left of the header itself is never reached).

    Written here rather than with django-ipware: its engine (8.0) trusted a one-address header with
    ``proxy_count=0`` and counted proxies differently in strict and lenient mode (measured), and a
    client address that can be forged would defeat the lockout, the throttle and the audit trail."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _trusted_proxies()
    if not remote or not proxies or not _is_trusted(remote, proxies):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, proxies):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a malformed header: the proxy's address, never the client's text
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64]
        if not _REQUEST_ID.fullmatch(request_id):  # absent, or not safe to echo in a header: make one
            request_id = uuid.uuid4().hex
        token = current_request.set(RequestContext(source_ip=client_address(request), request_id=request_id))
        request_token = current_http_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_http_request.reset(request_token)
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response

"""Puts the request's source address and id where the audit function can read them."""

import contextvars
import re
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "caseline_request", default=None
)


# Visible ASCII only: a client's id is echoed in the response header and written to the audit trail.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,64}")


def client_address(request) -> str | None:
    """The client's address as Caseline records and counts it: the audit trail's source address, the
    sign-in lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``) and the API's failed-token throttle all
    read it here, so they always agree on who the client is."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64]
        if not _REQUEST_ID.fullmatch(request_id):  # absent, or not safe to echo in a header: make one
            request_id = uuid.uuid4().hex
        token = current_request.set(RequestContext(source_ip=client_address(request), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response

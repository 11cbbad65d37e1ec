"""Puts the request's source address and id where the audit function can read them."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "caseline_request", default=None
)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = current_request.set(RequestContext(source_ip=request.META.get("REMOTE_ADDR"), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response

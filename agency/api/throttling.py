"""Throttling per token: each integrator token has its own budget, browser users one each, anonymous
callers one per address. Rates are in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``."""

from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    def __init__(self):  # the rate depends on the caller: chosen in allow_request
        pass

    def allow_request(self, request, view):
        if isinstance(request.auth, AuthToken):
            self.scope = "token"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if self.scope == "token":
            ident = request.auth.digest[:64]
        elif self.scope == "user":
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

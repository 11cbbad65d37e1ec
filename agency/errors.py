"""The application's one error for broken business rules: a message a person can act on."""

from typing import Any


class ApplicationError(Exception):
    """A request that the rules refuse (wrong state, wrong role, inconsistent input).

    Views show ``message`` next to the form; the API returns it as ``{"detail": message, ...extra}``
    with status 400 (or ``status_code``).
    """

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        self.status_code = status_code

"""The idle warning and the sign-in page's "your session ended" notice (agency.security, static/js/session.js)."""

from django import template
from django.conf import settings

from agency.security import SESSION_ENDED, duration_text, session_ended_message, session_seconds_left

register = template.Library()


@register.inclusion_tag("registration/session_timeout.html", takes_context=True)
def session_timeout(context) -> dict:
    """The warning dialog, hidden until static/js/session.js shows it ``SESSION_IDLE_WARNING`` seconds
    before the session ends; it carries how long the session lives on from this page's request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    seconds_left, extendable = session_seconds_left(request.session)
    return {
        "show": True,
        "seconds_left": seconds_left,
        "extendable": extendable,
        "warning_seconds": min(settings.SESSION_IDLE_WARNING, settings.SESSION_IDLE_TIMEOUT // 2),
        "idle": duration_text(settings.SESSION_IDLE_TIMEOUT),
    }


@register.simple_tag(takes_context=True)
def session_ended_notice(context) -> str:
    """Why the last session ended, once (the reason is taken out of the session as it is shown)."""
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None:
        return ""
    return session_ended_message(session.pop(SESSION_ENDED, ""))

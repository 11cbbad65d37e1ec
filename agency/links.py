"""Absolute links for what leaves Caseline (e-mails, webhook payloads): ``SITE_URL`` plus the path that
``reverse()`` gives, so a link is right wherever Caseline is served and never written by hand."""

from django.conf import settings
from django.core import checks
from django.urls import reverse


def absolute_url(viewname: str, *args: object) -> str:
    """``absolute_url("inbox:report_detail", 15)`` → ``https://caseline.example.org/inbox/reports/15/``."""
    return settings.SITE_URL + reverse(viewname, args=args)


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: without SITE_URL (or ALLOWED_HOSTS to derive it) links are bare paths."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is empty: links in e-mails and webhooks are bare paths.",
            hint="Set SITE_URL (e.g. https://caseline.example.org) or ALLOWED_HOSTS.",
            id="caseline.W001",
        )
    ]

"""The e-mail that tells the administrators one account failed to sign in from many addresses (the alert's
audit row is written by ``agency.sign_in.user_sign_in_alert``, which queues this through
``agency.tasks.user_sign_in_alert_send_task``)."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from agency.choices import Role
from agency.models import User

logger = logging.getLogger(__name__)


def user_sign_in_alert_send(*, user_id: int, addresses: list[str], address_count: int, failures: int, minutes: int):
    """Email the alert to every active administrator with an address. Returns how many were sent to."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    recipients = sorted(
        User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        logger.warning("Sign-in alert for %s: no active administrator has an email address.", user.username)
        return 0
    shown = ", ".join(addresses) + (
        f" and {address_count - len(addresses)} more" if address_count > len(addresses) else ""
    )
    send_mail(
        subject=f"Caseline: sign-in failures for {user.username} from {address_count} addresses",
        message=(
            f"In the last {minutes} minutes, signing in as {user.username} failed {failures} times from "
            f"{address_count} different addresses: {shown}.\n\n"
            "Each address is locked out of this account for "
            f"{minutes} minutes after {settings.AXES_FAILURE_LIMIT} failures, but someone may be guessing the "
            "password from many places. Check the audit trail (action user.sign_in_failed) and, if the user "
            "did not do this, deactivate the account or set a new password in the admin."
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)

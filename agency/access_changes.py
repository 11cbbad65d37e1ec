"""What a change of a user's access does at once, whatever path saved it (``User.save`` calls it through
``User.access_changed``, set in ``AgencyConfig.ready``: the model imports no service)."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING, Any

from knox.models import AuthToken

from agency.api.tokens import api_token_revoke
from agency.audit import audit_record
from agency.middleware import request_user
from agency.models import ApiTokenScope

if TYPE_CHECKING:
    from agency.models import User


def user_access_changed(
    *, user: User, changed: list[str], before: dict[str, Any], after: dict[str, Any], actor: User | None = None
) -> int:
    """Called by ``User.save`` inside its transaction when what ``user`` may see changed (role,
    organisation, status), whatever path saved them: audit ``user.access_changed`` and revoke their API
    tokens now. Their browser sessions end on their next request: ``access_changed_at``, set by the save,
    is part of the access stamp every session is checked against. Who acted: ``actor``, else the signed-in
    user of the request being answered, else the process (``manage.py shell``, a job), named as such.
    Returns how many tokens were revoked."""
    actor = actor or request_user()
    system = "" if actor is not None else _unattended_process()
    records = list(ApiTokenScope.objects.filter(user=user, revoked_at__isnull=True).order_by("pk"))
    audit_record(
        actor=actor,
        system=system,
        action="user.access_changed",
        obj=user,
        detail={
            "changed": sorted(changed),
            "before": before,
            "after": after,
            "tokens_revoked": len(records),
            **({"os_user": _os_user()} if system else {}),
        },
    )
    for record in records:
        api_token_revoke(actor=actor, system=system, record=record)
    AuthToken.objects.filter(user=user).delete()  # any knox token issued without a record
    return len(records)


def _unattended_process() -> str:
    """How the audit trail names a change made outside a request: ``manage.py <command>``, or the program."""
    argv = [os.path.basename(part) for part in sys.argv[:2]]
    if argv and argv[0] == "manage.py":
        return " ".join(argv)
    return argv[0] if argv and argv[0] else "python"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"

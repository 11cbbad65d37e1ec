"""``manage.py create_api_token USERNAME --scope read|write [--unit CODE] [--expires-days N]``: issue an
integrator token and print it once. Only its hash is stored; issuing is audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agency.api.tokens import api_token_issue
from agency.models import ApiScope, Unit, User


class Command(BaseCommand):
    help = "Issue an API token for a user, with a scope (read or write) and optionally one unit. Printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", required=True, choices=ApiScope.values, help="read or write")
        parser.add_argument("--unit", help="Limit the token to the unit with this code.")
        parser.add_argument("--expires-days", type=int, help="Days until the token expires (default: settings).")
        parser.add_argument("--label", default="", help="What uses the token, for the admin's list.")

    def handle(self, *args, username, scope, unit=None, expires_days=None, label="", **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}: create the user in the admin first.")
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                codes = ", ".join(Unit.objects.order_by("code").values_list("code", flat=True)) or "none yet"
                raise CommandError(f"No unit with code {unit!r} (units: {codes}).")
        try:
            record, token = api_token_issue(
                actor=None,
                system="create_api_token",
                user=user,
                scope=scope,
                unit=unit_obj,
                expires_days=expires_days,
                label=label or "Issued with manage.py create_api_token",
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        expires = f"expires {record.expires_at:%Y-%m-%d %H:%M %Z}" if record.expires_at else "never expires"
        where = f"unit {unit_obj.code}" if unit_obj else "everything the user may see"
        self.stderr.write(
            f"Token for {user.username}: scope {scope}, {where}, {expires}. "
            "Copy it now: it is stored hashed and cannot be shown again."
        )
        self.stdout.write(token)

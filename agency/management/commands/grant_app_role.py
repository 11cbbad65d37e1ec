"""``manage.py grant_app_role ROLE [--password-from-env VAR]``: the database role the application connects as.

Run it as the role that owns the tables (the one that runs ``migrate``), after every migration; it is
idempotent and changes only what differs, so a second run changes nothing. It makes ``ROLE``:

- a login role that is not a superuser, creates no database and no role, replicates nothing, bypasses no
  row-level security, is a member of no other role, and owns nothing in the database;
- on the audit table: ``SELECT`` and ``INSERT``, nothing else (the trigger of migration
  ``agency/0003_audit_append_only`` refuses ``UPDATE`` and ``DELETE`` even to the owner);
- on every other table: ``SELECT``, ``INSERT``, ``UPDATE``, and ``DELETE`` only where the application
  deletes rows (``DELETES_ROWS`` below: sessions, tokens, lockout and two-factor records, task results,
  the beat schedule, groups, many-to-many links); never ``TRUNCATE``, ``REFERENCES`` or ``TRIGGER``;
- on ``django_migrations``: ``SELECT``; on sequences: ``USAGE`` and ``SELECT`` (no ``setval``);
- on the schema: ``USAGE``, never ``CREATE`` (nor for ``PUBLIC``, which every role belongs to);
- default privileges, so that tables and sequences the owner creates later are granted the same way
  (``DELETE`` on a new table comes with the next run, which compose's ``migrate`` service does).

Whatever was granted beyond that (to the role, or to ``PUBLIC``) is revoked. The changes are audited in
one row naming the role (actor ``system:grant_app_role``), in the same transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from agency.audit import audit_record
from agency.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Tables whose rows the application deletes in its normal work, by app label or "app_label.Model". Found by
# running the test suite as the application role (tests/conftest.py) and by reading the packages:
DELETES_ROWS = (
    "sessions",  # sign-out, a new session key at sign-in, the end of a session (idle or absolute limit)
    "knox",  # revoking a token deletes its knox row (the ApiTokenScope record stays); knox drops expired ones
    "axes",  # a successful sign-in and an administrator's unlock clear the failed attempts
    "otp_static",  # a recovery code is used up; new codes replace the old; the two-factor reset
    "otp_totp",  # one authenticator per user; the two-factor reset
    "django_celery_results",  # beat's celery.backend_cleanup removes task results after CELERY_RESULT_EXPIRES
    "django_celery_beat",  # the admin's Periodic tasks pages (the schedule is not Caseline's record)
    "auth.Group",  # the admin's Groups page
    "supervision.ReportViolation",  # a violation taken off a draft report (the link table of its violations)
)
# Caseline's own records (agency, offenders, supervision and their history tables) are never deleted; only
# the many-to-many link rows between them (a violation taken off a draft report, a user's groups) are.
READ_WRITE = ("SELECT", "INSERT", "UPDATE")
APPEND_ONLY = ("SELECT", "INSERT")
READ_ONLY = ("SELECT",)
SEQUENCE = ("SELECT", "USAGE")
ROLE_ATTRIBUTES = {  # pg_roles column -> the value the application role must have
    "rolcanlogin": True,
    "rolsuper": False,
    "rolcreatedb": False,
    "rolcreaterole": False,
    "rolreplication": False,
    "rolbypassrls": False,
}
ATTRIBUTE_KEYWORDS = {
    "rolcanlogin": "LOGIN",
    "rolsuper": "NOSUPERUSER",
    "rolcreatedb": "NOCREATEDB",
    "rolcreaterole": "NOCREATEROLE",
    "rolreplication": "NOREPLICATION",
    "rolbypassrls": "NOBYPASSRLS",
}


@dataclass
class Changes:
    """What one run changed, for the output and the audit row."""

    role_created: bool = False
    attributes: list[str] = field(default_factory=list)
    password_set: bool = False
    memberships_revoked: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)
    database: list[str] = field(default_factory=list)
    default_privileges: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)

    def count(self) -> int:
        return (
            int(self.role_created)
            + len(self.attributes)
            + int(self.password_set)
            + sum(
                len(items)
                for items in (
                    self.memberships_revoked,
                    self.tables,
                    self.sequences,
                    self.schema,
                    self.database,
                    self.default_privileges,
                    self.public,
                )
            )
        )


def desired_table_privileges() -> dict[str, tuple[str, ...]]:
    """Table name -> the privileges the application role needs on it (tables without a model: READ_WRITE)."""
    wanted: dict[str, tuple[str, ...]] = {"django_migrations": READ_ONLY}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        label = model._meta.label
        deletes = (
            model._meta.auto_created is not False  # a many-to-many link table
            or model._meta.app_label in DELETES_ROWS
            or label in DELETES_ROWS
        )
        wanted[model._meta.db_table] = (*READ_WRITE, "DELETE") if deletes else READ_WRITE
    wanted[AuditEvent._meta.db_table] = APPEND_ONLY
    return wanted


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a stored ``SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey`` (RFC 5803) is ``password``'s."""
    match = re.fullmatch(r"SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)", verifier or "")
    if not match:
        return False
    iterations, salt, stored_key, server_key = match.groups()
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hmac.compare_digest(base64.b64encode(hashlib.sha256(client_key).digest()).decode(), stored_key) and (
        hmac.compare_digest(base64.b64encode(hmac.new(salted, b"Server Key", "sha256").digest()).decode(), server_key)
    )


class Command(BaseCommand):
    help = (
        "Create or correct the database role the application connects as: SELECT and INSERT only on the audit "
        "table, no TRUNCATE, no ownership, not a superuser. Run it as the tables' owner after migrate; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The application's role, e.g. caseline_app.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Set the role's password from this environment variable (never on the command line).",
        )

    def handle(self, *args, role: str, password_from_env: str | None = None, **options):
        if not ROLE_NAME.match(role):
            raise CommandError(
                f"{role!r} is not a role name this command accepts: lower-case letters, digits and _, "
                "starting with a letter or _, at most 63 characters."
            )
        password = None
        if password_from_env:
            password = os.environ.get(password_from_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty or not set.")
        try:
            with transaction.atomic():
                changes = self._grant(role, password)
                if changes.count():
                    audit_record(
                        actor=None,
                        system="grant_app_role",
                        action="database.app_role_granted",
                        detail={"role": role, **{k: v for k, v in vars(changes).items() if v}},
                    )
        except DatabaseError as exc:
            raise CommandError(f"Could not grant the application role {role}: {str(exc).strip()}") from exc
        if options["verbosity"] < 1:
            return
        if changes.count():
            self.stdout.write(f"Application role {role}: {changes.count()} changes.")
            for name, value in vars(changes).items():
                if value and options["verbosity"] > 1:
                    self.stdout.write(f"  {name}: {value}")
        else:
            self.stdout.write(f"Application role {role}: already as required, nothing changed.")

    # --- the steps -------------------------------------------------------------------------------------------

    def _grant(self, role: str, password: str | None) -> Changes:
        changes = Changes()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema(), current_database()")
            me, schema, database = cursor.fetchone()
            owner = self._owner(cursor, schema)
            if role in (me, owner):
                raise CommandError(
                    f"{role} owns the tables (or runs this command): the application must connect as another "
                    "role. Run grant_app_role as the owner with a new role name, e.g. caseline_app."
                )
            q_role, q_schema, q_owner = (connection.ops.quote_name(name) for name in (role, schema, owner))
            self._role(cursor, role, q_role, password, changes)
            self._ownership(cursor, role, owner)
            self._memberships(cursor, role, q_role, changes)
            self._database(cursor, role, q_role, database, changes)
            self._schema(cursor, role, q_role, schema, q_schema, changes)
            self._relations(cursor, role, q_role, schema, q_schema, changes)
            self._default_privileges(cursor, role, q_role, owner, q_owner, schema, q_schema, changes)
        return changes

    def _owner(self, cursor, schema: str) -> str:
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'django_migrations' "
            "AND relnamespace = %s::regnamespace",
            [schema],
        )
        row = cursor.fetchone()
        if row is None:
            raise CommandError("The database has no django_migrations table: run migrate (as the owner) first.")
        return row[0]

    def _role(self, cursor, role: str, q_role: str, password: str | None, changes: Changes) -> None:
        columns = ", ".join(ROLE_ATTRIBUTES)
        cursor.execute(f"SELECT {columns} FROM pg_roles WHERE rolname = %s", [role])  # noqa: S608 (constants)
        row = cursor.fetchone()
        if row is None:
            keywords = " ".join(ATTRIBUTE_KEYWORDS.values())
            cursor.execute("SAVEPOINT grant_app_role_create")
            try:
                cursor.execute(f"CREATE ROLE {q_role} {keywords}")
            except DatabaseError as exc:  # another process created it a moment ago (roles are server-wide)
                cursor.execute("ROLLBACK TO SAVEPOINT grant_app_role_create")
                cursor.execute(f"SELECT {columns} FROM pg_roles WHERE rolname = %s", [role])  # noqa: S608
                row = cursor.fetchone()
                if row is None:
                    raise CommandError(
                        f"Could not create the role {role} ({str(exc).strip()}). The owner needs CREATEROLE; or "
                        f"create it once as a superuser: CREATE ROLE {role} LOGIN; then run this command again."
                    ) from exc
            else:
                changes.role_created = True
            cursor.execute("RELEASE SAVEPOINT grant_app_role_create")
        if row is not None:
            wrong = [
                keyword
                for (column, wanted), actual in zip(ROLE_ATTRIBUTES.items(), row, strict=True)
                if actual != wanted
                for keyword in [ATTRIBUTE_KEYWORDS[column]]
            ]
            if wrong:
                cursor.execute(f"ALTER ROLE {q_role} {' '.join(wrong)}")
                changes.attributes = wrong
        if password is not None and not self._password_is(cursor, role, password):
            import psycopg2.extensions

            verifier = psycopg2.extensions.encrypt_password(password, role, connection.connection, "scram-sha-256")
            cursor.execute(f"ALTER ROLE {q_role} PASSWORD %s", [verifier])  # the hash: never the password
            changes.password_set = True

    def _password_is(self, cursor, role: str, password: str) -> bool:
        """Whether the role's stored password is already ``password`` (readable by a superuser only: any
        other owner sets it on every run)."""
        try:
            cursor.execute("SAVEPOINT grant_app_role_password")
            cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT grant_app_role_password")
            return False
        row = cursor.fetchone()
        cursor.execute("RELEASE SAVEPOINT grant_app_role_password")
        return row is not None and scram_matches(row[0], password)

    def _ownership(self, cursor, role: str, owner: str) -> None:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
                 + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
                 + (SELECT count(*) FROM pg_database WHERE datdba = r.oid AND datname = current_database())
            FROM pg_roles r WHERE r.rolname = %s
            """,
            [role],
        )
        owned = cursor.fetchone()[0]
        if owned:
            raise CommandError(
                f"{role} owns {owned} objects in this database; the application role must own nothing. "
                f"As a superuser: REASSIGN OWNED BY {role} TO {owner}; then run this command again."
            )

    def _memberships(self, cursor, role: str, q_role: str, changes: Changes) -> None:
        """A member of another role has that role's privileges (of the owner: all of them)."""
        cursor.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s ORDER BY g.rolname",
            [role],
        )
        for (group,) in cursor.fetchall():
            cursor.execute(f"REVOKE {connection.ops.quote_name(group)} FROM {q_role}")
            changes.memberships_revoked.append(group)
        if changes.memberships_revoked:
            cursor.execute(
                "SELECT string_agg(m.roleid::regrole::text || ' (granted by ' || m.grantor::regrole::text || ')', "
                "', ') FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
                [role],
            )
            left = cursor.fetchone()[0]
            if left:  # PostgreSQL 16+: a membership granted by another role is that role's to revoke
                raise CommandError(
                    f"{role} is still a member of {left}; revoke it as its grantor (REVOKE … FROM {role} "
                    "GRANTED BY …), then run this command again."
                )

    def _database(self, cursor, role: str, q_role: str, database: str, changes: Changes) -> None:
        q_database = connection.ops.quote_name(database)
        cursor.execute(
            "SELECT has_database_privilege(%s, current_database(), 'CONNECT'), "
            "EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee "
            "WHERE d.datname = current_database() AND r.rolname = %s AND a.privilege_type = 'CREATE')",
            [role, role],
        )
        can_connect, can_create = cursor.fetchone()
        if not can_connect:
            cursor.execute(f"GRANT CONNECT ON DATABASE {q_database} TO {q_role}")
            changes.database.append("GRANT CONNECT")
        if can_create:
            cursor.execute(f"REVOKE CREATE ON DATABASE {q_database} FROM {q_role}")
            changes.database.append("REVOKE CREATE")

    def _schema(self, cursor, role: str, q_role: str, schema: str, q_schema: str, changes: Changes) -> None:
        cursor.execute(
            "SELECT a.grantee, a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a "
            "WHERE n.nspname = %s AND (a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_roles WHERE rolname = %s))",
            [schema, role],
        )
        granted = {(grantee != 0, privilege) for grantee, privilege in cursor.fetchall()}
        if (False, "CREATE") in granted:  # PUBLIC may create in the schema (PostgreSQL before 15)
            cursor.execute(f"REVOKE CREATE ON SCHEMA {q_schema} FROM PUBLIC")
            changes.public.append(f"REVOKE CREATE ON SCHEMA {schema}")
        if (True, "CREATE") in granted:
            cursor.execute(f"REVOKE CREATE ON SCHEMA {q_schema} FROM {q_role}")
            changes.schema.append("REVOKE CREATE")
        if (True, "USAGE") not in granted:
            cursor.execute(f"GRANT USAGE ON SCHEMA {q_schema} TO {q_role}")
            changes.schema.append("GRANT USAGE")

    def _relations(self, cursor, role: str, q_role: str, schema: str, q_schema: str, changes: Changes) -> None:
        cursor.execute(
            """
            SELECT c.relname, c.relkind,
                   ARRAY(SELECT a.privilege_type FROM aclexplode(c.relacl) a WHERE a.grantee = r.oid),
                   ARRAY(SELECT a.privilege_type FROM aclexplode(c.relacl) a WHERE a.grantee = 0),
                   EXISTS (SELECT 1 FROM pg_attribute t, aclexplode(t.attacl) a
                           WHERE t.attrelid = c.oid AND t.attacl IS NOT NULL AND a.grantee IN (0, r.oid))
            FROM pg_class c, pg_roles r
            WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND r.rolname = %s
            ORDER BY c.relname
            """,
            [schema, role],
        )
        wanted_tables = desired_table_privileges()
        wanted: tuple[str, ...]
        for name, kind, granted, public, column_grants in cursor.fetchall():
            if kind == "S":
                wanted, what, log = SEQUENCE, "SEQUENCE", changes.sequences
            elif kind in ("v", "m"):
                wanted, what, log = READ_ONLY, "TABLE", changes.tables
            else:
                wanted, what, log = wanted_tables.get(name, READ_WRITE), "TABLE", changes.tables
            q_name = f"{q_schema}.{connection.ops.quote_name(name)}"
            if public or column_grants:
                # Anything PUBLIC holds, every role holds; column grants survive a table-level revoke only
                # when made on the columns. Start from nothing on this relation, then grant what is wanted.
                cursor.execute(f"REVOKE ALL ON {what} {q_name} FROM PUBLIC, {q_role}")
                if public:
                    changes.public.append(f"REVOKE ALL ON {name}")
                log.append(f"{name}: REVOKE ALL")
                granted = []
            extra = sorted(set(granted) - set(wanted))
            missing = sorted(set(wanted) - set(granted))
            if extra:
                cursor.execute(f"REVOKE {', '.join(extra)} ON {what} {q_name} FROM {q_role}")
                log.append(f"{name}: REVOKE {', '.join(extra)}")
            if missing:
                cursor.execute(f"GRANT {', '.join(missing)} ON {what} {q_name} TO {q_role}")
                log.append(f"{name}: GRANT {', '.join(missing)}")

    def _default_privileges(
        self, cursor, role: str, q_role: str, owner: str, q_owner: str, schema: str, q_schema: str, changes: Changes
    ) -> None:
        """Tables and sequences the owner creates later (the next migrations) get the same grants at once."""
        cursor.execute(
            """
            SELECT d.defaclnamespace = 0, d.defaclobjtype, a.privilege_type
            FROM pg_default_acl d, aclexplode(d.defaclacl) a
            WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = %s)
              AND d.defaclnamespace IN (0, %s::regnamespace)
              AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = %s)
            """,
            [owner, schema, role],
        )
        rows = cursor.fetchall()
        for everywhere, kind, wanted in (
            (False, "r", READ_WRITE),
            (False, "S", SEQUENCE),
            (True, "r", ()),
            (True, "S", ()),
        ):
            objects = "TABLES" if kind == "r" else "SEQUENCES"
            granted = {privilege for in_all, k, privilege in rows if in_all == everywhere and k == kind}
            scope = "" if everywhere else f" IN SCHEMA {q_schema}"
            extra, missing = sorted(granted - set(wanted)), sorted(set(wanted) - granted)
            if extra:
                cursor.execute(
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner}{scope} REVOKE {', '.join(extra)} ON {objects} "
                    f"FROM {q_role}"
                )
                changes.default_privileges.append(f"{objects}{scope}: REVOKE {', '.join(extra)}")
            if missing:
                cursor.execute(
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner}{scope} GRANT {', '.join(missing)} ON {objects} "
                    f"TO {q_role}"
                )
                changes.default_privileges.append(f"{objects}{scope}: GRANT {', '.join(missing)}")

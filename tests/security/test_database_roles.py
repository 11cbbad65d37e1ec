"""Two database roles (issue 12, finding 2): the owner migrates; the application connects as a role that
can add to the audit trail and read it, and nothing more. Before the fix the application connected as the
owner, a superuser, and could TRUNCATE the audit table, disable its trigger or switch triggers off for its
session and rewrite rows. The whole suite runs as the application role (tests/conftest.py)."""

import io
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from agency.audit import audit_record
from agency.management.commands.grant_app_role import desired_table_privileges, scram_matches
from agency.models import AuditEvent

AUDIT_TABLE = "agency_auditevent"


def _fails(sql: str, params=None) -> str:
    """Run ``sql`` in a savepoint; return the database's refusal (the test fails if it was not refused)."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refused.value).splitlines()[0]


def _trail() -> list[tuple]:
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "actor_label", "detail"))


@pytest.mark.django_db
def test_the_suite_connects_as_the_application_role_which_is_no_superuser():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (settings.TEST_APP_DATABASE_ROLE, False, False, False, False, False, True)
        cursor.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_the_application_role_adds_to_the_audit_trail_and_reads_it_but_cannot_rewrite_or_erase_it():
    # given an audit trail
    first = audit_record(actor=None, system="test", action="case.viewed", detail={"n": 1})
    before = _trail()
    assert [row[0] for row in before] == [first.pk]
    # when the application role tries every way to change or erase it, each is refused by the database
    refusals = {
        "update": _fails("UPDATE agency_auditevent SET action = 'nothing.happened'"),
        "delete": _fails("DELETE FROM agency_auditevent"),
        "truncate": _fails("TRUNCATE agency_auditevent"),
        "disable trigger": _fails("ALTER TABLE agency_auditevent DISABLE TRIGGER agency_auditevent_append_only"),
        "disable all triggers": _fails("ALTER TABLE agency_auditevent DISABLE TRIGGER ALL"),
        "drop trigger": _fails("DROP TRIGGER agency_auditevent_append_only ON agency_auditevent"),
        "replica": _fails("SET session_replication_role = replica"),
        "replica, local": _fails("SET LOCAL session_replication_role = replica"),
        "drop table": _fails("DROP TABLE agency_auditevent"),
        "rename": _fails("ALTER TABLE agency_auditevent RENAME TO agency_auditevent_old"),
        "new table": _fails("CREATE TABLE public.agency_auditevent_copy (id bigint)"),
        "replace the trigger": _fails(
            "CREATE OR REPLACE FUNCTION agency_auditevent_append_only() RETURNS trigger AS $$ "
            "BEGIN RETURN OLD; END $$ LANGUAGE plpgsql"
        ),
    }
    assert refusals == {
        "update": "permission denied for table agency_auditevent",
        "delete": "permission denied for table agency_auditevent",
        "truncate": "permission denied for table agency_auditevent",
        "disable trigger": "must be owner of table agency_auditevent",
        "disable all triggers": "must be owner of table agency_auditevent",
        "drop trigger": "must be owner of relation agency_auditevent",
        "replica": 'permission denied to set parameter "session_replication_role"',
        "replica, local": 'permission denied to set parameter "session_replication_role"',
        "drop table": "must be owner of table agency_auditevent",
        "rename": "must be owner of table agency_auditevent",
        "new table": "permission denied for schema public",
        "replace the trigger": "permission denied for schema public",
    }
    # then the trail is as it was, and adding to it and reading it still work
    assert _trail() == before
    second = audit_record(actor=None, system="test", action="case.viewed", detail={"n": 2})
    assert [row[0] for row in _trail()] == [first.pk, second.pk]


@pytest.mark.django_db
def test_the_application_role_holds_exactly_the_privileges_it_needs():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, array_agg(p.privilege ORDER BY p.privilege)
            FROM pg_class c
            CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                AS p(privilege)
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
              AND has_table_privilege(current_user, c.oid, p.privilege)
            GROUP BY c.relname
            """
        )
        held = dict(cursor.fetchall())
        cursor.execute(
            "SELECT has_schema_privilege(current_user, current_schema(), 'CREATE'), "
            "bool_or(has_sequence_privilege(current_user, c.oid, 'UPDATE')), "
            "bool_and(has_sequence_privilege(current_user, c.oid, 'USAGE')) "
            "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S'"
        )
        create_in_schema, setval_on_a_sequence, usage_on_every_sequence = cursor.fetchone()
    # the audit table: add and read only
    assert held[AUDIT_TABLE] == ["INSERT", "SELECT"]
    # no table can be emptied at a stroke, referenced from a new table or given a trigger
    assert {privilege for privileges in held.values() for privilege in privileges} == {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    }
    # Caseline's records (and their history) are never deleted; links between them (a violation taken off a
    # draft report, a user's groups) and the packages' own rows (sessions, tokens, failed sign-ins, two-factor
    # devices, task results, the beat schedule, groups) can be
    deletable = {table for table, privileges in held.items() if "DELETE" in privileges}
    # the link tables of many-to-many fields, Django's or a model of ours (a report's violations)
    links = {
        field.remote_field.through._meta.db_table
        for label in ("agency", "offenders", "supervision")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.local_many_to_many
    }
    records = {
        model._meta.db_table
        for label in ("agency", "offenders", "supervision")
        for model in apps.get_app_config(label).get_models()
    } - links
    assert deletable & records == set()
    assert links <= deletable
    assert {"django_session", "knox_authtoken", "axes_accessattempt", "otp_static_statictoken"} <= deletable
    wanted = desired_table_privileges()
    assert held == {table: sorted(wanted[table]) for table in held}
    assert (create_in_schema, setval_on_a_sequence, usage_on_every_sequence) == (False, False, True)


# --- grant_app_role -------------------------------------------------------------------------------------------


def _privileges(role: str) -> dict:
    """Everything grant_app_role decides about ``role``, as the catalogs hold it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        attributes = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
            "WHERE c.relnamespace = current_schema()::regnamespace "
            "AND a.grantee IN (0, (SELECT oid FROM pg_roles WHERE rolname = %s)) ORDER BY 1, 2",
            [role],
        )
        relations = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, t.attname, a.privilege_type FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, "
            "aclexplode(t.attacl) a WHERE c.relnamespace = current_schema()::regnamespace AND t.attacl IS NOT NULL "
            "AND a.grantee IN (0, (SELECT oid FROM pg_roles WHERE rolname = %s)) ORDER BY 1, 2, 3",
            [role],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT d.defaclobjtype, d.defaclnamespace, a.privilege_type FROM pg_default_acl d, "
            "aclexplode(d.defaclacl) a WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = %s) "
            "ORDER BY 1, 2, 3",
            [role],
        )
        defaults = cursor.fetchall()
        cursor.execute(
            "SELECT m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = "
            "(SELECT oid FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        memberships = cursor.fetchall()
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        password = cursor.fetchone()
    return {
        "attributes": attributes,
        "relations": relations,
        "columns": columns,
        "defaults": defaults,
        "memberships": memberships,
        "password": password,
    }


def _grant(role: str, **options) -> str:
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def new_role(as_database_owner):
    """A role of this test alone (roles are server-wide; the suite's own is shared by every test run), dropped
    at the end with its grants."""
    role = f"caseline_test_roles_{os.getpid()}"
    yield role
    with as_database_owner(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def test_grant_app_role_creates_the_role_and_a_second_run_changes_nothing(new_role, as_database_owner, monkeypatch):
    monkeypatch.setenv("CASELINE_ROLE_TEST_PASSWORD", "a-long-password-for-the-app-role")
    with as_database_owner():
        # when the owner runs it for a role that does not exist
        first = _grant(new_role, password_from_env="CASELINE_ROLE_TEST_PASSWORD")
        after_first = _privileges(new_role)
        rows = AuditEvent.objects.count()
        # and runs it again
        second = _grant(new_role, password_from_env="CASELINE_ROLE_TEST_PASSWORD")
        after_second = _privileges(new_role)
    # then the first created and granted, and recorded it in one audit row naming the role
    assert first.startswith(f"Application role {new_role}: ") and first.endswith(" changes.\n")
    assert after_first["attributes"] == (False, False, False, False, False, True)
    assert after_first["memberships"] == []
    assert scram_matches(after_first["password"][0], "a-long-password-for-the-app-role")
    assert ("agency_auditevent", "INSERT") in after_first["relations"]
    assert [p for t, p in after_first["relations"] if t == AUDIT_TABLE] == ["INSERT", "SELECT"]
    assert sorted({p for _t, p in after_first["relations"]}) == ["DELETE", "INSERT", "SELECT", "UPDATE", "USAGE"]
    assert after_first["defaults"]
    audit = AuditEvent.objects.get(action="database.app_role_granted")
    assert (audit.actor_label, audit.detail["role"], audit.detail["role_created"]) == (
        "system:grant_app_role",
        new_role,
        True,
    )
    assert audit.detail["password_set"] is True
    # and the second changed nothing at all: no grant, no password, no audit row
    assert second == f"Application role {new_role}: already as required, nothing changed.\n"
    assert after_second == after_first
    with as_database_owner():
        assert AuditEvent.objects.count() == rows


def test_grant_app_role_takes_back_what_a_broad_grant_gave(new_role, as_database_owner):
    with as_database_owner():
        _grant(new_role)
        granted = _privileges(new_role)
        # given someone granted the role everything, made it a superuser's member and let it create
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {new_role}")
            cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {new_role}")
            cursor.execute(f"GRANT UPDATE (action) ON agency_auditevent TO {new_role}")
            cursor.execute("GRANT SELECT, DELETE ON agency_auditevent TO PUBLIC")
            cursor.execute(f"GRANT CREATE ON SCHEMA public TO {new_role}")
            cursor.execute(f"ALTER ROLE {new_role} CREATEDB BYPASSRLS")
            cursor.execute(f"GRANT pg_write_all_data TO {new_role}")
            cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO {new_role}")
        # when grant_app_role runs
        output = _grant(new_role, verbosity=2)
        # then everything is back to what the application needs
        assert _privileges(new_role) == granted
        audit = AuditEvent.objects.filter(action="database.app_role_granted").latest("pk")
        # and a third run finds nothing to do
        assert _grant(new_role) == f"Application role {new_role}: already as required, nothing changed.\n"
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_table_privilege(%s, 'agency_auditevent', 'DELETE')", [new_role])
            assert cursor.fetchone() == (False,)
    assert "agency_auditevent: REVOKE" in output
    assert audit.detail["attributes"] == ["NOCREATEDB", "NOBYPASSRLS"]
    assert audit.detail["memberships_revoked"] == ["pg_write_all_data"]
    assert audit.detail["schema"] == ["REVOKE CREATE"]
    assert "REVOKE ALL ON agency_auditevent" in audit.detail["public"]


def test_grant_app_role_refuses_the_owner_and_odd_names(as_database_owner):
    with as_database_owner():
        rows = AuditEvent.objects.count()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (owner,) = cursor.fetchone()
        with pytest.raises(CommandError, match=rf"^{owner} owns the tables"):
            _grant(owner)
        with pytest.raises(CommandError, match="is not a role name this command accepts"):
            _grant('app"; DROP TABLE agency_auditevent; --')
        with pytest.raises(
            CommandError, match=r"^The environment variable CASELINE_UNSET_PASSWORD is empty or not set"
        ):
            _grant("caseline_never_created", password_from_env="CASELINE_UNSET_PASSWORD")
        assert AuditEvent.objects.count() == rows


@pytest.mark.django_db
def test_the_application_role_cannot_run_grant_app_role():
    # the application role may not create roles or grant what it does not own
    rows = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"^Could not create the role caseline_never_created"):
        _grant("caseline_never_created")
    assert AuditEvent.objects.count() == rows

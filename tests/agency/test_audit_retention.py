"""Audit retention (issue 12, finding 13): ``manage.py audit_archive`` moves the audit rows older than
``AUDIT_RETENTION_DAYS`` to a gzip JSON Lines file, prints and records its SHA-256, and deletes them through
the owner's deliberate path; the application role cannot, and the trigger never lets a row younger than a
year (or than the cutoff) go. Before the fix the setting was read by nothing and no row ever left."""

import datetime
import gzip
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.management.commands.audit_archive import retention_cutoff
from agency.models import AuditEvent
from tests.agency.factories import OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the archive runs on the owner's connection

DAY = datetime.timedelta(days=1)
# Longer than a year even when the suite moves the tests' clock a year ahead (the database's clock, which
# the trigger reads, is not moved).
RETENTION = 1000


def _row_at(when: datetime.datetime, action: str, **detail) -> AuditEvent:
    with time_machine.travel(when, tick=False):
        return audit_record(actor=None, system="test", action=action, detail=detail)


def _archive(directory, **options) -> str:
    out = io.StringIO()
    call_command("audit_archive", directory=directory, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def trail(settings):
    """Rows on both sides of the retention: two past it, one a day inside it, one now."""
    settings.AUDIT_RETENTION_DAYS = RETENTION
    now = timezone.now()
    cutoff = retention_cutoff(now, RETENTION)
    officer = OfficerFactory()
    return {
        "cutoff": cutoff,
        "oldest": _row_at(cutoff - 900 * DAY, "case.viewed", note="Nguyễn"),
        "old": _row_at(cutoff - datetime.timedelta(seconds=1), "case.viewed"),
        "kept": _row_at(cutoff + DAY, "case.viewed"),
        "now": audit_record(actor=officer, action="case.viewed"),
    }


def test_the_cutoff_is_the_start_of_the_utc_day_retention_days_ago():
    now = datetime.datetime(2027, 11, 7, 5, 50, tzinfo=datetime.UTC)
    assert retention_cutoff(now, 400) == datetime.datetime(2026, 10, 3, tzinfo=datetime.UTC)


def test_the_owner_archives_then_purges_the_rows_past_retention(trail, tmp_path, as_database_owner):
    # given audit rows on both sides of the retention
    archived_ids = [trail["oldest"].pk, trail["old"].pk]
    expected_lines = list(AuditEvent.objects.filter(pk__in=archived_ids).order_by("id").values())
    # when the owner runs the archive
    with as_database_owner():
        output = _archive(tmp_path)
    # then the rows past retention are in one gzip JSON Lines file, every column, in id order
    (archive,) = tmp_path.glob("*.jsonl.gz")
    assert archive.name.startswith(f"audit-before-{trail['cutoff']:%Y-%m-%d}-")
    lines = [json.loads(line) for line in gzip.decompress(archive.read_bytes()).decode().splitlines()]
    assert [line["id"] for line in lines] == archived_ids
    assert set(lines[0]) == {field.attname for field in AuditEvent._meta.concrete_fields}
    assert lines[0]["detail"] == {"note": "Nguyễn"}
    assert [datetime.datetime.fromisoformat(line["occurred_at"]) for line in lines] == [
        row["occurred_at"] for row in expected_lines
    ]
    # and its SHA-256 is printed, written beside it and recorded
    sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert output.splitlines()[-1] == f"SHA-256 {sha256}"
    assert (tmp_path / f"{archive.name}.sha256").read_text() == f"{sha256}  {archive.name}\n"
    assert archive.stat().st_mode & 0o777 == 0o600
    # and they are gone from the database; the others stay
    assert set(AuditEvent.objects.exclude(action="audit.archived").values_list("pk", flat=True)) == {
        trail["kept"].pk,
        trail["now"].pk,
    }
    # and the purge left its own row: how many, the cutoff, the archive and its hash
    purge = AuditEvent.objects.get(action="audit.archived")
    assert (purge.actor_id, purge.actor_label, purge.outcome) == (None, "system:audit_archive", "allowed")
    assert purge.detail == {
        "rows": 2,
        "cutoff": trail["cutoff"].isoformat(),
        "retention_days": RETENTION,
        "first_id": trail["oldest"].pk,
        "last_id": trail["old"].pk,
        "first_occurred_at": expected_lines[0]["occurred_at"].isoformat(),
        "last_occurred_at": expected_lines[1]["occurred_at"].isoformat(),
        "archive": archive.name,
        "sha256": sha256,
    }


def test_a_second_run_finds_nothing_and_writes_nothing(trail, tmp_path, as_database_owner):
    with as_database_owner():
        _archive(tmp_path / "first")
        rows = AuditEvent.objects.count()
        # when it runs again
        output = _archive(tmp_path / "second")
    # then nothing is archived, written or recorded
    assert output == f"No audit row is older than {trail['cutoff']:%Y-%m-%d} (retention 1000 days).\n"
    assert not (tmp_path / "second").exists()
    assert AuditEvent.objects.count() == rows


def test_a_dry_run_counts_and_changes_nothing(trail, tmp_path):
    # when anyone (here the application role) asks what would go
    rows = AuditEvent.objects.count()
    output = _archive(tmp_path, dry_run=True)
    # then it is told, and nothing is written or deleted
    assert output == (
        f"2 audit rows are older than {trail['cutoff']:%Y-%m-%d} (retention 1000 days); "
        "nothing was written or deleted (--dry-run).\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert AuditEvent.objects.count() == rows


def test_the_application_role_cannot_archive_or_purge(trail, tmp_path, settings):
    # given the test's connection: the application role, as web, worker and beat connect
    rows = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    # when it runs the archive
    role = settings.TEST_APP_DATABASE_ROLE
    with pytest.raises(CommandError, match=rf"^The database role {role} cannot delete audit rows"):
        _archive(tmp_path)
    # then no file is written, no row deleted, none added
    assert list(tmp_path.iterdir()) == []
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == rows
    # and naming a cutoff and deleting by hand is refused by the database
    with (
        pytest.raises(DatabaseError, match="permission denied for table agency_auditevent"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('caseline.audit_purge_before', %s, true)", [trail["cutoff"].isoformat()])
        cursor.execute("DELETE FROM agency_auditevent WHERE id = %s", [trail["oldest"].pk])
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == rows


def _owner_deletes(row_id: int, purge_before: datetime.datetime | None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if purge_before is not None:
            cursor.execute("SELECT set_config('caseline.audit_purge_before', %s, true)", [purge_before.isoformat()])
        cursor.execute("DELETE FROM agency_auditevent WHERE id = %s", [row_id])


def test_even_the_owner_cannot_delete_a_row_younger_than_a_year_or_than_its_cutoff(trail, as_database_owner):
    rows = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:  # the database's clock, which the trigger reads (not the tests')
        cursor.execute("SELECT now()")
        (real_now,) = cursor.fetchone()
    with as_database_owner():
        # without a cutoff: refused, as ever
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"):
            _owner_deletes(trail["oldest"].pk, None)
        # with a cutoff less than 365 days ago, even for a row older than it: refused
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"):
            _owner_deletes(trail["oldest"].pk, real_now - 364 * DAY)
        # a row not older than the cutoff named: refused
        assert trail["cutoff"] < real_now - 365 * DAY < trail["now"].occurred_at
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"):
            _owner_deletes(trail["kept"].pk, trail["cutoff"])
        # and an UPDATE, even of an old row under a cutoff: refused
        with (
            pytest.raises(DatabaseError, match="append-only: UPDATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT set_config('caseline.audit_purge_before', %s, true)", [trail["cutoff"].isoformat()])
            cursor.execute("UPDATE agency_auditevent SET action = 'x' WHERE id = %s", [trail["oldest"].pk])
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == rows


def test_a_retention_below_a_year_is_refused_by_the_command_too(settings, tmp_path, as_database_owner):
    settings.AUDIT_RETENTION_DAYS = 364
    with as_database_owner(), pytest.raises(CommandError, match=r"^AUDIT_RETENTION_DAYS must be at least 365"):
        _archive(tmp_path)
    assert list(tmp_path.iterdir()) == []

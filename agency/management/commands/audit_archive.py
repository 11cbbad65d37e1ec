"""``manage.py audit_archive [--directory DIR] [--dry-run]``: keep the audit trail as long as
``AUDIT_RETENTION_DAYS`` says, and no longer.

The rows older than the retention (counted back from now, to the start of that day in UTC) are written to a
gzip-compressed JSON Lines file outside the database (``AUDIT_ARCHIVE_DIR``, one row per line with every
column), its SHA-256 is printed and written beside it (``<file>.sha256``, for ``sha256sum -c``), and then, in
the same transaction, the rows are deleted and one audit row records how many, the cutoff and the archive's
name and hash (actor ``system:audit_archive``). Nothing older than the cutoff: no file, no row.

Only the tables' owner can run it (the application role has no DELETE on the audit table): run it with the
owner's ``DATABASE_URL`` (compose: ``docker compose run --rm migrate python manage.py audit_archive``). The
table's trigger (migration ``agency/0007_audit_purge_after_retention``) lets the deletion through only for
rows older than the cutoff this command names for its transaction, and only if that cutoff is at least
365 days ago. Two runs at once: the second waits for the first, then finds nothing left to archive.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.models import AuditEvent

ADVISORY_LOCK = 0x4341_5345_4C49_4E45 & 0x7FFF_FFFF_FFFF_FFFF  # one archive run at a time ("CASELINE")
CHUNK_ROWS = 2000


def _json_value(value):
    """Dates and times in full ISO 8601 (DjangoJSONEncoder would cut microseconds); anything else as text."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class HashingWriter:
    """A binary file that also hashes what is written to it (the compressed bytes, as stored)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def retention_cutoff(now: datetime.datetime, days: int) -> datetime.datetime:
    """The start (UTC) of the day ``days`` before ``now``: every row kept is at least ``days`` old when purged."""
    day = (now - datetime.timedelta(days=days)).astimezone(datetime.UTC).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = (
        "Archive the audit rows older than AUDIT_RETENTION_DAYS to a gzip JSON Lines file (SHA-256 printed and "
        "audited), then delete them. Run as the tables' owner."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            help="Where the archive is written (default: AUDIT_ARCHIVE_DIR). Copy it off the host afterwards.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be archived; change nothing.")

    def handle(self, *args, directory: Path | None = None, dry_run: bool = False, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days < 365:  # the settings refuse it too; a caller's override must not get around it
            raise CommandError("AUDIT_RETENTION_DAYS must be at least 365 (CJIS 5.4.7).")
        cutoff = retention_cutoff(timezone.now(), days)
        directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, has_table_privilege(%s, 'DELETE')", [table])
            user, can_delete = cursor.fetchone()
        if not can_delete and not dry_run:
            raise CommandError(
                f"The database role {user} cannot delete audit rows (the application role never can). Run "
                "audit_archive as the owner of the tables, with the owner's DATABASE_URL (with compose: "
                "docker compose run --rm migrate python manage.py audit_archive)."
            )
        old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
        if dry_run:
            self.stdout.write(
                f"{old.count()} audit rows are older than {cutoff:%Y-%m-%d} (retention {days} days); "
                "nothing was written or deleted (--dry-run)."
            )
            return
        path = None
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
                first_last = list(old.order_by("id").values_list("id", "occurred_at")[:1]) + list(
                    old.order_by("-id").values_list("id", "occurred_at")[:1]
                )
                if not first_last:
                    self.stdout.write(f"No audit row is older than {cutoff:%Y-%m-%d} (retention {days} days).")
                    return
                (first_id, first_at), (last_id, last_at) = first_last
                path = directory / f"audit-before-{cutoff:%Y-%m-%d}-{timezone.now():%Y%m%dT%H%M%SZ}.jsonl.gz"
                rows, sha256 = self._write(old.filter(id__lte=last_id), path)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('caseline.audit_purge_before', %s, true)", [cutoff.isoformat()])
                    cursor.execute(
                        f"DELETE FROM {connection.ops.quote_name(table)} WHERE occurred_at < %s AND id <= %s",  # noqa: S608 (the model's table)
                        [cutoff, last_id],
                    )
                    deleted = cursor.rowcount
                    cursor.execute("SELECT set_config('caseline.audit_purge_before', '', true)")
                if deleted != rows:
                    raise CommandError(f"Archived {rows} rows but {deleted} would be deleted: nothing was deleted.")
                audit_record(
                    actor=None,
                    system="audit_archive",
                    action="audit.archived",
                    detail={
                        "rows": rows,
                        "cutoff": cutoff.isoformat(),
                        "retention_days": days,
                        "first_id": first_id,
                        "last_id": last_id,
                        "first_occurred_at": first_at.isoformat(),
                        "last_occurred_at": last_at.isoformat(),
                        "archive": path.name,
                        "sha256": sha256,
                    },
                )
        except BaseException:
            if path is not None:  # the rows are still in the database: no archive claims otherwise
                for leftover in (path, path.with_name(path.name + ".partial"), path.with_name(path.name + ".sha256")):
                    leftover.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"Archived {rows} audit rows older than {cutoff:%Y-%m-%d} (retention {days} days) to {path} and "
            f"removed them from the database.\nSHA-256 {sha256}"
        )

    def _write(self, rows, path: Path) -> tuple[int, str]:
        """Write ``rows`` (a queryset) to ``path`` as gzip JSON Lines, fsynced; returns the count and SHA-256."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(path.name + ".partial")
        columns = [field.attname for field in AuditEvent._meta.concrete_fields]
        count = 0
        with open(partial, "xb") as raw:
            os.chmod(partial, 0o600)  # criminal-justice information: the owner of the process only
            hashing = HashingWriter(raw)
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0) as archive:
                for row in rows.order_by("id").values(*columns).iterator(chunk_size=CHUNK_ROWS):
                    archive.write(json.dumps(row, default=_json_value, ensure_ascii=False).encode() + b"\n")
                    count += 1
            raw.flush()
            os.fsync(raw.fileno())
        partial.rename(path)
        sha256 = hashing.sha256.hexdigest()
        path.with_name(path.name + ".sha256").write_text(f"{sha256}  {path.name}\n")
        return count, sha256

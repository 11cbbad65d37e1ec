"""A list read names every person it showed: ``offender_ids`` (empty on every other row), searchable
through a GIN index built without locking the audit table against writes (every request writes to it)."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("agency", "0004_webhooks"),
    ]

    operations = [
        # A constant default: PostgreSQL adds the column without rewriting the table (or firing the
        # append-only trigger), and raw INSERTs that do not name the column get an empty list.
        migrations.AddField(
            model_name="auditevent",
            name="offender_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                db_default=[],
                default=list,
                help_text="The people a list showed (a list read names them all here; offender_id stays empty).",
                size=None,
            ),
        ),
        AddIndexConcurrently(
            model_name="auditevent",
            index=django.contrib.postgres.indexes.GinIndex(fields=["offender_ids"], name="auditevent_offender_ids_gin"),
        ),
    ]

from django.db import migrations

# The audit table stays append-only (0003): UPDATE is refused to every role, and so is DELETE, with one
# deliberate exception: `manage.py audit_archive`, run as the tables' owner (the application role has no
# DELETE privilege at all), archives the rows older than AUDIT_RETENTION_DAYS to a file, then names its
# cutoff for that one transaction (set_config('caseline.audit_purge_before', …, true)) and deletes them.
# The trigger lets a DELETE through only for a row older than that cutoff, and only when the cutoff is
# at least 365 days ago (CJIS 5.4.7 keeps audit records at least a year), whatever the caller says.
PURGE_AFTER_RETENTION = """
CREATE OR REPLACE FUNCTION agency_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    purge_before text := current_setting('caseline.audit_purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(purge_before, '') <> ''
       AND purge_before::timestamptz <= now() - interval '365 days'
       AND OLD.occurred_at < purge_before::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'agency_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION agency_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'agency_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("agency", "0006_user_access_changed_at"),
    ]

    operations = [
        migrations.RunSQL(PURGE_AFTER_RETENTION, reverse_sql=APPEND_ONLY),
    ]

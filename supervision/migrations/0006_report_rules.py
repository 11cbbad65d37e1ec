"""The rules that keep a court filing true (issue 12, findings 4, 5 and 11), in the database.

1. The violations of a report get a model of their own, ``ReportViolation``, on the same rows: the
   many-to-many table Django made (``supervision_violationreport_violations``) is taken over as it is,
   then renamed, its report column renamed, and given ``live``: whether the report holds the violation.
2. A violation is in at most one live report: the partial unique constraint
   ``violation_in_one_live_report``. A returned report holds none (its links are not live: it frees its
   violations until its author takes them back). Two reports over one violation written before the rule
   (the bug of finding 5) are settled first, without deleting anything: of the others, the report
   furthest on (approved or later, then submitted, then a draft; the earlier one on a tie) keeps the
   violation, the others' links stay on record as not live, and those reports cannot be submitted or
   approved until their author takes the violation off.
3. ``editors``: everyone who wrote any of a report's content. Filled in for the reports already written
   from their author, the actors of their ``violation_report.drafted`` and ``violation_report.updated``
   audit rows, and the users of their history rows that changed the content (an admin's edit included).
4. From its submission on, a report's content never changes, whatever path writes: two triggers.
   On the report: its case, author, narrative and recommendation are refused a change unless it is a
   draft or returned to its author, and it never goes back to being a draft, nor from approval on back to
   being under review. On its violations: a link of a report that is neither a draft nor returned is not
   added, removed or moved (``live`` alone may change). The application's database role does not own
   the tables, so it cannot disable them; their owner could, which is why its inserts of links are let
   through (the demo seeder writes whole filed reports, links included, in bulk).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_LINK_TABLE = "supervision_violationreport_violations"

SETTLE_DUPLICATES = """
UPDATE supervision_reportviolation link
SET live = false
FROM supervision_violationreport report
WHERE report.id = link.report_id AND report.status = 'returned';

WITH ranked AS (
    SELECT link.id,
           row_number() OVER (
               PARTITION BY link.violation_id
               ORDER BY CASE
                            WHEN report.status IN ('approved', 'routed', 'received', 'hearing_scheduled', 'disposed')
                                THEN 0
                            WHEN report.status = 'submitted' THEN 1
                            ELSE 2
                        END,
                        report.created_at, report.id
           ) AS rank
    FROM supervision_reportviolation link
    JOIN supervision_violationreport report ON report.id = link.report_id
    WHERE link.live
)
UPDATE supervision_reportviolation link
SET live = false
FROM ranked
WHERE ranked.id = link.id AND ranked.rank > 1
"""

FILL_EDITORS = """
INSERT INTO supervision_violationreport_editors (violationreport_id, user_id)
SELECT id, author_id FROM supervision_violationreport
UNION
SELECT report.id, audit.actor_id
FROM agency_auditevent audit
JOIN supervision_violationreport report ON audit.object_id = report.id::text
WHERE audit.object_type = 'supervision.violationreport'
  AND audit.action IN ('violation_report.drafted', 'violation_report.updated')
  AND audit.outcome = 'allowed'
  AND audit.actor_id IS NOT NULL
UNION
SELECT changed.id, changed.history_user_id
FROM (
    SELECT id, history_user_id, history_type,
           narrative IS DISTINCT FROM lag(narrative) OVER history
           OR recommendation IS DISTINCT FROM lag(recommendation) OVER history
           OR author_id IS DISTINCT FROM lag(author_id) OVER history
           OR supervision_id IS DISTINCT FROM lag(supervision_id) OVER history AS content_changed
    FROM supervision_historicalviolationreport
    WINDOW history AS (PARTITION BY id ORDER BY history_date, history_id)
) changed
JOIN supervision_violationreport report ON report.id = changed.id
WHERE changed.history_user_id IS NOT NULL AND changed.content_changed
ON CONFLICT DO NOTHING
"""

TRIGGERS = """
CREATE FUNCTION supervision_report_content_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status NOT IN ('draft', 'returned') AND (
        NEW.supervision_id IS DISTINCT FROM OLD.supervision_id
        OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.narrative IS DISTINCT FROM OLD.narrative
        OR NEW.recommendation IS DISTINCT FROM OLD.recommendation
    ) THEN
        RAISE EXCEPTION 'Violation report #% is %: a report''s content never changes once it is submitted '
                        '(write a new report to correct it)', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.status = 'draft' AND OLD.status <> 'draft')
       OR (NEW.status IN ('submitted', 'returned') AND OLD.status NOT IN ('draft', 'submitted', 'returned')) THEN
        RAISE EXCEPTION 'Violation report #% is %: it cannot become % again, as a report''s content never '
                        'changes once it is submitted', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER supervision_report_content_frozen
    BEFORE UPDATE ON supervision_violationreport
    FOR EACH ROW EXECUTE FUNCTION supervision_report_content_frozen();

CREATE FUNCTION supervision_report_violations_frozen() RETURNS trigger AS $$
DECLARE
    report_id bigint;
    report_status text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.report_id = OLD.report_id AND NEW.violation_id = OLD.violation_id THEN
        RETURN NEW;  -- whether the report holds the violation: the services keep it in step
    END IF;
    IF TG_OP = 'INSERT'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NEW;  -- the tables' owner (who could drop this trigger): the demo seeder's bulk rows
    END IF;
    FOREACH report_id IN ARRAY CASE TG_OP
        WHEN 'INSERT' THEN ARRAY[NEW.report_id]
        WHEN 'DELETE' THEN ARRAY[OLD.report_id]
        ELSE ARRAY[OLD.report_id, NEW.report_id]
    END LOOP
        SELECT status INTO report_status FROM supervision_violationreport WHERE id = report_id FOR SHARE;
        IF report_status IS NOT NULL AND report_status NOT IN ('draft', 'returned') THEN
            RAISE EXCEPTION 'Violation report #% is %: a report''s content never changes once it is submitted, '
                            'its violations included (write a new report to correct it)', report_id, report_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER supervision_report_violations_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON supervision_reportviolation
    FOR EACH ROW EXECUTE FUNCTION supervision_report_violations_frozen();
"""

DROP_TRIGGERS = """
DROP TRIGGER supervision_report_violations_frozen ON supervision_reportviolation;
DROP FUNCTION supervision_report_violations_frozen();
DROP TRIGGER supervision_report_content_frozen ON supervision_violationreport;
DROP FUNCTION supervision_report_content_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0005_bounded_texts_and_hours"),
        ("agency", "0007_audit_purge_after_retention"),  # FILL_EDITORS reads the audit rows
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # 1. The many-to-many table becomes ReportViolation's, as it is (no rows move).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportViolation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                db_column="violationreport_id",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="violation_links",
                                to="supervision.violationreport",
                            ),
                        ),
                        (
                            "violation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="report_links",
                                to="supervision.violation",
                            ),
                        ),
                    ],
                    options={"db_table": OLD_LINK_TABLE, "unique_together": {("report", "violation")}},
                ),
                migrations.AlterField(
                    model_name="violationreport",
                    name="violations",
                    field=models.ManyToManyField(
                        related_name="reports", through="supervision.ReportViolation", to="supervision.violation"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="reportviolation", table=None),
        migrations.AlterField(
            model_name="reportviolation",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="violation_links",
                to="supervision.violationreport",
            ),
        ),
        migrations.AlterUniqueTogether(name="reportviolation", unique_together=set()),
        migrations.AddConstraint(
            model_name="reportviolation",
            constraint=models.UniqueConstraint(
                fields=("report", "violation"),
                name="report_violation_once",
                violation_error_message="This violation is in this report already.",
            ),
        ),
        # 2. One live report per violation, after settling the reports written before the rule.
        migrations.AddField(
            model_name="reportviolation",
            name="live",
            field=models.BooleanField(default=True, help_text="Whether the report holds the violation."),
        ),
        migrations.RunSQL(SETTLE_DUPLICATES, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="reportviolation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("live", True)),
                fields=("violation",),
                name="violation_in_one_live_report",
                violation_error_message="This violation is already in another report.",
            ),
        ),
        # 3. Who wrote what.
        migrations.AddField(
            model_name="violationreport",
            name="editors",
            field=models.ManyToManyField(
                blank=True,
                help_text="Everyone who wrote any of its content: the author, and anyone who edited it. None of "
                "them may review it.",
                related_name="edited_reports",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(FILL_EDITORS, reverse_sql=migrations.RunSQL.noop),
        # 4. Filed content never changes.
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]

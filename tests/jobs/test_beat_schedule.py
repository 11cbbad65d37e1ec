import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from agency.celery import app

beat_schedule = importlib.import_module("supervision.migrations.0003_beat_schedule")


@pytest.mark.django_db
def test_the_beat_schedule_migration_writes_the_periodic_jobs_once_and_names_real_tasks():
    # given: the data migration, run again (as on a database where it already ran)
    app.loader.import_default_modules()
    # when
    beat_schedule.create_periodic_tasks(apps, None)
    beat_schedule.create_periodic_tasks(apps, None)
    # then
    tasks = {
        t.name: (t.task, str(t.interval) if t.interval else f"{t.crontab.minute} {t.crontab.hour}", t.enabled)
        for t in PeriodicTask.objects.select_related("interval", "crontab")
    }
    assert tasks == {
        "Flag missed check-ins": ("supervision.tasks.check_ins_flag_missed_task", "every 5 minutes", True),
        "Schedule check-ins": ("supervision.tasks.check_ins_schedule_all_task", "30 1", True),
        "Sweep report deliveries": ("supervision.tasks.report_deliveries_sweep_task", "every minute", True),
        "Send check-in reminders": ("supervision.tasks.check_in_reminders_send_task", "0 *", True),
        "Send supervisor digests": ("supervision.tasks.supervisor_digest_send_task", "0 7", True),
        # written by agency/migrations/0004_webhooks.py
        "Sweep webhook deliveries": ("agency.tasks.webhook_deliveries_sweep_task", "every minute", True),
        # written by supervision/migrations/0013_notification_preferences.py
        "E-mail notifications at once": ("supervision.tasks.notifications_email_at_once_task", "every 5 minutes", True),
        "Send notification digests": ("supervision.tasks.notification_digests_send_task", "30 6", True),
    }
    assert {task for task, _, _ in tasks.values()} <= set(app.tasks)

"""The periodic jobs, as django-celery-beat rows so that an administrator can change them in the admin.

Idempotent (update_or_create by name). Exactly one beat process may run against this schedule: a
second beat would send every task twice (the jobs are idempotent, but the work would double).
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# name -> (task, schedule, expire_seconds). Schedules: ("every", minutes) or ("cron", minute, hour).
PERIODIC_TASKS = {
    "Flag missed check-ins": ("supervision.tasks.check_ins_flag_missed_task", ("every", 5), 300),
    "Schedule check-ins": ("supervision.tasks.check_ins_schedule_all_task", ("cron", "30", "1"), 6 * 3600),
    "Sweep report deliveries": ("supervision.tasks.report_deliveries_sweep_task", ("every", 1), 60),
    "Send check-in reminders": ("supervision.tasks.check_in_reminders_send_task", ("cron", "0", "*"), 3600),
    "Send supervisor digests": ("supervision.tasks.supervisor_digest_send_task", ("cron", "0", "7"), 6 * 3600),
}


def create_periodic_tasks(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, schedule, expire_seconds) in PERIODIC_TASKS.items():
        defaults = {"task": task, "expire_seconds": expire_seconds, "interval": None, "crontab": None}
        if schedule[0] == "every":
            interval = IntervalSchedule.objects.filter(every=schedule[1], period="minutes").first()
            defaults["interval"] = interval or IntervalSchedule.objects.create(every=schedule[1], period="minutes")
        else:
            fields = {
                "minute": schedule[1],
                "hour": schedule[2],
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                "timezone": settings.CELERY_TIMEZONE,
            }
            crontab = CrontabSchedule.objects.filter(**fields).first()
            defaults["crontab"] = crontab or CrontabSchedule.objects.create(**fields)
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
    # Tell a running beat that the schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_periodic_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=PERIODIC_TASKS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, delete_periodic_tasks)]

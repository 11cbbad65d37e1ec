"""The Celery application. Tasks live in each app's ``tasks.py``; configuration in settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")

app = Celery("caseline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Handing work to a Celery worker from a service, after its transaction commits.

``task_queue`` finds the task by its name in Celery's registry, so a service that queues work does not
import the ``tasks`` module that calls it (the tasks import the services: no import cycle). Each app
registers its tasks when it is ready (``AppConfig.ready`` imports its ``tasks``), so every process that
runs Django knows them. A broker that cannot be reached loses nothing: the work stays in the database (a
pending row) and the caller's periodic sweep queues it later; the failure is logged and False returned.
"""

import logging

from celery import current_app

logger = logging.getLogger(__name__)


def task_queue(name: str, *args, unavailable: str) -> bool:
    """Queue the task ``name`` with ``args``. ``unavailable`` says, for the log, what happens instead when
    the broker cannot be reached. An unknown task name raises (a programming error, never swallowed)."""
    task = current_app.tasks[name]
    try:
        task.delay(*args)
    except Exception:  # kombu.exceptions.OperationalError and the like
        logger.warning("Could not queue %s%r: %s", name, args, unavailable, exc_info=True)
        return False
    return True

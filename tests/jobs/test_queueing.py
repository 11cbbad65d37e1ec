"""agency.queueing.task_queue: the services' one way to hand work to a worker."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from agency.queueing import task_queue
from supervision import tasks
from supervision.services.reports import DELIVER_TASK


def test_queues_the_registered_task_by_its_name():
    with mock.patch.object(tasks.report_delivery_deliver_task, "delay") as delay:
        assert task_queue(DELIVER_TASK, 7, unavailable="the sweep will.") is True
    delay.assert_called_once_with(7)


def test_a_broker_that_is_down_is_logged_and_answered_false():
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.report_delivery_deliver_task, "delay", side_effect=down),
        mock.patch("agency.queueing.logger") as logger,
    ):
        assert task_queue(DELIVER_TASK, 7, unavailable="the sweep will.") is False
    # (the module's logger is checked, not caplog: a test that configures logging may disable it)
    logger.warning.assert_called_once_with(
        "Could not queue %s%r: %s", DELIVER_TASK, (7,), "the sweep will.", exc_info=True
    )


def test_an_unknown_task_name_is_a_programming_error_never_swallowed():
    with pytest.raises(KeyError):
        task_queue("supervision.tasks.no_such_task", 7, unavailable="never")

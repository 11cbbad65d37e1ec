"""Fixtures for the background job tests: a local webhook receiver, approved reports, a real worker."""

import datetime
import json
import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from celery import signals
from django.db import connections
from django.utils import timezone

from supervision.choices import ReportStatus
from supervision.models import ReportDelivery
from supervision.services import violation_report_approve
from tests.agency.factories import SupervisorFactory
from tests.supervision.factories import ViolationReportFactory


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 (random port) standing in for a court's or a board's system. It
    answers each POST with the next planned status (then 200), and remembers what it received."""

    def __init__(self):
        self.statuses: list[int] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.hold: tuple[int, threading.Event, threading.Event] | None = None  # (nth POST, arrived, release)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    number = len(receiver.requests)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    hold = receiver.hold
                if hold and hold[0] == number:
                    hold[1].set()
                    hold[2].wait(timeout=30)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/caseline-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def payloads(self) -> list[dict]:
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests]

    def posts_per_report(self) -> Counter:
        return Counter(p["report_id"] for p in self.payloads())


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    receiver.thread.start()
    yield receiver
    if receiver.hold:
        receiver.hold[2].set()
    receiver.server.shutdown()
    receiver.server.server_close()


def approve(report):
    """Approve a submitted report as the supervisor of its unit; returns the report and its delivery."""
    supervisor = SupervisorFactory(unit=report.supervision.unit)
    report = violation_report_approve(actor=supervisor, report=report)
    return report, ReportDelivery.objects.get(report=report)


def submitted_report(supervision):
    return ViolationReportFactory(
        supervision=supervision,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
    )


def broker_url() -> str:
    return os.environ["CELERY_BROKER_URL"]


def broker_flush() -> None:
    """Empty this suite's Redis database (its own db number): no message of an earlier run is left."""
    redis.Redis.from_url(broker_url()).flushdb()


@pytest.fixture
def emails_inline():
    """The sweep queues its emails after commit: run that task here, in this process, as a worker would."""
    from unittest import mock

    from supervision import tasks

    def run(*args):
        tasks.check_ins_missed_emails_send_task.apply(args=json.loads(json.dumps(args)))

    with mock.patch.object(tasks.check_ins_missed_emails_send_task, "delay", side_effect=run) as delay:
        yield delay


@pytest.fixture(scope="module")
def celery_worker():
    """A real Celery worker (solo pool, in a thread of this process) on the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from agency.celery import app

    broker_flush()

    def close_connections(**kwargs):
        connections.close_all()  # the worker thread's connections: never left open on the test database

    signals.task_postrun.connect(close_connections, weak=False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    signals.task_postrun.disconnect(close_connections)
    broker_flush()


def database_address() -> dict[str, str | None]:
    """Where the test database is, for a connection or a process of its own: host (a name, an address or the
    embedded server's socket folder, which django-environ puts in OPTIONS), port, user, password, name."""
    db = connections["default"].settings_dict
    return {
        "host": db.get("OPTIONS", {}).get("host") or db["HOST"] or None,
        "port": str(db["PORT"]) if db["PORT"] else None,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def database_url() -> str:
    """The test database as a DATABASE_URL for another process (a socket folder travels as ``?host=``, as
    agency.localdb writes it)."""
    address = database_address()
    host = address["host"] or ""
    if host.startswith("/"):
        return f"postgres://{address['user']}@/{address['dbname']}?host={host}"
    port = f":{address['port']}" if address["port"] else ""
    return f"postgres://{address['user']}@{host}{port}/{address['dbname']}"


def row_lockable(table: str, pk: int) -> bool:
    """Could another session lock this row right now (``FOR UPDATE NOWAIT``)? Needs committed data:
    a ``transaction=True`` test."""
    import psycopg2

    other = psycopg2.connect(**database_address())
    try:
        with other, other.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608 (ours)
            return cursor.fetchone() is not None
    except psycopg2.errors.LockNotAvailable:
        return False
    finally:
        other.close()


def wait_until(predicate, *, timeout: float = 60, what: str = "the condition") -> None:
    """Poll the database (or anything) until ``predicate()`` holds; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")
        time.sleep(0.1)

"""``/healthz``: is this web process able to serve? Checks the database and the Celery broker.

For load balancers and ``docker compose`` health checks: no authentication, no personal data, never
cached. 200 ``{"database": "ok", "broker": "ok"}`` when both answer, else 503 naming what failed.
The reason for a failure is logged, not shown (a broker URL can carry a password).
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Keep a health check quick: a broker that does not answer within this is reported as failed.
BROKER_TIMEOUT_SECONDS = 2.0


def database_check() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer.", exc_info=True)
        return False
    return True


def broker_check() -> bool:
    from agency.celery import app

    try:
        with app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={
                "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
                "socket_timeout": BROKER_TIMEOUT_SECONDS,
            },
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:  # any failure to reach the broker is "unavailable"; the reason goes to the log
        logger.warning("Health check: the Celery broker does not answer.", exc_info=True)
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_check(), "broker": broker_check()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)

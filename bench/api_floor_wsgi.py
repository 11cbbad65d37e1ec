"""bench/api.py's server: Caseline's WSGI application, plus one bare view at /bench/floor/supervisions/
that returns the same 100 rows as the API's first supervisions page with nothing else (no
authentication, no audit, no serializer): the floor the API is measured against. Used only by the
benchmark; nothing in Caseline imports it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agency.wsgi import application as caseline

FLOOR_PATH = "/bench/floor/supervisions/"
FIELDS = (
    "id",
    "offender",
    "supervision_type",
    "status",
    "level",
    "officer",
    "court",
    "parole_board",
    "start_date",
    "end_date",
    "unit",
    "docket_number",
    "offense",
    "closed_on",
    "closure_reason",
    "created_at",
    "updated_at",
)


def _floor(environ, start_response):
    from django.db import close_old_connections
    from django.http import JsonResponse

    from supervision.models import Supervision

    close_old_connections()
    rows = list(Supervision.objects.order_by("-start_date", "-id").values(*FIELDS)[:100])
    response = JsonResponse(rows, safe=False)
    start_response(f"{response.status_code} OK", list(response.items()))
    return [response.content]


def application(environ, start_response):
    if environ.get("PATH_INFO") == FLOOR_PATH:
        return _floor(environ, start_response)
    return caseline(environ, start_response)

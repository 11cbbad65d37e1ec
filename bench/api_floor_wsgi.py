"""bench/api.py's server: Caseline's WSGI application, with one more route, /bench/floor/supervisions/: a
bare Django view that returns the same 100 rows as the API's first supervisions page as
``JsonResponse(list(qs.values(...)))``. It goes through the same handler and middleware as every page, and
has no authentication, no scoping, no throttle, no audit row and no serializer: the floor the API is
measured against. Used only by the benchmark; nothing in Caseline imports it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.conf import settings
from django.core.wsgi import get_wsgi_application

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

settings.ROOT_URLCONF = "api_floor_urls"  # Caseline's routes and the floor's (bench/api_floor_urls.py)
application = get_wsgi_application()

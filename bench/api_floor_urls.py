"""The URLs of bench/api.py's server: the floor's bare view, then every route of Caseline."""

from api_floor_wsgi import FIELDS, FLOOR_PATH
from django.http import JsonResponse
from django.urls import path

from agency.urls import urlpatterns as caseline
from supervision.models import Supervision


def floor(request):
    rows = list(Supervision.objects.order_by("-start_date", "-id").values(*FIELDS)[:100])
    return JsonResponse(rows, safe=False)


urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor), *caseline]

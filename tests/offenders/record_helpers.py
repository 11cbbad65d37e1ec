"""What the person-record tests share: a fixed clock, small real images, and the rows a refusal must leave."""

import datetime
import io
import random
from zoneinfo import ZoneInfo

from PIL import Image

from agency.models import AuditEvent
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone, Photo

LOCAL = ZoneInfo("America/New_York")  # settings.TIME_ZONE
NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=LOCAL)
TODAY = NOW.date()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    """A real image of ``size`` pixels (seeded noise, so it compresses little: its bytes grow with its size)."""
    buffer = io.BytesIO()
    pixels = random.Random(size[0] * 10_000 + size[1]).randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, pixels).save(buffer, format=kind)
    return buffer.getvalue()


def record_rows() -> tuple:
    """Every row a change of a person's record could write."""
    return tuple(
        model.objects.count() for model in (Address, Employment, Phone, EmergencyContact, Alias, Photo, AuditEvent)
    ) + tuple(Offender.objects.order_by("pk").values_list("pk", "phone"))

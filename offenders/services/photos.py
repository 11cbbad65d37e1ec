"""A person's photo: checked to be a real JPEG or PNG (Pillow reads it), at most ``PHOTO_MAX_BYTES``, kept in
the private storage. A new photo replaces the current one, which is kept (``replaced_at``)."""

import hashlib
import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from agency.audit import audit_record
from agency.models import User
from offenders.models import Offender, Photo
from offenders.services._shared import offender_lock, record_change_require, record_save

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Pillow refuses larger images itself (a decompression bomb); a photo of a person needs far fewer pixels.
PHOTO_MAX_PIXELS = 40_000_000


def photo_check(content: bytes) -> tuple[str, int, int]:
    """The content type, width and height of an acceptable photo, or a ValidationError on ``photo`` that says
    what is wrong: too large, not an image, not a JPEG or PNG, damaged."""
    limit = settings.PHOTO_MAX_BYTES
    if not content:
        raise ValidationError({"photo": "The file is empty: choose a JPEG or PNG photo."})
    if len(content) > limit:
        raise ValidationError(
            {"photo": f"The photo is {len(content) / 1048576:.1f} MB; at most {limit / 1048576:.0f} MB is accepted."}
        )
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format or ""
            width, height = image.size
            if kind not in PHOTO_FORMATS:
                raise ValidationError({"photo": f"This is a {kind or 'an unknown'} image: upload a JPEG or PNG."})
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": "The image has too many pixels: upload a smaller photo."})
            image.verify()  # the whole file is read: a truncated or damaged one is refused here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError({"photo": "This file is not a JPEG or PNG image."}) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError({"photo": "The image is damaged or incomplete: save it again and upload it."}) from None
    return PHOTO_FORMATS[kind], width, height


@transaction.atomic
def photo_upload(*, actor: User, offender: Offender, photo: IO[bytes]) -> Photo:
    """Keep ``photo`` (an uploaded file) as the person's current photo; the previous one is kept, replaced."""
    record_change_require(actor, "change a person's photo")
    offender = offender_lock(offender.pk)
    limit = settings.PHOTO_MAX_BYTES
    content = photo.read(limit + 1)
    content_type, width, height = photo_check(content)
    now = timezone.now()
    previous = Photo.objects.select_for_update().filter(offender=offender, replaced_at__isnull=True).first()
    if previous is not None:
        previous.replaced_at = now
        record_save(previous, actor=actor, reason="Replaced by a new photo", fields=["replaced_at"])
    record = Photo(
        offender=offender,
        content_type=content_type,
        size=len(content),
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
        uploaded_at=now,
    )
    # The file is written under a random name before the row; a transaction rolled back after it leaves an
    # unreferenced file in the private folder, never a row without its file.
    record.image.save("photo", ContentFile(content), save=False)
    record_save(record, actor=actor, reason="Photo uploaded")
    audit_record(
        actor=actor,
        action="photo.uploaded",
        obj=record,
        detail={"size": len(content), "content_type": content_type, "replaced": previous.pk if previous else None},
    )
    return record

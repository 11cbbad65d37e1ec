"""The private file storage: photos of people live under ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` and
the static files, and have no URL. They are read only by the views that audit the read (the person-photo
page); nothing in the web server's or WhiteNoise's reach serves them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """``FileSystemStorage`` rooted at ``settings.PRIVATE_MEDIA_ROOT`` (read at each use, so a test can move
    it), without a URL: asking for one is a programming error, never a public link."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name: str | None) -> str:
        raise ValueError("A private file has no URL: serve it through its audited view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()

import pytest
import time_machine

from tests.offenders.record_helpers import NOW


@pytest.fixture(autouse=True)
def clock():
    """The record's rules compare with today: the tests run on a fixed day."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test keeps its photos in its own private folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT

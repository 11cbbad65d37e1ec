"""Fixtures for the security controls: a signed-in client per role and a clean throttle cache."""

import pytest
from django.core.cache import cache

from tests.api.conftest import world  # noqa: F401 (the API tests' agency, reused by the matrix)

PASSWORD = "correct-horse-battery"  # tests/agency/factories.py


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # throttle counts live in the cache
    yield
    cache.clear()


def sign_in(client, username: str, password: str = PASSWORD):
    """A real sign-in through the login form (the signals, axes and the audit all run)."""
    return client.post("/accounts/login/", {"username": username, "password": password})

"""The token lookup of every API call (agency/api/authentication.tokens_with_key): the rows knox's queryset
with ``select_related("user", "api_scope")`` reads, in one query whose SQL is written once per process, and
nothing kept between calls (a change to the token, its user or its scope is seen by the next call)."""

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from agency.api.authentication import tokens_with_key
from agency.api.tokens import api_token_revoke
from agency.models import ApiTokenScope
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def _orm(key: str) -> list[AuthToken]:
    return list(AuthToken.objects.filter(token_key=key).select_related("user", "api_scope"))


def test_a_token_its_user_and_its_scope_are_the_querysets_in_one_query(world, django_assert_num_queries):
    # given a token limited to a unit
    token = token_for(world.users["integrator"], "write", world.units["north"])
    key = token[:15]
    # when it is looked up
    with django_assert_num_queries(1):
        (found,) = tokens_with_key(key)
        # then its user and scope come with it (no further query) …
        user, scope = found.user, found.api_scope
        assert scope.token is found
    # … each with the values the ORM reads
    (expected,) = _orm(key)
    assert _values(found) == _values(expected)
    assert _values(user) == _values(expected.user)
    assert _values(scope) == _values(expected.api_scope)
    assert (scope.scope, scope.unit_id) == ("write", world.units["north"].pk)
    assert not found._state.adding
    assert found._state.db == user._state.db == scope._state.db == "default"


def test_a_knox_token_without_a_scope_has_none_as_with_the_orm(world, django_assert_num_queries):
    # given a token made with knox directly (no ApiTokenScope)
    _record, plain = AuthToken.objects.create(user=world.users["admin"])
    # when it is looked up
    with django_assert_num_queries(1):
        (found,) = tokens_with_key(plain[:15])
        # then it has no scope, as the ORM's would not, without asking the database again
        assert getattr(found, "api_scope", None) is None
    (expected,) = _orm(plain[:15])
    with pytest.raises(ApiTokenScope.DoesNotExist):
        _ = expected.api_scope
    with pytest.raises(ApiTokenScope.DoesNotExist):
        _ = found.api_scope


def test_an_unknown_key_finds_nothing(world):
    assert tokens_with_key("cl_0000000000000") == []


def test_every_call_reads_the_token_afresh(world):
    # given a token that works, on every case
    token = token_for(world.users["integrator"], "read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/supervisions/").json()["count"] == 3
    # when its scope is narrowed to the south unit behind Caseline's back, the next call sees only its case
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agency_apitokenscope SET unit_id = %s WHERE token_key = %s", [world.units["south"].pk, token[:15]]
        )
    assert client.get("/api/v1/supervisions/").json()["count"] == 1
    # and when its user's role changes, the next call answers as the new role
    with connection.cursor() as cursor:
        cursor.execute("UPDATE agency_user SET role = 'officer' WHERE id = %s", [world.users["integrator"].pk])
    assert client.get("/api/v1/me/").json()["role"] == "officer"
    # and once it is revoked, the next call is refused
    api_token_revoke(actor=world.users["admin"], record=ApiTokenScope.objects.get(token_key=token[:15]))
    assert client.get("/api/v1/me/").status_code == 401

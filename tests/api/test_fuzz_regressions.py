"""What schemathesis (.ci/schemathesis.sh) sent that once answered 500, kept as regressions.

An id that is not a whole number (``0.5``, ``7.45e-174``) matches no API route, so Django answers
with its 404 page; on a server without collected static files that page failed (500). These
requests must answer 404 and change nothing."""

import pytest

from agency.models import AuditEvent


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/check-ins/0.5/"),
        ("post", "/api/v1/check-ins/0.5/complete/"),
        ("post", "/api/v1/check-ins/0.5/excuse/"),
        ("get", "/api/v1/violation-reports/0.5/"),
        ("post", "/api/v1/violation-reports/0.5/submit/"),
        ("post", "/api/v1/violation-reports/0.5/approve/"),
        ("post", "/api/v1/violation-reports/0.5/acknowledge/"),
        ("post", "/api/v1/violation-reports/0.5/return/"),
        ("post", "/api/v1/violation-reports/0.5/hearing/"),
        ("post", "/api/v1/violation-reports/0.5/disposition/"),
        ("get", "/api/v1/supervisions/7.4507638419876465e-174/"),
    ],
)
def test_an_id_that_is_not_a_whole_number_is_404_not_500(world, client_for, method, path):
    # given an administrator's write token
    client = client_for("admin", token="write")
    events_before = AuditEvent.objects.count()

    # when the id in the path is a decimal
    response = getattr(client, method)(path, {}, format="json")

    # then it is a missing object, and nothing is recorded
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events_before


def _id_filters() -> list[tuple[str, str]]:
    """(list URL, parameter) for every id filter of every list endpoint of the API."""
    from agency.api.filtersets import IdFilter
    from agency.urls import API_ROUTER as router

    pairs = []
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, filter_ in filterset.base_filters.items() if filterset else []:
            if isinstance(filter_, IdFilter):
                pairs.append((f"/api/v1/{prefix}/", name))
    return pairs


ID_FILTERS = _id_filters()


def test_every_list_filters_by_id_through_the_bounded_filter():
    # the ids of cases, people, units, officers, courts and boards: each list offers its own (the five parts of a
    # person's record: ``offender``)
    assert len(ID_FILTERS) == 31
    assert {url for url, _ in ID_FILTERS} >= {
        "/api/v1/supervisions/",
        "/api/v1/check-ins/",
        "/api/v1/drug-tests/",
        "/api/v1/case-notes/",
        "/api/v1/conditions/",
        "/api/v1/violations/",
        "/api/v1/violation-reports/",
        "/api/v1/officers/",
    }


@pytest.mark.parametrize(("url", "parameter"), ID_FILTERS)
@pytest.mark.parametrize("value", ["-8.1e107", "99999999999999999999", "9223372036854775808", "1.5", "0", "x"])
def test_an_id_filter_that_no_database_integer_holds_is_a_400_naming_it(world, client_for, url, parameter, value):
    # given an administrator's read token
    client = client_for("admin", token="read")

    # when a list is filtered by an id that is not a whole number from 1 to 2**63 - 1
    response = client.get(url, {parameter: value})

    # then it is refused with a message on that parameter, never a server error
    assert response.status_code == 400, response.content[:300]
    assert parameter in response.json()["errors"], response.json()


@pytest.mark.parametrize(("url", "parameter"), ID_FILTERS[:1] + ID_FILTERS[-1:])
def test_the_largest_id_is_a_valid_filter_that_finds_nothing(world, client_for, url, parameter):
    # when filtered by the largest id PostgreSQL stores
    response = client_for("admin", token="read").get(url, {parameter: str(2**63 - 1)})

    # then it is an empty page, not an error
    assert response.status_code == 200
    assert response.json()["count"] == 0

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

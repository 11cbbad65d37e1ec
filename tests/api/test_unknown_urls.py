"""A URL nothing routes: JSON in the API's error shape under /api/, the HTML page elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/no-such-resource/", "/api/v1/check-ins/0.5/complete/", "/api/nothing"])
def test_unknown_api_url_answers_json_404(client, path):
    # when
    response = client.get(path)
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "No such API endpoint or object. See /api/docs/ for the endpoints.",
        "errors": {},
    }


def test_unknown_page_answers_the_html_404_page(client):
    # when
    response = client.get("/no-such-page/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

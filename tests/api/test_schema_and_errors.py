"""The OpenAPI schema and its docs page; the one error shape for bad input."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

RESOURCES = (
    "closure-requests",
    "offenders",
    "supervisions",
    "conditions",
    "check-ins",
    "drug-tests",
    "case-notes",
    "violations",
    "violation-reports",
    "courts",
    "parole-boards",
    "units",
    "officers",
    "risk-assessments",
    "addresses",
    "employments",
    "phones",
    "emergency-contacts",
    "aliases",
)


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths
        assert f"/api/v1/{resource}/{{id}}/" in paths
    assert "/api/v1/me/" in paths
    actions = {"complete", "excuse"} | {"submit", "approve", "return", "acknowledge", "hearing", "disposition"}
    actions |= {"modify", "end"} | {"withdraw", "dismiss", "merge"}  # conditions as orders, violations corrected
    actions |= {"change-level", "change-status", "close", "reassign"}  # the case's lifecycle
    actions |= {"custody", "release", "decline"}  # custody; closure requests' approve/ and decline/
    actions |= {"approve-override", "decline-override"}  # a risk assessment's level override
    actions |= {"correct", "verify", "make-primary", "update"}  # a person's record (and its end/)
    assert {p.rstrip("/").rsplit("/", 1)[1] for p in paths if "{id}/" in p and not p.endswith("{id}/")} == actions
    assert all("delete" not in operations for operations in schema["paths"].values())


def test_every_operation_is_described_and_has_examples(world, client_for):
    schema = yaml.safe_load(client_for("integrator").get("/api/schema/").content)

    undescribed, without_example = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not (operation.get("description") or operation.get("summary")):
                undescribed.append(f"{method} {path}")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            needs_body = ref and schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties")
            if method in ("post", "patch") and needs_body and not body.get("examples"):
                without_example.append(f"{method} {path}")
            answer = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            if method == "get" and not answer.get("examples"):
                without_example.append(f"{method} {path}")

    assert undescribed == []
    assert without_example == []
    assert set(schema["components"]["securitySchemes"]) == {"knoxApiToken", "cookieAuth"}


def test_the_docs_page_uses_only_local_static_files(world, client_for):
    response = client_for("integrator").get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(src.startswith(("/static/", "/api/")) for src in sources), sources
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
    # no inline script (the Content-Security-Policy allows scripts from 'self' only): the page's own
    # set-up script is served by the docs view itself
    assert re.findall(r"<script>", html) == []
    setup = client_for("integrator").get("/api/docs/?script=")
    assert setup.status_code == 200
    assert setup["Content-Type"].startswith("application/javascript")
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        (b"{not json", 400, {}),
        (b"[1, 2]", 400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
        (
            b'{"supervision": 99999999999999999999, "body": "x"}',
            400,
            {"supervision": ['Invalid pk "99999999999999999999" - object does not exist.']},
        ),
        (
            b'{"supervision": "abc", "body": "x"}',
            400,
            {"supervision": ["Incorrect type. Expected pk value, received str."]},
        ),
        (b'{"body": "x"}', 400, {"supervision": ["This field is required."]}),
    ],
)
def test_bad_input_is_a_4xx_in_the_one_error_shape(world, client_for, body, status, errors):
    response = client_for("officer").post("/api/v1/case-notes/", body, content_type="application/json")

    assert response.status_code == status
    payload = response.json()
    assert set(payload) == {"detail", "errors"}
    assert payload["errors"] == errors
    assert payload["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/supervisions/99999999999999999999/",
        "/api/v1/supervisions/abc/",
        "/api/v1/supervisions/?officer=99999999999999999999",
        "/api/v1/supervisions/?officer=NaN",
        "/api/v1/check-ins/?due_at_after=99999-01-01",
        "/api/v1/supervisions/?page=0",
        "/api/v1/supervisions/?page_size=-1",
    ],
)
def test_odd_urls_never_give_a_server_error(world, client_for, url):
    response = client_for("admin").get(url)

    assert response.status_code in (200, 400, 404)
    assert "detail" in response.json() or "results" in response.json()


def test_a_filter_date_with_an_offset_postgresql_refuses_is_converted_not_a_500(world, client_for):
    # Python accepts offsets up to ±23:59, PostgreSQL only up to ±15:59: the filter converts to UTC
    client = client_for("officer")

    converted = client.get("/api/v1/check-ins/?due_at_after=0225-01-05T06:10:34-17:05")
    out_of_range = client.get("/api/v1/check-ins/?updated_since=0001-01-01T00:00:00%2B14:00")

    assert converted.status_code == 200
    assert {row["id"] for row in converted.json()["results"]} == {world.records[("check-ins", "mine")].pk}
    assert out_of_range.status_code == 400
    assert out_of_range.json()["errors"] == {"updated_since": ["Enter a date-time between the years 1 and 9999."]}


def test_a_nul_character_in_the_query_is_kept_out_of_the_audit_row(world, client_for):
    from agency.models import AuditEvent

    response = client_for("officer").get("/api/v1/check-ins/?note=a%00b")

    assert response.status_code == 200
    assert AuditEvent.objects.get(action="check_in.listed").detail["query"] == {"note": "ab"}


def test_blank_choices_and_emails_are_described_as_the_api_returns_them(world, client_for):
    schema = yaml.safe_load(client_for("integrator").get("/api/schema/").content)
    components = schema["components"]["schemas"]

    assert components["Supervision"]["properties"]["closure_reason"]["oneOf"][1] == {
        "$ref": "#/components/schemas/BlankEnum"
    }
    assert components["ViolationReport"]["properties"]["disposition"]["oneOf"][1] == {
        "$ref": "#/components/schemas/BlankEnum"
    }
    assert components["Address"]["properties"]["verified_how"]["oneOf"][1] == {
        "$ref": "#/components/schemas/BlankEnum"
    }
    assert "format" not in components["Offender"]["properties"]["email"]

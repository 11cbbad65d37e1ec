"""The API's documentation: ``/api/schema/`` (OpenAPI), ``/api/docs/`` (Swagger UI) and ``/api/guide/`` (the
API guide, ``docs/api.md`` rendered as a page of the site).

All three are for signed-in users (a session, or for the schema and the docs page an API token too) unless
``API_DOCS_PUBLIC`` opens them to anyone: the schema names every endpoint, filter and field of a system
holding criminal-justice records, which a stranger has no need to map. An anonymous caller is answered 401
(the schema) or sent to sign in (the two pages).

The Swagger UI page links to the guide's ``#getting-started`` section through the schema's description
(``API_DESCRIPTION``, set in ``agency/urls.py``). The Markdown is the repository's own file, rendered
without any inline script or style so that the page passes the Content-Security-Policy.
"""

import re
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

GUIDE_PATH = Path(settings.BASE_DIR) / "docs" / "api.md"
GETTING_STARTED = "/api/guide/#getting-started"
API_DESCRIPTION = (
    f"{settings.SPECTACULAR_SETTINGS.get('DESCRIPTION', '')}\n\n"
    f"New to the API? Read [Getting started]({GETTING_STARTED}) in the API guide: how to get a token, "
    "the `Authorization: Token <token>` header, pagination, errors, filters, throttles and webhooks."
)

# A relative link to another file of docs/ means nothing under /api/guide/: the link text stays, as text.
_RELATIVE_FILE_LINK = re.compile(r'<a href="(?![a-z][a-z0-9+.-]*:|/|#)[^"]*">(.*?)</a>', re.DOTALL)


_HEADING = re.compile(r'<h[1-6] id="([^"]+)"')


def _wrap_tables(html: str) -> str:
    """Each table in a region the keyboard can scroll (WCAG 1.4.10 and 2.1.1 at 320 px), named by the heading
    above it."""
    parts = html.split("<table>")
    out = [parts[0]]
    for part in parts[1:]:
        headings = _HEADING.findall("".join(out))
        name = f' aria-labelledby="{headings[-1]}"' if headings else ' aria-label="Table"'
        out.append(f'<div class="table-responsive" tabindex="0" role="region"{name}>')
        out.append('<table class="table table-sm table-bordered">')
        body, _sep, rest = part.partition("</table>")
        out.append(f"{body}</table></div>{rest}")
    return "".join(out)


@lru_cache(maxsize=4)
def _render(path: Path, mtime_ns: int) -> tuple[str, str]:
    """(title, body HTML) of a Markdown file; cached per file version."""
    text = path.read_text(encoding="utf-8")
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "sane_lists"],
        extension_configs={
            # Table alignment as the align attribute: a style attribute would break the CSP (no inline style).
            "tables": {"use_align_attribute": True},
            "toc": {"permalink": False},
        },
        output_format="html",
    )
    html = md.convert(text)
    html = _RELATIVE_FILE_LINK.sub(r"\1", html)
    html = _wrap_tables(html)
    html = html.replace("<pre>", '<pre class="bg-body-tertiary border rounded p-2">')
    title = text.splitlines()[0].lstrip("# ").strip() if text else "API guide"
    return title, html


def guide_html() -> tuple[str, str]:
    return _render(GUIDE_PATH, GUIDE_PATH.stat().st_mtime_ns)


def docs_are_public() -> bool:
    return settings.API_DOCS_PUBLIC


class ApiDocsAccess(BasePermission):
    """Signed-in users (a session or a token), or anyone when ``API_DOCS_PUBLIC`` is on; read at each request."""

    def has_permission(self, request, view) -> bool:
        return docs_are_public() or bool(request.user and request.user.is_authenticated)


class ApiSchemaView(SpectacularAPIView):
    permission_classes = [ApiDocsAccess]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI. A browser that is not signed in is sent to sign in, then back here."""

    permission_classes = [ApiDocsAccess]

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):  # no credentials at all (a wrong token is still a 401)
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


@require_GET
def api_guide(request: HttpRequest) -> HttpResponse:
    if not (docs_are_public() or request.user.is_authenticated):
        return redirect_to_login(request.get_full_path())
    title, body = guide_html()
    return render(request, "api/guide.html", {"title": title, "body": body})

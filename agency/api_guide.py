"""``/api/guide/``: the API guide (``docs/api.md``) rendered as a page of the site, for signed-in users.

The Swagger UI page (``/api/docs/``) links to its ``#getting-started`` section through the schema's
description (``API_DESCRIPTION``, set in ``agency/urls.py``). The Markdown is the repository's own file,
rendered without any inline script or style so that the page passes the Content-Security-Policy.
"""

import re
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

GUIDE_PATH = Path(settings.BASE_DIR) / "docs" / "api.md"
GETTING_STARTED = "/api/guide/#getting-started"
API_DESCRIPTION = (
    f"{settings.SPECTACULAR_SETTINGS.get('DESCRIPTION', '')}\n\n"
    f"New to the API? Read [Getting started]({GETTING_STARTED}) in the API guide: how to get a token, "
    "the `Authorization: Token <token>` header, pagination, errors, filters, throttles and webhooks."
)

# A relative link to another file of docs/ means nothing under /api/guide/: the link text stays, as text.
_RELATIVE_FILE_LINK = re.compile(r'<a href="(?![a-z][a-z0-9+.-]*:|/|#)[^"]*">(.*?)</a>', re.DOTALL)


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
    html = html.replace("<table>", '<table class="table table-sm table-bordered">')
    html = html.replace("<pre>", '<pre class="bg-body-tertiary border rounded p-2">')
    title = text.splitlines()[0].lstrip("# ").strip() if text else "API guide"
    return title, html


def guide_html() -> tuple[str, str]:
    return _render(GUIDE_PATH, GUIDE_PATH.stat().st_mtime_ns)


@require_GET
@login_required
def api_guide(request: HttpRequest) -> HttpResponse:
    title, body = guide_html()
    return render(request, "api/guide.html", {"title": title, "body": body})

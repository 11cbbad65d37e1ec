"""Links an officer in the field can tap: a telephone number as a ``tel:`` link, an address as a map link.

The map link is a plain link to OpenStreetMap's search (``https://www.openstreetmap.org/search?query=…``),
chosen over a ``geo:`` URI because it opens on every device: a ``geo:`` URI with an address (``geo:0,0?q=…``)
is an Android convention that desktop browsers and iOS Safari do not open. The page loads nothing from
OpenStreetMap (no tiles, no script: the Content Security Policy stays as it is); only a tap leaves the
application, in a new tab, without a Referer (``rel="noreferrer"``: the case's address in Caseline is not
sent along). Every part is escaped: the text by ``format_html``, the query by ``urlencode``.

``{% load field_links %}`` then ``{% tel person.phone %}``, ``{% map_link address %}`` (an Address) or
``{% map_link job.employer_address %}`` (a string)."""

import re
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MAP_SEARCH_URL = "https://www.openstreetmap.org/search"
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*(\d+)\s*$", re.IGNORECASE)


def tel_href(number: str) -> str:
    """``tel:`` and the number's digits (with a leading + kept, and an extension as ``;ext=``, RFC 3966), or
    "" when the text has no digits to dial."""
    number = (number or "").strip()
    extension = ""
    if match := _EXTENSION.search(number):
        extension, number = match.group(1), number[: match.start()]
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    plus = "+" if number.startswith("+") else ""
    return f"tel:{plus}{digits}" + (f";ext={extension}" if extension else "")


def _address_lines(address: Any) -> list[str]:
    if isinstance(address, str):
        return [address.strip()] if address.strip() else []
    street = ", ".join(part for part in (address.line1, address.line2) if part)
    place = " ".join(part for part in (f"{address.city},", address.state, address.postal_code) if part)
    return [line for line in (street, place.strip(" ,")) if line]


def map_href(address: Any) -> str:
    """The OpenStreetMap search for the address (an Address or a string), or "" for none."""
    lines = _address_lines(address)
    return f"{MAP_SEARCH_URL}?{urlencode({'query': ', '.join(lines)})}" if lines else ""


@register.simple_tag
def tel(number: str | None) -> SafeString:
    """The number as a link that dials it; the text as it is when there is nothing to dial."""
    href = tel_href(number or "")
    if not href:
        return format_html("{}", number or "")
    return format_html('<a href="{}" class="text-nowrap">{}</a>', href, number)


@register.simple_tag
def map_link(address: Any) -> SafeString:
    """The address, its lines as they are written, as a link to it on a map (opens in a new tab)."""
    lines = _address_lines(address) if address else []
    if not lines:
        return mark_safe("")
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}'
        '<span class="visually-hidden"> (map, opens in a new tab)</span></a>',
        map_href(address),
        format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)),
    )

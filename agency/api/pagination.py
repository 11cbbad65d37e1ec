from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

# Reads a page: (offset, limit, whether the page is the first) -> (its rows, the number of rows in the whole list).
PageReader = Callable[[int, int, bool], tuple[Sequence[Any], int]]

# PostgreSQL's OFFSET is a bigint: a page number whose offset could pass it is past the end of any list, and
# DRF's own path answers it (404) without reading.
MAX_PAGE = 2**62 // 100


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N`` and ``?page_size=M`` (at most 100). Every list has a stable ordering ending in ``id``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_with_count(self, queryset: QuerySet, request: Request, read: PageReader) -> list[Any] | None:
        """DRF's ``paginate_queryset`` for a page read together with the list's count (``read``, one query
        instead of a COUNT and then the page). None when the page asked for is not a plain number (``last``,
        not a number, below 1) or the list is not paginated: DRF's own path answers those.

        The answer is DRF's: the page number is checked against the count the same way (a first page is
        always a page; a page past the end is the same 404), and the Django ``Page`` carries the count."""
        page_size = self.get_page_size(request)
        asked = request.query_params.get(self.page_query_param) or "1"
        if not page_size or not (asked.isascii() and asked.isdigit()) or not 1 <= int(asked) <= MAX_PAGE:
            return None
        number = int(asked)
        self.request = request
        rows, count = read((number - 1) * page_size, page_size, number == 1)
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property: the count read with the page
        try:
            self.page = paginator.page(number)  # checks the number against the count; the slice is not read
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=asked, message=str(exc))) from None
        self.page.object_list = rows
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True  # as DRF: the browsable API shows the page links
        return list(rows)

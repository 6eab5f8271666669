"""Keyset (cursor) pages for hot lists, in pages and the API alike: no ``COUNT(*)``, no ``OFFSET``.

A page is read as ``WHERE <sort key> > <last key seen> ORDER BY <sort key> LIMIT n + 1``, which the
planner answers from the list's sort index and stops at the page, however many rows the user may
see (DRF's ``CursorPagination`` does the keyset arithmetic; ties on the first sort field are
resolved by an offset inside the tie). Where a page shows a total it is a capped count
(:func:`capped_count`: "more than 1,000"), never a scan of every visible row.
See docs/adr/0014-keyset-pages-and-denormalised-directory.md.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

#: A page's total is counted up to this many rows; beyond, it says "more than" this.
COUNT_CAP = 1000


class KeysetPagination(CursorPagination):
    """The API's pagination for hot lists: ``?cursor=`` (opaque, from ``next``/``previous``),
    ``?page_size=`` up to 200, in the list's sort order (``?ordering=`` among the view's
    ``ordering_fields``). The response is ``{"next", "previous", "results"}``: no count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-id",)  # the view's ``ordering`` (through its OrderingFilter) takes precedence

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = super().get_paginated_response_schema(schema)
        response["description"] = (
            "A keyset page: follow `next` (or `previous`) for the adjacent page. "
            "There is no total count and no page number."
        )
        return response


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """The number of rows, counted up to ``cap + 1`` (``SELECT count(*) FROM (... LIMIT cap + 1)``):
    a caller shows "more than ``cap``" when the answer exceeds ``cap``."""
    return queryset.order_by().values("pk")[: cap + 1].count()


@dataclass
class KeysetPage:
    """What a list template needs: the rows, the adjacent pages' cursors, a capped total."""

    object_list: list[Any]
    next_cursor: str
    previous_cursor: str
    count: int
    cap: int = COUNT_CAP

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _cursor_of(link: str | None, param: str) -> str:
    if not link:
        return ""
    return parse_qs(urlparse(link).query).get(param, [""])[0]


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    page_size: int = 25,
    cursor_param: str = "cursor",
    cap: int | None = None,
) -> KeysetPage:
    """A keyset page of ``queryset`` in its own order (``order_by`` or the model's ``ordering``), at
    the position ``?<cursor_param>=`` names; a malformed cursor gives the first page (a page
    link that went stale is not an error). A fixed number of queries: the page and a capped count."""
    ordering = tuple(str(o) for o in (queryset.query.order_by or queryset.model._meta.ordering or ("-pk",)))
    paginator = CursorPagination()
    paginator.ordering = ordering
    paginator.page_size = page_size
    paginator.cursor_query_param = cursor_param
    drf_request = Request(request)
    try:
        rows = paginator.paginate_queryset(queryset, drf_request)
    except NotFound:  # a malformed cursor: start again at the first page
        fresh = copy.copy(request)
        query = request.GET.copy()
        query.pop(cursor_param, None)
        fresh.GET = query  # type: ignore[assignment]
        rows = paginator.paginate_queryset(queryset, Request(fresh))
    return KeysetPage(
        object_list=list(rows or []),
        next_cursor=_cursor_of(paginator.get_next_link(), cursor_param),
        previous_cursor=_cursor_of(paginator.get_previous_link(), cursor_param),
        count=capped_count(queryset, COUNT_CAP if cap is None else cap),
        cap=COUNT_CAP if cap is None else cap,
    )

"""Walking keyset lists as a user does, for the list tests of every app: follow the ``next`` links
(API) or the pages' "Next" links (HTML, as htmx or not), and check the SQL they issue."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import COUNT_CAP

NEXT_LINK = re.compile(r'rel="next" href="\?([^"]*)"')


def assert_keyset_sql(queries: list[dict[str, Any]], table: str) -> None:
    """No ``OFFSET``, and no ``COUNT`` of the list's ``table`` but the capped one (``LIMIT cap + 1``
    inside it). The page's frame (the unread-notification badge) is not the list."""
    for query in queries:
        sql = query["sql"].upper()
        assert " OFFSET " not in sql, sql
        if "COUNT(" in sql and table.upper() in sql:
            assert f"LIMIT {COUNT_CAP + 1}" in sql, sql


def walk_api(client: Any, url: str, params: dict[str, Any] | None = None, *, table: str) -> tuple[list[int], list[int]]:
    """Every ``id`` of every page from ``url`` on, and the number of queries of each page."""
    ids: list[int] = []
    counts: list[int] = []
    target: str | None = url
    first = True
    while target:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target, params if first else None)
        first = False
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        assert_keyset_sql(ctx.captured_queries, table)
        counts.append(len(ctx.captured_queries))
        ids += [row["id"] for row in body["results"]]
        target = body["next"]
        assert len(counts) < 200, "the walk does not end"
    return ids, counts


def walk_pages(
    client: Any,
    url: str,
    rows: Callable[[Any], list[Any]],
    *,
    query: str = "",
    htmx: bool = False,
    param: str = "cursor",
    table: str,
) -> tuple[list[int], list[int], list[str]]:
    """Follow the "Next" links of the list whose cursor is ``param`` from ``url?query``: the primary
    keys ``rows(response)`` gives on each page, the queries of each page, and the links followed."""
    ids: list[int] = []
    counts: list[int] = []
    links: list[str] = []
    current: str | None = query
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    while current is not None:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{url}?{current}", **headers)
        assert response.status_code == 200
        assert_keyset_sql(ctx.captured_queries, table)
        counts.append(len(ctx.captured_queries))
        ids += [r.pk for r in rows(response)]
        before = parse_qs(current).get(param)
        current = None
        for link in NEXT_LINK.findall(response.content.decode()):
            link = html.unescape(link)
            if parse_qs(link).get(param) not in (None, before):  # this list's link, not another's
                current = link
                links.append(link)
        assert len(counts) < 200, "the walk does not end"
    return ids, counts, links

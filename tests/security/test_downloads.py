"""Downloads answer GET and HEAD only: generated over every page route of the URL resolver.

A route is a download when a persona the permission matrix expects to open it gets a file back (an
attachment, a streamed or file response, or anything that is not a page). Such a route must answer
any other method with 405 and ``Allow: GET, HEAD`` instead of serving the file again: a download is
a read, never something a cross-site form can trigger or a proxy log can mistake for a write.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse

from tests.security import matrix_expectations as table
from tests.security import matrix_world
from tests.security.test_matrix import _client, _url, resolver_routes

PAGE_TYPES = ("text/html", "application/json")


def _is_download(response: Any) -> bool:
    if isinstance(response, FileResponse | StreamingHttpResponse):
        return True
    if response.has_header("Content-Disposition"):
        return True
    content_type = response.get("Content-Type", "")
    return response.status_code == 200 and not content_type.startswith(PAGE_TYPES)


def _answer(client: Any, method: str, url: str) -> Any:
    with transaction.atomic():
        response = client.generic(method, url)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def world(cw):  # type: ignore[no-untyped-def]
    return matrix_world.build(cw)


def test_every_download_answers_get_and_head_only(world):
    downloads: list[str] = []
    problems: list[str] = []
    for name in sorted(resolver_routes()):
        if name.startswith("api:") or (name, "GET") not in table.ROWS_BY_KEY:
            continue
        expected = table.expected(name, "GET")
        persona = next((p for p in matrix_world.PERSONAS if expected[p] == 200), None)
        if persona is None:
            continue
        client = _client(world, persona)
        url = _url(name, world)
        if not _is_download(_answer(client, "GET", url)):
            continue
        downloads.append(name)
        head = _answer(client, "HEAD", url)
        if head.status_code != 200:
            problems.append(f"HEAD {url} ({name}) as {persona}: {head.status_code}")
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = _answer(client, method, url)
            if response.status_code != 405 or response.get("Allow") != "GET, HEAD":
                problems.append(f"{method} {url} ({name}) as {persona}: {response.status_code}, not 405 GET/HEAD")
    print(f"downloads checked: {len(downloads)} ({', '.join(downloads)})")
    assert downloads, "no download route found: the world or the detection is broken"
    assert problems == [], "\n".join(problems)

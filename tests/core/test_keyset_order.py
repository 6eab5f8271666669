"""Property of the keyset pages (core.pagination): whatever the rows (ties on every sort field,
empty values, timestamps a microsecond apart), the order (up, down, mixed) and the page size,
walking the ``next`` links from the first page gives every row exactly once in the list's order,
walking ``previous`` back from the last page gives them again, and no page reads an ``OFFSET``."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.models import User
from core.pagination import KeysetPagination, keyset_page

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
STAMPS = [BASE, BASE + timedelta(microseconds=1), BASE + timedelta(hours=1)]
ORDERINGS = [
    ("full_name",),
    ("-full_name",),
    ("last_login", "full_name"),
    ("-last_login", "-full_name"),
    ("-is_active", "last_login"),
    ("full_name", "-last_login"),
]

row = st.tuples(st.sampled_from(["", "Ann", "Bob", "Cy"]), st.one_of(st.none(), st.sampled_from(STAMPS)), st.booleans())


def _expected(users: list[User], ordering: tuple[str, ...]) -> list[int]:
    """The order computed here, not by the database: empty values are the largest, the primary
    key (in the last field's direction) breaks ties."""
    keys = [*ordering, "-pk" if ordering[-1].startswith("-") else "pk"]

    def compare(a: User, b: User) -> int:
        for key in keys:
            name = key.lstrip("-")
            x, y = getattr(a, name), getattr(b, name)
            if x == y:
                continue
            if x is None or y is None:
                result = 1 if x is None else -1
            else:
                result = 1 if x > y else -1
            return -result if key.startswith("-") else result
        return 0

    return [u.pk for u in sorted(users, key=functools.cmp_to_key(compare))]


def _page(qs: Any, ordering: tuple[str, ...], size: int, cursor: str | None) -> tuple[list[int], str, str]:
    paginator = KeysetPagination()
    paginator.ordering = ordering
    paginator.page_size = size
    request = Request(APIRequestFactory().get("/users/", {"cursor": cursor} if cursor else {}))
    with CaptureQueriesContext(connection) as ctx:
        rows = paginator.paginate_queryset(qs, request) or []
    assert len(ctx.captured_queries) == 1
    assert " OFFSET " not in ctx.captured_queries[0]["sql"].upper()

    def cursor_of(link: str | None) -> str:
        return "" if not link else Request(APIRequestFactory().get(link)).query_params.get("cursor", "")

    return [r.pk for r in rows], cursor_of(paginator.get_next_link()), cursor_of(paginator.get_previous_link())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(rows=st.lists(row, max_size=14), ordering=st.sampled_from(ORDERINGS), size=st.integers(1, 4))
def test_walking_next_and_previous_gives_every_row_once_in_order(db, rows, ordering, size) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(email=f"keyset-{i}@example.org", full_name=name, last_login=seen, is_active=active)
                for i, (name, seen, active) in enumerate(rows)
            ]
        )
        qs = User.objects.filter(email__startswith="keyset-")
        expected = _expected(users, ordering)

        forward: list[int] = []
        cursor: str | None = None
        pages: list[str | None] = []
        while True:
            ids, following, _before = _page(qs, ordering, size, cursor)
            pages.append(cursor)
            forward += ids
            if not following:
                break
            cursor = following
        assert forward == expected

        backward: list[int] = []
        ids, _after, before = _page(qs, ordering, size, pages[-1])
        backward = ids
        while before:
            ids, _after, before = _page(qs, ordering, size, before)
            backward = ids + backward
        assert backward == expected
        transaction.set_rollback(True)


def test_a_page_with_a_cursor_of_another_order_starts_again(rf, db) -> None:  # type: ignore[no-untyped-def]
    User.objects.bulk_create([User(email=f"keyset-{i}@example.org", full_name=f"N{i % 2}") for i in range(5)])
    qs = User.objects.filter(email__startswith="keyset-").order_by("full_name")
    first = keyset_page(rf.get("/"), qs, page_size=2)
    other = keyset_page(
        rf.get("/", {"cursor": first.next_cursor}), qs.order_by("-last_login", "full_name"), page_size=2
    )
    assert not other.has_previous and len(other) == 2  # a cursor for another order is a stale one

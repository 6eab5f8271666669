"""Keyset (cursor) pages for hot lists, in pages and the API alike: no ``COUNT(*)``, no ``OFFSET``.

A page is read as ``WHERE <sort key> > <last key seen> ORDER BY <sort key> LIMIT n + 1``, which the
planner answers from the list's sort index and stops at the page, however many rows the user may
see. The sort key is the list's whole order, made total by the primary key (appended when the
order does not end with it): the cursor holds the values of every sort field of the row it stops
at, so ties on the first field are passed by comparing the next ones, never by skipping rows with
an ``OFFSET``. A nullable sort field sorts its empty values last going up and first going down (as
PostgreSQL's indexes do). A foreign key in the order sorts by its id. Where a page shows a total it
is a capped count (:func:`capped_count`: "more than 1,000"), never a scan of every visible row.
A list whose rows are reached through several tables ("my actions": the due lists of a member's
organisations, and the actions shared with them) pages each :class:`Source` by its own index and
merges the pages (:func:`keyset_union_page`).
See docs/adr/0014-keyset-pages-and-denormalised-directory.md.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cmp_to_key
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, ForeignObjectRel, Model, OrderBy, Q, QuerySet, UniqueConstraint
from django.http import HttpRequest
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

#: A page's total is counted up to this many rows; beyond, it says "more than" this.
COUNT_CAP = 1000

_P = TypeVar("_P", bound="KeysetPagination")
_R = TypeVar("_R")


@dataclass(frozen=True)
class SortKey:
    """One field of a list's order: its lookup path, direction and whether it may be empty."""

    path: str
    descending: bool
    nullable: bool
    field: Field[Any, Any] | None  # None for an annotation

    def order_by(self) -> str | OrderBy:
        if not self.nullable:
            return f"-{self.path}" if self.descending else self.path
        # Explicit, so every database agrees with PostgreSQL's indexes: empty values are the largest.
        return OrderBy(
            F(self.path),
            descending=self.descending,
            nulls_first=self.descending or None,
            nulls_last=(not self.descending) or None,
        )

    def value_of(self, row: Any) -> Any:
        if isinstance(row, dict):
            return row.get(self.path)
        value = row
        for part in self.path.split("__"):
            if value is None:
                return None
            value = getattr(value, part)
        return value.pk if isinstance(value, Model) else value

    def parse(self, raw: Any) -> Any:
        if raw is None or self.field is None:
            return raw
        return self.field.to_python(raw)


def _sort_keys(ordering: tuple[Any, ...], queryset: QuerySet[Any]) -> tuple[SortKey, ...]:
    """The list's order as sort keys, made total with the primary key."""
    model = queryset.model
    keys: list[SortKey] = []
    for term in ordering:
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            name, descending = str(getattr(term.expression, "name", "")), bool(term.descending)
        else:
            name = str(term)
            descending = name.startswith("-")
            name = name.lstrip("-+")
        key = _resolve(model, name, descending, queryset)
        keys.append(key)
        if key.path == model._meta.pk.attname or _unique(model, keys):
            return tuple(keys)  # the order is total: the rest cannot reorder anything
    pk = model._meta.pk
    keys.append(SortKey(pk.attname, keys[-1].descending if keys else True, False, pk))
    return tuple(keys)


def _attname(model: type[Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "attname", name))


def _unique(model: type[Model], keys: list[SortKey]) -> bool:
    """Whether the keys so far name a unique, never-empty set of the model's own columns."""
    if any(k.nullable or "__" in k.path for k in keys):
        return False
    columns = {k.path for k in keys}
    sets = [{f.attname} for f in model._meta.concrete_fields if f.unique]
    sets += [
        {_attname(model, name) for name in c.fields}
        for c in model._meta.constraints
        if isinstance(c, UniqueConstraint) and c.fields and c.condition is None and not c.expressions
    ]
    sets += [{_attname(model, name) for name in together} for together in model._meta.unique_together]
    return any(s <= columns for s in sets)


def _resolve(model: type[Model], name: str, descending: bool, queryset: QuerySet[Any]) -> SortKey:
    if name == "pk":
        name = model._meta.pk.attname
    if name in queryset.query.annotations:
        return SortKey(name, descending, True, None)
    parts = name.split("__")
    current: type[Model] = model
    nullable = False
    path: list[str] = []
    field: Any = None
    for n, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            field = next((f for f in current._meta.concrete_fields if f.attname == part), None)
            if field is None:
                raise
        if isinstance(field, ForeignObjectRel):
            raise ValueError(f"Keyset pages cannot sort by the reverse relation {name!r}.")
        nullable = nullable or bool(field.null)
        last = n == len(parts) - 1
        if field.is_relation and last:
            path.append(field.attname)  # a foreign key sorts by its id
            field = field.target_field
            break
        path.append(part)
        if field.is_relation:
            current = field.related_model
    return SortKey("__".join(path), descending, nullable, field)


def _after(keys: tuple[SortKey, ...], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order of ``keys``: ``k1 > v1 OR (k1 = v1 AND (k2 > v2
    OR ...))``, with a leading ``k1 >= v1`` that the sort index answers as a range."""

    def later(key: SortKey, value: Any) -> Q | None:
        lookup = "lt" if key.descending else "gt"
        if value is None:  # empty values are the largest
            return Q(**{f"{key.path}__isnull": False}) if key.descending else None
        q = Q(**{f"{key.path}__{lookup}": value})
        if key.nullable and not key.descending:
            q |= Q(**{f"{key.path}__isnull": True})
        return q

    def equal(key: SortKey, value: Any) -> Q:
        return Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})

    condition: Q | None = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        step = later(key, value)
        tie = equal(key, value) if condition is None else equal(key, value) & condition
        if condition is None:
            condition = step
        else:
            condition = tie if step is None else step | tie
    assert condition is not None  # the last key is the primary key, never empty
    first, value = keys[0], values[0]
    if value is not None and not first.nullable:
        condition &= Q(**{f"{first.path}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _flipped(keys: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    return tuple(SortKey(k.path, not k.descending, k.nullable, k.field) for k in keys)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # full precision: the cursor must equal the row's value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


class KeysetPagination(CursorPagination):
    """The API's pagination for hot lists: ``?cursor=`` (opaque, from ``next``/``previous``),
    ``?page_size=`` up to 200, in the list's sort order (``?ordering=`` among the view's
    ``ordering_fields``). The response is ``{"next", "previous", "results"}``: no count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: Any = ("-id",)  # the view's ``ordering`` (through its OrderingFilter) takes precedence

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.page_size = page_size
        self.base_url = self.url = request.build_absolute_uri()
        self.keys = _sort_keys(tuple(self.get_ordering(request, queryset, view)), queryset)
        reverse, values = self._decode(request)
        keys = _flipped(self.keys) if reverse else self.keys
        queryset = queryset.order_by(*(k.order_by() for k in keys))
        if values is not None:
            queryset = queryset.filter(_after(keys, values))
        page = self._settle(list(queryset[: self.page_size + 1]), reverse, values is not None)
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return page

    def _settle(self, rows: list[Any], reverse: bool, after_cursor: bool) -> list[Any]:
        """The page of ``rows`` (read in the walk's direction, one more than a page to tell whether
        another follows), in the list's order, with the adjacent pages known."""
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = after_cursor, more
        self.page = page
        return page

    def _decode(self, request: Request) -> tuple[bool, list[Any] | None]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return False, None
        try:
            raw = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii") + b"=" * (-len(encoded) % 4)))
            reverse, values = bool(raw["r"]), list(raw["v"])
            if len(values) != len(self.keys):
                raise ValueError("the cursor is for another order")
            if not all(v is None or isinstance(v, str | int | float) for v in values):
                raise ValueError("a cursor holds plain values only")
            return reverse, [key.parse(v) for key, v in zip(self.keys, values, strict=True)]
        except (TypeError, ValueError, KeyError, UnicodeError, binascii.Error, ValidationError) as exc:
            raise NotFound(self.invalid_cursor_message) from exc

    def _encode(self, reverse: bool, values: list[Any]) -> str:
        body = json.dumps({"r": int(reverse), "v": [_plain(v) for v in values]}, separators=(",", ":"))
        return base64.urlsafe_b64encode(body.encode()).decode("ascii").rstrip("=")

    def _link(self, reverse: bool, row: Any) -> str:
        cursor = self._encode(reverse, [key.value_of(row) for key in self.keys])
        return replace_query_param(self.url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        if self.page:
            return self._link(False, self.page[-1])
        return remove_query_param(self.url, self.cursor_query_param)  # nothing before: the start

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.page:
            return self._link(True, self.page[0])
        return remove_query_param(self.url, self.cursor_query_param)  # a stale cursor: the start

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = super().get_paginated_response_schema(schema)
        response["description"] = (
            "A keyset page: follow `next` (or `previous`) for the adjacent page. "
            "There is no total count and no page number."
        )
        return response


@dataclass(frozen=True)
class Source:
    """One part of a list read from several tables (:func:`keyset_union_page`): a queryset whose
    rows carry the list's sort key, under the names ``fields`` maps the list's names to. The
    sources' pages are merged in Python, so the key must compare there as in the database: numbers,
    dates and times, not text under a locale's collation."""

    queryset: QuerySet[Any]
    fields: dict[str, str] = field(default_factory=dict)

    def keys(self, keys: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
        return tuple(SortKey(self.fields.get(k.path, k.path), k.descending, k.nullable, k.field) for k in keys)


def _compare(keys: tuple[SortKey, ...]) -> Any:
    """A sort key over rows (dicts by the keys' paths) in the order of ``keys``, empty values last
    going up and first going down (as :class:`SortKey` orders them in SQL)."""

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for key in keys:
            x, y = a[key.path], b[key.path]
            if x == y:
                continue
            if x is None or y is None:
                later = x is None
            else:
                later = x > y
            return (-1 if later else 1) if key.descending else (1 if later else -1)
        return 0

    return cmp_to_key(compare)


def _union_rows(sources: list[Source], keys: tuple[SortKey, ...], after: list[Any] | None, limit: int) -> list[Any]:
    """The first ``limit`` rows of the union of ``sources`` in the order of ``keys`` (after the
    values ``after``, if any): the first ``limit`` of each source, merged."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for source in sources:
        own = source.keys(keys)
        queryset = source.queryset.order_by(*(k.order_by() for k in own))
        if after is not None:
            queryset = queryset.filter(_after(own, after))
        # DISTINCT: a row reached twice within a source (an action on two of a member's due lists)
        # counts once towards the limit.
        for row in queryset.values_list(*(k.path for k in own)).distinct()[:limit]:
            merged.setdefault(tuple(row), dict(zip((k.path for k in keys), row, strict=True)))
    return sorted(merged.values(), key=_compare(keys))[:limit]


def union_first(queryset: QuerySet[Any], sources: list[Source], limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` rows of ``sources`` in the order of ``queryset`` (:func:`keyset_union_page`
    without a cursor): dicts of the sort key's values."""
    ordering = tuple(queryset.query.order_by or queryset.model._meta.ordering or ("-pk",))
    return _union_rows(sources, _sort_keys(ordering, queryset), None, limit)


class UnionKeysetPagination(KeysetPagination):
    """:class:`KeysetPagination` over the union of :class:`Source`s (rows in several tables, or the
    same rows reached two ways): each source is read as its own keyset page, by its own index,
    and the pages are merged. A row reached through several sources is listed once (by its whole
    sort key, which ends with its primary key). Rows are dicts of the sort key's values."""

    def paginate_sources(self, sources: list[Source], model_queryset: QuerySet[Any], request: Request) -> list[Any]:
        self.request = request
        self.base_url = self.url = request.build_absolute_uri()
        self.keys = _sort_keys(tuple(self.ordering), model_queryset)
        reverse, values = self._decode(request)
        keys = _flipped(self.keys) if reverse else self.keys
        return self._settle(_union_rows(sources, keys, values, self.page_size + 1), reverse, values is not None)


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

    def __bool__(self) -> bool:
        return bool(self.object_list)


def query_without(request: HttpRequest, *params: str) -> str:
    """The request's query string without the named cursor parameters: what a list's page links
    carry on (its filters, its search, the other lists' cursors)."""
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


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
    count: bool = True,
) -> KeysetPage:
    """A keyset page of ``queryset`` in its own order (``order_by`` or the model's ``ordering``), at
    the position ``?<cursor_param>=`` names; a malformed cursor gives the first page (a page
    link that went stale is not an error). A fixed number of queries: the page and, unless
    ``count=False`` (a list that shows no total), a capped count."""
    ordering = tuple(queryset.query.order_by or queryset.model._meta.ordering or ("-pk",))
    paginator = _paginator(KeysetPagination(), ordering, page_size, cursor_param)
    rows = _at_cursor(request, cursor_param, lambda r: paginator.paginate_queryset(queryset, r))
    limit = COUNT_CAP if cap is None else cap
    return KeysetPage(
        object_list=list(rows or []),
        next_cursor=_cursor_of(paginator.get_next_link(), cursor_param),
        previous_cursor=_cursor_of(paginator.get_previous_link(), cursor_param),
        count=capped_count(queryset, limit) if count else 0,
        cap=limit,
    )


def keyset_union_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    sources: list[Source],
    *,
    page_size: int = 25,
    cursor_param: str = "cursor",
) -> KeysetPage:
    """A keyset page of the rows of ``sources`` in the order of ``queryset`` (of the list's model,
    which names the sort key): the rows are dicts of the sort key's values, each listed once. One
    query per source, each a keyset page read by its own index; no total."""
    ordering = tuple(queryset.query.order_by or queryset.model._meta.ordering or ("-pk",))
    paginator = _paginator(UnionKeysetPagination(), ordering, page_size, cursor_param)
    rows = _at_cursor(request, cursor_param, lambda r: paginator.paginate_sources(sources, queryset, r))
    return KeysetPage(
        object_list=list(rows),
        next_cursor=_cursor_of(paginator.get_next_link(), cursor_param),
        previous_cursor=_cursor_of(paginator.get_previous_link(), cursor_param),
        count=0,
    )


def _paginator(paginator: _P, ordering: tuple[Any, ...], page_size: int, cursor_param: str) -> _P:
    paginator.ordering = ordering
    paginator.page_size = page_size
    paginator.page_size_query_param = None  # type: ignore[assignment]
    paginator.cursor_query_param = cursor_param
    return paginator


def _at_cursor(request: HttpRequest, cursor_param: str, read: Callable[[Request], _R]) -> _R:
    """``read`` at the request's cursor; a malformed one gives the first page (a stale link)."""
    try:
        return read(Request(request))
    except NotFound:
        fresh = copy.copy(request)
        query = request.GET.copy()
        query.pop(cursor_param, None)
        fresh.GET = query  # type: ignore[assignment]
        return read(Request(fresh))

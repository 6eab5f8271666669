"""One search across every app, through the permission registry.

Each app says what of it can be found in ``<app>/search.py`` by registering *kinds*::

    from core.search import SearchKind, register

    register(SearchKind(key="committees", label=_("Committees"), model=Committee,
                        fields=("name", "acronym", "remit"), title=str))

A kind's rows are the user's visible rows (``core.permissions.visible(user, model, "view")``, or
the kind's own ``queryset``, which must itself be a selector narrowed to the user), filtered by the
search. So a result, a title or a "more" link only ever comes from rows the user may see; no count
of matching rows is shown (a count over hidden rows would tell that they exist).

PostgreSQL: full-text search (``simple`` configuration, prefix matching, ranked) on exactly the
expression that the apps' GIN indexes are built on (see the migrations named ``*search*``);
other databases (SQLite, the embedded default): every word must appear in one of the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import Q, QuerySet

from core.permissions import AnyUser, visible

MAX_TERMS = 8
PER_KIND = 5


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: Any  # a lazy translated string
    model: type[models.Model]
    fields: tuple[str, ...]
    title: Callable[[Any], str] = str
    summary: Callable[[Any], str] = field(default=lambda obj: "")
    url: Callable[[Any], str] = field(default=lambda obj: obj.get_absolute_url())
    queryset: Callable[[AnyUser], QuerySet[Any]] | None = None
    order: int = 100

    def rows(self, user: AnyUser) -> QuerySet[Any]:
        return self.queryset(user) if self.queryset is not None else visible(user, self.model, "view")


@dataclass
class Section:
    kind: SearchKind
    results: list[dict[str, str]]
    more: bool


_KINDS: dict[str, SearchKind] = {}
_discovered = False


def register(kind: SearchKind) -> SearchKind:
    _KINDS[kind.key] = kind
    return kind


def _discover() -> None:
    """Import every local app's ``search`` module (once), which registers its kinds."""
    global _discovered
    if _discovered:
        return
    for label in settings.LOCAL_APPS:
        try:
            import_module(f"{apps.get_app_config(label).name}.search")
        except ModuleNotFoundError as exc:
            if not str(exc.name or "").endswith(".search"):
                raise
    _discovered = True


def kinds() -> list[SearchKind]:
    _discover()
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def terms(q: str) -> list[str]:
    return re.findall(r"\w+", q or "")[:MAX_TERMS]


def text_filter(qs: QuerySet[Any], q: str, fields: Sequence[str]) -> QuerySet[Any]:
    """Rows of ``qs`` where every word of ``q`` matches (see the module's docstring)."""
    words = terms(q)
    if not words:
        return qs.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="simple")
        query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
        return (
            qs.annotate(search_document=vector, search_rank=SearchRank(vector, query))
            .filter(search_document=query)
            .order_by("-search_rank", "-pk")
        )
    for word in words:
        match = Q(pk__in=[])
        for name in fields:
            match |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(match)
    return qs.order_by("-pk")


def search(user: AnyUser, q: str, *, only: str = "", per_kind: int = PER_KIND) -> list[Section]:
    """Up to ``per_kind`` results of each kind (all of one kind's first page when ``only``), with
    whether there are more: one query per kind, whatever the number of rows."""
    sections = []
    for kind in kinds():
        if only and kind.key != only:
            continue
        limit = per_kind if not only else per_kind * 10
        rows = list(text_filter(kind.rows(user), q, kind.fields)[: limit + 1])
        if not rows:
            continue
        sections.append(
            Section(
                kind=kind,
                results=[
                    {"title": kind.title(r), "summary": kind.summary(r), "url": kind.url(r)} for r in rows[:limit]
                ],
                more=len(rows) > limit,
            )
        )
    return sections

"""Type-ahead pickers: a form field that picks one person, organisation or committee out of many
thousands, without a ``<select>`` of them all (ADR 0013).

An app registers what a picker offers in ``<app>/pickers.py``::

    from core.pickers import Picker, register

    register(Picker(key="people", queryset=selectors.people_for_forms, fields=("full_name",),
                    label=lambda p: p.full_name))

``queryset(user)`` must be a selector narrowed to what the user may see (and what the form accepts:
give the form's field the same queryset, so a pick is always valid and an id typed by hand that the
user may not see fails exactly as an id that does not exist). The search endpoint
(``core.views.pick``) returns at most ``LIMIT`` matches of it, in one query; the widget
(``core.widgets.TypeaheadSelect``) renders only the chosen row, never the choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Case, QuerySet, When

from core.permissions import AnyUser
from core.search import terms, text_filter

LIMIT = 20


@dataclass(frozen=True)
class Picker:
    key: str
    queryset: Callable[[AnyUser], QuerySet[Any]]
    fields: tuple[str, ...]
    label: Callable[[Any], str] = str
    hint: Callable[[Any], str] = field(default=lambda obj: "")
    # Extra narrowing by a request parameter (e.g. ``committee`` for the committee's own people first).
    related: tuple[str, ...] = ()
    # The jurisdiction path of a row (``jurisdiction__path``): with ``near``, rows there come first.
    near_field: str = ""


_PICKERS: dict[str, Picker] = {}
_discovered = False


def register(picker: Picker) -> Picker:
    _PICKERS[picker.key] = picker
    return picker


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for label in settings.LOCAL_APPS:
        try:
            import_module(f"{apps.get_app_config(label).name}.pickers")
        except ModuleNotFoundError as exc:
            if not str(exc.name or "").endswith(".pickers"):
                raise
    _discovered = True


def get(key: str) -> Picker | None:
    _discover()
    return _PICKERS.get(key)


def matches(user: AnyUser, key: str, q: str, *, near: str = "", limit: int = LIMIT) -> list[dict[str, Any]]:
    """Up to ``limit`` rows of the picker ``key`` that the user may see and whose fields match every
    word of ``q`` (``core.search.text_filter``: full text on PostgreSQL), those within the
    jurisdiction path ``near`` first: one query."""
    picker = get(key)
    if picker is None or not terms(q):
        return []
    qs = picker.queryset(user)
    if picker.related:
        qs = qs.select_related(*picker.related)
    rows = text_filter(qs, q, picker.fields)
    if near and picker.near_field:
        rows = rows.annotate(
            near_first=Case(When(**{f"{picker.near_field}__startswith": near}, then=0), default=1)
        ).order_by("near_first", *rows.query.order_by)
    rows = rows[:limit]
    return [{"id": row.pk, "label": picker.label(row), "hint": picker.hint(row)} for row in rows]

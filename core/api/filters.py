"""Filters that only accept ids of rows the caller may see.

django-filter's ``ModelChoiceFilter`` validates an id against its queryset: over all rows, an
invisible id would answer "valid, no results" where an unknown one answers 400, telling an outsider
which ids exist. These filters validate against the app's visibility rule instead, so a forbidden
id and a missing one answer alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest


def visible_choice_filter(rule: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> django_filters.ModelChoiceFilter:
    """A ``ModelChoiceFilter`` over ``rule(request.user)`` (an app's ``<things>_visible``)."""

    def queryset(request: HttpRequest | None) -> QuerySet[Any]:
        return rule(request.user if request is not None else AnonymousUser())

    return django_filters.ModelChoiceFilter(queryset=queryset, **kwargs)

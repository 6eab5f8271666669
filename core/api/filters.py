"""Filters that only accept ids of rows the caller may see.

django-filter's ``ModelChoiceFilter`` validates an id against its queryset: over all rows, an
invisible id would answer "valid, no results" where an unknown one answers 400, telling an outsider
which ids exist. :class:`VisibleFilterSet` narrows *every* model-choice filter of a filter set
(declared or generated from ``Meta.fields``) to the related model's visible set, so a forbidden id
and a missing one answer alike; :func:`visible_choice_filter` declares one explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core.permissions import visible


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None) or AnonymousUser()


def visible_choice_filter(
    rule: Callable[[Any], QuerySet[Any]] | type[Model], *, model: type[Model] | None = None, **kwargs: Any
) -> django_filters.ModelChoiceFilter:
    """A ``ModelChoiceFilter`` over a model's visible set (or ``rule(request.user)``). ``model`` (the
    rows ``rule`` gives) lets a ``narrow_only_given`` filter set skip the rule when the request does
    not use the filter."""

    def queryset(request: HttpRequest | None) -> QuerySet[Any]:
        if isinstance(rule, type) and issubclass(rule, Model):
            return visible(_user(request), rule)
        func: Callable[[Any], QuerySet[Any]] = rule  # type: ignore[assignment]
        return func(_user(request))

    queryset.model = rule if isinstance(rule, type) and issubclass(rule, Model) else model  # type: ignore[attr-defined]
    return django_filters.ModelChoiceFilter(queryset=queryset, **kwargs)


class VisibleFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types
    """Every ``ModelChoiceFilter`` / ``ModelMultipleChoiceFilter`` is narrowed to visible rows.

    ``narrow_only_given = True`` (for hot lists) narrows only the filters the request gives a value
    for and offers no choices for the others: building each visible set costs a permission rule per
    filter, even on a first page that filters by nothing."""

    narrow_only_given = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = set(self.data or ())
        for name, f in self.filters.items():
            if isinstance(f, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                # django-filter keeps the queryset on the filter (``f.queryset``) and copies it into
                # ``extra`` when it builds the form field: narrow the one it reads.
                qs = getattr(f, "queryset", None)
                if qs is None:  # never ``or``: a QuerySet in a boolean context runs the query
                    qs = f.extra.get("queryset")
                unused = self.narrow_only_given and name not in given
                if callable(qs) and not isinstance(qs, QuerySet):
                    # Already a per-request callable (visible_choice_filter): left to run, unless unused.
                    model = getattr(qs, "model", None)
                    if unused and model is not None:
                        f.queryset = f.extra["queryset"] = model._default_manager.none()
                    continue
                model = qs.model if isinstance(qs, QuerySet) else f.model._meta.get_field(f.field_name).related_model
                if unused:
                    narrowed = model._default_manager.none()
                else:
                    narrowed = visible(_user(self.request), model)
                f.queryset = narrowed
                f.extra["queryset"] = narrowed

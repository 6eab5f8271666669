"""An id the caller may not see answers exactly like an id that does not exist: for every foreign
key that any write endpoint accepts (the serializers of every viewset in the router) and every
model-choice filter (their filter sets). Generated from the router, not listed by hand, so a new
endpoint is covered the day it is added.

The caller is the district's coordinator (who may create much, so the request reaches the foreign
keys) and the outsider. An invisible id is a row of the related model outside
``core.permissions.visible(caller, Model)``; a missing id is one past the largest."""

from __future__ import annotations

import json
import re
from typing import Any

import django_filters
import pytest
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from rest_framework import serializers

from config.api_router import router
from core.permissions import visible
from tests.security import matrix_world


def _write_foreign_keys() -> list[tuple[str, str, Any]]:
    """(list route name, field name, related model) of every writable foreign key or many-to-many."""
    found = []
    for _prefix, viewset, basename in router.registry:
        if "post" not in getattr(viewset, "http_method_names", ["post"]):
            continue
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None:
            continue
        for name, field in serializer_class().fields.items():
            related = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if field.read_only or not isinstance(related, serializers.RelatedField):
                continue
            model = getattr(related, "related_model", None) or getattr(related.queryset, "model", None)
            if model is not None:
                found.append((f"api:{basename}-list", name, model))
    return found


def _filters() -> list[tuple[str, str, Any]]:
    found = []
    for _prefix, viewset, basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        for name, flt in filterset_class.base_filters.items():
            if isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                queryset = flt.queryset(None) if callable(flt.queryset) else flt.queryset  # a rule: signed out
                if queryset is not None:
                    found.append((f"api:{basename}-list", name, queryset.model))
    return found


WRITES = _write_foreign_keys()
FILTERS = _filters()


def _ids(user: Any, model: Any) -> tuple[int | None, int]:
    hidden = model._default_manager.exclude(pk__in=visible(user, model).values("pk")).values_list("pk", flat=True)
    missing = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1000
    return hidden.first(), missing


def _same(a: Any, b: Any, hidden: int, missing: int) -> bool:
    scrub = lambda text: re.sub(rf"\b({hidden}|{missing})\b", "<id>", text)  # noqa: E731
    return a.status_code == b.status_code and scrub(a.content.decode()) == scrub(b.content.decode())


@pytest.fixture
def callers(cw, api_for):  # type: ignore[no-untyped-def]
    world = matrix_world.build(cw)
    return {persona: (world.users[persona], api_for(world.users[persona])) for persona in ("coordinator", "no_role")}


def test_the_router_has_foreign_keys_and_filters_to_check():
    assert len(WRITES) >= 15 and len(FILTERS) >= 5, (len(WRITES), len(FILTERS))


def test_an_invisible_foreign_key_answers_like_a_missing_one(callers):
    problems, checked = [], 0
    for route, field, model in WRITES:
        for persona, (user, api) in callers.items():
            hidden, missing = _ids(user, model)
            if hidden is None:
                continue
            answers = []
            for value in (hidden, missing):
                body = {field: [value] if isinstance(value, int) and _is_many(route, field) else value}
                with transaction.atomic():
                    answers.append(api.post(reverse(route), json.dumps(body), content_type="application/json"))
                    transaction.set_rollback(True)
            checked += 1
            if not _same(*answers, hidden, missing):
                problems.append(
                    f"POST {reverse(route)} {field}= as {persona}: {answers[0].status_code} "
                    f"{answers[0].content[:300]!r} for a hidden id, {answers[1].status_code} "
                    f"{answers[1].content[:300]!r} for a missing one"
                )
    assert checked >= 10
    assert problems == [], "\n".join(problems)


def test_an_invisible_filter_value_answers_like_a_missing_one(callers):
    problems, checked = [], 0
    for route, name, model in FILTERS:
        for persona, (user, api) in callers.items():
            hidden, missing = _ids(user, model)
            if hidden is None:
                continue
            answers = [api.get(reverse(route), {name: value}) for value in (hidden, missing)]
            checked += 1
            if not _same(*answers, hidden, missing):
                problems.append(
                    f"GET {reverse(route)}?{name}= as {persona}: {answers[0].status_code} for a hidden id, "
                    f"{answers[1].status_code} for a missing one ({answers[0].content[:200]!r})"
                )
    assert checked >= 5
    assert problems == [], "\n".join(problems)


def _is_many(route: str, field: str) -> bool:
    for _prefix, viewset, basename in router.registry:
        if f"api:{basename}-list" == route:
            return isinstance(viewset.serializer_class().fields[field], serializers.ManyRelatedField)
    return False

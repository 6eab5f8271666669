"""Page forms: an id the caller may not see answers exactly like an id that does not exist, and is
never accepted. Generated from the URL resolver, as ``test_fk_oracles.py`` is from the API router:
every page route a persona may open (the permission matrix's table) is fetched, and every
model-choice field of every form on it is posted once with a hidden id and once with a missing one.

The answers must agree: the same status, the same redirect, the same errors on every field (the
field's message for a hidden id is the message for a missing one), and the answer does not name the
hidden row (unless the page named it already). A hidden row is one of the field's model outside
``core.permissions.visible(caller)`` and outside the field's own choices."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.db import transaction
from django.db.models import Max

from core.permissions import visible
from tests.security import matrix_expectations as table
from tests.security import matrix_world
from tests.security.test_matrix import _client, _url, resolver_routes

# Personas who open many forms and see part of the world (a platform admin sees every row).
CALLERS = ("coordinator", "chair", "secretary", "organisation_admin", "liaison")


def _forms(response: Any) -> list[forms.BaseForm]:
    if response.context is None:
        return []
    found: dict[int, forms.BaseForm] = {}
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [v for context in contexts for v in context.flatten().values()]
    for value in values:
        if isinstance(value, forms.BaseForm):
            found[id(value)] = value
        elif isinstance(value, forms.BaseFormSet):
            found.update((id(f), f) for f in value.forms)
    return list(found.values())


def _ids(user: Any, field: forms.ModelChoiceField) -> tuple[Any, int]:
    """A row neither visible to the user nor offered by the field (a form may offer more than the
    "view" rule, fellow committee members for example: those are choices, not hidden rows)."""
    model = field.queryset.model  # type: ignore[union-attr]
    hidden = (
        model._default_manager.exclude(pk__in=visible(user, model).values("pk"))
        .exclude(pk__in=field.queryset.values("pk"))  # type: ignore[union-attr]
        .first()
    )
    missing = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1000
    return hidden, missing


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    with transaction.atomic():
        response = client.post(url, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response


def _answer(response: Any, hidden: int, missing: int) -> tuple[Any, ...]:
    scrub = lambda text: re.sub(rf"\b({hidden}|{missing})\b", "<id>", str(text))  # noqa: E731
    errors = sorted((f.prefix or "", name, scrub(e)) for f in _forms(response) for name, e in f.errors.items())
    return response.status_code, scrub(response.get("Location", "")), errors


@pytest.fixture
def world(cw):  # type: ignore[no-untyped-def]
    return matrix_world.build(cw)


def test_an_invisible_choice_in_a_page_form_answers_like_a_missing_one(world):
    problems: list[str] = []
    checked: set[tuple[str, str]] = set()
    for name in sorted(resolver_routes()):
        if name.startswith("api:") or (name, "GET") not in table.ROWS_BY_KEY:
            continue
        expected = table.expected(name, "GET")
        for persona in [p for p in CALLERS if expected[p] == 200][:2]:
            user, client, url = world.users[persona], _client(world, persona), _url(name, world)
            page = client.get(url)
            for form in _forms(page):
                for field_name, field in form.fields.items():
                    if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                        continue
                    hidden, missing = _ids(user, field)
                    if hidden is None:
                        continue
                    key = form.add_prefix(field_name)
                    many = isinstance(field, forms.ModelMultipleChoiceField)
                    answers = []
                    for value in (hidden.pk, missing):
                        response = _post(client, url, {key: [value] if many else value})
                        answers.append(response)
                    checked.add((name, key))
                    a, b = (_answer(r, hidden.pk, missing) for r in answers)
                    where = f"POST {url} ({name}) {key}= as {persona}"
                    if a != b:
                        problems.append(f"{where}: hidden id {a}, missing id {b}")
                    named = str(hidden) and str(hidden) not in page.content.decode(errors="replace")
                    if named and str(hidden) in answers[0].content.decode(errors="replace"):
                        problems.append(f"{where}: the page names the hidden {type(hidden).__name__} “{hidden}”")
    print(f"page form foreign keys checked: {len(checked)}")
    assert len(checked) >= 5, sorted(checked)
    assert problems == [], "\n".join(problems)

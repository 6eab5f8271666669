"""The permission matrix: every route of the project (URL resolver) and every API operation
(OpenAPI schema) x method x persona, against the table in ``matrix_expectations.py``.

A route or operation with no row in the table fails the suite, naming it: a new URL comes with
its expected outcomes. Each request runs in a savepoint that is rolled back, so a write (an empty
form, ``{}`` in the API, a DELETE) leaves the world as it was for the next persona.

Outcomes are HTTP status codes, and ``"login"`` for a redirect to the sign-in page. Excluded from
the generated part, and covered by the smaller ``ACCOUNT_PAGES``/``ADMIN_PAGES`` tables instead: the
Django admin (``admin/``: its own permission system, staff only) and allauth's account pages
(``accounts/``: they act on the signed-in user only, or on a key sent by e-mail); the language
switch (``i18n/``) and the health check, which hold no data.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.security import matrix_expectations as table
from tests.security import matrix_world

PAGE_METHODS = ("GET", "POST")
EXCLUDED_PREFIXES = ("admin/", "accounts/", "i18n/", "healthz", "api/schema/", "api/docs/", "api/redoc/")
FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>")
CASES_RUN: Counter[str] = Counter()


# --- What the project serves ------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            found.append((prefix + str(pattern.pattern), namespace + pattern.name, pattern))
    return found


@functools.cache
def resolver_routes() -> dict[str, str]:
    """Route name -> route, for every URL pattern but the excluded prefixes and format suffixes."""
    routes: dict[str, str] = {}
    for route, name, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or FORMAT_SUFFIX.search(route):
            continue
        routes.setdefault(name, route)
    return routes


@functools.cache
def openapi_operations() -> set[tuple[str, str]]:
    """(route name, method) of every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = set()
    for path, methods in schema["paths"].items():
        sample = re.sub(r"\{[^}]+\}", "1", path)
        name = resolve(sample).view_name
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.add((name, method.upper()))
    return operations


@functools.cache
def cases() -> tuple[tuple[str, str], ...]:
    """Every (route name, method) the matrix must cover."""
    operations = openapi_operations()
    api_routes = {name for name, _method in operations}
    wanted = set(operations)
    for name in resolver_routes():
        if name in api_routes:
            continue
        methods = ("GET",) if name.startswith("api:") else PAGE_METHODS
        wanted.update((name, method) for method in methods)
    return tuple(sorted(wanted))


# --- Running one case -------------------------------------------------------------------------


KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _url(name: str, world: Any) -> str:
    """The route's URL, its arguments taken from the world: the object a ``pk`` names follows from
    the path segment before it (``committees/<pk>``: the committee), by ``table.SEGMENT_OBJECTS``
    (``segment/argument`` first, then ``segment``, then ``*/argument``)."""
    route = resolver_routes()[name].replace("^", "")
    kwargs = {}
    for match in KWARG.finditer(route):
        key = match.group(1) or match.group(2)
        before = route[: match.start()].rstrip("/.").rsplit("/", 1)[-1]
        segment = "*" if before.endswith((">", ")")) else before.rsplit(".", 1)[0]
        keys = (f"{segment}/{key}", segment, f"*/{key}")
        source = next((table.SEGMENT_OBJECTS[k] for k in keys if k in table.SEGMENT_OBJECTS), None)
        assert source is not None, f"{name}: add one of {keys} to SEGMENT_OBJECTS in matrix_expectations.py"
        value = world.objects.get(source, source)
        kwargs[key] = value.pk if hasattr(value, "pk") else value
    return reverse(name, kwargs=kwargs)


def _client(world: Any, persona: str) -> Client:
    """One signed-in client per persona and world (signing in is itself a write worth skipping)."""
    clients = world.__dict__.setdefault("clients", {})
    if persona not in clients:
        clients[persona] = client = Client()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
    return clients[persona]


def outcome(client: Client, method: str, url: str, body: dict[str, object] | None = None) -> int | str:
    """The answer to one request, in a savepoint that is rolled back."""
    body = body or {}
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
        else:
            response = client.generic(
                method, url, data=urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
            )
        transaction.set_rollback(True)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


def _run(world: Any, name: str, method: str, only: set[str] | None = None) -> list[str]:
    expected = table.expected(name, method)
    url = _url(name, world)
    problems = []
    for persona in matrix_world.PERSONAS:
        if only is not None and persona not in only:
            continue
        got = outcome(_client(world, persona), method, url, table.BODIES.get((name, method)))
        CASES_RUN["cases"] += 1
        if got != expected[persona]:
            problems.append(f"{method} {url} ({name}) as {persona}: expected {expected[persona]}, got {got}")
    return problems


@pytest.fixture
def world(cw):  # type: ignore[no-untyped-def]
    return matrix_world.build(cw)


# --- The tests --------------------------------------------------------------------------------


def test_every_route_and_operation_has_a_row_in_the_table():
    missing = [f"{method} {name}" for name, method in cases() if (name, method) not in table.ROWS_BY_KEY]
    assert missing == [], "Add these to tests/security/matrix_expectations.py: " + ", ".join(missing)
    stale = [f"{method} {name}" for name, method in table.ROWS_BY_KEY if (name, method) not in set(cases())]
    assert stale == [], "These rows name no route or operation any more: " + ", ".join(stale)


def test_permission_matrix(world):
    problems: list[str] = []
    covered = [(name, method) for name, method in cases() if (name, method) in table.ROWS_BY_KEY]
    record = os.environ.get("MATRIX_RECORD")
    if record:  # writes what the code does today, to review against the rules (never in CI)
        observed = {
            f"{name} {method}": {
                p: outcome(_client(world, p), method, _url(name, world), table.BODIES.get((name, method)))
                for p in matrix_world.PERSONAS
            }
            for name, method in cases()
        }
        Path(record).write_text(json.dumps(observed, indent=1))
    for name, method in covered:
        problems += _run(world, name, method)
    print(f"permission matrix: {CASES_RUN['cases']} route x method x persona cases")
    assert problems == [], "\n".join(problems)


def test_account_and_admin_pages(world):
    """The smaller tables for the pages the generated matrix leaves out."""
    problems = []
    for persona in matrix_world.PERSONAS:
        client = _client(world, persona)
        for url, expected in [*table.ACCOUNT_PAGES.items(), *table.ADMIN_PAGES.items()]:
            want = expected.get(persona, expected["*"])
            got = outcome(client, "GET", url)
            CASES_RUN["cases"] += 1
            if got != want:
                problems.append(f"GET {url} as {persona}: expected {want}, got {got}")
    assert problems == [], "\n".join(problems)

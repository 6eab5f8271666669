"""schemathesis over the whole OpenAPI schema, through the WSGI app, as two personas: the district's
coordinator (sees and may change much) and the outsider (sees the public directory only). No
answer may be a server error, and every answer must match what the schema documents (its body,
its content type)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.security import matrix_expectations as table
from tests.security import matrix_world

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.response_schema_conformance,
    openapi_checks.content_type_conformance,
]
EXAMPLES_PER_OPERATION = 8


def _value(obj: Any) -> Any:
    return obj.pk if hasattr(obj, "pk") else obj


@pytest.fixture
def schema(db):  # type: ignore[no-untyped-def]
    """The schema as the app serves it, called through WSGI. As Django's test client does, the
    handler must not close the test's database connection at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["coordinator", "no_role"])
def test_every_operation_answers_as_documented_and_never_with_a_server_error(schema, cw, persona):
    world = matrix_world.build(cw)
    token, _ = Token.objects.get_or_create(user=world.users[persona])
    headers = {"Authorization": f"Token {token.key}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:
        # Path ids are those of the world's objects (``/meetings/{id}/``: the meeting), so that
        # sub-resources answer with their bodies rather than 404.
        path_parameters = {
            name: _value(world.objects[table.SEGMENT_OBJECTS[segment]])
            for segment, name in re.findall(r"([\w-]+)/\{(\w+)\}", operation.path)
        }

        @given(case=operation.as_strategy(path_parameters=path_parameters or None))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report every failing operation
            failures.append(f"{operation.label}: {str(exc)[:3000]}")
    assert failures == [], "\n\n".join(failures)


def test_the_schema_documents_masked_fields_as_nullable_and_sub_resource_lists_as_plain_lists():
    """Finding 17, as the fuzzing above first found it: what the API masks to null is documented as
    nullable, and a meeting's or committee's sub-resource lists are documented as the plain arrays
    they are, not as paginated pages."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for component, field in [
        ("Person", "email"),
        ("Person", "phone"),
        ("Person", "gender"),
        ("Committee", "next_meeting_at"),
        ("AgendaItem", "minutes"),
    ]:
        assert components[component]["properties"][field].get("nullable") is True, (component, field)
    for path in ["committees/{id}/members", *(f"meetings/{{id}}/{sub}" for sub in SUB_RESOURCES)]:
        body = schema["paths"][f"/api/v1/{path}/"]["get"]["responses"]["200"]["content"]["application/json"]
        assert body["schema"]["type"] == "array", path


SUB_RESOURCES = ["agenda-items", "invitations", "attendance", "decisions"]

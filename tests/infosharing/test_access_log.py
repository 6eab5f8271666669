"""The access log is append-only: the model refuses changes, and the database itself refuses UPDATE
and DELETE (a pgtrigger protect trigger on PostgreSQL, an UPDATE trigger on SQLite)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from infosharing.models import AccessLog, AccessLogIsAppendOnly

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(sw):  # type: ignore[no-untyped-def]
    return AccessLog.objects.filter(event="grant").first()


def test_the_model_refuses_changes(entry):
    entry.reason = "rewritten"
    with pytest.raises(AccessLogIsAppendOnly):
        entry.save()
    with pytest.raises(AccessLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.all().delete()


def test_the_database_refuses_update(entry):
    table = AccessLog._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(f"UPDATE {table} SET reason = 'rewritten' WHERE id = %s", [entry.pk])  # noqa: S608
    entry.refresh_from_db()
    assert entry.reason != "rewritten"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's (DATABASE_URL)")
def test_postgresql_refuses_delete(entry):
    table = AccessLog._meta.db_table
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(), connection.cursor() as c:
        c.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert AccessLog.objects.filter(pk=entry.pk).exists()

"""The periodic purge of uploads left waiting for confirmation (their rows are personal data)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stakeholders import services
from stakeholders.models import ImportBatch
from stakeholders.tasks import purge_stale_imports_task

pytestmark = pytest.mark.django_db

CSV = b"name,kind,sector,jurisdiction\nHarbour Choir,community,civil-society,RU-N-HC\n"


def _upload(user):  # type: ignore[no-untyped-def]
    return services.import_batch_preview(actor=user, kind="organisations", filename="o.csv", data=CSV)


def test_abandoned_uploads_are_purged_after_a_day_whoever_uploaded_them(world):
    old = _upload(world.alice)
    fresh = _upload(world.admin)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert purge_stale_imports_task.delay().get() == 1
    assert not ImportBatch.objects.filter(pk=old.pk).exists()
    assert ImportBatch.objects.filter(pk=fresh.pk).exists()
    assert purge_stale_imports_task.delay().get() == 0  # running again (a retry, a late run) changes nothing


def test_committed_uploads_keep_their_record_but_not_their_rows(world):
    batch = _upload(world.alice)
    assert batch.errors == [], batch.errors
    services.import_batch_commit(actor=world.alice, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=30))
    purge_stale_imports_task.delay()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.rows == []
